// The log's key id as a label prints it, in the fragment of its Digital Link URI
// (`https://…/01/{gtin}/10/{lot}#log=370b113f`): the C2SP signed-note key hash of the log's verifier
// key (c2sp.org/signed-note, "key hash": the first 4 bytes of SHA-256(name || "\n" || 0x01 || key)),
// in the 8 lowercase hex digits the verifier key string itself carries. A fragment is never sent to a
// server, so GS1 resolvers and Digital Link syntax see the URI as it was.
//
// 8 hex digits are 32 bits: they catch a swapped key, not one ground to match (about 2^32 SHA-256
// evaluations, minutes of one CPU, by varying the log's name). A longer id is more hex digits of the
// same SHA-256, up to all 64, and is checked the same way; the first 8 are always the key hash.

import { concatBytes, toHex, utf8 } from './bytes.js'
import { sha256 } from './hash.js'
import { ED25519_SIGNATURE_TYPE, parseVerifierKey } from './signed-note.js'

/** The length labels print (DESIGN.md: `#log=<8 hex>`), the signed-note key hash. */
export const LOG_KEY_ID_LENGTH = 8
export const LOG_KEY_ID_PATTERN = /^[0-9a-f]{8,64}$/

/** SHA-256(name || "\n" || 0x01 || key) of a verifier key, hex; throws VERIFIER_KEY_INVALID. */
function keyDigestHex(verifierKey: string): string {
  const { name, publicKey } = parseVerifierKey(verifierKey)
  return toHex(sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, ED25519_SIGNATURE_TYPE), publicKey)))
}

/** The key id of a verifier key, `length` hex digits (8 by default, up to 64). Throws VERIFIER_KEY_INVALID. */
export function logKeyIdOf(verifierKey: string, length: number = LOG_KEY_ID_LENGTH): string {
  if (!Number.isInteger(length) || length < LOG_KEY_ID_LENGTH || length > 64) throw new RangeError(`"length" must be 8 to 64, got ${length}`)
  return keyDigestHex(verifierKey).slice(0, length)
}

export function isLogKeyId(text: unknown): boolean {
  return typeof text === 'string' && LOG_KEY_ID_PATTERN.test(text)
}

/**
 * True when `keyId` (attacker-controlled; requires isLogKeyId) names `verifierKey`: it equals that
 * many leading hex digits of the key's digest. Throws VERIFIER_KEY_INVALID for a key that does not parse.
 */
export function isKeyIdOf(verifierKey: string, keyId: string): boolean {
  if (!isLogKeyId(keyId)) throw new RangeError(`"keyId" must be 8 to 64 lowercase hex digits, got ${JSON.stringify(keyId)}`)
  return keyDigestHex(verifierKey).startsWith(keyId)
}

/** What a verifier link's fragment carries: `#log=<key id>&lot=<Digital Link>&url=<log URL>`, each optional. */
export interface TrustFragment {
  /** as written, not yet checked (isLogKeyId) */
  log?: string
  lot?: string
  url?: string
}

/** Reads a URL's fragment (with or without its "#"; attacker-controlled). Unknown and empty parameters are left out. */
export function parseTrustFragment(hash: string): TrustFragment {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash)
  const fragment: TrustFragment = {}
  for (const name of ['log', 'lot', 'url'] as const) {
    const value = params.get(name)
    if (value !== null && value !== '') fragment[name] = value
  }
  return fragment
}

/** `#log=…&lot=…&url=…` with the values given, percent-encoded; "" when none is. */
export function formatTrustFragment(fragment: TrustFragment): string {
  const params = new URLSearchParams()
  for (const name of ['log', 'lot', 'url'] as const) {
    const value = fragment[name]
    if (value !== undefined) params.set(name, value)
  }
  const text = params.toString()
  return text === '' ? '' : `#${text}`
}
