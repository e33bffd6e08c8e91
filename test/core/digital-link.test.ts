// The one Digital Link builder (GS1 Digital Link URI Syntax 1.2 §4) against what each of the copies it
// replaced produced: the resolver's rebuilt request, the FSMA 204 TLC, labels, search and toDigitalLink.

import t from 'tap'
import { buildDigitalLink, encodeDigitalLinkValue, formatDigitalLinkPath, gtinElements } from '../../src/core/digital-link-path.js'
import { identifierKey, parseIdentifier, toDigitalLink } from '../../src/food/identifiers.js'
import { keyOrText } from '../../src/food/objects.js'
import { digitalLinkOf } from '../../src/food/http/resolver-routes.js'
import { buildLabelUri } from '../../src/labels/digital-link.js'
import { gs1ExampleDocuments } from '../helpers/gs1-examples.js'

const GTIN = '06901234001037'

t.test('values: only URI unreserved characters stay as they are', async (t) => {
  t.equal(encodeDigitalLinkValue('Z260526A-._~'), 'Z260526A-._~')
  t.equal(encodeDigitalLinkValue("A/1 b'(c)*!"), 'A%2F1%20b%27%28c%29%2A%21')
  t.equal(encodeDigitalLinkValue('批次%'), '%E6%89%B9%E6%AC%A1%25')
  t.equal(formatDigitalLinkPath(gtinElements({ gtin: GTIN, cpv: '2A', lot: 'L.1', serial: 'S(1)' })), `01/${GTIN}/22/2A/10/L.1/21/S%281%29`)
  t.equal(buildDigitalLink([['414', '0614141000012'], ['254', 'A/1']], 'https://x.cn/a//'), 'https://x.cn/a/414/0614141000012/254/A%2F1')
})

t.test('the resolver request (digitalLinkOf): the former encodeURIComponent copy, same where it encodes alike', async (t) => {
  // Outputs of the former copy, recorded before it was replaced.
  const cases: [Parameters<typeof digitalLinkOf>[0], string][] = [
    [{ gtin: GTIN }, `https://id.gs1.org/01/${GTIN}`],
    [{ gtin: GTIN, lot: 'Z260526A' }, `https://id.gs1.org/01/${GTIN}/10/Z260526A`],
    [{ gtin: GTIN, serial: '7' }, `https://id.gs1.org/01/${GTIN}/21/7`],
    [{ gtin: GTIN, lot: '批次%' }, `https://id.gs1.org/01/${GTIN}/10/%E6%89%B9%E6%AC%A1%25`],
    [{ gtin: GTIN, lot: 'A/1 b', serial: '9' }, `https://id.gs1.org/01/${GTIN}/10/A%2F1%20b/21/9`],
  ]
  for (const [params, former] of cases) t.equal(digitalLinkOf(params), former)
  // The former copy left ! ' ( ) * as they are; both spellings parse to the same identifier.
  const former = `https://id.gs1.org/01/${GTIN}/10/A(1)/21/x'*!`
  const now = digitalLinkOf({ gtin: GTIN, lot: 'A(1)', serial: "x'*!" })
  t.equal(now, `https://id.gs1.org/01/${GTIN}/10/A%281%29/21/x%27%2A%21`)
  t.same(parseIdentifier(now), parseIdentifier(former))
  t.equal(now, toDigitalLink(parseIdentifier(former)), 'and it is the canonical link')
})

