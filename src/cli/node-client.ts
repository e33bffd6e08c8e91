// How the CLI's commands ask a node over HTTP (submit, demo --url, epcis import, label --url, bundle --url,
// export, verify --url). A node is reached through networks and proxies that fail in their own ways: it may
// not answer, answer forever, answer without end, or be a proxy's error page rather than the node. Each of
// those is one typed error here (NODE_UNAVAILABLE, BODY_TOO_LARGE, or the node's own code for a refusal it
// made), within a deadline, never a parser's exception or a command that waits for good.

import { setTimeout as sleep } from 'node:timers/promises'
import { boundedBody, MAX_ERROR_BODY_BYTES } from '../core/bounded-body.js'
import { ERROR_STATUS, TracechainError, type ErrorCode } from '../core/errors.js'

/** A refusal the node made in its own words (its code), as against a failure to get its answer. */
export class NodeRefusal extends TracechainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number,
    /** when a 429 or 503 said to come back (Retry-After, in seconds, at most MAX_RETRY_AFTER_SECONDS) */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message, { status })
  }
}

/** Tries of one request a node answers 429 or 503 with Retry-After. */
const MAX_ATTEMPTS = 5

/** The longest Retry-After waited for; a longer one is the refusal. */
const MAX_RETRY_AFTER_SECONDS = 30

/** How long one request may take, headers and body, unless --timeout says otherwise. */
export const DEFAULT_NODE_TIMEOUT_MS = 120_000

export interface NodeRequest {
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** the most of a successful answer's body, decoded, that is read */
  maxBytes: number
  /** over the whole answer, from the request to its last byte (DEFAULT_NODE_TIMEOUT_MS when undefined) */
  timeoutMs?: number | undefined
}

export interface NodeAnswer {
  status: number
  headers: Headers
  body: Uint8Array
}

/** As Response.text() decodes: malformed UTF-8 becomes U+FFFD, which whatever reads the text then refuses. */
const lenientUtf8 = new TextDecoder()

/**
 * The node's answer to `request`, whole, when it is a success (2xx). A refusal the node made (its JSON with a code
 * this build knows) is thrown with the node's code; anything else that is not a success, a deadline passed or no
 * connection is NODE_UNAVAILABLE; a success longer than `maxBytes` is BODY_TOO_LARGE.
 */
export async function askNode(url: string, request: NodeRequest): Promise<NodeAnswer> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS
  const { method = 'GET' } = request
  return withinDeadline(url, method, timeoutMs, async (signal) => {
    let response: Response
    for (let attempt = 1; ; attempt++) {
      response = await fetch(url, { method, signal, ...(request.headers ? { headers: request.headers } : {}), ...(request.body !== undefined ? { body: request.body } : {}) })
      if (response.ok) break
      const refusal = await refusalOf(url, method, response)
      // A node busy for a moment (BUSY, RATE_LIMITED, a store being reopened) says when to come back: within the
      // deadline, so does this. Every request here may be sent again: a statement sent twice is recorded once.
      const wait = refusal instanceof NodeRefusal ? refusal.retryAfterSeconds : undefined
      if (wait === undefined || attempt >= MAX_ATTEMPTS) throw refusal
      await sleep(wait * 1000, undefined, { signal })
    }
    const body = await boundedBody(response, request.maxBytes)
    if (body === undefined) {
      throw new TracechainError('BODY_TOO_LARGE', `${method} ${url}: the node sent more than the ${request.maxBytes} bytes its answer can hold; nothing was kept`, { url, max: request.maxBytes })
    }
    return { status: response.status, headers: response.headers, body }
  })
}

