// DSSE v1 envelopes (github.com/secure-systems-lab/dsse, protocol.md and envelope.md), as in-toto
// and Sigstore use them. Everything signed in an envelope is the PAE, built only here.
import { canonicalBytes } from './canonical-json.js'
import { fromBase64, fromUtf8, scratchBuffer, toBase64, toHex, utf8 } from './bytes.js'
import type { Ed25519 } from './ed25519.js'
import { SIGNATURE_LENGTH } from './ed25519-strict.js'
import { fail } from './errors.js'
import { sha256 } from './hash.js'
import { KEYID_PATTERN, keyIdOf, type Signer } from './keys.js'
import { MAX_PAYLOAD_BYTES, parseStatementPayload, STATEMENT_PAYLOAD_TYPE, type Statement } from './statement.js'

export interface EnvelopeSignature {
  keyid: string
  sig: string
}

export interface Envelope {
  payloadType: string
  payload: string
  signatures: EnvelopeSignature[]
}

export interface DecodedEnvelope {
  payloadType: string
  payload: Uint8Array
  signatures: { keyid: string; sig: Uint8Array }[]
}

/** Base64 text longer than this cannot hold a statement: refuse before decoding it. */
const MAX_PAYLOAD_BASE64_LENGTH = Math.ceil(MAX_PAYLOAD_BYTES / 3) * 4

/**
 * Pre-Authentication Encoding: "DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload, LEN the
 * decimal byte length. The lengths make the split between type and payload unambiguous.
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const { start, length } = paeHeader(payloadType, payload)
  return writePae(new Uint8Array(start.length + length.length + payload.length), start, length, payload)
}

// The PAE a check builds for each statement it verifies, in one buffer reused (bytes.ts scratchBuffer).
const paeInput = scratchBuffer(128 * 1024)

/**
 * `use` of the PAE of `payloadType` and `payload`, built in a buffer that is reused once `use` returns: `use`
 * is synchronous and keeps no reference to it (a signature check, not a signing queue).
 */
export function withPae<T>(payloadType: string, payload: Uint8Array, use: (message: Uint8Array) => T): T {
  const { start, length } = paeHeader(payloadType, payload)
  return paeInput(start.length + length.length + payload.length, (out) => use(writePae(out, start, length, payload)))
}

/** The PAE's bytes up to its payload's length, and that length as it is written. */
function paeHeader(payloadType: string, payload: Uint8Array): { start: Uint8Array; length: string } {
  const start = payloadType === STATEMENT_PAYLOAD_TYPE ? STATEMENT_PAE_START : utf8(`DSSEv1 ${utf8(payloadType).length} ${payloadType} `)
  return { start, length: `${payload.length} ` }
}

/** Writes the PAE into `out`, which is exactly its length. */
function writePae(out: Uint8Array, start: Uint8Array, length: string, payload: Uint8Array): Uint8Array {
  out.set(start)
  // The rest of the header is ASCII digits and a space, written as they are: no encoder call per message.
  for (let i = 0; i < length.length; i++) out[start.length + i] = length.charCodeAt(i)
  out.set(payload, start.length + length.length)
  return out
}

/** The PAE's start for a statement, the one payload type a node signs and verifies, every time. */
const STATEMENT_PAE_START = utf8(`DSSEv1 ${utf8(STATEMENT_PAYLOAD_TYPE).length} ${STATEMENT_PAYLOAD_TYPE} `)

/** Signs the PAE once per signer. Throws RangeError with no signers. */
export function signEnvelope(payloadType: string, payload: Uint8Array, signers: Signer[]): Envelope {
  if (signers.length === 0) throw new RangeError('"signers" must name at least one signer')
  const message = pae(payloadType, payload)
  return {
    payloadType,
    payload: toBase64(payload),
    signatures: signers.map((signer) => ({ keyid: signer.keyid, sig: toBase64(signer.sign(message)) })),
  }
}

/** Exactly what signing a statement signs, for a signer to look at first (the console shows it). */
export interface StatementPreview {
  /** the RFC 8785 bytes: the envelope's payload */
  payload: Uint8Array
  /** the same bytes as text */
  json: string
  /** lowercase hex SHA-256 of the PAE, the message the signature is over */
  paeSha256: string
}

