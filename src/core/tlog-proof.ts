// C2SP tlog-proof (c2sp.org/tlog-proof@v1): an offline proof that an entry is in a log, as text. The header
// line, an optional `extra <base64>` line, `index <N>`, the RFC 9162 inclusion proof one base64 hash a line
// (from the leaf's sibling up), an empty line, then the checkpoint's signed note verbatim, with whatever
// cosignature lines it carries. Verifying it (signature, cosignatures, inclusion) is the caller's part.

import { fromBase64, toBase64 } from './bytes.js'
import { fail } from './errors.js'
import { HASH_SIZE } from './hash.js'

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1'

/** RFC 9162 proofs of trees up to 2^63 leaves have at most 63 hashes (tlog-witness caps its proofs there too). */
export const MAX_TLOG_PROOF_HASHES = 63

export interface TlogProof {
  /** the entry's zero-based index in the log */
  index: number
  /** the inclusion proof, 32-byte hashes from the leaf's sibling to the root's child */
  proof: Uint8Array[]
  /** the checkpoint's signed note, byte for byte as the log (and its witnesses) signed it */
  checkpoint: string
  /** opaque, unauthenticated application data (the `extra` line), when there is one */
  extra?: Uint8Array
}

const INDEX = /^(0|[1-9][0-9]{0,15})$/

/**
 * The proof's text. Requires a safe integer index >= 0, at most MAX_TLOG_PROOF_HASHES hashes of 32 bytes and a
 * checkpoint note ending in a newline (RangeError otherwise).
 */
export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new RangeError(`"index" must be a safe integer >= 0, got ${p.index}`)
  if (p.proof.length > MAX_TLOG_PROOF_HASHES) throw new RangeError(`"proof" holds ${p.proof.length} hashes, at most ${MAX_TLOG_PROOF_HASHES}`)
  for (const hash of p.proof) if (hash.length !== HASH_SIZE) throw new RangeError(`"proof" hashes must be ${HASH_SIZE} bytes, got ${hash.length}`)
  if (!p.checkpoint.endsWith('\n')) throw new RangeError('"checkpoint" must be a signed note ending in a newline')
  const extra = p.extra !== undefined ? `extra ${toBase64(p.extra)}\n` : ''
  return `${TLOG_PROOF_HEADER}\n${extra}index ${p.index}\n${p.proof.map((hash) => `${toBase64(hash)}\n`).join('')}\n${p.checkpoint}`
}

/**
 * Parses a proof's text (attacker-controlled); the checkpoint is returned verbatim, unparsed and unverified.
 * Throws PROOF_INVALID (details.check: header, extra, index, hash, checkpoint) unless it is exactly the spec's
 * form: the header, an optional extra line in strict base64, `index` in decimal without leading zeros up to
 * 2^53 - 1, at most MAX_TLOG_PROOF_HASHES lines of strict base64 32-byte hashes, an empty line, and a
 * non-empty checkpoint ending in a newline.
 */
export function parseTlogProof(text: string): TlogProof {
  const malformed = (check: string, message: string): never => fail('PROOF_INVALID', `tlog-proof: ${message}`, { check })
  if (typeof text !== 'string') return malformed('header', 'not text')
  const lines = text.split('\n')
  let at = 0
  if (lines[at++] !== TLOG_PROOF_HEADER) malformed('header', `the first line is not ${TLOG_PROOF_HEADER}`)
  let extra: Uint8Array | undefined
  if (lines[at]?.startsWith('extra ')) {
    try {
      extra = fromBase64(lines[at++].slice('extra '.length), 'extra data')
    } catch {
      malformed('extra', 'the extra data is not base64')
    }
  }
  const indexLine = lines[at++] ?? ''
  if (!indexLine.startsWith('index ')) malformed('index', 'the index line is missing')
  const indexText = indexLine.slice('index '.length)
  if (!INDEX.test(indexText) || !Number.isSafeInteger(Number(indexText))) malformed('index', 'the index is not a decimal without leading zeros, at most 2^53 - 1')
  const proof: Uint8Array[] = []
  while (at < lines.length && lines[at] !== '') {
    if (proof.length === MAX_TLOG_PROOF_HASHES) malformed('hash', `more than ${MAX_TLOG_PROOF_HASHES} proof hashes`)
    let hash: Uint8Array
    try {
      hash = fromBase64(lines[at++], 'proof hash')
    } catch {
      return malformed('hash', `proof hash ${proof.length} is not base64`)
    }
    if (hash.length !== HASH_SIZE) malformed('hash', `proof hash ${proof.length} is ${hash.length} bytes, not ${HASH_SIZE}`)
    proof.push(hash)
  }
  if (at >= lines.length) malformed('checkpoint', 'no empty line before the checkpoint')
  const checkpoint = lines.slice(at + 1).join('\n')
  if (checkpoint === '' || !checkpoint.endsWith('\n')) malformed('checkpoint', 'the checkpoint is missing or does not end in a newline')
  return { index: Number(indexText), proof, checkpoint, ...(extra !== undefined ? { extra } : {}) }
}
