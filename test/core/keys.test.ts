// Key ids, signers and key files (DESIGN.md "Formats", Keys).
import t from 'tap'
import { fromHex, toBase64, utf8 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { formatKeyFile, keyIdOf, parseKeyFile, parsePublicKey, signerFromSeed } from '../../src/core/keys.js'

// RFC 8032 section 7.1 TEST 1 key; keyid and base64 computed independently (Python hashlib, base64).
const SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
const PUBLIC_KEY = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
const KEY_FILE = {
  keyid: '21fe31dfa154a261',
  publicKey: '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
  privateKey: 'nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=',
}

t.test('keyIdOf: first 8 bytes of SHA-256 of the raw key, lowercase hex', async (t) => {
  t.equal(keyIdOf(PUBLIC_KEY), KEY_FILE.keyid)
  t.throws(() => keyIdOf(PUBLIC_KEY.subarray(1)), RangeError)
})

t.test('signerFromSeed: same signer from both backends, over its own copy of the seed', async (t) => {
  for (const ed of [nobleEd25519, nodeEd25519]) {
    const seed = SEED.slice()
    const signer = signerFromSeed(ed, seed)
    t.equal(signer.keyid, KEY_FILE.keyid)
    t.same(signer.publicKey, PUBLIC_KEY)
    const message = utf8('hello')
    const signature = signer.sign(message)
    seed.fill(0)
    t.same(signer.sign(message), signature, 'rewriting the caller seed does not change the signer')
    t.ok(nobleEd25519.verify(signer.publicKey, message, signature))
    t.throws(() => signerFromSeed(ed, new Uint8Array(31)), RangeError)
  }
})

t.test('key files: format, parse, and refuse mismatched or malformed ones', async (t) => {
  const signer = signerFromSeed(nodeEd25519, SEED)
  t.same(formatKeyFile(signer), KEY_FILE)
  const parsed = parseKeyFile(JSON.parse(JSON.stringify(KEY_FILE)), nodeEd25519)
  t.equal(parsed.keyid, KEY_FILE.keyid)
  t.same(parsed.seed, SEED)
  t.same(parsed.sign(utf8('x')), signer.sign(utf8('x')))

  const other = signerFromSeed(nodeEd25519, new Uint8Array(32).fill(1))
  const cases: [unknown, string][] = [
    [null, 'BAD_REQUEST'],
    [[KEY_FILE], 'BAD_REQUEST'],
    ['key', 'BAD_REQUEST'],
    [{ ...KEY_FILE, keyid: undefined }, 'BAD_REQUEST'],
    [{ ...KEY_FILE, privateKey: 7 }, 'BAD_REQUEST'],
    [{ ...KEY_FILE, publicKey: toBase64(other.publicKey) }, 'BAD_REQUEST'],
    [{ ...KEY_FILE, keyid: other.keyid }, 'BAD_REQUEST'],
    [{ ...KEY_FILE, keyid: KEY_FILE.keyid.toUpperCase() }, 'BAD_REQUEST'],
    [{ ...KEY_FILE, privateKey: KEY_FILE.privateKey.slice(0, -1) }, 'ENCODING_INVALID'],
    [{ ...KEY_FILE, privateKey: toBase64(SEED.subarray(1)) }, 'ENCODING_INVALID'],
    [{ ...KEY_FILE, privateKey: toBase64(new Uint8Array(64)) }, 'ENCODING_INVALID'],
    [{ ...KEY_FILE, publicKey: toBase64(PUBLIC_KEY.subarray(1)) }, 'ENCODING_INVALID'],
    [{ ...KEY_FILE, publicKey: KEY_FILE.publicKey.replace('/', '_') }, 'ENCODING_INVALID'],
  ]
  for (const [value, code] of cases) t.throws(() => parseKeyFile(value, nodeEd25519), { code }, JSON.stringify(value))
})

t.test('parsePublicKey: strict base64 of exactly 32 bytes', async (t) => {
  t.same(parsePublicKey(KEY_FILE.publicKey), PUBLIC_KEY)
  for (const text of [
    KEY_FILE.publicKey.slice(0, -1), // unpadded
    ` ${KEY_FILE.publicKey}`,
    toBase64(PUBLIC_KEY.subarray(1)),
    toBase64(new Uint8Array(33)),
    '',
    KEY_FILE.publicKey.slice(0, -2) + 'p=', // non-zero trailing bits
  ]) {
    t.throws(() => parsePublicKey(text), { code: 'ENCODING_INVALID' }, text)
  }
})
