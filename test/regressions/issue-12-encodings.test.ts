// Issue 12: an envelope whose base64 holds a character past ASCII decoded as if it were 'A', verified,
// and was stored as bytes that are no longer JSON. Every base64 field must be canonical ASCII, refused
// with ENCODING_INVALID, and nothing written.

import t from 'tap'
import { fromBase64 } from '../../src/core/bytes.js'
import { nodeBase64Decoder } from '../../src/core/base64-node.js'
import { useBase64Decoder } from '../../src/core/bytes.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { toBase64 } from '../../src/core/bytes.js'
import { testDir } from '../helpers/test-dir.js'

/** 'Ā' (U+0100) and 'A' share their low byte: the substitution a lenient decoder cannot see. */
const LOOKALIKES = ['\u0100', '\u4100', '\uff21']

t.test('fromBase64 refuses every character outside the alphabet, with and without the native decoder', async (t) => {
  for (const native of [undefined, nodeBase64Decoder]) {
    useBase64Decoder(native)
    for (const bad of ['\u0100AAA', 'A\u0100AA', 'AA\u4100A', 'AAA\uff21', 'AAAA\u0100AA=', '\u00c1AAA', '\u0080AAA']) {
      t.throws(() => fromBase64(bad), { code: 'ENCODING_INVALID' }, JSON.stringify(bad))
    }
    t.same([...fromBase64('AAAA')], [0, 0, 0])
  }
  useBase64Decoder(undefined)
})

t.test('POST /v1/statements refuses a payload or signature with a non-ASCII character; nothing is written', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const envelope = (id: string) =>
    node.statement(
      { type: 'actor.register', actor: 'operator', id, body: { id, name: id, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } },
      [node.operator],
    )
  const sizeBefore = node.ledger.size
  let n = 0
  for (const field of ['payload', 'sig'] as const) {
    for (const lookalike of LOOKALIKES) {
      const textOf = (e: ReturnType<typeof envelope>) => (field === 'payload' ? e.payload : e.signatures[0].sig)
      let original = envelope(`enc-${n++}`)
      while (!textOf(original).includes('A')) original = envelope(`enc-${n++}`)
      const text = textOf(original)
      const at = text.indexOf('A')
      const forged = text.slice(0, at) + lookalike + text.slice(at + 1)
      const tampered =
        field === 'payload'
          ? { ...original, payload: forged }
          : { ...original, signatures: [{ ...original.signatures[0], sig: forged }] }
      const one = await app.inject({ method: 'POST', url: '/v1/statements', payload: tampered })
      t.equal(one.statusCode, 400, `${field} with U+${lookalike.charCodeAt(0).toString(16)}: one`)
      t.equal(one.json().code, 'ENCODING_INVALID')
      const batch = await app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes: [tampered] } })
      t.equal(batch.statusCode, 200)
      t.equal(batch.json().results[0].code, 'ENCODING_INVALID', `${field}: in a batch`)
    }
  }
  t.equal(node.ledger.size, sizeBefore, 'nothing entered the log')
  const audit = await app.inject({ method: 'GET', url: '/v1/verify' })
  t.equal(audit.json().ok, true)
})
