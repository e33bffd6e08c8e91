// All three Ed25519 backends accept exactly the same signatures: RFC 8032 vectors, SUPERCOP sign.input,
// Wycheproof, random keys, and crafted edges (S >= L, non-canonical R and A, small-order keys, torsion).
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { createPublicKey, verify as cryptoVerify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import t from 'tap'
import { concatBytes, fromHex, toHex, utf8 } from '../../src/core/bytes.js'
import { nobleEd25519, type Ed25519 } from '../../src/core/ed25519.js'
import { MAX_CACHED_PUBLIC_KEYS, nodeEd25519 } from '../../src/core/ed25519-node.js'
import { sodiumEd25519 } from '../../src/core/ed25519-sodium.js'
import { isCanonicalScalar, isStrictPublicKey } from '../../src/core/ed25519-strict.js'
import { sha256 } from '../../src/core/hash.js'
import { webCryptoVerify } from '../../src/web/webcrypto-ed25519.js'

const fixtures = new URL('../fixtures/ed25519/', import.meta.url)
const backends: Ed25519[] = [nobleEd25519, nodeEd25519, sodiumEd25519]
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const P = 2n ** 255n - 19n

function toLittleEndian(n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 255n)
  return out
}
function fromLittleEndian(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i])
  return n
}
/** Deterministic test bytes, so a failure replays. */
function testBytes(label: string, length = 32): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += 32) out.set(sha256(utf8(`${label}/${i}`)).subarray(0, Math.min(32, length - i)), i)
  return out
}
const testScalar = (label: string) => (fromLittleEndian(testBytes(label, 64)) % (L - 1n)) + 1n
const challenge = (R: Uint8Array, A: Uint8Array, M: Uint8Array) => fromLittleEndian(sha512(concatBytes(R, A, M))) % L
const signatureOf = (R: Uint8Array, S: bigint) => concatBytes(R, toLittleEndian(S))

/** The page verifier's WebCrypto backend, over Node's WebCrypto (OpenSSL's); a browser's must pass its probe first. */
const webCrypto = webCryptoVerify(globalThis.crypto.subtle)

/** Runs one case through every backend (and verifyAsync); they must agree with each other and with `expected`. */
async function bothAgree(t: { fail(message: string): unknown }, name: string, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, expected?: boolean) {
  const results = backends.map((b) => b.verify(publicKey, message, signature))
  results.push(await nodeEd25519.verifyAsync(publicKey, message, signature))
  results.push(await webCrypto(publicKey, message, signature))
  if (results.some((r) => r !== results[0]) || (expected !== undefined && results[0] !== expected)) {
    const verdicts = [...backends.map((b) => b.name), 'node async', 'WebCrypto (web/webcrypto-ed25519.ts)'].map((name, i) => `${name} ${results[i]}`).join(', ')
    t.fail(`${name}: ${verdicts}, expected ${expected}`)
    return undefined
  }
  return results[0]
}

/** OpenSSL on its own, without the shared pre-check: shows why the pre-check exists. */
function rawOpenSslVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = concatBytes(fromHex('302a300506032b6570032100'), publicKey)
  return cryptoVerify(null, message, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }), signature)
}

// RFC 8032 section 7.1, TEST 1, TEST 2 and TEST 3 (SECRET KEY, PUBLIC KEY, MESSAGE, SIGNATURE).
const RFC8032_TESTS = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
]

t.test('RFC 8032 section 7.1 TEST 1-3 through every backend', async (t) => {
  for (const [i, v] of RFC8032_TESTS.entries()) {
    const seed = fromHex(v.seed)
    const message = fromHex(v.message)
    for (const b of backends) {
      t.equal(toHex(b.publicKeyFromSeed(seed)), v.publicKey, `TEST ${i + 1} ${b.name} public key`)
      t.equal(toHex(b.sign(seed, message)), v.signature, `TEST ${i + 1} ${b.name} signature`)
    }
    t.equal(await bothAgree(t, `TEST ${i + 1}`, fromHex(v.publicKey), message, fromHex(v.signature), true), true)
  }
})

