// The tlog-witness client a log uses to get its checkpoints cosigned: one add-checkpoint call, the answer
// checked against the witness's key.
//
//   const result = await addCheckpoint(url, witnessKeyOf(name, publicKey), { oldSize, proof, checkpoint })
//   result.status === 'cosigned'  result.note is `checkpoint` with the witness's line; result.cosignatures
//                                 says who and when (POSIX seconds); result.lines are the verified lines
//   result.status === 'conflict'  the witness last cosigned result.size: resend with oldSize = result.size
//                                 and a proof from that size (a size larger than the log's is a fork or a
//                                 bigger tree the witness saw: evidence, not a retry)
// Anything else throws a TracechainError whose details name the witness (`witness`: its URL, `status`):
//   BAD_REQUEST 400, LOG_SIGNATURE_INVALID 403, LOG_UNKNOWN 404, BODY_TOO_LARGE 413, PROOF_INVALID 422
//   (what the witness answered); COSIGNATURE_INVALID (a 200 without a valid cosignature by the key);
//   WITNESS_UNAVAILABLE (not reached in time, another status, a redirect (never followed), or an answer outside
//   the protocol).
import { boundedBody } from '../core/bounded-body.js'
import { deadline } from '../core/deadline.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import type { Ed25519 } from '../core/ed25519.js'
import { fail, isTracechainError, TracechainError, type ErrorCode } from '../core/errors.js'
import { verifyCosignatures, withSignatureLines, type VerifiedCosignature, type WitnessKey } from '../core/cosignature.js'
import { parseSignedNote } from '../core/signed-note.js'
import { requestTarget } from '../core/url-credentials.js'
import { ADD_CHECKPOINT_PATH, formatAddCheckpointRequest, parseTreeSize, TREE_SIZE_CONTENT_TYPE, type AddCheckpointRequest } from './protocol.js'

/** How long one add-checkpoint may take, connection included. */
export const DEFAULT_WITNESS_TIMEOUT_MS = 10_000
/** The most of a witness's answer read: many cosignature lines fit; a hostile witness cannot fill memory. */
export const MAX_WITNESS_ANSWER_BYTES = 64 * 1024

export type AddCheckpointResult =
  | { status: 'cosigned'; note: string; lines: string[]; cosignatures: VerifiedCosignature[] }
  | { status: 'conflict'; size: number }

export interface AddCheckpointOptions {
  ed?: Ed25519
  timeoutMs?: number
  /** aborts the call (a closing node) */
  signal?: AbortSignal
}

const REFUSALS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  403: 'LOG_SIGNATURE_INVALID',
  404: 'LOG_UNKNOWN',
  413: 'BODY_TOO_LARGE',
  422: 'PROOF_INVALID',
}

/**
 * POSTs `request` to `<given>/add-checkpoint` (`given` is the witness's submission prefix, its credentials if
 * any sent as Basic authorization) and checks the
 * answer: a 200's lines must hold a cosignature by `witness` on the checkpoint with a non-zero time (lines
 * by other keys are dropped, as the spec asks); a 409's body must be a size in text/x.tlog.size.
 * Requires what formatAddCheckpointRequest requires (RangeError) and a checkpoint note that parses
 * (NOTE_MALFORMED). Otherwise throws as the file's head says.
 */
