// C2SP tlog-witness (c2sp.org/tlog-witness) wire formats, shared by the witness and its client: the
// add-checkpoint request body and the 409 answer's tree size (text/x.tlog.size). Pure.
//
//   old <size>\n                    the size the client thinks the witness last cosigned (0: none)
//   <base64 hash>\n ...             at most 63 consistency proof lines, old size -> checkpoint size
//   \n
//   <checkpoint note>               signed by the log, possibly by others too
import { fromBase64, toBase64 } from '../core/bytes.js'
import { fail } from '../core/errors.js'
import { HASH_SIZE } from '../core/hash.js'

export const ADD_CHECKPOINT_PATH = '/add-checkpoint'
/** The spec's limit on proof lines (a proof between two sizes below 2^63 never needs more). */
export const MAX_PROOF_LINES = 63
/** The Content-Type of a 409's body, the witness's latest size. */
export const TREE_SIZE_CONTENT_TYPE = 'text/x.tlog.size'
/**
 * The largest add-checkpoint body a witness reads: 63 proof lines are 2.8 KiB; the rest is the note,
 * which a log may have signed with several keys (post-quantum signatures are up to about 5 kB each).
 */
export const MAX_ADD_CHECKPOINT_BODY = 64 * 1024

export interface AddCheckpointRequest {
  oldSize: number
  /** RFC 6962 consistency proof from oldSize to the checkpoint's size; empty when oldSize is 0 */
  proof: Uint8Array[]
  /** the signed checkpoint note, as the log signed it */
  checkpoint: string
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/

/** A decimal tree size without leading zeros up to 2^53 - 1 (attacker-controlled); undefined otherwise. */
export function parseDecimalSize(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined
  const size = Number(text)
  return Number.isSafeInteger(size) ? size : undefined
}

/** The request body. Requires a safe integer oldSize >= 0, 32-byte hashes, at most 63 of them (RangeError). */
export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(request.oldSize) || request.oldSize < 0) throw new RangeError(`"oldSize" must be a safe integer >= 0, got ${request.oldSize}`)
  if (request.proof.length > MAX_PROOF_LINES) throw new RangeError(`"proof" has ${request.proof.length} hashes; the protocol allows ${MAX_PROOF_LINES}`)
  for (const hash of request.proof) {
    if (hash.length !== HASH_SIZE) throw new RangeError(`"proof" hashes must be ${HASH_SIZE} bytes`)
  }
  return `old ${request.oldSize}\n${request.proof.map((hash) => `${toBase64(hash)}\n`).join('')}\n${request.checkpoint}`
}

/**
 * Parses a request body (attacker-controlled). Throws BAD_REQUEST (details.reason) unless it is an
 * "old N" line, at most 63 lines of base64 32-byte hashes, an empty line, and a non-empty rest. The rest
 * is returned as the checkpoint note unparsed: the witness parses and verifies it.
 */
export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  let at = 0
  const nextLine = (): string => {
    const end = body.indexOf('\n', at)
    if (end < 0) fail('BAD_REQUEST', 'add-checkpoint body ends before the empty line and the checkpoint', { reason: 'truncated' })
    const line = body.slice(at, end)
    at = end + 1
    return line
  }
  const oldLine = nextLine()
  const oldSize = oldLine.startsWith('old ') ? parseDecimalSize(oldLine.slice(4)) : undefined
  if (oldSize === undefined) fail('BAD_REQUEST', 'the first line must be "old <size>", a decimal without leading zeros', { reason: 'oldLine' })
  const proof: Uint8Array[] = []
  for (let line = nextLine(); line !== ''; line = nextLine()) {
    if (proof.length === MAX_PROOF_LINES) fail('BAD_REQUEST', `more than ${MAX_PROOF_LINES} consistency proof lines`, { reason: 'proofLines' })
    let hash: Uint8Array | undefined
    try {
      hash = fromBase64(line, 'proof hash')
    } catch {
      hash = undefined
    }
    if (hash?.length !== HASH_SIZE) fail('BAD_REQUEST', `proof line ${proof.length + 1} is not a base64 ${HASH_SIZE}-byte hash`, { reason: 'proofLine' })
    proof.push(hash)
  }
  const checkpoint = body.slice(at)
  if (checkpoint === '') fail('BAD_REQUEST', 'no checkpoint after the empty line', { reason: 'checkpoint' })
  return { oldSize, proof, checkpoint }
}

/** The body of a 409: the size in decimal and a newline. */
export function formatTreeSize(size: number): string {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`"size" must be a safe integer >= 0, got ${size}`)
  return `${size}\n`
}

/** Reads a 409's body (attacker-controlled); undefined unless it is exactly "<decimal>\n". */
export function parseTreeSize(body: string): number | undefined {
  return body.endsWith('\n') ? parseDecimalSize(body.slice(0, -1)) : undefined
}