t.test('SUPERCOP sign.input: 1024 keys, messages and signatures, and each with one bit flipped', async (t) => {
  const lines = gunzipSync(readFileSync(new URL('rfc8032-sign.input.gz', fixtures))).toString('ascii').trim().split('\n')
  t.equal(lines.length, 1024)
  // Its first three lines are the RFC's TEST 1-3.
  t.equal(lines[0].split(':')[3].slice(0, 128), RFC8032_TESTS[0].signature)
  let checked = 0
  for (const [i, line] of lines.entries()) {
    const [secret, pk, msg, signed] = line.split(':')
    const seed = fromHex(secret.slice(0, 64))
    const publicKey = fromHex(pk)
    const message = fromHex(msg)
    const signature = fromHex(signed.slice(0, 128))
    for (const b of backends) {
      if (toHex(b.publicKeyFromSeed(seed)) !== pk) t.fail(`line ${i} ${b.name} public key`)
      if (toHex(b.sign(seed, message)) !== signed.slice(0, 128)) t.fail(`line ${i} ${b.name} signature`)
    }
    await bothAgree(t, `line ${i}`, publicKey, message, signature, true)
    const flipped = signature.slice()
    flipped[i % 64] ^= 1 << i % 8
    await bothAgree(t, `line ${i} flipped signature`, publicKey, message, flipped, false)
    if (message.length > 0) {
      const other = message.slice()
      other[i % message.length] ^= 0x80
      await bothAgree(t, `line ${i} flipped message`, publicKey, other, signature, false)
    }
    checked++
  }
  t.equal(checked, 1024)
})

t.test('Wycheproof Ed25519: every case, same verdict from every backend', async (t) => {
  const suite = JSON.parse(readFileSync(new URL('ed25519_test.json', fixtures), 'utf8'))
  let cases = 0
  for (const group of suite.testGroups) {
    const publicKey = fromHex(group.publicKey.pk)
    for (const test of group.tests) {
      await bothAgree(t, `tcId ${test.tcId} (${test.comment})`, publicKey, fromHex(test.msg), fromHex(test.sig), test.result === 'valid')
      cases++
    }
  }
  t.equal(cases, suite.numberOfTests)
})

t.test('random keys and messages: same signatures, cross-verified, tampering fails', async (t) => {
  for (let i = 0; i < 128; i++) {
    const seed = testBytes(`random seed ${i}`)
    const message = testBytes(`random message ${i}`, i * 7)
    const publicKey = nodeEd25519.publicKeyFromSeed(seed)
    t.same(nobleEd25519.publicKeyFromSeed(seed), publicKey)
    const signature = nodeEd25519.sign(seed, message)
    t.equal(toHex(nobleEd25519.sign(seed, message)), toHex(signature))
    await bothAgree(t, `random ${i}`, publicKey, message, signature, true)
    await bothAgree(t, `random ${i} other message`, publicKey, concatBytes(message, Uint8Array.of(0)), signature, false)
    const otherKey = nodeEd25519.publicKeyFromSeed(testBytes(`other seed ${i}`))
    await bothAgree(t, `random ${i} other key`, otherKey, message, signature, false)
  }
})

// The small-order points: canonical encodings of the 8 points of order 1, 2, 4 and 8.
const SMALL_ORDER = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
].map((hex) => fromHex(hex))
function withSignBit(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  out[31] |= 0x80
  return out
}
// Non-canonical encodings: y = p and y = p + 1 (that is 0 and 1), either sign; x = 0 with the sign bit.
const NON_CANONICAL = [toLittleEndian(P), toLittleEndian(P + 1n), withSignBit(toLittleEndian(P)), withSignBit(toLittleEndian(P + 1n))]
const ZERO_X_SIGNED = [withSignBit(toLittleEndian(1n)), withSignBit(toLittleEndian(P - 1n))]

