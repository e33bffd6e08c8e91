// Property tests against the real app: a fixed fast-check seed, and the invariants every answer and
// every append must keep (a 2xx, or a 4xx with a code from the table; a refusal writes nothing; an
// accepted entry reads back as RFC 8785 JSON whose RFC 9162 leaf hash is the one the node gave, and audits).

import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Parameters } from 'fast-check'
import { canonicalJson, canonicalBytes } from '../../src/core/canonical-json.js'
import { fromBase64, fromUtf8, toHex } from '../../src/core/bytes.js'
import { ERROR_CODES } from '../../src/core/error-codes.js'
import { leafHash } from '../../src/core/merkle.js'

/** The seed every property file uses unless TRACECHAIN_PROPERTY_SEED names another (to explore). */
export const PROPERTY_SEED = 20261202

/** fast-check parameters: the fixed seed (printed, so a failure can be replayed) and a CI-sized run count. */
export function propertyParameters(t: Test, numRuns: number): Parameters<unknown> {
  const seed = Number(process.env.TRACECHAIN_PROPERTY_SEED ?? PROPERTY_SEED)
  const runs = Number(process.env.TRACECHAIN_PROPERTY_RUNS ?? numRuns)
  t.comment(`fast-check seed ${seed}, ${runs} runs`)
  return { seed, numRuns: runs, endOnFailure: process.env.TRACECHAIN_PROPERTY_SHRINK === '0' }
}

/** Throws (so fast-check records a failure and shrinks) when `condition` is false. */
export function expect(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what)
}

const CODE_PATTERN = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/

/** A refusal as the node writes it, alone or inside a batch's results: a code from the table, its status, a message. */
export function expectErrorShape(body: unknown, status: number, where: string): void {
  const error = body as { code?: unknown; message?: unknown; statusCode?: unknown }
  expect(typeof error === 'object' && error !== null, `${where}: a ${status} without a JSON object body`)
  expect(typeof error.code === 'string' && CODE_PATTERN.test(error.code), `${where}: ${status} code ${JSON.stringify(error.code)} is not UPPER_SNAKE`)
  expect(Object.hasOwn(ERROR_CODES, error.code), `${where}: code ${error.code} is not in src/core/errors.ts`)
  expect(ERROR_CODES[error.code as keyof typeof ERROR_CODES].status === status, `${where}: ${error.code} answered ${status}`)
  expect(typeof error.message === 'string' && error.message.length > 0, `${where}: ${error.code} has no message`)
}

/**
 * Every answer: never 5xx; a 2xx; or a 4xx that is JSON with a code and message (an HTML 4xx is
 * allowed where `html` says the client asked for a page). Returns the parsed JSON body, if any.
 */
export function expectAnswer(response: LightMyRequestResponse, where: string, options: { html?: boolean } = {}): unknown {
  const status = response.statusCode
  expect(status < 500, `${where}: ${status} ${response.body.slice(0, 300)}`)
  expect(status >= 200 && status < 300 ? true : status >= 400, `${where}: unexpected status ${status}`)
  const type = String(response.headers['content-type'] ?? '')
  if (status >= 400 && options.html && type.startsWith('text/html')) return undefined
  if (status >= 400) {
    expect(/json/.test(type), `${where}: a ${status} with content-type ${type}`)
    const body = JSON.parse(response.body) as unknown
    expectErrorShape(body, status, where)
    return body
  }
  return /json/.test(type) ? (JSON.parse(response.body) as unknown) : undefined
}

export interface LogState {
  size: number
  checkpoint: string
}

/** The tree as a client sees it: the signed checkpoint and the size on its second line (C2SP tlog-checkpoint). */
export async function logState(app: FastifyInstance): Promise<LogState> {
  const response = await app.inject({ method: 'GET', url: '/v1/checkpoint' })
  expect(response.statusCode === 200, `GET /v1/checkpoint: ${response.statusCode}`)
  return { size: Number(response.body.split('\n')[1]), checkpoint: response.body }
}

/** A refused request wrote nothing: same size, same signed checkpoint. */
export async function expectUnchanged(app: FastifyInstance, before: LogState, where: string): Promise<void> {
  const after = await logState(app)
  expect(after.size === before.size, `${where}: refused, but the tree grew from ${before.size} to ${after.size}`)
  expect(after.checkpoint === before.checkpoint, `${where}: refused, but the checkpoint changed`)
}

/**
 * Entries before.size .. now-1 read back through GET /v1/entries/:seq as JSON whose RFC 8785 bytes
 * hash to the leaf hash the node reports, hold a payload that is the RFC 8785 form of itself, and
 * GET /v1/verify over them is ok. `submitted` maps a seq to the envelope the client sent for it.
 */
