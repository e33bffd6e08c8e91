// The one strictness check every Ed25519 backend applies before verifying (RFC 8032 section 5.1.7).
// Byte-level only, so it costs nanoseconds: it runs before every verify, on the server too.

// Why it exists: the backends disagree at the edges. OpenSSL (nodeEd25519) decodes the public key A
// leniently: it accepts a y coordinate >= p and the x = 0 encodings with the sign bit set, and it
// accepts small-order keys, for which a signature with S = 0 verifies over many messages.
// @noble/ed25519 with {zip215: false} rejects all of those; libsodium (sodiumEd25519) rejects them and
// also a small-order R. Rejecting all of them here, in every backend, makes the three accept the same
// set. (The other disagreement, the cofactored group equation of @noble's verify, is settled in
// ed25519.ts, which checks the cofactorless equation as OpenSSL and libsodium do.)
import { fromHex } from './bytes.js'

export const PUBLIC_KEY_LENGTH = 32
export const SEED_LENGTH = 32
export const SIGNATURE_LENGTH = 64

/** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const GROUP_ORDER_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
])

/** The field prime p = 2^255 - 19, little-endian. */
const FIELD_PRIME_LE = Uint8Array.from([
  0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
])

// The eight points of order dividing 8, each by its canonical encoding, plus the two encodings of
// x = 0 with the sign bit set (the identity and the point of order 2 again), which have y < p.
// Every other encoding of a small-order point has y >= p and fails the canonical check first.
const SMALL_ORDER_ENCODINGS = [
  '0100000000000000000000000000000000000000000000000000000000000000', // identity (0, 1)
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2 (0, -1)
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4
  '0000000000000000000000000000000000000000000000000000000000000080', // order 4
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
  '0100000000000000000000000000000000000000000000000000000000000080', // identity, x = 0 with sign bit
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // order 2, x = 0 with sign bit
].map((hex) => fromHex(hex))

/** a < b for 32-byte little-endian integers; `topMask` 0x7f drops the sign bit of a point encoding. */
function isLessThan(a: Uint8Array, b: Uint8Array, topMask = 0xff): boolean {
  for (let i = 31; i >= 0; i--) {
    const ai = i === 31 ? a[i] & topMask : a[i]
    if (ai !== b[i]) return ai < b[i]
  }
  return false
}

function isSmallOrderEncoding(point: Uint8Array): boolean {
  outer: for (const encoding of SMALL_ORDER_ENCODINGS) {
    for (let i = 0; i < 32; i++) if (point[i] !== encoding[i]) continue outer
    return true
  }
  return false
}

/**
 * True when `publicKey` is 32 bytes encoding y < p canonically and is not a point of small order.
 * It may still fail to decode (no x for that y); verification then fails in either backend.
 */
export function isStrictPublicKey(publicKey: Uint8Array): boolean {
  return (
    publicKey.length === PUBLIC_KEY_LENGTH &&
    isLessThan(publicKey, FIELD_PRIME_LE, 0x7f) &&
    !isSmallOrderEncoding(publicKey)
  )
}

/** True when the 32 little-endian bytes of S are below the group order (no malleable S + L). */
export function isCanonicalScalar(scalar: Uint8Array): boolean {
  return scalar.length === 32 && isLessThan(scalar, GROUP_ORDER_LE)
}

/**
 * The shared pre-check: right lengths, S < L, R not a small-order point, and a strict public key.
 * Inputs are attacker-controlled; never throws for Uint8Array arguments.
 *
 * A small-order R only verifies when the key holder crafted it (S = k * a makes R the identity), and
 * libsodium refuses it where OpenSSL and @noble accept it; refusing it here keeps the three in step.
 */
export function isStrictSignatureInput(publicKey: Uint8Array, signature: Uint8Array): boolean {
  return (
    signature.length === SIGNATURE_LENGTH &&
    isCanonicalScalar(signature.subarray(32)) &&
    !isSmallOrderEncoding(signature.subarray(0, 32)) &&
    isStrictPublicKey(publicKey)
  )
}

/** Programmer mistakes (not bytes at all) are TypeErrors; wrong lengths are verification failures. */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`"${name}" expected Uint8Array`)
}

export function assertSeed(seed: unknown): asserts seed is Uint8Array {
  assertBytes(seed, 'seed')
  if (seed.length !== SEED_LENGTH) throw new RangeError(`"seed" expected ${SEED_LENGTH} bytes, got ${seed.length}`)
}
