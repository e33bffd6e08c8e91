// An entry's leaf bytes, written without a general JCS serialiser: the entry has a fixed shape whose
// every value the sequencer has already validated, so the RFC 8785 form is a fixed template (keys in
// code-point order; strings as JSON.stringify writes them, which is what RFC 8785 specifies), much
// cheaper than canonicalize on the append path; test/ledger/entry-bytes.test.ts checks it against
// canonicalBytes.

import type { Envelope } from '../core/dsse.js'
import { MAX_BUNDLE_ENTRY_BYTES } from '../core/entry-bundle.js'
import { GENESIS_PREV, type Entry } from './entry.js'

/**
 * A 0x00 byte, then UTF-8 of JCS(entry): the input of the entry's leaf hash (RFC 9162 section 2.1.1), so
 * hashing needs no copy; the entry's own bytes are `.subarray(1)`. Requires: seq a safe non-negative
 * integer, the envelope as decodeEnvelope accepted it. Every string is then escape-free ASCII (base64,
 * lowercase hex, the fixed payloadType, an ISO time): quoting is all JSON would do to it, and each
 * character is one byte, so no JSON.stringify scan of the payload is needed.
 */
export function leafInput(entry: Entry): Uint8Array {
  const { envelope } = entry
  let signatures = ''
  for (let i = 0; i < envelope.signatures.length; i++) {
    const { keyid, sig } = envelope.signatures[i]
    signatures += `${i === 0 ? '' : ','}{"keyid":"${keyid}","sig":"${sig}"}`
  }
  const text =
    `{"envelope":{"payload":"${envelope.payload}","payloadType":"${envelope.payloadType}","signatures":[${signatures}]},` +
    `"prev":"${entry.prev}","recordedAt":"${entry.recordedAt}","seq":${entry.seq}}`
  // From Buffer's shared pool: a small allocation here is one of a few per 8 KiB block, not its own.
  const out = Buffer.allocUnsafe(1 + text.length)
  out[0] = 0x00
  out.write(text, 1, 'latin1')
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}

/** UTF-8 of JCS(entry), under the same requirements as leafInput. */
export function entryBytes(entry: Entry): Uint8Array {
  return leafInput(entry).subarray(1)
}

/** The longest an entry's bytes may be: C2SP tlog-tiles entry bundles give each a uint16 length. */
export const MAX_ENTRY_BYTES = MAX_BUNDLE_ENTRY_BYTES

// The template's parts, measured on the template itself: an entry with the longest seq (16 digits) and an
// ISO recordedAt (24 characters), and its envelope's strings taken out.
const EMPTY_ENVELOPE = { payloadType: '', payload: '', signatures: [] }
const longestOf = (envelope: Envelope) =>
  leafInput({ seq: Number.MAX_SAFE_INTEGER, prev: GENESIS_PREV, recordedAt: '2000-01-01T00:00:00.000Z', envelope }).length - 1
const FIXED_BYTES = longestOf(EMPTY_ENVELOPE)
const PER_SIGNATURE_BYTES = longestOf({ ...EMPTY_ENVELOPE, signatures: [{ keyid: '', sig: '' }] }) - FIXED_BYTES

/**
 * The length of the entry `envelope` would make at any seq (the longest, at a 16-digit seq), under
 * leafInput's requirements (an envelope decodeEnvelope accepted): what decides whether it fits a bundle.
 */
export function longestEntryLength(envelope: Envelope): number {
  let length = FIXED_BYTES + envelope.payloadType.length + envelope.payload.length
  for (const { keyid, sig } of envelope.signatures) length += PER_SIGNATURE_BYTES + keyid.length + sig.length
  return length + Math.max(0, envelope.signatures.length - 1)
}
