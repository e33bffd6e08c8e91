// GS1 identifiers: EPC URNs (TDS 2.0) and Digital Link URIs (DL URI Syntax 1.2) as one value, on GS1's
// own examples, and every identifier in GS1's EPCIS 2.0 example documents.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import {
  DEFAULT_COMPANY_PREFIX_LENGTH,
  gs1CheckDigit,
  identifierKey,
  isValidGs1Key,
  parseIdentifier,
  toDigitalLink,
  toEpcUrn,
  type Gs1Identifier,
} from '../../src/food/identifiers.js'
import { eventsOf, gs1ExampleDocuments } from '../helpers/gs1-examples.js'

const SOURCES = ['identifiers.ts', 'identifier-forms.ts'].map((name) => fileURLToPath(new URL(`../../src/food/${name}`, import.meta.url)))

/** Both spellings of one object: TDS 2.0 and DL 1.2 examples (GTINs recomputed where noted). */
const PAIRS: [string, string, string][] = [
  // TDS 2.0 §6.3.1 / §7: GTIN 80614141123458, serial 6789
  ['urn:epc:id:sgtin:0614141.812345.6789', 'https://id.gs1.org/01/80614141123458/21/6789', '01/80614141123458/21/6789'],
  // urn:epc:id:sgtin:0614141.112345.400 is GTIN 10614141123459 (indicator 1), not 80614141123458
  ['urn:epc:id:sgtin:0614141.112345.400', 'https://id.gs1.org/01/10614141123459/21/400', '01/10614141123459/21/400'],
  ['urn:epc:id:sgtin:0614141.812345.400', 'https://id.gs1.org/01/80614141123458/21/400', '01/80614141123458/21/400'],
  ['urn:epc:id:sscc:0614141.1234567890', 'https://id.gs1.org/00/106141412345678908', '00/106141412345678908'],
  ['urn:epc:id:sgln:0614141.12345.400', 'https://id.gs1.org/414/0614141123452/254/400', '414/0614141123452/254/400'],
  ['urn:epc:id:sgln:0614141.12345.0', 'https://id.gs1.org/414/0614141123452', '414/0614141123452'],
  ['urn:epc:class:lgtin:4012345.012345.998877', 'https://id.gs1.org/01/04012345123456/10/998877', '01/04012345123456/10/998877'],
  ['urn:epc:idpat:sgtin:4012345.066666.*', 'https://id.gs1.org/01/04012345666663', '01/04012345666663'],
  // GS1's own EPCIS examples, Example_9.6.3/9.6.4 against their WithDigitalLinkID versions
  ['urn:epc:idpat:sgtin:4012345.098765.*', 'https://id.gs1.org/01/04012345987652', '01/04012345987652'],
  ['urn:epc:class:lgtin:0614141.077777.987', 'https://id.gs1.org/01/00614141777778/10/987', '01/00614141777778/10/987'],
]

t.test('GS1 examples convert both ways and share one key', async (t) => {
  for (const [urn, link, key] of PAIRS) {
    const fromUrn = parseIdentifier(urn)
    const fromLink = parseIdentifier(link)
    t.equal(identifierKey(fromUrn), key, `key of ${urn}`)
    t.equal(identifierKey(fromLink), key, `key of ${link}`)
    t.equal(toDigitalLink(fromUrn), link, `${urn} -> Digital Link`)
    t.equal(toEpcUrn(fromLink, fromUrn.companyPrefixLength), urn, `${link} -> EPC URN`)
    t.equal(toEpcUrn(fromUrn), urn, `${urn} round trip`)
    t.equal(toDigitalLink(fromLink), link, `${link} round trip`)
  }
})

