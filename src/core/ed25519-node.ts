// The server's Ed25519 backend (RFC 8032) on Node's built-in crypto (OpenSSL), about 9x @noble.
// The one core file allowed node:crypto; it is kept out of the browser bundle.
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto'
import { assertSeed, type Ed25519 } from './ed25519.js'
import { assertBytes, isStrictSignatureInput, PUBLIC_KEY_LENGTH } from './ed25519-strict.js'
import { RecentValues } from './recent-values.js'

// DER prefixes of RFC 8410 structures holding a raw key: importing DER skips JWK's base64url.
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

/** The same few actor keys verify thousands of times; importing one costs more than verifying. */
export const MAX_CACHED_PUBLIC_KEYS = 4096
const publicKeys = new RecentValues<string, KeyObject>(MAX_CACHED_PUBLIC_KEYS)

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const cacheKey = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString('latin1')
  let key = publicKeys.get(cacheKey)
  if (key === undefined) {
    const der = new Uint8Array(SPKI_PREFIX.length + PUBLIC_KEY_LENGTH)
    der.set(SPKI_PREFIX)
    der.set(publicKey, SPKI_PREFIX.length)
    key = createPublicKey({ key: Buffer.from(der.buffer), format: 'der', type: 'spki' })
    publicKeys.set(cacheKey, key)
  }
  return key
}

// Private KeyObjects by seed object: a Signer keeps one seed array, so its signatures skip the
// import. Keyed by identity (a WeakMap), so no secret becomes a map key and nothing outlives the
// seed; the copy catches a caller that rewrites its seed array in place.
const privateKeys = new WeakMap<Uint8Array, { seedCopy: Uint8Array; key: KeyObject }>()

function privateKeyObject(seed: Uint8Array): KeyObject {
  const cached = privateKeys.get(seed)
  if (cached !== undefined && Buffer.compare(cached.seedCopy, seed) === 0) return cached.key
  const der = new Uint8Array(PKCS8_PREFIX.length + seed.length)
  der.set(PKCS8_PREFIX)
  der.set(seed, PKCS8_PREFIX.length)
  const key = createPrivateKey({ key: Buffer.from(der.buffer), format: 'der', type: 'pkcs8' })
  der.fill(0)
  privateKeys.set(seed, { seedCopy: seed.slice(), key })
  return key
}

function asUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length)
}

function checkVerifyArguments(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  assertBytes(publicKey, 'publicKey')
  assertBytes(message, 'message')
  assertBytes(signature, 'signature')
  return isStrictSignatureInput(publicKey, signature)
}

export const nodeEd25519: Ed25519 & {
  /** verify on libuv's thread pool, so several run in parallel off the event loop. */
  verifyAsync(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>
} = {
  name: 'node',
  publicKeyFromSeed(seed) {
    assertSeed(seed)
    const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' })
    return asUint8Array(spki).slice(SPKI_PREFIX.length)
  },
  sign(seed, message) {
    assertSeed(seed)
    assertBytes(message, 'message')
    return asUint8Array(cryptoSign(null, message, privateKeyObject(seed)))
  },
  verify(publicKey, message, signature) {
    if (!checkVerifyArguments(publicKey, message, signature)) return false
    try {
      return cryptoVerify(null, message, publicKeyObject(publicKey), signature)
    } catch {
      return false
    }
  },
  verifyAsync(publicKey, message, signature) {
    let strict: boolean
    try {
      strict = checkVerifyArguments(publicKey, message, signature)
    } catch (error) {
      return Promise.reject(error)
    }
    if (!strict) return Promise.resolve(false)
    return new Promise((resolve) => {
      try {
        cryptoVerify(null, message, publicKeyObject(publicKey), signature, (error, ok) => resolve(!error && ok))
      } catch {
        resolve(false)
      }
    })
  },
}
