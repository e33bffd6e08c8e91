// Property: GET /v1/events with random query strings built from the supported EPCIS parameters (the
// filters inside events among them), with values from the node's own data and hostile ones, extra
// parameters, repeated keys and raw percent escapes (some not UTF-8). Every answer a 2xx or a 4xx with
// a code; a next page link is followable.

import t from 'tap'
import fc from 'fast-check'
import { SUPPORTED_PARAMETERS } from '../../src/food/event-query.js'
import { NASTY_CHARACTERS, hostileString } from '../helpers/hostile-json.js'
import { expect, expectAnswer, logState, propertyParameters } from '../helpers/property.js'
import { propertyNode } from '../helpers/statement-bases.js'

const property = await propertyNode(t)

/** Values that match the demo's events, so some queries find something and page. */
const REAL_VALUES = [
  'ObjectEvent', 'AggregationEvent', 'TransformationEvent', 'TransactionEvent', 'AssociationEvent', 'ObjectEvent|TransformationEvent',
  'ADD', 'OBSERVE', 'DELETE', 'ADD,OBSERVE',
  'receiving', 'shipping', 'commissioning', 'urn:epcglobal:cbv:bizstep:receiving', 'https://ref.gs1.org/cbv/BizStep-receiving', 'in_progress',
  'urn:epc:id:sgln:6901234.00001.0', 'urn:epc:id:sgln:6901234.00003.1', 'https://id.gs1.org/414/6901234000012',
  'https://id.gs1.org/01/06901234000283/10/P2605C', 'urn:epc:class:lgtin:6901234.000103.Z260526A', 'https://id.gs1.org/01/06901234000115/10/R2605A',
  'urn:epc:id:sgtin:6901234.000103.1', 'urn:epc:id:sscc:6901234.0000000001',
  '2026-05-01T00:00:00Z', '2026-05-25T15:00:00.000+08:00', '2026-06-01T00:00:00.000Z', '2026-02-30T00:00:00Z', '2026-05-01',
  'eventTime', 'ASC', 'DESC', '1', '2', '30', '1000', '1001', '0', '-1', '9007199254740993', '1e3',
  'Temperature', 'gs1:Temperature', 'CEL', '4.5', 'true', 'false', 'incorrect_data', 'ex:thing', 'https://gs1.org/voc/Temperature',
]

/** Filters that look inside events (event-filters.ts), with fixed names and with prefixed field names. */
const FILTER_NAMES = [
  'EXISTS_errorDeclaration', 'EXISTS_sensorElementList', 'EXISTS_ilmd', 'EQ_quantity', 'GE_quantity_KGM', 'EQ_type', 'GE_value', 'LT_value_CEL',
  'EQ_uom', 'EQ_booleanValue', 'GE_time', 'GE_percRank', 'EQ_errorReason', 'EQ_correctiveEventID', 'EQ_ex:thing', 'GT_ex:thing',
  'EXISTS_ex:thing', 'EQ_ILMD_cbvmda:lotNumber', 'GT_ILMD_cbvmda:netWeight', 'EXISTS_ILMD_ex:thing', 'EQ_https://ns.example.com/x',
]

/** A raw escape: valid UTF-8, or bytes that are not (a lone surrogate's CESU-8, 0xFF, a cut sequence), or not an escape. */
const rawEscape = fc.constantFrom('%20', '%2C', '%7C', '%26', '%3D', '%2B', '%25', '%00', '%E4%B8%AD', '%ED%A0%80', '%FF', '%C0%AF', '%E4%B8', '%', '%Z1', '%%', '+', '%uD800')

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes the escapes of its CESU-8 bytes: not UTF-8. */
function percentEncode(text: string): string {
  return text
    .split(/([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/)
    .map((part) => (part.length === 1 && /[\ud800-\udfff]/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('')
}

const valueText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...REAL_VALUES).map(encodeURIComponent) },
  { weight: 2, arbitrary: hostileString.filter((s) => s.length < 300).map(percentEncode) },
  { weight: 1, arbitrary: fc.array(fc.oneof(rawEscape, fc.constantFrom(...REAL_VALUES).map(encodeURIComponent), fc.constantFrom(...NASTY_CHARACTERS).map(percentEncode)), { maxLength: 5 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => 'x'.repeat(n)) },
)

const nameText = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom(...SUPPORTED_PARAMETERS) },
  { weight: 8, arbitrary: fc.constantFrom(...FILTER_NAMES).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'EQ_quantity', 'MATCH_', 'eventtype', 'perpage', 'format', '', 'a[b]', 'a.b', 'nextPageToken[]') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SUPPORTED_PARAMETERS), rawEscape).map(([name, escape]) => name + escape) },
)

const queryString = fc
  .array(fc.tuple(nameText, valueText, fc.constantFrom('=', '=', '=', '', '==')), { maxLength: 6 })
  .map((pairs) => pairs.map(([name, value, equals]) => (equals === '' ? name : `${name}${equals}${value}`)).join('&'))

t.test('GET /v1/events with random query strings', async (t) => {
  const before = await logState(property.app)
  const answers = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(queryString, async (query) => {
      const url = `/v1/events?${query}`
      const response = await property.app.inject({ method: 'GET', url })
      const body = expectAnswer(response, `GET ${url}`) as { type?: string; code?: string }
      const answer = response.statusCode < 300 ? String(response.statusCode) : body.code!
      answers.set(answer, (answers.get(answer) ?? 0) + 1)
      if (response.statusCode >= 300) return
      expect(body?.type === 'EPCISQueryDocument', `GET ${url}: not an EPCISQueryDocument`)
      const link = response.headers.link
      if (typeof link === 'string') {
        const next = /^<([^>]+)>; rel="next"$/.exec(link)
        expect(next, `GET ${url}: Link ${link}`)
        const page = await property.app.inject({ method: 'GET', url: next[1] })
        expectAnswer(page, `GET ${next[1]} (next page of ${url})`)
        expect(page.statusCode === 200, `the next page of ${url} answered ${page.statusCode}`)
      }
    }),
    propertyParameters(t, 400),
  )
  t.comment(`answers: ${[...answers].map(([answer, count]) => `${answer} ${count}`).join(', ')}`)
  t.ok((answers.get('200') ?? 0) > 0, 'some queries were answered')
  t.same(await logState(property.app), before, 'queries wrote nothing')
})
