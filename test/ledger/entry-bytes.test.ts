// The fixed-template entry serialiser gives exactly the RFC 8785 bytes canonicalize gives.

import t from 'tap'
import { randomBytes } from 'node:crypto'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { bytesEqual, toBase64, toHex } from '../../src/core/bytes.js'
import { STATEMENT_PAYLOAD_TYPE } from '../../src/core/statement.js'
import { leafHash } from '../../src/core/merkle.js'
import { sha256 } from '../../src/core/hash.js'
import { entryBytes, leafInput } from '../../src/ledger/entry-bytes.js'
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