t.test('parsed fields', async (t) => {
  t.same(parseIdentifier('urn:epc:id:sgtin:0614141.812345.6789'), { kind: 'sgtin', gtin: '80614141123458', serial: '6789', companyPrefixLength: 7 })
  t.same(parseIdentifier('urn:epc:id:sscc:0614141.1234567890'), { kind: 'sscc', sscc: '106141412345678908', companyPrefixLength: 7 })
  t.same(parseIdentifier('urn:epc:id:sgln:0614141.12345.400'), { kind: 'sgln', gln: '0614141123452', extension: '400', companyPrefixLength: 7 })
  t.same(parseIdentifier('urn:epc:id:sgln:0614141.12345.0'), { kind: 'sgln', gln: '0614141123452', companyPrefixLength: 7 })
  t.same(parseIdentifier('urn:epc:class:lgtin:4012345.012345.998877'), { kind: 'lgtin', gtin: '04012345123456', lot: '998877', companyPrefixLength: 7 })
  t.same(parseIdentifier('urn:epc:idpat:sgtin:4012345.066666.*'), { kind: 'gtin', gtin: '04012345666663', companyPrefixLength: 7 })
  t.same(parseIdentifier('https://id.gs1.org/01/09506000134352/10/ABC1/21/12345'), { kind: 'sgtin', gtin: '09506000134352', lot: 'ABC1', serial: '12345' })
  t.same(parseIdentifier('https://id.gs1.org/01/09506000134352'), { kind: 'gtin', gtin: '09506000134352' })
  t.same(parseIdentifier('https://id.gs1.org/414/9506000134307'), { kind: 'sgln', gln: '9506000134307' })
  t.same(parseIdentifier('https://id.gs1.org/414/9506000134307/254/0'), { kind: 'sgln', gln: '9506000134307' }, 'extension 0 is no extension, as in the URN')
  // 12-digit company prefix: empty location reference (TDS allows it)
  t.same(parseIdentifier('urn:epc:id:sgln:061414112345..7'), { kind: 'sgln', gln: '0614141123452', extension: '7', companyPrefixLength: 12 })
  t.equal(toEpcUrn(parseIdentifier('https://id.gs1.org/414/0614141123452/254/7'), 12), 'urn:epc:id:sgln:061414112345..7')
  t.equal(DEFAULT_COMPANY_PREFIX_LENGTH, 7)
})

t.test('Digital Links on other domains, with an own path, a query and a fragment', async (t) => {
  const key = '01/09506000134352/10/ABC1'
  for (const text of [
    'https://brand.example.com/01/09506000134352/10/ABC1',
    'http://brand.example.com/products/rice/01/09506000134352/10/ABC1?17=261231&linkType=gs1:pip#top',
    'https://example.com/01/9506000134352/10/ABC1',
    'HTTPS://ID.GS1.ORG/01/09506000134352/10/ABC1',
  ]) {
    t.equal(identifierKey(parseIdentifier(text)), key, text)
  }
  // an own path that itself looks like a key: the key nearest the end wins, as in GS1's syntax engine
  t.equal(identifierKey(parseIdentifier('https://brand.example.com/01/12345/01/09506000134352')), '01/09506000134352')
  t.equal(toDigitalLink(parseIdentifier('urn:epc:class:lgtin:4012345.012345.998877'), 'https://trace.example.cn/r/'), 'https://trace.example.cn/r/01/04012345123456/10/998877')
  t.throws(() => toDigitalLink(parseIdentifier('urn:epc:idpat:sgtin:4012345.066666.*'), 'ftp://x'), TypeError)
})

t.test('GTIN-8, -12 and -13 in a Digital Link are left-padded to 14 digits', async (t) => {
  t.equal(parseIdentifier('https://id.gs1.org/01/96385074').gtin, '00000096385074')
  t.equal(parseIdentifier('https://id.gs1.org/01/614141123452').gtin, '00614141123452')
  t.equal(parseIdentifier('https://id.gs1.org/01/9506000134352/21/1').gtin, '09506000134352')
  t.throws(() => parseIdentifier('https://id.gs1.org/01/950600013435'), { code: 'CHECK_DIGIT_INVALID' }, '12 digits, so the check digit is 5')
  for (const bad of ['950600013', '1234567', '095060001343521']) {
    t.throws(() => parseIdentifier(`https://id.gs1.org/01/${bad}`), { code: 'IDENTIFIER_INVALID' }, `${bad.length} digits`)
  }
})

