// The server's verifying Ed25519 backend (RFC 8032) on libsodium, through sodium-native: faster than
// OpenSSL's verify (bench/append.mjs runs both), and verification is most of an append.
// libsodium's checks are the ones ed25519-strict.ts makes for every backend (S < L, canonical keys, no
// small-order key or R) with the cofactorless equation, so it accepts exactly what the others accept;
// test/core/ed25519.test.ts runs every vector and crafted edge through all three. Kept out of the
// browser bundle, like ed25519-node.ts.
import sodium from 'sodium-native'
import { assertSeed, type Ed25519 } from './ed25519.js'
import { assertBytes, isStrictSignatureInput, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from './ed25519-strict.js'

function keyPair(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  assertSeed(seed)
  const publicKey = new Uint8Array(PUBLIC_KEY_LENGTH)
  const secretKey = new Uint8Array(64)
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed)
  return { publicKey, secretKey }
}

export const sodiumEd25519: Ed25519 = {
  name: 'sodium',
  publicKeyFromSeed(seed) {
    return keyPair(seed).publicKey
  },
  sign(seed, message) {
    assertBytes(message, 'message')
    const { secretKey } = keyPair(seed)
    const signature = new Uint8Array(SIGNATURE_LENGTH)
    sodium.crypto_sign_detached(signature, message, secretKey)
    secretKey.fill(0)
    return signature
  },
  verify(publicKey, message, signature) {
    assertBytes(publicKey, 'publicKey')
    assertBytes(message, 'message')
    assertBytes(signature, 'signature')
    // The lengths first: sodium-native asserts them, and a wrong length is a failed verification here.
    if (!isStrictSignatureInput(publicKey, signature)) return false
    return sodium.crypto_sign_verify_detached(signature, message, publicKey)
  },
}
