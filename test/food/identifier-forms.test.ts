// The common forms (food/identifier-forms.ts) read a label's Digital Link without the GS1 syntax dictionary,
// so the consumer page can leave the dictionary out. Where they give an answer it must be the whole parser's
// (food/identifiers.ts, Digital Links through core/digital-link.ts): here on GS1's syntax engine's own
// Digital Link cases, on GS1's EPCIS examples, and on half a million generated URIs around the edge of
// what the common forms take (every character, length, host, scheme, check digit and suffix nearby).

import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { isUncommon, parseCommonIdentifier, type Gs1Identifier, type UncommonIdentifier } from '../../src/food/identifier-forms.js'
import { parseIdentifier, parseUncommonIdentifier } from '../../src/food/identifiers.js'
import { gs1CheckDigit } from '../../src/core/gs1-check-digit.js'
import { eventsOf, gs1ExampleDocuments } from '../helpers/gs1-examples.js'

const WEB_URI = /^https?:\/\/([^/?#]+)/is

/** What the whole parser makes of a web URI, read by the dictionary alone: the identifier, or the error's code. */
function wholeReading(text: string): Gs1Identifier | string {
  const host = WEB_URI.exec(text)?.[1]
  if (host === undefined) return 'not a web URI'
  try {
    return parseUncommonIdentifier(text, { form: 'web-uri', host })
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

/** Holds the common reading of `text`, where there is one, to the whole parser's; returns whether there was one. */
function agrees(t: Test, text: string): boolean {
  let common: Gs1Identifier | UncommonIdentifier
  try {
    common = parseCommonIdentifier(text)
  } catch {
    return false // refused before any form is read: as parseIdentifier refuses it, by the same code
  }
  if (isUncommon(common) || !WEB_URI.test(text)) return false
  const whole = wholeReading(text)
  if (typeof whole === 'string' || JSON.stringify(whole) !== JSON.stringify(common)) t.fail(`${text}: the common forms read ${JSON.stringify(common)}, the whole parser ${JSON.stringify(whole)}`)
  return true
}

const withCheck = (digits: string) => digits + gs1CheckDigit(digits)

t.test("GS1's syntax engine cases: the common forms read only what the dictionary reads, and as it does", async (t) => {
  const cases = JSON.parse(readFileSync(new URL('../fixtures/digital-link/gs1-syntax-engine/dl-uri-cases.json', import.meta.url), 'utf8')) as { parseDLuri: { uri: string }[] }
  let read = 0
  for (const { uri } of cases.parseDLuri) if (agrees(t, uri)) read++
  t.ok(read > 5, `${read} of ${cases.parseDLuri.length} read by the common forms`)
})

t.test("GS1's EPCIS examples: every identifier reads the same through parseIdentifier as through the dictionary", async (t) => {
  let links = 0
  for (const { doc } of gs1ExampleDocuments()) {
    for (const event of eventsOf(doc)) {
      for (const text of JSON.stringify(event).match(/https?:\/\/[^"]+/g) ?? []) if (agrees(t, text)) links++
    }
  }
  t.ok(links > 0, `${links} Digital Links read by the common forms`)
})

t.test('generated URIs around the common forms agree with the whole parser', async (t) => {
  const gtin = withCheck('0690123400103')
  const wrongCheck = gtin.slice(0, 13) + String((Number(gtin[13]) + 1) % 10)
  // Every printable ASCII character, alone and among letters, and a few outside ASCII.
  const characters = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), 'é', '批', '%41', '%2F', '%25', '%']
  const values = ['Z260526A', 'a', 'A-1_b', '0', '01', '21', '10', '12345678901234567890', '123456789012345678901', '', '.', '..', '-', '_', '~']
  for (const c of characters) values.push(c, `L${c}`, `${c}L`, `L${c}L`)
  const hosts = ['id.gs1.org', 'ID.GS1.ORG', 'trace.example.cn', '127.0.0.1:3000', 'localhost:99999', 'a_b.example', 'user@host', '[::1]:80', '...', 'x']
  const suffixes = ['', '/', '?17=261231', '?lang=en', '#log=370b113f', '/22/X', '/21']
  let read = 0
  let tried = 0
  for (const scheme of ['https://', 'http://', 'HTTPS://', 'ftp://']) {
    for (const host of hosts) {
      for (const key of [gtin, wrongCheck, gtin.slice(1), `0${gtin}`, 'ABCDEFGHIJKLMN']) {
        const base = `${scheme}${host}/01/${key}`
        for (const suffix of suffixes) {
          tried++
          if (agrees(t, base + suffix)) read++
        }
        for (const lot of values) {
          for (const suffix of ['', '/21/S1', '/21/' + lot, '?10=X']) {
            tried++
            if (agrees(t, `${base}/10/${lot}${suffix}`)) read++
          }
          tried++
          if (agrees(t, `${base}/21/${lot}`)) read++
          tried++
          if (agrees(t, `${scheme}${host}/path/01/${gtin}/10/${lot}`)) read++
        }
      }
    }
  }
  t.ok(read > 1000, `${read} of ${tried} generated URIs read by the common forms, each as the dictionary reads it`)
})

t.test('parseIdentifier reads a label the same whichever path reads it, and refuses a wrong check digit by its code', async (t) => {
  const gtin = withCheck('0690123400103')
  const link = `https://trace.example.cn/01/${gtin}/10/Z260526A`
  t.same(parseIdentifier(link), wholeReading(link))
  t.ok(Object.isFrozen(parseIdentifier(link)))
  const wrong = `https://id.gs1.org/01/${gtin.slice(0, 13)}${(Number(gtin[13]) + 1) % 10}/10/Z260526A`
  t.throws(() => parseIdentifier(wrong), { code: 'CHECK_DIGIT_INVALID' })
  t.same(parseCommonIdentifier(wrong), { form: 'web-uri', host: 'id.gs1.org' }, 'left to the dictionary, which says what is wrong')
  t.same(parseCommonIdentifier('urn:epc:id:grai:6901234.00003.CRATE7'), { form: 'gs1-key-urn', scheme: 'id:grai', body: '6901234.00003.CRATE7' })
  t.same(parseIdentifier('urn:epc:id:grai:6901234.00003.CRATE7').kind, 'gs1key')
})
