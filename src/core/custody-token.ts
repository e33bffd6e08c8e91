// Capture tokens: the bearer secrets that let a producer's system capture EPCIS events for an actor whose
// key the node holds in custody. `tc1.<actor>.<secret>`: the actor is named so the node finds the one stored
// hash to compare with; only SHA-256 of the whole token is kept, so a copy of the data directory signs nothing.

import { toBase64, toHex, utf8 } from './bytes.js'
import type { Signer } from './keys.js'
import { sha256 } from './hash.js'

export const CAPTURE_TOKEN_PREFIX = 'tc1.'
/** Bytes of randomness in a token's secret: 256 bits, as 43 base64url characters. */
export const CAPTURE_TOKEN_SECRET_BYTES = 32
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/
const ACTOR_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/**
 * What the node holds for the actors in its custody, read when asked (a token rotated or a key made while the
 * node runs counts from the next request). The CLI builds it over the data directory; tests over a temp one.
 */
export interface CustodyKeys {
  /** the stored SHA-256 (hex) of the actor's current capture token; undefined when it has none */
  tokenHashOf(actor: string): string | undefined
  /** the actor's custodial key; undefined when the node holds none for it */
  signerOf(actor: string): Signer | undefined
}

/** A token for `actor` from `secret` (random bytes the caller drew). Requires a valid actor id and 32 bytes. */
export function formatCaptureToken(actor: string, secret: Uint8Array): string {
  if (!ACTOR_PATTERN.test(actor)) throw new RangeError(`"actor" must be an actor id, got ${JSON.stringify(actor)}`)
  if (secret.length !== CAPTURE_TOKEN_SECRET_BYTES) throw new RangeError(`"secret" expected ${CAPTURE_TOKEN_SECRET_BYTES} bytes, got ${secret.length}`)
  const base64url = toBase64(secret).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return `${CAPTURE_TOKEN_PREFIX}${actor}.${base64url}`
}

/** The actor a token names, or undefined for text (attacker-controlled) that is not a capture token. */
export function parseCaptureToken(token: string): { actor: string } | undefined {
  if (!token.startsWith(CAPTURE_TOKEN_PREFIX)) return undefined
  const rest = token.slice(CAPTURE_TOKEN_PREFIX.length)
  const dot = rest.lastIndexOf('.')
  if (dot < 0) return undefined
  const actor = rest.slice(0, dot)
  if (!ACTOR_PATTERN.test(actor) || !SECRET_PATTERN.test(rest.slice(dot + 1))) return undefined
  return { actor }
}

/** The hash a token is stored as: lowercase hex SHA-256 of its UTF-8 bytes. */
export function captureTokenHash(token: string): string {
  return toHex(sha256(utf8(token)))
}

/**
 * The actor whose current token `token` (attacker-controlled) is, or undefined. Compares the hashes in
 * constant time, so how long a refusal takes says nothing of how much of a guess was right.
 */
export function actorOfCaptureToken(custody: CustodyKeys, token: string): string | undefined {
  const parsed = parseCaptureToken(token)
  if (!parsed) return undefined
  const stored = custody.tokenHashOf(parsed.actor)
  if (stored === undefined) return undefined
  const given = captureTokenHash(token)
  if (stored.length !== given.length) return undefined
  let difference = 0
  for (let i = 0; i < given.length; i++) difference |= given.charCodeAt(i) ^ stored.charCodeAt(i)
  return difference === 0 ? parsed.actor : undefined
}

/** No actor in custody: a node started without a data directory's custody keys answers every token 401. */
export const NO_CUSTODY: CustodyKeys = { tokenHashOf: () => undefined, signerOf: () => undefined }