t.test('wrong check digits', async (t) => {
  for (const text of [
    'https://id.gs1.org/01/80614141123459/21/400',
    'https://id.gs1.org/01/09506000134353',
    'https://example.com/shop/01/04012345123457/10/998877',
    'https://id.gs1.org/00/106141412345678909',
    'https://id.gs1.org/414/0614141123453/254/400',
    'https://id.gs1.org/414/0614141123450',
  ]) {
    t.throws(() => parseIdentifier(text), { code: 'CHECK_DIGIT_INVALID' }, text)
  }
  const error = t.throws(() => parseIdentifier('https://id.gs1.org/01/09506000134353')) as unknown as { details: { gtin: string } }
  t.equal(error.details.gtin, '09506000134353')
})

t.test('qualifier order and qualifiers that do not belong', async (t) => {
  for (const text of [
    'https://id.gs1.org/01/09506000134352/21/12345/10/ABC1', // 21 before 10
    'https://id.gs1.org/01/09506000134352/10/ABC1/22/V1', // 22 after 10
    'https://id.gs1.org/01/09506000134352/10/A/10/B', // twice
    'https://id.gs1.org/01/09506000134352/17/261231', // a data attribute belongs in the query
    'https://id.gs1.org/00/106141412345678908/10/ABC', // an SSCC takes no qualifier
    'https://id.gs1.org/414/0614141123452/21/1',
    'https://id.gs1.org/01/09506000134352/21/', // empty value
    'https://id.gs1.org/01/09506000134352/21/%ZZ', // bad percent-encoding
    'https://id.gs1.org/01/09506000134352/10/ABCDEFGHIJKLMNOPQRSTU', // 21 characters
    'https://id.gs1.org/01/09506000134352/10/%C3%A9', // not in character set 82
    'https://id.gs1.org/gtin/0950600013435X', // a DL 1.0 short name is read, its value checked all the same
    'https://id.gs1.org/01/0950600013435X',
  ]) {
    t.throws(() => parseIdentifier(text), { code: 'IDENTIFIER_INVALID' }, text)
  }
  t.same(parseIdentifier('https://id.gs1.org/01/09506000134352/22/V1/10/ABC1/21/9'), {
    kind: 'sgtin', gtin: '09506000134352', cpv: 'V1', lot: 'ABC1', serial: '9',
  })
  t.ok(parseIdentifier('https://id.gs1.org/01/09506000134352/22/V1/21/9'), 'a qualifier may be skipped')
  // DL 1.3 removed the short names, but labels printed before it carry them: read, never written.
  t.equal(identifierKey(parseIdentifier('https://id.gs1.org/gtin/09506000134352/lot/ABC1')), '01/09506000134352/10/ABC1')
  t.equal(toDigitalLink(parseIdentifier('https://example.com/giai/4000001111')), 'https://id.gs1.org/8004/4000001111')
})

t.test('serials and lots with reserved characters', async (t) => {
  const id = parseIdentifier('https://id.gs1.org/01/80614141123458/21/A%2FB%25%3F%26%22%3C%3E!x')
  t.equal(id.serial, 'A/B%?&"<>!x')
  t.equal(toEpcUrn(id), 'urn:epc:id:sgtin:0614141.812345.A%2FB%25%3F%26%22%3C%3E!x', 'TDS escapes " % & / < > ? and nothing else')
  t.equal(toDigitalLink(id), 'https://id.gs1.org/01/80614141123458/21/A%2FB%25%3F%26%22%3C%3E%21x')
  t.equal(identifierKey(id), '01/80614141123458/21/A%2FB%25%3F%26%22%3C%3E%21x', 'no "/" inside a value of the key')
  t.same(parseIdentifier(toEpcUrn(id)), { ...id, companyPrefixLength: 7 })
  t.equal(identifierKey(parseIdentifier(toEpcUrn(id))), identifierKey(id))
  // the same serial with its punctuation left as it is in the path, or encoded where it need not be
  t.equal(parseIdentifier("https://id.gs1.org/01/80614141123458/21/a-b.c_d!'()*+,;=:").serial, "a-b.c_d!'()*+,;=:")
  t.equal(parseIdentifier('urn:epc:id:sgtin:0614141.812345.%34%30%30').serial, '400')
  // a serial with dots: the third URN component keeps them
  t.equal(parseIdentifier('urn:epc:id:sgtin:0614141.812345.1.2.3').serial, '1.2.3')
  t.equal(parseIdentifier('urn:epc:class:lgtin:4023333.002000.2019-10-07').lot, '2019-10-07')
  for (const text of ['urn:epc:id:sgtin:0614141.812345.A/B', 'urn:epc:id:sgtin:0614141.812345.a?b', 'urn:epc:id:sgtin:0614141.812345.a%2', 'urn:epc:class:lgtin:4012345.012345.%E2%82%AC']) {
    t.throws(() => parseIdentifier(text), { code: 'IDENTIFIER_INVALID' }, text)
  }
})