export async function addCheckpoint(given: string, witness: WitnessKey, request: AddCheckpointRequest, options: AddCheckpointOptions = {}): Promise<AddCheckpointResult> {
  // Credentials in the URL (a witness behind a proxy that asks for Basic authentication) go as a header, which
  // fetch refuses to take from the URL; errors name the URL without them.
  let target: ReturnType<typeof requestTarget>
  try {
    target = requestTarget(given)
  } catch {
    return fail('WITNESS_UNAVAILABLE', `witness ${JSON.stringify(given.slice(0, 200))} is not a URL`, { witness: given.slice(0, 200) })
  }
  const url = target.url
  const endpoint = `${url.replace(/\/+$/, '')}${ADD_CHECKPOINT_PATH}`
  const body = formatAddCheckpointRequest(request)
  const { text } = parseSignedNote(request.checkpoint)
  const requestDeadline = deadline(options.timeoutMs ?? DEFAULT_WITNESS_TIMEOUT_MS, options.signal)
  let status: number
  let contentType: string
  let answer: string
  try {
    // tlog-witness has no redirects, and a witness is not trusted: one that points elsewhere (a service on the node's
    // own host) is an answer outside the protocol, never a request the node sends on, with its answer in /healthz.
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8', ...(target.authorization !== undefined ? { authorization: target.authorization } : {}) }, body, redirect: 'manual', signal: requestDeadline.signal })
    status = response.status
    contentType = response.headers.get('content-type') ?? ''
    answer = await readBounded(response, url)
  } catch (error) {
    if (isTracechainError(error)) throw error
    return fail('WITNESS_UNAVAILABLE', `witness ${endpoint} did not answer: ${(error as Error).message}`, { witness: url })
  } finally {
    requestDeadline.clear()
  }
  const evidence = { witness: url, status, body: answer.slice(0, 500) }
  if (status === 409) {
    const size = contentType.split(';')[0].trim().toLowerCase() === TREE_SIZE_CONTENT_TYPE ? parseTreeSize(answer) : undefined
    if (size === undefined) fail('WITNESS_UNAVAILABLE', `witness ${endpoint} answered 409 without a size in ${TREE_SIZE_CONTENT_TYPE}`, evidence)
    return { status: 'conflict', size }
  }
  if (status !== 200) {
    const code = REFUSALS[status] ?? 'WITNESS_UNAVAILABLE'
    const redirect = status >= 300 && status < 400 ? ' (a redirect, which is not followed)' : ''
    fail(code, `witness ${endpoint} answered ${status}${redirect}: ${answer.slice(0, 200)}`, evidence)
  }
  const lines = answer.endsWith('\n') ? answer.slice(0, -1).split('\n') : undefined
  if (!lines || lines.some((line) => !line.startsWith('\u2014 '))) {
    fail('WITNESS_UNAVAILABLE', `witness ${endpoint} answered 200 with something other than signature lines`, evidence)
  }
  const verified: string[] = []
  const cosignatures: VerifiedCosignature[] = []
  for (const line of lines) {
    let found: VerifiedCosignature[]
    try {
      found = verifyCosignatures(options.ed ?? nodeEd25519, `${text}\n${line}\n`, [witness]).cosignatures
    } catch (error) {
      if (!isTracechainError(error)) throw error
      const code = error.code === 'NOTE_MALFORMED' ? 'WITNESS_UNAVAILABLE' : error.code
      throw new TracechainError(code, `witness ${endpoint}: ${error.message}`, { ...evidence, ...(error.details as object | undefined) })
    }
    // Another key of the witness's, or another witness's: not ours to trust. A repeat adds nothing.
    if (found.length === 0 || cosignatures.length > 0) continue
    if (found[0].timestamp === 0) fail('COSIGNATURE_INVALID', `witness ${endpoint} cosigned with time 0, which tlog-witness forbids`, { ...evidence, check: 'timestamp' })
    verified.push(`${line}\n`)
    cosignatures.push(found[0])
  }
  if (verified.length === 0) fail('COSIGNATURE_INVALID', `witness ${endpoint} answered 200 with no cosignature by ${witness.name}`, { ...evidence, check: 'missing' })
  return { status: 'cosigned', note: withSignatureLines(request.checkpoint, verified), lines: verified, cosignatures }
}

/** The answer as text, refusing one over MAX_WITNESS_ANSWER_BYTES. */
async function readBounded(response: Response, url: string): Promise<string> {
  const body = await boundedBody(response, MAX_WITNESS_ANSWER_BYTES)
  if (body === undefined) fail('WITNESS_UNAVAILABLE', `a witness answer longer than ${MAX_WITNESS_ANSWER_BYTES} bytes`, { witness: url, status: response.status })
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
}
