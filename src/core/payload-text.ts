// An entry's DSSE payload as text, in the answer a phone reads first (GET /v1/proofs/entries?payloads=text).
// Base64 hides a statement's repeated words from compression: the demo lot page's entries shrink by a
// quarter in brotli (10.3 -> 8.1 kB at the node's quality 7). The text stands for the payload only where its
// UTF-8 in base64 is the payload word for word, so the entry a verifier puts back, and the leaf it hashes, are
// the entry the log holds: a server that sends another text makes the leaf hash fail, and nothing else.
// Browser-safe.

import { fromBase64, fromUtf8, toBase64, utf8 } from './bytes.js'

interface WithEnvelope {
  envelope: { payload: string }
}

/** `entry` with its envelope's `payload` as `payloadText`, where the payload is UTF-8 that comes back exactly and is no longer as text; else `entry`. */
export function withPayloadText<T extends WithEnvelope>(entry: T): T | (Omit<T, 'envelope'> & { envelope: Record<string, unknown> }) {
  const { payload, ...rest } = entry.envelope
  let text: string
  try {
    const bytes = fromBase64(payload)
    // UTF-8 decodes exactly (fromUtf8 refuses what is not UTF-8, and base64 has one form for each byte string),
    // but for a leading byte order mark, which TextDecoder drops.
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return entry
    text = fromUtf8(bytes)
  } catch {
    return entry
  }
  // Never longer than the base64 (a payload of quotes and backslashes would be, escaped): the verifier bounds
  // the answer by the longest the node sends with base64 (web/http-log-source.ts).
  if (utf8(JSON.stringify(text)).length > payload.length + 2) return entry
  return { ...entry, envelope: { payloadText: text, ...rest } }
}

/**
 * A served entry with `payloadText` put back as the `payload` it stands for; anything else as it came, for
 * the checks to judge (an envelope with both keeps both, and its leaf hash fails).
 */
export function withPayloadBase64(served: unknown): unknown {
  if (typeof served !== 'object' || served === null) return served
  const envelope = (served as { envelope?: unknown }).envelope
  if (typeof envelope !== 'object' || envelope === null || 'payload' in envelope) return served
  const { payloadText, ...rest } = envelope as { payloadText?: unknown }
  if (typeof payloadText !== 'string') return served
  return { ...served, envelope: { payload: toBase64(utf8(payloadText)), ...rest } }
}