t.test('labels: the same URI as the former copy, on the node base, then the log key id in the fragment', async (t) => {
  const target = { gtin: GTIN, lot: 'A/1 b', serial: "x'(y)*!" }
  t.equal(buildLabelUri('https://trace.example.cn/food/', target, '370b113f'), `https://trace.example.cn/food/01/${GTIN}/10/A%2F1%20b/21/x%27%28y%29%2A%21#log=370b113f`)
  t.equal(buildLabelUri('https://trace.example.cn', { gtin: GTIN, lot: '批次%' }, '370b113f'), `https://trace.example.cn/01/${GTIN}/10/%E6%89%B9%E6%AC%A1%25#log=370b113f`)
  // The part a resolver sees is the Digital Link as before: the parser ignores the fragment, and the
  // link without it is the same identifier.
  for (const uri of [
    buildLabelUri('https://trace.example.cn/food/', { gtin: GTIN, lot: 'A/1', serial: "x'(y)*!" }, '370b113f'),
    buildLabelUri('https://x.cn', { gtin: GTIN, lot: 'Z260526A' }, '0123456789abcdef'),
  ]) {
    const [link, fragment] = uri.split('#')
    t.match(fragment, /^log=[0-9a-f]{8,64}$/)
    t.same(parseIdentifier(uri), parseIdentifier(link), uri)
    t.equal(identifierKey(parseIdentifier(link)), identifierKey(parseIdentifier(toDigitalLink(parseIdentifier(link)))))
  }
})

t.test('toDigitalLink: the same links as before, for every kind', async (t) => {
  const cases: [string, string][] = [
    ['urn:epc:id:sgtin:0614141.812345.6789', 'https://id.gs1.org/01/80614141123458/21/6789'],
    ['urn:epc:id:sscc:0614141.1234567890', 'https://id.gs1.org/00/106141412345678908'],
    ['urn:epc:class:lgtin:0614141.812345.A%2F(1)', 'https://id.gs1.org/01/80614141123458/10/A%2F%281%29'],
    ['urn:epc:id:sgln:0614141.00001.A%2F1', 'https://id.gs1.org/414/0614141000012/254/A%2F1'],
    [`https://id.gs1.org/01/${GTIN}/22/2A/10/L.1/21/S(1)`, `https://id.gs1.org/01/${GTIN}/22/2A/10/L.1/21/S%281%29`],
  ]
  for (const [text, link] of cases) t.equal(toDigitalLink(parseIdentifier(text)), link, text)
  t.equal(identifierKey(parseIdentifier(cases[4][0])), `01/${GTIN}/22/2A/21/S%281%29`, 'a serialised key leaves the lot out')
})

t.test('keyOrText: the index key of what parses, the text itself otherwise', async (t) => {
  t.equal(keyOrText('urn:epc:class:lgtin:6901234.000103.Z260526A'), `01/${GTIN}/10/Z260526A`)
  t.equal(keyOrText(`https://example.cn/01/${GTIN}/10/Z260526A?x=1`), `01/${GTIN}/10/Z260526A`, 'any domain, query ignored')
  t.equal(keyOrText('urn:example:pallet:7'), 'local:urn:example:pallet:7')
  for (const text of ['not an id', '', `https://id.gs1.org/01/${GTIN.slice(0, -1)}8`, 'urn:epc:id:sgtin:1.2.3']) t.equal(keyOrText(text), text, JSON.stringify(text))
})

t.test("GS1's own example Digital Links: as label URIs, the part before '#' is the same link on our base", async (t) => {
  const links = new Set<string>()
  for (const { doc } of gs1ExampleDocuments()) for (const match of JSON.stringify(doc).matchAll(/https:\/\/id\.gs1\.org\/01\/[^"]+/g)) links.add(match[0])
  t.ok(links.size >= 8, `${links.size} GTIN links in GS1's examples`)
  for (const link of links) {
    const id = parseIdentifier(link)
    const uri = buildLabelUri('https://trace.example.cn', { gtin: id.gtin as string, lot: id.lot, serial: id.serial }, '370b113f')
    const [before, after] = uri.split('#')
    t.equal(after, 'log=370b113f', link)
    t.equal(before, link.replace('https://id.gs1.org', 'https://trace.example.cn'), `${link}: the Digital Link unchanged`)
    t.same(parseIdentifier(uri), id, `${link}: the same identifier, fragment or not`)
  }
})
