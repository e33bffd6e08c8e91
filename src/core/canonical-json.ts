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
 * Where the JSON.stringify form of `value` ends in `text` when it starts at `at` and every object's keys
 * enumerate in strictly increasing order, or -1 where that is not shown (a string with anything escaped,
 * nesting past MAX_JSON_DEPTH, a difference). `text` is valid JSON that parses to `value`, decoded from
 * UTF-8 with errors fatal, so it holds no unpaired surrogate. Compares in place rather than building the
 * string: for a statement's entry, most of whose bytes are one long base64 string, JSON.stringify and the
 * comparison cost about three times the parse.
 */
function canonicalEnd(value: unknown, text: string, at: number, depth: number): number {
  switch (typeof value) {
    case 'string':
      return plainStringEnd(value, text, at)
    case 'number': {
      // For a finite number JSON.stringify writes Number::toString, as RFC 8785 does.
      const written = String(value)
      return Number.isFinite(value) && text.startsWith(written, at) ? at + written.length : -1
    }
    case 'boolean': {
      const written = value ? 'true' : 'false'
      return text.startsWith(written, at) ? at + written.length : -1
    }
    case 'object': {
      if (value === null) return text.startsWith('null', at) ? at + 4 : -1
      if (depth >= MAX_JSON_DEPTH) return -1
      const array = Array.isArray(value)
      if (text.charCodeAt(at) !== (array ? 0x5b : 0x7b)) return -1
      at++
      if (array) {
        for (let i = 0; i < value.length && at >= 0; i++) {
          if (i > 0 && text.charCodeAt(at++) !== 0x2c) return -1
          at = canonicalEnd(value[i], text, at, depth + 1)
        }
      } else {
        let previous: string | undefined
        for (const key of Object.keys(value)) {
          if (previous !== undefined && (!(previous < key) || text.charCodeAt(at++) !== 0x2c)) return -1
          previous = key
          at = plainStringEnd(key, text, at)
          if (at < 0 || text.charCodeAt(at++) !== 0x3a) return -1
          at = canonicalEnd((value as Record<string, unknown>)[key], text, at, depth + 1)
          if (at < 0) return -1
        }
      }
      return at >= 0 && text.charCodeAt(at) === (array ? 0x5d : 0x7d) ? at + 1 : -1
    }
    default:
      return -1
  }
}

/**
 * Where `"value"` ends in `text` from `at`, written there with nothing escaped; else -1. The token runs to the
 * first quote after `at`; when what it holds is `value` itself, it holds no escape (each escape is longer
 * than what it stands for, and an escaped quote would put a quote in `value`), and so no raw control
 * character either (valid JSON has none in a token) and no unpaired surrogate (the text has none): it is
 * how JSON.stringify writes `value`.
 */
function plainStringEnd(value: string, text: string, at: number): number {
  if (text.charCodeAt(at) !== 0x22) return -1
  const end = text.indexOf('"', at + 1)
  return end - at - 1 === value.length && textAt(text, at + 1, value) ? end + 1 : -1
}

/** Whether `text` holds `part` at `at`. V8's startsWith compares a character at a time (some 2.5 ns each); all
 *  but a short part are compared as a slice, which compares their memory at once (a 1.1 kB base64 payload:
 *  2.7 µs -> 0.25). */
function textAt(text: string, at: number, part: string): boolean {
  return part.length < 8 ? text.startsWith(part, at) : text.slice(at, at + part.length) === part
}

/**
 * Parses JSON that must already be in its RFC 8785 form, byte for byte (attacker-controlled input).
 * Throws INVALID_JSON on malformed UTF-8 or JSON or nesting past MAX_JSON_DEPTH, and
 * PAYLOAD_NOT_CANONICAL when the bytes are not the canonical form of the value they hold.
 *
 * Strings are compared rather than bytes: the decode is fatal, so equal strings mean equal bytes.
 * Fast paths: RFC 8785 serialises strings and numbers exactly as JSON.stringify does, so when the text
 * is what the native stringify writes and every object's keys are already sorted, the text is canonical.
 * First that is shown in place (canonicalEnd), for text with nothing escaped in its strings; then by
 * stringifying. Anything else (integer-like keys, which engines enumerate first; lone-surrogate escapes,
 * which RFC 8785 forbids) takes the exact path through `canonicalize`.
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
  if (canonicalEnd(value, text, 0, 0) === text.length) return value
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
