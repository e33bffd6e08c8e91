// Traceability lot codes in GS1 element string form, to and from Digital Links, against what the former
// copy in the FSMA 204 export produced.

import t from 'tap'
import { parseIdentifier } from '../../src/food/identifiers.js'
import { digitalLinkOfTlc, formatTlc } from '../../src/food/tlc.js'

const GTIN = '06901234001037'

t.test('digitalLinkOfTlc: the links the former copy built', async (t) => {
  // Outputs of the former copy (encodeURIComponent), recorded before it was replaced.
  const cases: [string, string | undefined][] = [
    [`(01)${GTIN}(10)Z260526A`, `https://id.gs1.org/01/${GTIN}/10/Z260526A`],
    [` (01)${GTIN}(21)7 `, `https://id.gs1.org/01/${GTIN}/21/7`],
    [`(01)${GTIN}(10)A/1(21)x,y`, `https://id.gs1.org/01/${GTIN}/10/A%2F1/21/x%2Cy`],
    [`(01)${GTIN}`, `https://id.gs1.org/01/${GTIN}`],
    ['(00)106141412345678908', 'https://id.gs1.org/00/106141412345678908'],
    ['(00)106141412345678908(10)L', 'https://id.gs1.org/00/106141412345678908/10/L'],
    [`(01)${GTIN}(21)7(10)L`, undefined],
    ['urn:epc:class:lgtin:6901234.000103.Z260526A', undefined],
    [`(01)${GTIN.slice(1)}(10)L`, undefined],
  ]
  for (const [text, link] of cases) t.equal(digitalLinkOfTlc(text), link, text)
  // ! ' * were left as they are before; both spellings are the same lot.
  const now = digitalLinkOfTlc(`(01)${GTIN}(10)A!'*`) as string
  t.equal(now, `https://id.gs1.org/01/${GTIN}/10/A%21%27%2A`)
  t.same(parseIdentifier(now), parseIdentifier(`https://id.gs1.org/01/${GTIN}/10/A!'*`))
})

t.test('formatTlc and digitalLinkOfTlc are inverse for lots and items', async (t) => {
  for (const id of [`urn:epc:class:lgtin:6901234.000103.A%2F1`, 'urn:epc:id:sgtin:6901234.000103.77', 'urn:epc:id:sscc:0614141.1234567890']) {
    const tlc = formatTlc(id)
    t.same(parseIdentifier(digitalLinkOfTlc(tlc) as string).gtin, parseIdentifier(id).gtin, tlc)
    t.equal(formatTlc(digitalLinkOfTlc(tlc) as string), tlc)
  }
  t.equal(formatTlc('not an id'), 'not an id')
})
