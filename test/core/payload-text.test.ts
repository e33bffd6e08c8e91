// An entry's payload as text (core/payload-text.ts): given only where putting it back gives the payload word for
// word and the answer no longer; what a hostile server sends in its place changes the entry the verifier
// hashes, so its leaf hash fails, and nothing else.

import t from 'tap'
import { fromBase64, toBase64, utf8 } from '../../src/core/bytes.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { withPayloadBase64, withPayloadText } from '../../src/core/payload-text.js'

const entryWith = (payload: Uint8Array) => ({
  envelope: { payload: toBase64(payload), payloadType: 'application/vnd.tracechain.statement+json', signatures: [{ keyid: 'k', sig: 'AA==' }] },
  prev: '00'.repeat(32),
  recordedAt: '2026-12-07T00:00:00.000Z',
  seq: 7,
})

t.test('a statement in any script comes back as it was', async (t) => {
  const statements = [
    '{"actor":"farm-anji-01","body":{"name":{"en":"Anji glutinous rice","zh":"安吉糯米"}},"type":"food.product"}',
    '{"note":"emoji 🍚, combining é, and a line\\nbreak"}',
    '{}',
  ]
  for (const statement of statements) {
    const entry = entryWith(utf8(statement))
    const served = withPayloadText(entry) as { envelope: Record<string, unknown> }
    t.equal(served.envelope.payloadText, statement)
    t.notOk('payload' in served.envelope)
    t.same(canonicalBytes(withPayloadBase64(JSON.parse(JSON.stringify(served)))), canonicalBytes(entry), 'the same entry, byte for byte, after JSON')
  }
})

t.test('left in base64: not UTF-8, a byte order mark, or longer as text', async (t) => {
  const cases: [string, Uint8Array][] = [
    ['bytes that are not UTF-8', Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)],
    ['a lone surrogate encoded (CESU)', Uint8Array.of(0xed, 0xa0, 0x80)],
    ['a leading byte order mark, which TextDecoder drops', utf8('\ufeff{"a":1}')],
    ['quotes and backslashes, which JSON escapes to twice their length', utf8(`{"a":"${'\\"'.repeat(300)}"}`)],
    ['control characters, six bytes each escaped', new Uint8Array(64).fill(1)],
  ]
  for (const [name, payload] of cases) {
    const entry = entryWith(payload)
    t.equal(withPayloadText(entry), entry, name)
  }
  const entry = entryWith(utf8('{"a":"b"}'))
  t.equal(withPayloadBase64(entry), entry, 'an entry already in base64 is left as it is')
})

t.test("a hostile server's text changes the entry, so its leaf, never the check", async (t) => {
  const entry = entryWith(utf8('{"quantity":2000}'))
  const served = withPayloadText(entry) as { envelope: Record<string, unknown> }
  const altered = withPayloadBase64({ ...served, envelope: { ...served.envelope, payloadText: '{"quantity":20000}' } }) as typeof entry
  t.not(altered.envelope.payload, entry.envelope.payload)
  const loneSurrogate = withPayloadBase64({ ...served, envelope: { ...served.envelope, payloadText: '{"a":"\ud800"}' } }) as typeof entry
  t.same(fromBase64(loneSurrogate.envelope.payload), utf8('{"a":"\ufffd"}'), 'a lone surrogate becomes U+FFFD, other bytes than any signed')
  const both = withPayloadBase64({ ...served, envelope: { ...served.envelope, payload: entry.envelope.payload } }) as { envelope: Record<string, unknown> }
  t.ok('payloadText' in both.envelope && 'payload' in both.envelope, 'an envelope with both keeps both, and its JCS form is not the entry')
  t.not(Buffer.from(canonicalBytes(both)).toString(), Buffer.from(canonicalBytes(entry)).toString())
  for (const odd of [null, 7, 'text', [], {}, { envelope: null }, { envelope: { payloadText: 7 } }, { envelope: [] }]) t.same(withPayloadBase64(odd), odd, `${JSON.stringify(odd)} as it came`)
})
