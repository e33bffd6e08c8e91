// Actor and node keys (Ed25519, RFC 8032): key ids, signers and the key file.
// keyid = lowercase hex of the first 8 bytes of SHA-256(raw public key).
import { bytesEqual, fromBase64, toBase64, toHex } from './bytes.js'
import type { Ed25519 } from './ed25519.js'
import { assertSeed, PUBLIC_KEY_LENGTH, SEED_LENGTH } from './ed25519-strict.js'
import { fail } from './errors.js'
import { sha256 } from './hash.js'

export interface Signer {
  readonly keyid: string
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

/** The key file, JSON; base64 is standard and padded; privateKey is the 32-byte seed. */
export interface KeyFile {
  keyid: string
  publicKey: string
  privateKey: string
}

export const KEYID_PATTERN = /^[0-9a-f]{16}$/

/** Requires a 32-byte public key (RangeError otherwise). */
export function keyIdOf(publicKey: Uint8Array): string {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new RangeError(`"publicKey" expected ${PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`)
  }
  return toHex(sha256(publicKey).subarray(0, 8))
}

/** A signer over a private copy of `seed`. Throws RangeError unless the seed is 32 bytes. */
export function signerFromSeed(ed: Ed25519, seed: Uint8Array): Signer & { readonly seed: Uint8Array } {
  assertSeed(seed)
  const ownSeed = seed.slice()
  const publicKey = ed.publicKeyFromSeed(ownSeed)
  return {
    keyid: keyIdOf(publicKey),
    publicKey,
    seed: ownSeed,
    sign: (message: Uint8Array) => ed.sign(ownSeed, message),
  }
}

export function formatKeyFile(signer: { keyid: string; publicKey: Uint8Array; seed: Uint8Array }): KeyFile {
  return { keyid: signer.keyid, publicKey: toBase64(signer.publicKey), privateKey: toBase64(signer.seed) }
}

/** Decodes a base64 public key; throws ENCODING_INVALID unless it is exactly 32 bytes. */
export function parsePublicKey(base64: string): Uint8Array {
  const publicKey = fromBase64(base64, 'publicKey')
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    fail('ENCODING_INVALID', `publicKey must be ${PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`)
  }
  return publicKey
}

/**
 * Reads a key file's text (attacker-controlled in the page: any file a user picks). Throws INVALID_JSON naming
 * `what` and where the text stops being JSON, never quoting it: a file that is not JSON is most often a key in
 * another form (a raw seed, `privateKey=...`), and an engine's parse error quotes the text around the fault.
 * Otherwise as parseKeyFile.
 */
export function parseKeyFileText(text: string, ed: Ed25519, what = 'the key file'): Signer & { readonly seed: Uint8Array } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1]
    return fail('INVALID_JSON', `${what} is not JSON${position === undefined ? '' : ` (at character ${position})`}: a key file is {"keyid","publicKey","privateKey"}`)
  }
  return parseKeyFile(value, ed)
}

/**
 * Reads a key file's JSON value. Throws BAD_REQUEST for a wrong shape or when publicKey or keyid
 * do not belong to the seed (a key file pasted together from two keys), ENCODING_INVALID for bad
 * base64 or lengths.
 */
export function parseKeyFile(value: unknown, ed: Ed25519): Signer & { readonly seed: Uint8Array } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('BAD_REQUEST', 'key file must be a JSON object')
  const record = value as Record<string, unknown>
  for (const field of ['keyid', 'publicKey', 'privateKey']) {
    if (typeof record[field] !== 'string') fail('BAD_REQUEST', `key file "${field}" must be a string`, { field })
  }
  const seed = fromBase64(record.privateKey as string, 'privateKey')
  if (seed.length !== SEED_LENGTH) fail('ENCODING_INVALID', `privateKey must be a ${SEED_LENGTH}-byte seed, got ${seed.length}`)
  const publicKey = parsePublicKey(record.publicKey as string)
  const signer = signerFromSeed(ed, seed)
  seed.fill(0)
  if (!bytesEqual(signer.publicKey, publicKey)) fail('BAD_REQUEST', 'key file publicKey does not match its privateKey', { field: 'publicKey' })
  if (record.keyid !== signer.keyid) fail('BAD_REQUEST', 'key file keyid does not match its publicKey', { field: 'keyid' })
  return signer
}