t.test('the point tables are what they claim', async (t) => {
  for (const bytes of SMALL_ORDER) {
    t.ok(ed.Point.fromBytes(bytes).isSmallOrder(), `${toHex(bytes)} has small order`)
    t.equal(isStrictPublicKey(bytes), false)
  }
  for (const bytes of [...NON_CANONICAL, ...ZERO_X_SIGNED]) t.equal(isStrictPublicKey(bytes), false, toHex(bytes))
  t.equal(isStrictPublicKey(fromHex(RFC8032_TESTS[0].publicKey)), true)
  t.equal(isCanonicalScalar(toLittleEndian(L - 1n)), true)
  t.equal(isCanonicalScalar(toLittleEndian(L)), false)
})

t.test('small-order and non-canonical public keys are refused by all; raw OpenSSL would accept some', async (t) => {
  let rawAccepted = 0
  const keys = [...SMALL_ORDER, ...NON_CANONICAL, ...ZERO_X_SIGNED]
  const rs = [...SMALL_ORDER, ...NON_CANONICAL, ...ZERO_X_SIGNED]
  for (const [a, A] of keys.entries()) {
    for (const [r, R] of rs.entries()) {
      for (let m = 0; m < 4; m++) {
        const message = Uint8Array.of(m)
        const signature = signatureOf(R, 0n) // S = 0: [S]B - [k]A is a small-order point
        if (rawOpenSslVerify(A, message, signature)) rawAccepted++
        await bothAgree(t, `A ${a} R ${r} m ${m}`, A, message, signature, false)
      }
    }
  }
  t.ok(rawAccepted > 0, `raw OpenSSL accepted ${rawAccepted} of these; the shared pre-check refuses them`)
})

t.test('S >= L is refused by all (no malleable S + L)', async (t) => {
  for (let i = 0; i < 16; i++) {
    const seed = testBytes(`malleable ${i}`)
    const message = testBytes(`malleable message ${i}`, 20)
    const publicKey = nodeEd25519.publicKeyFromSeed(seed)
    const signature = nodeEd25519.sign(seed, message)
    const S = fromLittleEndian(signature.subarray(32))
    await bothAgree(t, `S + L ${i}`, publicKey, message, signatureOf(signature.subarray(0, 32), S + L), false)
  }
  const publicKey = fromHex(RFC8032_TESTS[0].publicKey)
  for (const S of [L, 2n ** 253n, 2n ** 256n - 1n]) {
    await bothAgree(t, `S = ${S}`, publicKey, new Uint8Array(), signatureOf(SMALL_ORDER[0], S), false)
  }
})

t.test('R = identity is refused in every encoding, though OpenSSL alone accepts the canonical one', async (t) => {
  // A key holder can choose S = k * a, so that [S]B - [k]A is the identity.
  const a = testScalar('identity-R key')
  const A = ed.Point.BASE.multiply(a).toBytes()
  const message = utf8('identity R')
  const encodings = [SMALL_ORDER[0], withSignBit(SMALL_ORDER[0]), toLittleEndian(P + 1n), withSignBit(toLittleEndian(P + 1n))]
  for (const [i, R] of encodings.entries()) {
    const signature = signatureOf(R, (challenge(R, A, message) * a) % L)
    t.equal(rawOpenSslVerify(A, message, signature), i === 0, `raw OpenSSL on encoding ${i}`)
    await bothAgree(t, `identity R encoding ${i}`, A, message, signature, false)
  }
})

