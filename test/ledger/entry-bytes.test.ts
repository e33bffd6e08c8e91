// The fixed-template entry serialiser gives exactly the RFC 8785 bytes canonicalize gives, and its inverse reads
// back only bytes that are canonical, as JSON.parse reads them, leaving every other to the general parse.

import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { bytesEqual, fromUtf8, toBase64, toHex, utf8 } from '../../src/core/bytes.js'
import { MAX_PAYLOAD_BYTES, STATEMENT_PAYLOAD_TYPE } from '../../src/core/statement.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { inlineChecker } from '../../src/ledger/checks.js'
import { leafHash } from '../../src/core/merkle.js'
import { sha256 } from '../../src/core/hash.js'
import { MAX_ENTRY_BYTES, entryBytes, entryInTemplate, leafInput, longestEntryLength } from '../../src/ledger/entry-bytes.js'
import type { Entry } from '../../src/ledger/ledger.js'

t.test('same bytes as canonicalBytes for random entries', async (t) => {
  for (let i = 0; i < 500; i++) {
    const signatures = Array.from({ length: 1 + (i % 4) }, () => ({ keyid: toHex(randomBytes(8)), sig: toBase64(randomBytes(64)) }))
    const entry: Entry = {
      seq: i * 7919 + (i % 3 === 0 ? 2 ** 40 : 0),
      prev: toHex(randomBytes(32)),
      recordedAt: new Date(1_700_000_000_000 + i * 123_456).toISOString(),
      envelope: { payloadType: STATEMENT_PAYLOAD_TYPE, payload: toBase64(randomBytes(1 + ((i * 37) % 900))), signatures },
    }
    if (!bytesEqual(entryBytes(entry), canonicalBytes(entry))) {
      t.fail(`entry ${i} differs`)
      return
    }
  }
  t.pass('500 random entries agree')
})

t.test('leafInput is 0x00 then the entry bytes: its SHA-256 is the RFC 9162 leaf hash', async (t) => {
  for (let i = 0; i < 50; i++) {
    const entry: Entry = {
      seq: i,
      prev: toHex(randomBytes(32)),
      recordedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      envelope: { payloadType: STATEMENT_PAYLOAD_TYPE, payload: toBase64(randomBytes(1 + i * 13)), signatures: [{ keyid: toHex(randomBytes(8)), sig: toBase64(randomBytes(64)) }] },
    }
    const input = leafInput(entry)
    t.equal(input[0], 0x00)
    t.ok(bytesEqual(input.subarray(1), canonicalBytes(entry)))
    t.ok(bytesEqual(sha256(input), leafHash(entryBytes(entry))))
  }
})

t.test('longestEntryLength is the length of the entry at the longest seq', async (t) => {
  for (let signatures = 1; signatures <= 8; signatures++) {
    const envelope = {
      payloadType: STATEMENT_PAYLOAD_TYPE,
      payload: toBase64(randomBytes(100 * signatures)),
      signatures: Array.from({ length: signatures }, () => ({ keyid: toHex(randomBytes(8)), sig: toBase64(randomBytes(64)) })),
    }
    const longest: Entry = { seq: Number.MAX_SAFE_INTEGER, prev: toHex(randomBytes(32)), recordedAt: new Date(0).toISOString(), envelope }
    t.equal(longestEntryLength(envelope), entryBytes(longest).length, `${signatures} signature(s)`)
    t.ok(longestEntryLength(envelope) >= entryBytes({ ...longest, seq: 12 }).length)
  }
})

t.test('an entry must fit an entry bundle (a uint16 length): a payload near the 48 KiB cap is too large', async (t) => {
  const checker = inlineChecker(nodeEd25519)
  const job = (payloadBytes: number, signatures: number) => ({
    envelopes: [
      {
        payloadType: STATEMENT_PAYLOAD_TYPE,
        payload: toBase64(new Uint8Array(payloadBytes).fill(0x20)),
        signatures: Array.from({ length: signatures }, (_, i) => ({ keyid: toHex(new Uint8Array(8).fill(i)), sig: toBase64(new Uint8Array(64)) })),
      },
    ],
    candidates: [[]],
    types: ['actor.register'],
    typesWithChecks: [],
    nowMs: 0,
    maxClockSkewMs: 0,
  })
  const [atCap] = await checker.check(job(MAX_PAYLOAD_BYTES, 1))
  t.match(atCap, { refused: { code: 'STATEMENT_TOO_LARGE', details: { limit: MAX_ENTRY_BYTES } } }, '48 KiB of payload and one signature')
  const [eight] = await checker.check(job(48_500, 8))
  t.match(eight, { refused: { code: 'STATEMENT_TOO_LARGE' } }, '48,500 bytes and eight signatures')
  const [fits] = await checker.check(job(48_500, 1))
  t.notMatch(fits, { refused: { code: 'STATEMENT_TOO_LARGE' } }, '48,500 bytes and one signature fit (refused later, as not JSON)')
  t.equal(MAX_ENTRY_BYTES, 65_535)
})

