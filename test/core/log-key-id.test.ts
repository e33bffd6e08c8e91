// The log's key id as labels print it (#log=): the signed-note key hash of the verifier key, longer ids
// as more of the same SHA-256, and the fragment a verifier link carries.

import t from 'tap'
import { toHex } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { signerFromSeed } from '../../src/core/keys.js'
import { formatTrustFragment, isKeyIdOf, isLogKeyId, logKeyIdOf, parseTrustFragment } from '../../src/core/log-key-id.js'
import { formatVerifierKey, parseVerifierKey } from '../../src/core/signed-note.js'

// RFC 8032 test 1's public key under the demo origin.
const SIGNER = signerFromSeed(nodeEd25519, Uint8Array.from(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')))
const KEY = formatVerifierKey('tracechain.local/node', SIGNER.publicKey)

t.test('the id is the key hash the verifier key carries, 8 hex by default', async (t) => {
  const id = logKeyIdOf(KEY)
  t.match(id, /^[0-9a-f]{8}$/)
  t.equal(id, KEY.split('+')[1], 'the second field of name+hash+key')
  t.equal(id, toHex(parseVerifierKey(KEY).keyHash))
  t.equal(logKeyIdOf(KEY, 16).slice(0, 8), id, 'a longer id starts with the key hash')
  t.equal(logKeyIdOf(KEY, 64).length, 64)
  t.throws(() => logKeyIdOf(KEY, 7), RangeError)
  t.throws(() => logKeyIdOf(KEY, 65), RangeError)
  t.throws(() => logKeyIdOf('not a key'), { code: 'VERIFIER_KEY_INVALID' })
  const otherName = formatVerifierKey('tracechain.local/other', SIGNER.publicKey)
  t.not(logKeyIdOf(otherName), id, 'the name is hashed too: the same key under another origin is another log')
})

t.test('isKeyIdOf: a prefix of 8 to 64 lowercase hex of the key digest', async (t) => {
  t.ok(isKeyIdOf(KEY, logKeyIdOf(KEY)))
  t.ok(isKeyIdOf(KEY, logKeyIdOf(KEY, 20)))
  t.ok(isKeyIdOf(KEY, logKeyIdOf(KEY, 64)))
  const other = formatVerifierKey('tracechain.local/node', signerFromSeed(nodeEd25519, new Uint8Array(32).fill(9)).publicKey)
  t.notOk(isKeyIdOf(other, logKeyIdOf(KEY)))
  const flipped = logKeyIdOf(KEY, 16).slice(0, 15) + (logKeyIdOf(KEY, 16).endsWith('0') ? '1' : '0')
  t.notOk(isKeyIdOf(KEY, flipped), 'a longer id must match in every digit')
  for (const bad of ['', '370b113', 'ABCDEF12', '370b113g', ' 370b113f', '0'.repeat(65)]) {
    t.notOk(isLogKeyId(bad), JSON.stringify(bad))
    t.throws(() => isKeyIdOf(KEY, bad), RangeError)
  }
  t.notOk(isLogKeyId(undefined))
})

t.test('the trust fragment: log, lot, url; nothing else, nothing empty', async (t) => {
  t.same(parseTrustFragment('#log=370b113f'), { log: '370b113f' })
  t.same(parseTrustFragment('log=370b113f&x=1&lot='), { log: '370b113f' })
  const lot = 'https://trace.example.cn/01/06901234001037/10/A%2F1'
  const text = formatTrustFragment({ log: '370b113f', lot, url: 'https://trace.example.cn' })
  t.equal(text, '#log=370b113f&lot=https%3A%2F%2Ftrace.example.cn%2F01%2F06901234001037%2F10%2FA%252F1&url=https%3A%2F%2Ftrace.example.cn')
  t.same(parseTrustFragment(text), { log: '370b113f', lot, url: 'https://trace.example.cn' }, 'round trip, escapes kept')
  t.equal(formatTrustFragment({}), '')
  t.same(parseTrustFragment(''), {})
  t.same(parseTrustFragment('#log=<script>'), { log: '<script>' }, 'read as written: the verifier checks it')
})