t.test('torsion: R or A with a small-order component; both backends agree, noble zip215:false alone does not', async (t) => {
  let nobleCofactoredAccepted = 0
  let acceptedMixedKey = 0
  for (let i = 0; i < 48; i++) {
    const message = testBytes(`torsion message ${i}`, 16)
    const torsion = ed.Point.fromBytes(SMALL_ORDER[1 + (i % 7)])
    const a = testScalar(`torsion key ${i}`)
    const r = testScalar(`torsion nonce ${i}`)
    // An honest key and an R carrying torsion: the cofactored equation holds, the cofactorless one not.
    const A = ed.Point.BASE.multiply(a).toBytes()
    const R = ed.Point.BASE.multiply(r).add(torsion).toBytes()
    const signature = signatureOf(R, (r + challenge(R, A, message) * a) % L)
    if (ed.verify(signature, message, A, { zip215: false })) nobleCofactoredAccepted++
    await bothAgree(t, `torsion R ${i}`, A, message, signature, false)
    // A mixed-order key aB + T: OpenSSL accepts only when [k]T is the identity; so must noble.
    const mixedA = ed.Point.BASE.multiply(a).add(torsion).toBytes()
    const honestR = ed.Point.BASE.multiply(r).toBytes()
    const mixedSignature = signatureOf(honestR, (r + challenge(honestR, mixedA, message) * a) % L)
    if (ed.verify(mixedSignature, message, mixedA, { zip215: false })) nobleCofactoredAccepted++
    if (await bothAgree(t, `mixed-order A ${i}`, mixedA, message, mixedSignature)) acceptedMixedKey++
  }
  t.equal(nobleCofactoredAccepted, 96, '@noble verify {zip215: false} accepts all of these, which is why ed25519.ts checks the cofactorless equation')
  t.ok(acceptedMixedKey > 0 && acceptedMixedKey < 48, `both accepted ${acceptedMixedKey} of 48 mixed-order-key signatures (those with [k]T = 0)`)
})

t.test('a public key with no point on the curve fails in both', async (t) => {
  const signature = nodeEd25519.sign(testBytes('off curve'), utf8('x'))
  let offCurve = 0
  for (let y = 2n; y < 40n; y++) {
    const A = toLittleEndian(y)
    let onCurve = true
    try {
      ed.Point.fromBytes(A)
    } catch {
      onCurve = false
    }
    if (!onCurve) {
      offCurve++
      await bothAgree(t, `y = ${y}`, A, utf8('x'), signature, false)
    }
  }
  t.ok(offCurve > 0)
})

t.test('wrong lengths return false, never throw; non-bytes are TypeErrors', async (t) => {
  const seed = testBytes('lengths')
  const publicKey = nodeEd25519.publicKeyFromSeed(seed)
  const signature = nodeEd25519.sign(seed, utf8('m'))
  const cases: [Uint8Array, Uint8Array][] = [
    [publicKey.subarray(0, 31), signature],
    [concatBytes(publicKey, Uint8Array.of(0)), signature],
    [new Uint8Array(), signature],
    [publicKey, signature.subarray(0, 63)],
    [publicKey, concatBytes(signature, Uint8Array.of(0))],
    [publicKey, new Uint8Array()],
  ]
  for (const [i, [pk, sig]] of cases.entries()) await bothAgree(t, `length case ${i}`, pk, utf8('m'), sig, false)
  for (const b of backends) {
    t.throws(() => b.verify('key' as unknown as Uint8Array, utf8('m'), signature), TypeError)
    t.throws(() => b.sign(new Uint8Array(31), utf8('m')), RangeError)
    t.throws(() => b.publicKeyFromSeed(new Uint8Array(64)), RangeError)
  }
  await t.rejects(nodeEd25519.verifyAsync(publicKey, 'm' as unknown as Uint8Array, signature), TypeError)
})

t.test('node backend caches: many keys past the bound, and a seed rewritten in place', async (t) => {
  const message = utf8('cache')
  const keys = []
  for (let i = 0; i < MAX_CACHED_PUBLIC_KEYS + 100; i++) {
    const seed = testBytes(`cache ${i}`)
    keys.push({ publicKey: nodeEd25519.publicKeyFromSeed(seed), signature: nodeEd25519.sign(seed, message) })
  }
  let ok = 0
  for (const k of keys) if (nodeEd25519.verify(k.publicKey, message, k.signature)) ok++
  t.equal(ok, keys.length, 'every key verifies through the bounded cache')
  t.ok(nodeEd25519.verify(keys[0].publicKey, message, keys[0].signature), 'an evicted key verifies again')

  const seed = testBytes('rewritten seed')
  const first = nodeEd25519.sign(seed, message)
  seed.set(testBytes('another seed'))
  const second = nodeEd25519.sign(seed, message)
  t.equal(toHex(second), toHex(nobleEd25519.sign(seed, message)), 'the rewritten seed signs as itself')
  t.not(toHex(first), toHex(second))
})