t.test('malformed EPC URNs', async (t) => {
  for (const text of [
    'urn:epc:id:sgtin:0614141.81234.6789', // 12 digits of prefix and reference
    'urn:epc:id:sgtin:0614141.8123456.6789', // 14
    'urn:epc:id:sgtin:06141.4181234.6789', // prefix of 5 digits
    'urn:epc:id:sgtin:0614141.812345', // no serial
    'urn:epc:id:sgtin:0614141.812345.', // empty serial
    'urn:epc:id:sgtin:0614141.81x345.1',
    'urn:epc:id:sscc:0614141.123456789', // 16 digits
    'urn:epc:id:sscc:0614141.1234567890.1',
    'urn:epc:id:sgln:0614141.1234.400', // 11 digits
    'urn:epc:id:sgln:0614141.12345', // no extension component
    'urn:epc:class:lgtin:4012345.012345.', // empty lot
    'urn:epc:idpat:sgtin:4012345.*.*', // a company, not a GTIN
    'urn:epc:idpat:sgtin:4012345.066666.1',
  ]) {
    t.throws(() => parseIdentifier(text), { code: 'IDENTIFIER_INVALID' }, text)
  }
  t.equal(parseIdentifier('URN:EPC:ID:SGTIN:0614141.812345.6789').kind, 'sgtin', 'the URN prefix and scheme are case-insensitive')
})

