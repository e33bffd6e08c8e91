// DSSE v1 envelopes: PAE, signing, strict decoding, verification by either backend.
import t from 'tap'
import { fromBase64, fromHex, toBase64, utf8 } from '../../src/core/bytes.js'
import { buildStatementEnvelope, decodeEnvelope, pae, signEnvelope, verifyEnvelopeSignature, withPae, type Envelope } from '../../src/core/dsse.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { signerFromSeed } from '../../src/core/keys.js'
import { MAX_PAYLOAD_BYTES, STATEMENT_PAYLOAD_TYPE, type Statement } from '../../src/core/statement.js'

const backends = [nobleEd25519, nodeEd25519]
// RFC 8032 section 7.1 TEST 1 seed; a second key as co-signer.
const signer = signerFromSeed(nodeEd25519, fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'))
const coSigner = signerFromSeed(nodeEd25519, new Uint8Array(32).fill(9))

const STATEMENT: Statement = {
  type: 'food.event',
  actor: 'farm-anji-01',
  id: 'evt-0001',
  issuedAt: '2026-11-28T07:00:00.000Z',
  body: { bizStep: 'shipping', note: '安吉白茶' },
}
// Computed independently with Python: json.dumps(sort_keys, compact, ensure_ascii=False) is JCS for
// this statement, and pyca/cryptography Ed25519 signed the PAE with the TEST 1 seed.
const GOLDEN_PAYLOAD =
  'eyJhY3RvciI6ImZhcm0tYW5qaS0wMSIsImJvZHkiOnsiYml6U3RlcCI6InNoaXBwaW5nIiwibm90ZSI6IuWuieWQieeZveiMtiJ9LCJpZCI6ImV2dC0wMDAxIiwiaXNzdWVkQXQiOiIyMDI2LTExLTI4VDA3OjAwOjAwLjAwMFoiLCJ0eXBlIjoiZm9vZC5ldmVudCJ9'
const GOLDEN_SIG = 'XiDP9JydOYQMAfBGZtpWtNbYZRnwoxTsNhDLxPXRf0+HcOkBIopuIknSywvu9TJhD8i0eqKS+VjliEA19p3ABw=='

t.test('PAE: the DSSE protocol.md example, and lengths in bytes', async (t) => {
  // github.com/secure-systems-lab/dsse protocol.md: PAE of type "http://example.com/HelloWorld", body "hello world".
  t.same(pae('http://example.com/HelloWorld', utf8('hello world')), utf8('DSSEv1 29 http://example.com/HelloWorld 11 hello world'))
  t.same(pae('', new Uint8Array()), utf8('DSSEv1 0  0 '))
  t.same(pae('é', utf8('€')), utf8('DSSEv1 2 é 3 €'))
  // The statement type's start is built once; the length after it is written digit by digit.
  t.same(pae(STATEMENT_PAYLOAD_TYPE, utf8('{}')), utf8('DSSEv1 41 application/vnd.tracechain.statement+json 2 {}'))
  const large = new Uint8Array(12345).fill(0x41)
  t.same(pae(STATEMENT_PAYLOAD_TYPE, large), utf8(`DSSEv1 41 ${STATEMENT_PAYLOAD_TYPE} 12345 ${'A'.repeat(12345)}`))
})

t.test('buildStatementEnvelope matches an independent implementation byte for byte', async (t) => {
  const envelope = buildStatementEnvelope(STATEMENT, [signer])
  t.same(envelope, { payloadType: STATEMENT_PAYLOAD_TYPE, payload: GOLDEN_PAYLOAD, signatures: [{ keyid: signer.keyid, sig: GOLDEN_SIG }] })
  for (const ed of backends) verifyEnvelopeSignature(ed, decodeEnvelope(envelope), 0, signer.publicKey)
  t.throws(() => buildStatementEnvelope({ ...STATEMENT, actor: 'no spaces' }, [signer]), { code: 'BAD_REQUEST' })
  t.throws(() => buildStatementEnvelope(STATEMENT, []), RangeError)
})

t.test('co-signed envelopes: each signature verifies with its own key only', async (t) => {
  const envelope = buildStatementEnvelope(STATEMENT, [signer, coSigner])
  const decoded = decodeEnvelope(JSON.parse(JSON.stringify(envelope)))
  t.equal(decoded.signatures.length, 2)
  for (const ed of backends) {
    verifyEnvelopeSignature(ed, decoded, 0, signer.publicKey)
    verifyEnvelopeSignature(ed, decoded, 1, coSigner.publicKey)
    t.throws(() => verifyEnvelopeSignature(ed, decoded, 1, signer.publicKey), { code: 'SIGNATURE_INVALID' }, 'keyid names another key')
    t.throws(() => verifyEnvelopeSignature(ed, decoded, 2, signer.publicKey), RangeError)
    t.throws(() => verifyEnvelopeSignature(ed, decoded, -1, signer.publicKey), RangeError)
  }
})

t.test('tampering fails with SIGNATURE_INVALID', async (t) => {
  const envelope = buildStatementEnvelope(STATEMENT, [signer])
  const decoded = decodeEnvelope(envelope)
  const payload = decoded.payload.slice()
  payload[payload.length - 3] ^= 1
  const sig = decoded.signatures[0].sig.slice()
  sig[10] ^= 1
  // A signature over the bare payload, without the PAE around it, must not verify.
  const barePayloadSig = signer.sign(decoded.payload)
  for (const ed of backends) {
    t.throws(() => verifyEnvelopeSignature(ed, { ...decoded, payload }, 0, signer.publicKey), { code: 'SIGNATURE_INVALID' })
    t.throws(() => verifyEnvelopeSignature(ed, { ...decoded, signatures: [{ keyid: signer.keyid, sig }] }, 0, signer.publicKey), {
      code: 'SIGNATURE_INVALID',
    })
    t.throws(
      () => verifyEnvelopeSignature(ed, { ...decoded, signatures: [{ keyid: signer.keyid, sig: barePayloadSig }] }, 0, signer.publicKey),
      { code: 'SIGNATURE_INVALID' },
    )
    t.throws(() => verifyEnvelopeSignature(ed, { ...decoded, payloadType: 'application/json' }, 0, signer.publicKey), { code: 'SIGNATURE_INVALID' })
  }
})

t.test('decodeEnvelope refuses malformed envelopes with the right code', async (t) => {
  const good = signEnvelope(STATEMENT_PAYLOAD_TYPE, utf8('{}'), [signer])
  const sig = good.signatures[0]
  const cases: [unknown, string][] = [
    [null, 'BAD_REQUEST'],
    ['envelope', 'BAD_REQUEST'],
    [{ ...good, payload: 7 }, 'BAD_REQUEST'],
    [{ ...good, signatures: 'none' }, 'BAD_REQUEST'],
    [{ ...good, signatures: [null] }, 'BAD_REQUEST'],
    [{ ...good, signatures: [{ keyid: sig.keyid }] }, 'BAD_REQUEST'],
    [{ ...good, payloadType: 'application/vnd.in-toto+json' }, 'PAYLOAD_TYPE_UNSUPPORTED'],
    [{ ...good, payload: 'e30' }, 'ENCODING_INVALID'], // unpadded
    [{ ...good, payload: 'e3-=' }, 'ENCODING_INVALID'],
    [{ ...good, payload: 'A'.repeat(Math.ceil(MAX_PAYLOAD_BYTES / 3) * 4 + 4) }, 'STATEMENT_TOO_LARGE'],
    [{ ...good, signatures: [] }, 'SIGNATURE_MISSING'],
    [{ ...good, signatures: [{ ...sig, keyid: sig.keyid.toUpperCase() }] }, 'ENCODING_INVALID'],
    [{ ...good, signatures: [{ ...sig, keyid: sig.keyid.slice(1) }] }, 'ENCODING_INVALID'],
    [{ ...good, signatures: [{ ...sig, sig: toBase64(fromBase64(sig.sig).subarray(1)) }] }, 'ENCODING_INVALID'],
    [{ ...good, signatures: [{ ...sig, sig: toBase64(new Uint8Array(65)) }] }, 'ENCODING_INVALID'],
    [{ ...good, signatures: [{ ...sig, sig: sig.sig.replace(/=+$/, '') }] }, 'ENCODING_INVALID'],
  ]
  for (const [value, code] of cases) t.throws(() => decodeEnvelope(value as Envelope), { code }, code)
  const decoded = decodeEnvelope(good)
  t.same(decoded.payload, utf8('{}'))
  t.equal(decoded.signatures[0].sig.length, 64)
})

t.test('withPae: the PAE in a reused buffer is the PAE, whatever came before it, and a use within a use gets its own', async (t) => {
  const payloadOf = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + length) & 0xff)
  for (const length of [0, 5, 4000, 5000, MAX_PAYLOAD_BYTES, 17, 200_000, 3]) {
    const payload = payloadOf(length)
    t.same(withPae(STATEMENT_PAYLOAD_TYPE, payload, (message) => Array.from(message)), Array.from(pae(STATEMENT_PAYLOAD_TYPE, payload)), `${length} bytes`)
  }
  t.same(withPae('text/plain', utf8('hi'), (message) => Array.from(message)), Array.from(pae('text/plain', utf8('hi'))), 'another payload type')
  const [outer, inner] = withPae(STATEMENT_PAYLOAD_TYPE, payloadOf(100), (message) => {
    const nested = withPae(STATEMENT_PAYLOAD_TYPE, payloadOf(50), (other) => Array.from(other))
    return [Array.from(message), nested]
  })
  t.same(outer, Array.from(pae(STATEMENT_PAYLOAD_TYPE, payloadOf(100))), 'the outer message untouched by the inner use')
  t.same(inner, Array.from(pae(STATEMENT_PAYLOAD_TYPE, payloadOf(50))))
  t.throws(() => withPae(STATEMENT_PAYLOAD_TYPE, payloadOf(10), () => { throw new RangeError('in use') }), RangeError)
  t.same(withPae(STATEMENT_PAYLOAD_TYPE, payloadOf(10), (message) => Array.from(message)), Array.from(pae(STATEMENT_PAYLOAD_TYPE, payloadOf(10))), 'and after a use that threw')
})