/** A random entry as a sequencer writes it: 1-4 signatures, a seq up to 2^40 and more. */
function randomEntry(i: number): Entry {
  return {
    seq: i * 7919 + (i % 3 === 0 ? 2 ** 40 : 0),
    prev: toHex(randomBytes(32)),
    recordedAt: new Date(1_700_000_000_000 + i * 123_456).toISOString(),
    envelope: {
      payloadType: STATEMENT_PAYLOAD_TYPE,
      payload: toBase64(randomBytes(1 + ((i * 37) % 900))),
      signatures: Array.from({ length: 1 + (i % 4) }, () => ({ keyid: toHex(randomBytes(8)), sig: toBase64(randomBytes(64)) })),
    },
  }
}

/** What entryInTemplate may say of `bytes`: nothing, or what JSON.parse reads of them when they are canonical. */
function readsOnlyCanonical(t: Test, bytes: Uint8Array, name: string): boolean {
  const read = entryInTemplate(bytes)
  if (read === undefined) return true
  const parsed: unknown = JSON.parse(fromUtf8(bytes))
  const agrees = bytesEqual(canonicalBytes(parsed), bytes) && JSON.stringify(read) === JSON.stringify(parsed)
  if (!agrees) t.fail(`${name}: read ${JSON.stringify(read).slice(0, 200)}`)
  return agrees
}

t.test('entryInTemplate reads back every entry the template writes, as JSON.parse does', async (t) => {
  for (let i = 0; i < 500; i++) {
    const entry = randomEntry(i)
    const read = entryInTemplate(entryBytes(entry))
    if (read === undefined || !bytesEqual(canonicalBytes(read), entryBytes(entry)) || JSON.stringify(read) !== JSON.stringify(JSON.parse(fromUtf8(entryBytes(entry))))) {
      t.fail(`entry ${i} read back as ${JSON.stringify(read)}`)
      return
    }
  }
  t.pass('500 random entries')
  const offset = entryBytes(randomEntry(1))
  const inLargerBuffer = new Uint8Array(offset.length + 10)
  inLargerBuffer.set(offset, 5)
  t.same(entryInTemplate(inLargerBuffer.subarray(5, 5 + offset.length)), entryInTemplate(offset), 'a view into a larger buffer')
})

t.test('entryInTemplate leaves to the general parse whatever is not the template, canonical or not', async (t) => {
  const text = fromUtf8(entryBytes(randomEntry(2)))
  const cases: [string, string][] = [
    ['whitespace after a brace', `{ ${text.slice(1)}`],
    ['whitespace at the end', `${text} `],
    ['a character escaped that needs no escape', text.replace('"seq"', '"\\u0073eq"')],
    ['an escape inside recordedAt', text.replace(/"recordedAt":"(\d)/, '"recordedAt":"\\u0032')],
    ['a seq with a leading zero', text.replace(/"seq":(\d+)/, '"seq":0$1')],
    ['a seq as a float', text.replace(/"seq":(\d+)/, '"seq":$1.0')],
    ['a seq past 2^53', text.replace(/"seq":(\d+)/, '"seq":9007199254740993')],
    ['a negative seq', text.replace(/"seq":(\d+)/, '"seq":-$1')],
    ['a trailing comma among the signatures', text.replace(/\}\]\}/, '},]}')],
    ['no signature', text.replace(/"signatures":\[.*\]\}/, '"signatures":[]}')],
    ['an upper-case keyid', text.replace(/"keyid":"([0-9a-f]{16})"/, (_, k: string) => `"keyid":"${k.toUpperCase()}"`)],
    ['members out of order', JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse()))],
    ['a member more', text.replace(/\}$/, ',"z":1}')],
    ['a member more in the envelope', text.replace('"signatures"', '"extra":1,"signatures"')],
    ['a non-ASCII recordedAt', text.replace(/"recordedAt":"/, '"recordedAt":"时')],
    ['a quote in the payload', text.replace('"payload":"', '"payload":"\\"')],
    ['a line feed raw in prev', text.replace('"prev":"', '"prev":"\n')],
  ]
  for (const [name, variant] of cases) {
    t.equal(entryInTemplate(utf8(variant)), undefined, name)
  }
  t.not(entryInTemplate(utf8(text.replace(/"seq":(\d+)/, '"seq":9007199254740991'))), undefined, 'the largest safe seq is read')
})

t.test('entryInTemplate reads no byte-flipped, cut or grown entry that is not canonical', async (t) => {
  const interesting = [0x00, 0x09, 0x0a, 0x20, 0x22, 0x2c, 0x2d, 0x2e, 0x30, 0x31, 0x3a, 0x5b, 0x5c, 0x5d, 0x61, 0x7b, 0x7d, 0x7f, 0x80, 0xc3, 0xe4, 0xff]
  let read = 0
  for (let i = 0; i < 4000; i++) {
    const bytes = entryBytes(randomEntry(i))
    const at = (i * 7_777) % bytes.length
    const byte = interesting[i % interesting.length]
    const variants = [
      Uint8Array.from(bytes, (b, k) => (k === at ? byte : b)),
      new Uint8Array([...bytes.subarray(0, at), byte, ...bytes.subarray(at)]),
      new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]),
    ]
    for (const variant of variants) {
      if (!readsOnlyCanonical(t, variant, `entry ${i}, byte ${at} as 0x${byte.toString(16)}`)) return
      if (entryInTemplate(variant) !== undefined) read++
    }
  }
  t.ok(read > 0, `${read} of the 12,000 variants still canonical entries, each read as JSON.parse reads it`)
})
