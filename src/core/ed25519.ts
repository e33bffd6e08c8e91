// Ed25519 (RFC 8032) behind one small interface, and its @noble backend for the browser and as
// the reference. The server signs with nodeEd25519 (ed25519-node.ts) and verifies statements with
// sodiumEd25519 (ed25519-sodium.ts); all three accept exactly the same set.
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesEqual, concatBytes } from './bytes.js'
import { assertBytes, assertSeed, isStrictSignatureInput } from './ed25519-strict.js'

// Byte-level, so that code which only handles keys (keys.ts) need not carry @noble into a page script.
export { assertSeed, SEED_LENGTH } from './ed25519-strict.js'

export interface Ed25519 {
  readonly name: string
  /** 32-byte seed -> 32-byte public key. Throws RangeError on a seed of another length. */
  publicKeyFromSeed(seed: Uint8Array): Uint8Array
  /** Deterministic 64-byte signature. Throws RangeError on a seed of another length. */
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array
  /** False, never a throw, for wrong lengths, invalid encodings and bad signatures (attacker input). */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
}

/** A backend that can also verify off the calling thread; callers fall back to `verify` without it. */
export interface AsyncEd25519 extends Ed25519 {
  verifyAsync?(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>
}

// @noble's sync API needs a SHA-512; the same one every caller of @noble/ed25519 would set.
ed.hashes.sha512 = sha512

const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i])
  return n
}

/**
 * RFC 8032 section 5.1.7 verification with the cofactorless equation R == encode([S]B - [k]A), as
 * OpenSSL computes it. Why not ed.verify(..., {zip215: false}): @noble checks the cofactored
 * equation [8]R == [8]([S]B - [k]A), so it also accepts an R carrying a small-order component, and
 * signatures by a mixed-order key aB + T whenever [k]T is not the identity; OpenSSL rejects both
 * (test/core/ed25519.test.ts crafts them). Comparing R byte for byte also rejects a non-canonical
 * R, as OpenSSL does. The cost is the same as ed.verify: one base and one variable-base multiply.
 */
function verifyCofactorless(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isStrictSignatureInput(publicKey, signature)) return false
  let A: ed.Point
  try {
    A = ed.Point.fromBytes(publicKey, false)
  } catch {
    return false // no point on the curve has this y
  }
  const encodedR = signature.subarray(0, 32)
  const s = littleEndianToBigInt(signature.subarray(32)) // < L, checked above
  const k = littleEndianToBigInt(sha512(concatBytes(encodedR, publicKey, message))) % GROUP_ORDER
  const expectedR = ed.Point.BASE.multiply(s, false).subtract(A.multiply(k, false))
  return bytesEqual(expectedR.toBytes(), encodedR)
}

export const nobleEd25519: Ed25519 = {
  name: 'noble',
  publicKeyFromSeed(seed) {
    assertSeed(seed)
    return ed.getPublicKey(seed)
  },
  sign(seed, message) {
    assertSeed(seed)
    assertBytes(message, 'message')
    return ed.sign(message, seed)
  },
  verify(publicKey, message, signature) {
    assertBytes(publicKey, 'publicKey')
    assertBytes(message, 'message')
    assertBytes(signature, 'signature')
    return verifyCofactorless(publicKey, message, signature)
  },
}