/**
 * The statement's payload and the digest of its PAE. Checks the statement first, as the node will, so
 * a bad one fails here (BAD_REQUEST, STATEMENT_TOO_LARGE) rather than after a round trip.
 */
export function previewStatement(statement: Statement): StatementPreview {
  const payload = canonicalBytes(statement)
  parseStatementPayload(payload)
  return { payload, json: fromUtf8(payload), paeSha256: toHex(sha256(pae(STATEMENT_PAYLOAD_TYPE, payload))) }
}

/** Signs the payload a preview showed: the bytes looked at are the bytes signed. */
export function signPreviewedStatement(preview: StatementPreview, signers: Signer[]): Envelope {
  return signEnvelope(STATEMENT_PAYLOAD_TYPE, preview.payload, signers)
}

/** Signs a statement as its RFC 8785 bytes; throws as previewStatement. */
export function buildStatementEnvelope(statement: Statement, signers: Signer[]): Envelope {
  return signPreviewedStatement(previewStatement(statement), signers)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Decodes an envelope's base64 (attacker-controlled; fields the schema allows through are still
 * checked here). Throws PAYLOAD_TYPE_UNSUPPORTED, ENCODING_INVALID (bad base64, a signature not
 * 64 bytes, a keyid not 16 lowercase hex), SIGNATURE_MISSING (no signatures), STATEMENT_TOO_LARGE,
 * BAD_REQUEST (not an envelope at all). Signatures are not verified here.
 */
export function decodeEnvelope(envelope: Envelope): DecodedEnvelope {
  const value: unknown = envelope
  if (!isRecord(value) || typeof value.payloadType !== 'string' || typeof value.payload !== 'string') {
    fail('BAD_REQUEST', 'envelope must have string payloadType and payload')
  }
  if (value.payloadType !== STATEMENT_PAYLOAD_TYPE) {
    fail('PAYLOAD_TYPE_UNSUPPORTED', `payloadType must be ${STATEMENT_PAYLOAD_TYPE}`)
  }
  if (value.payload.length > MAX_PAYLOAD_BASE64_LENGTH) {
    fail('STATEMENT_TOO_LARGE', `statement payload is over ${MAX_PAYLOAD_BYTES} bytes`, { limit: MAX_PAYLOAD_BYTES })
  }
  const payload = fromBase64(value.payload, 'payload')
  if (!Array.isArray(value.signatures)) fail('BAD_REQUEST', 'envelope signatures must be an array')
  if (value.signatures.length === 0) fail('SIGNATURE_MISSING', 'envelope has no signatures')
  const signatures = value.signatures.map((entry: unknown, index: number) => {
    if (!isRecord(entry) || typeof entry.keyid !== 'string' || typeof entry.sig !== 'string') {
      return fail('BAD_REQUEST', `signature ${index} must have string keyid and sig`, { index })
    }
    if (!KEYID_PATTERN.test(entry.keyid)) fail('ENCODING_INVALID', `signature ${index} keyid must be 16 lowercase hex`, { index })
    const sig = fromBase64(entry.sig, `signature ${index} sig`)
    if (sig.length !== SIGNATURE_LENGTH) {
      fail('ENCODING_INVALID', `signature ${index} must be ${SIGNATURE_LENGTH} bytes, got ${sig.length}`, { index })
    }
    return { keyid: entry.keyid, sig }
  })
  return { payloadType: value.payloadType, payload, signatures }
}

/**
 * Verifies signature `index` of a decoded envelope with `publicKey`, the key its keyid names.
 * Requires 0 <= index < signatures.length (RangeError). Throws SIGNATURE_INVALID when the keyid
 * is not that key's or the signature does not verify over the PAE.
 */
export function verifyEnvelopeSignature(ed: Ed25519, decoded: DecodedEnvelope, index: number, publicKey: Uint8Array): void {
  const signature = decoded.signatures[index]
  if (!Number.isInteger(index) || signature === undefined) {
    throw new RangeError(`"index" ${index} outside 0..${decoded.signatures.length - 1}`)
  }
  const details = { index, keyid: signature.keyid }
  if (keyIdOf(publicKey) !== signature.keyid) fail('SIGNATURE_INVALID', `signature ${index} keyid does not name this key`, details)
  if (!ed.verify(publicKey, pae(decoded.payloadType, decoded.payload), signature.sig)) {
    fail('SIGNATURE_INVALID', `signature ${index} does not verify`, details)
  }
}
