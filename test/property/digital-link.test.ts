// Property: the GS1 Digital Link resolver (/01/...) with random paths: valid and broken GTINs, lots and
// serials with hostile characters and percent escapes, qualifiers out of order, `..`, `//`, long values,
// asked for as a page (Accept: text/html) and as JSON. Never a 5xx; a JSON 4xx has a code; an HTML 4xx
// is a page; nothing is written.

import t from 'tap'
import fc from 'fast-check'
import { NASTY_CHARACTERS } from '../helpers/hostile-json.js'
import { expect, expectAnswer, logState, propertyParameters } from '../helpers/property.js'
import { propertyNode } from '../helpers/statement-bases.js'

const property = await propertyNode(t)

/** GTIN-14 with its GS1 check digit (mod 10, weights 3 and 1 from the right). */
function withCheckDigit(body: string): string {
  let sum = 0
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1)
  return body + String((10 - (sum % 10)) % 10)
}

const KNOWN_GTINS = ['06901234000115', '06901234000283', '06901234001037']
const KNOWN_LOTS = ['P2605C', 'R2605A', 'Z260526A']

const gtin = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_GTINS) },
  { weight: 2, arbitrary: fc.stringMatching(/^\d{13}$/).map(withCheckDigit) },
  { weight: 1, arbitrary: fc.stringMatching(/^\d{14}$/) }, // mostly a wrong check digit
  { weight: 1, arbitrary: fc.constantFrom('', '0', '1234567890123', '012345678901234', '0690123400011X', '０６９０１２３４０００１１５', '%30690123400011', '..', '0'.repeat(70)) },
)

/** A path segment: a plain value, or one with hostile characters (escaped or raw), a long one, or a dot segment. */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_LOTS, 'L1', 'ABC-123', 'a%2Fb', 'a b') },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...NASTY_CHARACTERS).map(escapeSegment), fc.stringMatching(/^[A-Za-z0-9]{1,8}$/)), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%ED%A0%80', '%FF', '%C0%AF', '%00', '%2E%2E', '..', '.', '', '%2F', '?x', '#x', ';x', '~', '%E4%B8%AD') },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 9000 }).map((n) => 'L'.repeat(n)) },
)

/** Escapes a segment's characters as a browser would, lone surrogates as the CESU-8 bytes no decoder takes. */
function escapeSegment(text: string): string {
  return /^[\ud800-\udfff]$/.test(text) ? '%ED%A0%80' : encodeURIComponent(text)
}

const path = fc
  .tuple(
    gtin,
    fc.array(fc.tuple(fc.constantFrom('10', '21', '22', '235', '17', '01', '10', '21', 'x', ''), segment), { maxLength: 3 }),
    fc.constantFrom('', '', '/', '//', '/..', '/.', '?linkType=all', '?format=json', '?format=html', '?format=%FF'),
  )
  .map(([item, qualifiers, tail]) => `/01/${item}${qualifiers.map(([ai, value]) => `/${ai}/${value}`).join('')}${tail}`)

const accept = fc.constantFrom('text/html', 'application/json', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', '*/*', 'application/ld+json', '', 'text/html;q=0, application/json')

t.test('the resolver with random Digital Link paths, as a page and as JSON', async (t) => {
  const before = await logState(property.app)
  const answers = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(path, accept, async (url, type) => {
      const response = await property.app.inject({ method: 'GET', url, headers: type === '' ? {} : { accept: type } })
      const body = expectAnswer(response, `GET ${url} (Accept: ${type})`, { html: true }) as { code?: string } | undefined
      const contentType = String(response.headers['content-type'] ?? '')
      if (response.statusCode < 300) expect(/json|html/.test(contentType), `GET ${url}: ${response.statusCode} as ${contentType}`)
      if (response.statusCode >= 400 && contentType.startsWith('text/html')) expect(/<html/i.test(response.body), `GET ${url}: an HTML ${response.statusCode} that is not a page`)
      const answer = `${response.statusCode < 300 ? response.statusCode : (body?.code ?? `${response.statusCode} page`)}`
      answers.set(answer, (answers.get(answer) ?? 0) + 1)
    }),
    propertyParameters(t, 400),
  )
  t.comment(`answers: ${[...answers].map(([answer, count]) => `${answer} ${count}`).join(', ')}`)
  t.ok((answers.get('200') ?? 0) > 0, 'some paths resolved')
  t.same(await logState(property.app), before, 'the resolver wrote nothing')
})