t.test('the other GS1 keys: one key for the EPC URN and every Digital Link spelling (issue 16)', async (t) => {
  // TDS 2.0 §6.3's example of each scheme and the element string it names.
  const pairs: [urn: string, key: string][] = [
    ['urn:epc:id:grai:0614141.12345.400', '8003/00614141123452400'],
    ['urn:epc:id:grai:061414112345..400', '8003/00614141123452400'], // a 12-digit company prefix (the hash normaliser refuses it)
    ['urn:epc:id:giai:0614141.12345400', '8004/061414112345400'],
    ['urn:epc:id:gsrn:0614141.1234567890', '8018/061414112345678902'],
    ['urn:epc:id:gsrnp:0614141.1234567890', '8017/061414112345678902'],
    ['urn:epc:id:gdti:0614141.12345.006847', '253/0614141123452006847'],
    ['urn:epc:id:sgcn:4012345.67890.04711', '255/401234567890104711'],
    ['urn:epc:id:cpi:0614141.123ABC.123456789', '8010/0614141123ABC/8011/123456789'],
    ['urn:epc:id:gsin:0614141.123456789', '402/06141411234567890'],
    ['urn:epc:id:pgln:1234567.89012', '417/1234567890128'],
    ['urn:epc:id:itip:4012345.012345.01.02.987', '8006/040123451234560102/21/987'],
    ['urn:epc:id:ginc:0614141.xyz47%2F11', '401/0614141xyz47%2F11'],
    ["urn:epc:id:upui:1234567.089456.51qIgY)%3C%26Jp3*j7'SDB", '01/01234567894560/235/51qIgY%29%3C%26Jp3%2Aj7%27SDB'],
    ['urn:epc:idpat:grai:0614141.12345.*', '8003/00614141123452'], // an asset type, as a class
  ]
  for (const [urn, key] of pairs) {
    const id = parseIdentifier(urn)
    t.equal(id.kind, 'gs1key', urn)
    t.equal(identifierKey(id), key, urn)
    t.equal(toEpcUrn(id), urn, 'the URN it was given is its id')
    t.equal(toDigitalLink(id), `https://id.gs1.org/${key}`)
    for (const link of [`https://id.gs1.org/${key}`, `https://example.com/shop/${key}?linkType=all`]) {
      const other = parseIdentifier(link)
      t.equal(identifierKey(other), key, link)
      t.equal(toEpcUrn(other), `https://id.gs1.org/${key}`, 'no URN in a Digital Link: its canonical link is its id')
    }
  }
  t.equal(identifierKey(parseIdentifier('URN:EPC:ID:GIAI:0614141.12345400')), '8004/061414112345400', 'the scheme in any case')
  t.equal(identifierKey(parseIdentifier('https://id.gs1.org/grai/00614141123452400')), '8003/00614141123452400', 'a short name')
  t.equal(identifierKey(parseIdentifier('https://id.gs1.org/8006/040123451234560102/10/L1/21/987')), '8006/040123451234560102/21/987', 'serialised: the lot left out')
  t.equal(toEpcUrn(parseIdentifier('https://id.gs1.org/8004/061414112345400'), 12), 'https://id.gs1.org/8004/061414112345400', 'a prefix length makes no URN of it')
  for (const text of ['https://id.gs1.org/8003/00614141123451400', 'https://example.com/8018/061414112345678901', 'https://id.gs1.org/417/1234567890120']) {
    t.throws(() => parseIdentifier(text), { code: 'CHECK_DIGIT_INVALID' }, text)
  }
  for (const text of ['urn:epc:id:grai:0614141.1234.400', 'urn:epc:id:grai:0614141.12345.', 'urn:epc:id:giai:0614141.' + '1'.repeat(24), 'urn:epc:id:gsrn:0614141.123']) {
    t.throws(() => parseIdentifier(text), { code: 'IDENTIFIER_INVALID' }, text)
  }
})

t.test('other URNs and URIs are local identifiers', async (t) => {
  for (const text of [
    'urn:epc:tag:sgtin-96:3.0614141.812345.6789',
    'urn:uuid:6b0a4a52-0d0e-4c51-9d1e-000000000301',
    'urn:zjsl:trace:330106:20260525:000123', // a 浙食链-style local traceability code
    'urn:zjsl:溯源码:330106-0001',
    'geo:42.698334,23.319941',
    'https://trace.example.cn/code/ZJ330106000123',
    'https://blog.example/2024/10/15/post',
  ]) {
    const id = parseIdentifier(text)
    t.same(id, { kind: 'local', local: text }, text)
    t.equal(identifierKey(id), `local:${text}`)
    t.equal(toEpcUrn(id), text)
    t.equal(toDigitalLink(id), text)
  }
  for (const text of ['', 'ABC123', '/01/09506000134352', 'urn:x:a b', 'urn:x:a\u0000', 'urn:x:a\nb', `urn:x:${'a'.repeat(2100)}`, 'https://id.gs1.org/', 'https://id.gs1.org/foo/bar']) {
    t.throws(() => parseIdentifier(text), { code: 'IDENTIFIER_INVALID' }, JSON.stringify(text.slice(0, 40)))
  }
  t.throws(() => parseIdentifier(42 as unknown as string), { code: 'IDENTIFIER_INVALID' })
})

