// Ed25519 verification by the browser's own WebCrypto, where it has one that accepts what the node's backends
// accept (core/ed25519.ts): native code, some ten times faster than @noble on a phone, and none of @noble in
// the consumer script. Asynchronous, so the page's verifier runs its synchronous checks ahead of the verdicts
// (deferred-ed25519.ts). Browser-safe; in Node, WebCrypto's Ed25519 is OpenSSL's and passes the same probe.

import { fromHex, toHex, utf8 } from '../core/bytes.js'
import { isStrictSignatureInput } from '../core/ed25519-strict.js'

export type VerifyAsync = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>

const ALGORITHM = { name: 'Ed25519' }

/**
 * The probe: a signature over `message` by `publicKey`, and one whose R carries a point of order 8. The second
 * holds in the cofactored equation ([8]R = [8]([S]B - [k]A)) but not in the cofactorless one that OpenSSL,
 * libsodium and core/ed25519.ts check: a backend that accepts it would accept signatures the node refuses.
 * test/web/page-ed25519.test.ts checks both against @noble.
 */
export const PROBE = {
  publicKey: '546c3418bf5c1bd20a1c1521d04c7946857e8090db3bd02adde05a507e9b9df6',
  message: 'tracechain',
  valid: '059b551a1432afaa10b7ab4284a32f07d5723c39e82c33a7ebef972c37524a6b5bfe912bb58a5d1acd64354b7c0d7af195360fa6568217d4c00d84d0bdc7810a',
  torsionR: 'a5b8cfb30f6a4497a3a1bb1d1c216323f6b67d271848ef4bdf796ffb93658517b2ceef2ada7ca7a25678d8fe9c6c735d775eb1b4fb76b6c05d6a0c5de68d4a06',
}

/**
 * `subtle`'s verify behind core/ed25519-strict.ts's shared pre-check; false, never a throw, for bad input. Each
 * key is imported once: a page's signatures are by a few actors and the log.
 */
export function webCryptoVerify(subtle: SubtleCrypto): VerifyAsync {
  const keys = new Map<string, Promise<CryptoKey>>()
  return async (publicKey, message, signature) => {
    if (!isStrictSignatureInput(publicKey, signature)) return false
    try {
      const hex = toHex(publicKey)
      let key = keys.get(hex)
      // Copies: WebCrypto takes bytes over an ArrayBuffer of their own, not a view of a shared one.
      if (!key) keys.set(hex, (key = subtle.importKey('raw', new Uint8Array(publicKey), ALGORITHM, false, ['verify'])))
      return await subtle.verify(ALGORITHM, await key, new Uint8Array(signature), new Uint8Array(message))
    } catch {
      return false // a key with no point on the curve
    }
  }
}

/**
 * WebCrypto's Ed25519 verify, or undefined where there is none (an older browser, or a page not served from a
 * secure context, where `crypto.subtle` is absent) or where it fails the probe.
 */
export async function webCryptoEd25519(subtle: SubtleCrypto | null | undefined = globalThis.crypto?.subtle): Promise<VerifyAsync | undefined> {
  if (!subtle) return undefined
  const verify = webCryptoVerify(subtle)
  const publicKey = fromHex(PROBE.publicKey)
  const message = utf8(PROBE.message)
  const [valid, torsionR] = await Promise.all([verify(publicKey, message, fromHex(PROBE.valid)), verify(publicKey, message, fromHex(PROBE.torsionR))])
  return valid && !torsionR ? verify : undefined
}
