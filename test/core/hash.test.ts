// The script's SHA-256 (core/sha256.ts, what browsers run) computes the same function as the server's
// OpenSSL backend, and the switch between them is process-wide.

import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { toHex } from '../../src/core/bytes.js'
import { scriptSha256Backend, sha256, useSha256Backend } from '../../src/core/hash.js'
import { nodeSha256 } from '../../src/core/hash-node.js'
import { sha256 as scriptSha256 } from '../../src/core/sha256.js'

const text = (s: string) => new TextEncoder().encode(s)

t.test("FIPS 180-4's examples (and the empty message), by both backends", async (t) => {
  const million = new Uint8Array(1_000_000).fill(0x61)
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['"abc", one block', text('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['448 bits, whose padding takes a second block', text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ['a million "a"', million, 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ]
  for (const [name, data, digest] of cases) {
    t.equal(toHex(scriptSha256(data)), digest, `script: ${name}`)
    t.equal(toHex(nodeSha256(data)), digest, `node: ${name}`)
  }
  t.equal(scriptSha256Backend, scriptSha256, "the default backend is the script's")
})

t.test("the script's SHA-256 agrees with OpenSSL on every length over 20 blocks, on views into larger buffers, and on long inputs", async (t) => {
  const mismatches: number[] = []
  for (let length = 0; length <= 1300; length++) {
    const data = new Uint8Array(randomBytes(length))
    if (toHex(scriptSha256(data)) !== createHash('sha256').update(data).digest('hex')) mismatches.push(length)
  }
  t.same(mismatches, [], 'lengths 0 to 1300: every padding case, the length in one block or the next')
  // A view whose buffer holds other bytes around it: only the view's bytes are hashed.
  const buffer = new Uint8Array(randomBytes(4096))
  for (const [start, end] of [[1, 56], [3, 64], [100, 1100], [4000, 4096]]) {
    const view = buffer.subarray(start, end)
    t.equal(toHex(scriptSha256(view)), createHash('sha256').update(view).digest('hex'), `bytes ${start}-${end} of a larger buffer`)
  }
  for (const length of [65_535, 65_536, 1_048_577, 3_000_000]) {
    const data = new Uint8Array(randomBytes(length))
    t.equal(toHex(scriptSha256(data)), createHash('sha256').update(data).digest('hex'), `${length} bytes`)
  }
  const bytes = new Uint8Array(randomBytes(200))
  const copy = bytes.slice()
  t.equal(toHex(scriptSha256(bytes)), toHex(scriptSha256(bytes)), 'a second call gives the same: no state carried over')
  t.same(bytes, copy, 'the input is not changed')
})

t.test('useSha256Backend switches and returns the previous backend', async (t) => {
  const previous = useSha256Backend(nodeSha256)
  t.teardown(() => void useSha256Backend(previous))
  t.equal(previous, scriptSha256Backend)
  t.equal(toHex(sha256(text('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
})