t.test('keys: a serialised item is its GTIN and serial; a lot in its Digital Link is kept only in the link', async (t) => {
  const link = parseIdentifier('https://id.gs1.org/01/80614141123458/10/L1/21/6789')
  t.equal(identifierKey(link), identifierKey(parseIdentifier('urn:epc:id:sgtin:0614141.812345.6789')))
  t.equal(toDigitalLink(link), 'https://id.gs1.org/01/80614141123458/10/L1/21/6789')
  t.equal(toEpcUrn(link), 'urn:epc:id:sgtin:0614141.812345.6789')
  // a consumer product variant has no EPC URN: its canonical id is its Digital Link
  const variant = parseIdentifier('https://brand.example/01/09506000134352/22/V1/10/ABC1')
  t.equal(identifierKey(variant), '01/09506000134352/22/V1/10/ABC1')
  t.equal(toEpcUrn(variant), 'https://id.gs1.org/01/09506000134352/22/V1/10/ABC1')
  t.not(identifierKey(variant), identifierKey(parseIdentifier('https://id.gs1.org/01/09506000134352/10/ABC1')))
})

t.test('company prefix lengths', async (t) => {
  const id = parseIdentifier('https://id.gs1.org/01/06901234000115/10/R2605A')
  t.equal(toEpcUrn(id), 'urn:epc:class:lgtin:6901234.000011.R2605A', 'default 7')
  t.equal(toEpcUrn(id, 9), 'urn:epc:class:lgtin:690123400.0011.R2605A')
  t.equal(toEpcUrn(id, 12), 'urn:epc:class:lgtin:690123400011.0.R2605A')
  t.equal(toEpcUrn(id, 6), 'urn:epc:class:lgtin:690123.0400011.R2605A')
  t.equal(toEpcUrn(parseIdentifier('https://id.gs1.org/00/106141412345678908'), 9), 'urn:epc:id:sscc:061414123.14567890')
  // the URN's own prefix length wins over the default, an explicit one over both
  const urn = parseIdentifier('urn:epc:id:sgtin:952005385.0123.7')
  t.equal(urn.gtin, '09520053851233')
  t.equal(toEpcUrn(urn), 'urn:epc:id:sgtin:952005385.0123.7')
  t.equal(toEpcUrn(urn, 7), 'urn:epc:id:sgtin:9520053.085123.7')
  for (const bad of [5, 13, 7.5, NaN]) t.throws(() => toEpcUrn(id, bad), RangeError, String(bad))
  // every split gives the same key
  for (let length = 6; length <= 12; length++) t.equal(identifierKey(parseIdentifier(toEpcUrn(id, length))), identifierKey(id), `split ${length}`)
})

t.test('round trips over generated identifiers', async (t) => {
  const digits = (n: number, seed: number) => Array.from({ length: n }, (_, i) => String((seed * 7 + i * 13 + (seed >> i % 5)) % 10)).join('')
  const serials = ['0', '1', '000123', 'ABC-1', 'a.b.c', 'x/y', '%25', '?&<>"', "!'()*+,", ':;=_', 'ZZZZZZZZZZZZZZZZZZZZ']
  for (let seed = 1; seed < 60; seed++) {
    const base = digits(13, seed)
    const gtin = base + gs1CheckDigit(base)
    const sscc = digits(17, seed) + gs1CheckDigit(digits(17, seed))
    const gln = digits(12, seed) + gs1CheckDigit(digits(12, seed))
    const text = serials[seed % serials.length]
    const ids: Gs1Identifier[] = [
      { kind: 'sgtin', gtin, serial: text },
      { kind: 'lgtin', gtin, lot: text },
      { kind: 'gtin', gtin },
      { kind: 'sscc', sscc },
      text === '0' ? { kind: 'sgln', gln } : { kind: 'sgln', gln, extension: text },
      { kind: 'sgln', gln },
    ]
    for (const id of ids) {
      const length = 6 + (seed % 7)
      const urn = toEpcUrn(id, length)
      const link = toDigitalLink(id)
      t.same(parseIdentifier(urn), { ...id, companyPrefixLength: length }, urn)
      t.same(parseIdentifier(link), id, link)
      t.equal(identifierKey(parseIdentifier(urn)), identifierKey(parseIdentifier(link)))
    }
  }
})

