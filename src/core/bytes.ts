// Byte helpers shared by every layer: base64 (standard, padded), hex, UTF-8, comparison.
// Browser-safe: no Buffer. Inputs marked attacker-controlled are validated strictly.

import { fail } from './errors.js'

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text)
}

/** Decodes UTF-8; throws ENCODING_INVALID on malformed input (attacker-controlled). */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes)
  } catch {
    return fail('ENCODING_INVALID', 'bytes are not valid UTF-8')
  }
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
// Indexed by any UTF-16 code unit, so a character past Latin-1 finds -1 rather than undefined (which
// would count as 0, 'A', and let two texts decode to one byte string).
const BASE64_LOOKUP = new Int8Array(65536).fill(-1)
for (let i = 0; i < BASE64_ALPHABET.length; i++) BASE64_LOOKUP[BASE64_ALPHABET.charCodeAt(i)] = i

export function toBase64(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
    out += BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + BASE64_ALPHABET[(n >> 6) & 63] + BASE64_ALPHABET[n & 63]
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i] << 16
    out += BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + '=='
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8)
    out += BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + BASE64_ALPHABET[(n >> 6) & 63] + '='
  }
  return out
}

/** A native decoder for text in the one accepted form; undefined for anything else. */
export type Base64Decoder = (text: string) => Uint8Array | undefined

let nativeDecoder: Base64Decoder | undefined

/** Installs a faster decoder for this process (the server's, on Buffer); fromBase64 still decides refusals. */
export function useBase64Decoder(decoder: Base64Decoder | undefined): void {
  nativeDecoder = decoder
}

/**
 * Decodes standard padded base64 strictly: no whitespace, no URL alphabet, correct padding,
 * zero trailing bits, so that each byte string has exactly one accepted text form.
 * Throws ENCODING_INVALID (attacker-controlled input).
 */
export function fromBase64(text: string, what = 'value'): Uint8Array {
  if (nativeDecoder !== undefined && typeof text === 'string') {
    const decoded = nativeDecoder(text)
    if (decoded !== undefined) return decoded
  }
  if (typeof text !== 'string' || text.length % 4 !== 0) fail('ENCODING_INVALID', `${what} is not padded base64`)
  let padding = 0
  if (text.endsWith('==')) padding = 2
  else if (text.endsWith('=')) padding = 1
  const out = new Uint8Array((text.length / 4) * 3 - padding)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length
    const c0 = BASE64_LOOKUP[text.charCodeAt(i)]
    const c1 = BASE64_LOOKUP[text.charCodeAt(i + 1)]
    const c2 = last && padding === 2 ? 0 : BASE64_LOOKUP[text.charCodeAt(i + 2)]
    const c3 = last && padding >= 1 ? 0 : BASE64_LOOKUP[text.charCodeAt(i + 3)]
    if ((c0 | c1 | c2 | c3) < 0) fail('ENCODING_INVALID', `${what} is not base64`)
    const n = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3
    out[o++] = n >> 16
    if (o < out.length) out[o++] = (n >> 8) & 255
    if (o < out.length) out[o++] = n & 255
    if (last && padding === 2 && (c1 & 15) !== 0) fail('ENCODING_INVALID', `${what} has non-zero trailing bits`)
    if (last && padding === 1 && (c2 & 3) !== 0) fail('ENCODING_INVALID', `${what} has non-zero trailing bits`)
  }
  return out
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]]
  return out
}

/** Decodes lowercase or uppercase hex; throws ENCODING_INVALID (attacker-controlled input). */
export function fromHex(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    fail('ENCODING_INVALID', `${what} is not hex`)
  }
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16)
  return out
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

/** Compares UTF-16 strings in code point order, which is the order of their UTF-8 bytes (LevelDB's key
 *  order): surrogates sort above U+E000..U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000
      y += y >= 0xe000 ? -0x800 : 0x2000
    }
    return x - y
  }
  return a.length - b.length
}

/**
 * One buffer lent to synchronous uses that let go of it when they return, grown to the largest asked for up to
 * `max`: for bytes built on a hot path only to be hashed or verified at once (a leaf's prefix and entry, a PAE),
 * where a fresh Uint8Array each time is an ArrayBuffer of its own, off V8's heap past 64 bytes, whose allocation
 * and sweeping cost about what the hash did. A size over `max`, or a use within a use, gets a fresh one.
 */
export function scratchBuffer(max: number): <T>(size: number, use: (bytes: Uint8Array) => T) => T {
  let buffer = new Uint8Array(Math.min(4096, max))
  let lent = false
  return (size, use) => {
    if (size > max || lent) return use(new Uint8Array(size))
    if (size > buffer.length) buffer = new Uint8Array(Math.min(max, 2 ** Math.ceil(Math.log2(size))))
    lent = true
    try {
      return use(buffer.subarray(0, size))
    } finally {
      lent = false
    }
  }
}
