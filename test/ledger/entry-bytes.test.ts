// The fixed-template entry serialiser gives exactly the RFC 8785 bytes canonicalize gives.

import t from 'tap'
import { randomBytes } from 'node:crypto'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { bytesEqual, toBase64, toHex } from '../../src/core/bytes.js'
import { MAX_PAYLOAD_BYTES, STATEMENT_PAYLOAD_TYPE } from '../../src/core/statement.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { inlineChecker } from '../../src/ledger/checks.js'
import { leafHash } from '../../src/core/merkle.js'
import { sha256 } from '../../src/core/hash.js'
import { MAX_ENTRY_BYTES, entryBytes, leafInput, longestEntryLength } from '../../src/ledger/entry-bytes.js'
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