t.test('check digits', async (t) => {
  // GS1 General Specifications §7.9.1 examples, and the GTIN of GS1's Digital Link examples
  t.equal(gs1CheckDigit('629104150021'), '3')
  t.equal(gs1CheckDigit('0952123454321'), '3')
  t.equal(gs1CheckDigit('0950600013435'), '2')
  t.equal(gs1CheckDigit('10614141234567890'), '8', 'SSCC')
  t.equal(gs1CheckDigit('061414112345'), '2', 'GLN')
  t.ok(isValidGs1Key('09506000134352'))
  t.ok(isValidGs1Key('96385074'))
  t.notOk(isValidGs1Key('09506000134353'))
  for (const bad of ['', '5', '0950600013435a', ' 9506000134352', 42, null]) t.notOk(isValidGs1Key(bad as string), String(bad))
  t.throws(() => gs1CheckDigit('12a'), TypeError)
  t.throws(() => gs1CheckDigit(''), TypeError)
})

t.test('every identifier in GS1 example documents parses', async (t) => {
  const documents = gs1ExampleDocuments()
  t.ok(documents.length >= 40, `${documents.length} example documents`)
  const kinds: Record<string, number> = {}
  let count = 0
  for (const { doc } of documents) {
    for (const event of eventsOf(doc)) {
      const texts: string[] = [
        ...(event.epcList ?? []), ...(event.childEPCs ?? []), ...(event.inputEPCList ?? []), ...(event.outputEPCList ?? []),
        ...[event.parentID, event.readPoint?.id, event.bizLocation?.id].filter((x) => x !== undefined),
        ...['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'].flatMap((k) => (event[k] ?? []).map((q: { epcClass: string }) => q.epcClass)),
      ]
      for (const text of texts) {
        const id = parseIdentifier(text)
        kinds[id.kind] = (kinds[id.kind] ?? 0) + 1
        count++
        const urn = toEpcUrn(id)
        t.equal(identifierKey(parseIdentifier(urn)), identifierKey(id), `${text} via ${urn}`)
        t.equal(identifierKey(parseIdentifier(toDigitalLink(id))), identifierKey(id), `${text} via its Digital Link`)
      }
    }
  }
  t.ok(count > 100, `${count} identifiers`)
  for (const kind of ['sgtin', 'lgtin', 'gtin', 'sscc', 'sgln', 'gs1key']) t.ok(kinds[kind] > 0, `some ${kind}: ${kinds[kind]}`)
})

t.test('identifiers.ts and identifier-forms.ts are pure and browser-safe (core/digital-link.ts is checked with the rest of core/)', async (t) => {
  for (const file of SOURCES) {
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    const imports = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1])
    for (const name of imports) t.match(name, /^(?:\.\.\/core\/[a-z0-9-]+|\.\/identifier-forms)\.js$/, `imports only core/ and the common forms: ${name}`)
    for (const word of ['Buffer', 'process', 'require(', 'node:', 'Date.now', 'Math.random']) t.notOk(source.includes(word), `no ${word}`)
  }
  t.notMatch(readFileSync(SOURCES[1], 'utf8'), /from '\.\/identifiers\.js'|digital-link\.js'|gs1-syntax|gs1-linters/, 'the common forms carry none of the dictionary')
})

t.test('a text parsed again gives the same frozen value; one that fails fails every time', async (t) => {
  const text = 'urn:epc:id:sgtin:0614141.812345.6789'
  const first = parseIdentifier(text)
  t.ok(Object.isFrozen(first), 'shared, so frozen')
  t.equal(parseIdentifier(text), first, 'the parsed value is kept')
  t.throws(() => ((first as { gtin?: string }).gtin = '0'), TypeError)
  for (let i = 0; i < 5000; i++) parseIdentifier(`urn:epc:id:sgtin:0614141.812345.${i}`)
  t.same(parseIdentifier(text), first, 'after more texts than are kept: parsed again, the same value')
  const bad = 'https://id.gs1.org/01/09506000134353'
  for (let i = 0; i < 2; i++) t.throws(() => parseIdentifier(bad), { code: 'CHECK_DIGIT_INVALID' })
})
