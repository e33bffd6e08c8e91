// The server's SHA-256 backend computes the same function as @noble's, and the switch is process-wide.

import t from 'tap'
import { randomBytes } from 'node:crypto'
import { toHex } from '../../src/core/bytes.js'
import { nobleSha256Backend, sha256, useSha256Backend } from '../../src/core/hash.js'
import { nodeSha256 } from '../../src/core/hash-node.js'

t.test('node and noble agree on the FIPS 180 vectors and random inputs', async (t) => {
  t.equal(toHex(nodeSha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  t.equal(toHex(nodeSha256(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  for (let i = 0; i < 300; i++) {
    const data = new Uint8Array(randomBytes(i * 7))
    if (toHex(nodeSha256(data)) !== toHex(nobleSha256Backend(data))) return t.fail(`length ${data.length}`)
  }
  t.pass('300 random inputs agree')
})

t.test('useSha256Backend switches and returns the previous backend', async (t) => {
  const previous = useSha256Backend(nodeSha256)
  t.teardown(() => void useSha256Backend(previous))
  t.equal(toHex(sha256(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
})
