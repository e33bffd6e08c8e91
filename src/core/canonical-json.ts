// Canonical JSON: RFC 8785 (JSON Canonicalization Scheme) through the `canonicalize` package, and
// the strict parse that gives every signed statement exactly one byte form.
import canonicalize from 'canonicalize'
import { utf8 } from './bytes.js'
import { fail } from './errors.js'

/**
 * Deepest nesting of arrays and objects accepted, both ways. RFC 8259 section 9 lets a parser
 * limit depth; a fixed limit (not the engine's stack) makes acceptance the same in every runtime.
 */
export const MAX_JSON_DEPTH = 64

// ignoreBOM keeps a leading U+FEFF in the text, so JSON.parse rejects it instead of it vanishing.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Throws TypeError on functions (canonicalize would print `undefined`), RangeError past MAX_JSON_DEPTH or on cycles. */
function assertSerializable(value: unknown, depth: number): void {
  if (typeof value === 'function') throw new TypeError('a function cannot be JSON')
  if (typeof value !== 'object' || value === null) return
  if (depth >= MAX_JSON_DEPTH) throw new RangeError(`JSON nested deeper than ${MAX_JSON_DEPTH} (or circular)`)
  if (Array.isArray(value)) {
    for (const item of value) assertSerializable(item, depth + 1)
  } else {
    for (const key of Object.keys(value)) assertSerializable((value as Record<string, unknown>)[key], depth + 1)
  }
}

/**
 * The RFC 8785 form of `value`. Undefined and symbol members are dropped as JSON.stringify does.
 * Throws TypeError on values JSON cannot hold (NaN, Infinity, BigInt, functions, lone surrogates,
 * undefined at the top), RangeError on nesting past MAX_JSON_DEPTH or cycles.
 */
export function canonicalJson(value: unknown): string {
  assertSerializable(value, 0)
  let text: string | undefined
  try {
    text = canonicalize(value)
  } catch (error) {
    throw new TypeError(`value cannot be canonical JSON: ${(error as Error).message}`)
  }
  if (typeof text !== 'string') throw new TypeError(`value cannot be canonical JSON: ${typeof value}`)
  return text
}

/** UTF-8 of canonicalJson(value); same throws. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value))
}

/**
 * True when every object's keys enumerate in strictly increasing UTF-16 order (the RFC 8785 order).
 * Throws INVALID_JSON past MAX_JSON_DEPTH.
 */
function hasSortedKeys(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (depth >= MAX_JSON_DEPTH) fail('INVALID_JSON', `JSON nested deeper than ${MAX_JSON_DEPTH}`)
  if (Array.isArray(value)) {
    for (const item of value) if (!hasSortedKeys(item, depth + 1)) return false
    return true
  }
  let previous: string | undefined
  for (const key of Object.keys(value)) {
    if (previous !== undefined && !(previous < key)) return false
    previous = key
    if (!hasSortedKeys((value as Record<string, unknown>)[key], depth + 1)) return false
  }
  return true
}

/**
 * Parses JSON that must already be in its RFC 8785 form, byte for byte (attacker-controlled input).
 * Throws INVALID_JSON on malformed UTF-8 or JSON or nesting past MAX_JSON_DEPTH, and
 * PAYLOAD_NOT_CANONICAL when the bytes are not the canonical form of the value they hold.
 *
 * Strings are compared rather than bytes: the decode is fatal, so equal strings mean equal bytes.
 * Fast path: RFC 8785 serialises strings and numbers exactly as JSON.stringify does, so when the
 * native stringify reproduces the text and every object's keys are already sorted, the text is
 * canonical. Anything else (integer-like keys, which engines enumerate first; lone-surrogate
 * escapes, which RFC 8785 forbids) takes the exact path through `canonicalize`.
 */
export function parseCanonical(bytes: Uint8Array): unknown {
  let text: string
  let value: unknown
  try {
    text = strictUtf8.decode(bytes)
    value = JSON.parse(text)
  } catch {
    return fail('INVALID_JSON', 'payload is not UTF-8 JSON')
  }
  if (hasSortedKeys(value, 0) && !text.includes('\\ud') && JSON.stringify(value) === text) return value
  let canonical: string | undefined
  try {
    canonical = canonicalize(value)
  } catch {
    canonical = undefined // a lone surrogate or a number out of range: no canonical form exists
  }
  if (canonical !== text) fail('PAYLOAD_NOT_CANONICAL', 'payload is not the RFC 8785 form of itself')
  return value
}