export async function expectAppendedAudit(
  app: FastifyInstance,
  before: LogState,
  submitted: Map<number, unknown>,
  where: string,
): Promise<LogState> {
  const after = await logState(app)
  if (after.size === before.size) return after
  expect(after.checkpoint !== before.checkpoint, `${where}: the tree grew but the checkpoint did not change`)
  for (let seq = before.size; seq < after.size; seq++) {
    const response = await app.inject({ method: 'GET', url: `/v1/entries/${seq}` })
    expect(response.statusCode === 200, `${where}: GET /v1/entries/${seq}: ${response.statusCode}`)
    const { entry, leafHash: reported } = JSON.parse(response.body) as { entry: { seq: number; envelope: { payload: string } }; leafHash: string }
    expect(entry.seq === seq, `${where}: entry ${seq} says seq ${entry.seq}`)
    expect(toHex(leafHash(canonicalBytes(entry))) === reported, `${where}: entry ${seq}: the leaf hash of its RFC 8785 form is not ${reported}`)
    const payload = fromUtf8(fromBase64(entry.envelope.payload))
    expect(canonicalJson(JSON.parse(payload)) === payload, `${where}: entry ${seq}: the payload is not RFC 8785 JSON`)
    const sent = submitted.get(seq)
    if (sent !== undefined) expect(canonicalJson(sent) === canonicalJson(entry.envelope), `${where}: entry ${seq} is not the envelope sent`)
  }
  const audit = await app.inject({ method: 'GET', url: `/v1/verify?from=${before.size}&to=${after.size}` })
  expect(audit.statusCode === 200 && audit.json().ok === true, `${where}: /v1/verify?from=${before.size}&to=${after.size}: ${audit.body}`)
  return after
}

/**
 * POSTs a body to /v1/statements and checks the invariants for one envelope or a batch. `raw` sends
 * bytes as they are (with `contentType`); otherwise `body` is sent as JSON.
 */
export async function postAndCheck(
  app: FastifyInstance,
  request: { body: unknown } | { raw: Buffer | string; contentType?: string },
  where: string,
): Promise<{ status: number; body: unknown }> {
  const before = await logState(app)
  const response =
    'raw' in request
      ? await app.inject({
          method: 'POST',
          url: '/v1/statements',
          payload: request.raw,
          headers: request.contentType === undefined ? {} : { 'content-type': request.contentType },
        })
      : await app.inject({ method: 'POST', url: '/v1/statements', payload: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } })
  const body = expectAnswer(response, where)
  const status = response.statusCode
  const submitted = new Map<number, unknown>()
  if (status >= 400) {
    await expectUnchanged(app, before, where)
    return { status, body }
  }
  const sent = 'body' in request ? request.body : undefined
  const batch = sent !== null && typeof sent === 'object' && Object.hasOwn(sent, 'envelopes')
  const outcomes = batch ? (body as { results: unknown[] }).results : [body]
  const envelopes = batch ? ((sent as { envelopes: unknown[] }).envelopes ?? []) : [sent]
  if (batch) {
    expect(status === 200 && Array.isArray(outcomes) && outcomes.length === envelopes.length, `${where}: a batch answered ${status} with ${outcomes?.length} results for ${envelopes.length}`)
  }
  const fresh = new Set<number>()
  outcomes.forEach((outcome, index) => {
    const result = outcome as { seq?: unknown; leafHash?: unknown; statusCode?: unknown }
    if (typeof result.seq !== 'number') {
      expect(typeof result.statusCode === 'number' && result.statusCode >= 400 && result.statusCode < 500, `${where}: result ${index} ${JSON.stringify(result)}`)
      expectErrorShape(result, result.statusCode, `${where}: result ${index}`)
      return
    }
    expect(typeof result.leafHash === 'string' && /^[0-9a-f]{64}$/.test(result.leafHash), `${where}: result ${index} has no leaf hash`)
    if (result.seq >= before.size) {
      fresh.add(result.seq)
      if (envelopes[index] !== undefined) submitted.set(result.seq, envelopes[index])
    }
  })
  if (!batch) expect((status === 201) === fresh.has((body as { seq: number }).seq), `${where}: ${status} for seq ${(body as { seq: number }).seq} at size ${before.size}`)
  const after = await expectAppendedAudit(app, before, submitted, where)
  expect(after.size === before.size + fresh.size, `${where}: ${fresh.size} new seqs reported, the tree grew by ${after.size - before.size}`)
  return { status, body }
}