/** askNode's answer parsed as JSON; an answer that is not JSON is NODE_UNAVAILABLE (not the node's answer). */
export async function askNodeJson<T>(url: string, request: NodeRequest): Promise<{ status: number; value: T }> {
  const answer = await askNode(url, { ...request, headers: { accept: 'application/json', ...request.headers } })
  try {
    return { status: answer.status, value: JSON.parse(lenientUtf8.decode(answer.body)) as T }
  } catch {
    throw notTheNode(url, request.method ?? 'GET', `${answer.status}, not JSON (${answer.headers.get('content-type') ?? 'no content type'})`)
  }
}

/**
 * A streamed answer (an export as long as the node's data): `response` once its headers say it is a success, its
 * read aborted with NODE_UNAVAILABLE when no byte has come for `idleMs` (call `touch` as bytes arrive, `done` at
 * the end). Refusals as askNode.
 */
export async function openNodeStream(url: string, idleMs: number = DEFAULT_NODE_TIMEOUT_MS): Promise<{ response: Response; touch(): void; done(): void }> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const touch = () => {
    clearTimeout(timer)
    timer = setTimeout(() => controller.abort(new TracechainError('NODE_UNAVAILABLE', `GET ${url}: no byte came within ${seconds(idleMs)}`)), idleMs)
  }
  const done = () => clearTimeout(timer)
  touch()
  try {
    const response = await fetch(url, { signal: controller.signal })
    if (!response.ok) throw await refusalOf(url, 'GET', response)
    return { response, touch, done }
  } catch (error) {
    done()
    throw unreachable(url, 'GET', error, controller.signal)
  }
}

async function withinDeadline<T>(url: string, method: string, timeoutMs: number, ask: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    return await ask(signal)
  } catch (error) {
    if (signal.aborted) throw new TracechainError('NODE_UNAVAILABLE', `${method} ${url}: no complete answer within ${seconds(timeoutMs)}`, { url })
    throw unreachable(url, method, error, signal)
  }
}

/** What a failed fetch or read is, as a TracechainError: fetch's own failures (no connection, reset) are NODE_UNAVAILABLE. */
function unreachable(url: string, method: string, error: unknown, signal: AbortSignal): unknown {
  if (error instanceof TracechainError) return error
  if (signal.aborted && signal.reason instanceof TracechainError) return signal.reason
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = error.cause instanceof Error ? error.cause.message : 'no connection'
    return new TracechainError('NODE_UNAVAILABLE', `${method} ${url}: ${cause}`, { url })
  }
  return error
}

/** A refusal in the node's words when it is the node's (JSON with a code), else NODE_UNAVAILABLE. */
async function refusalOf(url: string, method: string, response: Response): Promise<TracechainError> {
  const body = await boundedBody(response, MAX_ERROR_BODY_BYTES).catch(() => undefined)
  const said = body && parsedRefusal(lenientUtf8.decode(body))
  if (said?.code && Object.hasOwn(ERROR_STATUS, said.code)) {
    const retryAfter = Number(response.headers.get('retry-after') ?? NaN)
    const comeBack = (response.status === 429 || response.status === 503) && Number.isInteger(retryAfter) && retryAfter >= 0 && retryAfter <= MAX_RETRY_AFTER_SECONDS
    return new NodeRefusal(said.code as ErrorCode, `${response.status} from ${url}: ${said.message ?? response.statusText}`, response.status, comeBack ? retryAfter : undefined)
  }
  const what = said ? `${said.code ?? 'no code'}: ${said.message ?? 'no message'}` : `not the node's answer (${response.headers.get('content-type') ?? 'no content type'})`
  return notTheNode(url, method, `${response.status} ${response.statusText}, ${what}`)
}

function parsedRefusal(text: string): { code?: string; message?: string } | undefined {
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null) return undefined
    const { code, message } = value as { code?: unknown; message?: unknown }
    return { ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) }
  } catch {
    return undefined
  }
}

function notTheNode(url: string, method: string, what: string): TracechainError {
  return new TracechainError('NODE_UNAVAILABLE', `${method} ${url} answered ${what}`, { url })
}

const seconds = (ms: number) => `${ms / 1000} s`
