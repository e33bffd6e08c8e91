// Webhooks: each configured (kind, URL) gets every alert of its kind (`*`: every kind), one at a time and
// in the order of the alert stream, as a POST of a DSSE envelope signed by the node's key
// (ledger/alert-envelope.ts). A failed attempt (5xx, 408, 429, a timeout, a refused connection) is tried
// again after an exponential backoff with jitter, up to a limit, then given up and the next alert sent; a
// 4xx is a refusal and not retried. The alerts are the queue (they are stored with their entries) and each
// webhook's cursor and retry schedule are saved durably after every attempt (store/webhook-state.ts), so a
// node killed at any point delivers after its restart what it had not delivered: at least once, never
// skipped. A receiver tells a repeat by the delivery's `id`.

import { createHash } from 'node:crypto'
import { deadline } from '../core/deadline.js'
import { fail } from '../core/errors.js'
import { requestTarget } from '../core/url-credentials.js'
import type { Signer } from '../core/keys.js'
import { signAlertDelivery } from '../ledger/alert-envelope.js'
import { AlertFeed } from '../ledger/alert-feed.js'
import { formatPageToken, listPlacedAlerts, parsePageToken, type AlertSource, type PlacedAlert } from '../ledger/alerts.js'
import type { Ledger } from '../ledger/ledger.js'
import type { LevelStore } from '../store/level-store.js'
import { WebhookStateStore, type WebhookDeliveryState } from '../store/webhook-state.js'

/** The kind of a webhook that gets every alert. */
export const ALL_KINDS = '*'

export interface WebhookTarget {
  /** an alert kind (UPPER_SNAKE) or `*` */
  kind: string
  url: string
}

export interface WebhookTiming {
  /** attempts at one alert before it is given up (default 8) */
  maxAttempts: number
  /** the wait after the first failure; each next one doubles (default 2 s) */
  baseDelayMs: number
  /** the longest wait between two attempts (default 10 min) */
  maxDelayMs: number
  /** an attempt that has no answer by then failed (default 10 s) */
  timeoutMs: number
  /** how often an idle webhook asks whether a time-based alert (OVERDUE) came due (default 60 s) */
  idleCheckMs: number
}

export const DEFAULT_WEBHOOK_TIMING: WebhookTiming = { maxAttempts: 8, baseDelayMs: 2000, maxDelayMs: 600_000, timeoutMs: 10_000, idleCheckMs: 60_000 }

/** More alerts waiting than this are shown as "at least" this many. */
export const BACKLOG_COUNTED = 1000

export interface WebhookStatus {
  id: string
  kind: string
  /** the URL without its credentials and query, which may hold a token */
  url: string
  state: 'idle' | 'delivering' | 'retrying' | 'stopped'
  /** alerts waiting for it (at most BACKLOG_COUNTED; `backlogMore` when there are more) */
  backlog: number
  backlogMore: boolean
  delivered: number
  failures: number
  givenUp: number
  attempts: number
  nextAttemptAt?: string
  lastDelivery?: WebhookDeliveryState['lastDelivery']
  lastFailure?: WebhookDeliveryState['lastFailure']
}

const KIND = /^[A-Z][A-Z0-9_]*$/

/** Parses `--webhook KIND=URL` (KIND an alert kind or `*`). Throws BAD_REQUEST. */
export function parseWebhookFlag(text: string): WebhookTarget {
  const at = text.indexOf('=')
  const kind = text.slice(0, Math.max(at, 0))
  const url = text.slice(at + 1)
  if (at < 1 || (kind !== ALL_KINDS && !KIND.test(kind))) fail('BAD_REQUEST', `--webhook wants KIND=URL (KIND an alert kind such as SPLIT_CONTRACT, or *), got ${JSON.stringify(text)}`)
  return { kind, url: checkWebhookUrl(url) }
}

/** Requires an absolute http(s) URL. Throws BAD_REQUEST. */
export function checkWebhookUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return fail('BAD_REQUEST', `a webhook URL must be an absolute http(s) URL, got ${JSON.stringify(url)}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('BAD_REQUEST', `a webhook URL must be http(s), got ${parsed.protocol}`)
  return parsed.href
}

/** A webhook's id: 16 hex of SHA-256 over its kind and URL, so its saved state follows its configuration. */
export function webhookId(target: WebhookTarget): string {
  return createHash('sha256').update(`${target.kind}\n${target.url}`).digest('hex').slice(0, 16)
}

/**
 * A webhook's URL as the public GET /v1/webhooks and the console show it: its scheme and host. Its path and
 * query are secrets as often as its credentials: Slack's, Feishu's and Discord's bot URLs carry their token
 * in the path, DingTalk's in the query. The webhook's id tells webhooks to one host apart.
 */
function shownUrl(url: string): string {
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.host}/${parsed.pathname !== '/' || parsed.search !== '' ? '…' : ''}`
}

/** The wait before attempt `attempt + 1`: base·2^(attempt−1), capped, half of it fixed and half random ("equal jitter"). */
export function backoffMs(attempt: number, timing: Pick<WebhookTiming, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(timing.maxDelayMs, timing.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** Whether a status is worth another attempt: the receiver's trouble (5xx), a timeout it reported (408), or its rate limit (429). */
const retryable = (status: number) => status >= 500 || status === 408 || status === 429

export interface WebhookDispatcherOptions {
  ledger: Ledger
  store: LevelStore
  /** the node's key: deliveries are signed with it */
  nodeSigner: Signer
  origin: string
  targets: readonly WebhookTarget[]
  /** the domains' computed alerts (OVERDUE) */
  sources?: readonly AlertSource[]
  timing?: Partial<WebhookTiming>
  clock?: () => Date
  random?: () => number
  /** told each failed attempt, for the node's log */
  onFailure?: (target: WebhookTarget, error: string) => void
}

interface Worker {
  target: WebhookTarget
  id: string
  state: WebhookDeliveryState
  activity: WebhookStatus['state']
  done?: Promise<void>
}

export class WebhookDispatcher {
  private readonly states: WebhookStateStore
  private readonly timing: WebhookTiming
  private readonly clock: () => Date
  private readonly random: () => number
  private readonly feed: AlertFeed
  private readonly workers: Worker[]
  private readonly aborter = new AbortController()
  private wakers = new Set<() => void>()
  private unsubscribe = () => {}

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.states = new WebhookStateStore(options.store)
    this.timing = { ...DEFAULT_WEBHOOK_TIMING, ...options.timing }
    this.clock = options.clock ?? (() => new Date())
    this.random = options.random ?? Math.random
    this.feed = new AlertFeed(options.ledger, { sources: options.sources ?? [], clock: this.clock, computedIntervalMs: this.timing.idleCheckMs })
    const seen = new Set<string>()
    this.workers = []
    for (const target of options.targets) {
      const id = webhookId(target)
      if (seen.has(id)) continue
      seen.add(id)
      this.workers.push({ target, id, state: { attempts: 0, delivered: 0, failures: 0, givenUp: 0 }, activity: 'idle' })
    }
  }

  get size(): number {
    return this.workers.length
  }

  /** Reads each webhook's saved state (a new one starts after the newest alert) and starts delivering. */
  async start(): Promise<void> {
    for (const worker of this.workers) {
      const saved = await this.states.get(worker.id)
      if (saved) worker.state = saved
      else {
        const newest = await this.read(worker.target, undefined, 'desc', 1)
        worker.state.cursor = newest.placed[0]?.position
        await this.states.put(worker.id, worker.state)
      }
    }
    this.unsubscribe = this.feed.subscribe(() => this.wakeAll())
    for (const worker of this.workers) worker.done = this.run(worker)
  }

  /** Stops after the attempts in flight (they are aborted, and count as not made). */
  async close(): Promise<void> {
    this.aborter.abort()
    this.unsubscribe()
    this.wakeAll()
    await Promise.all(this.workers.map((worker) => worker.done))
    await this.feed.close()
  }

  async status(): Promise<WebhookStatus[]> {
    return Promise.all(
      this.workers.map(async ({ target, id, state, activity }) => {
        const waiting = await this.read(target, state.cursor, 'asc', BACKLOG_COUNTED)
        return {
          id,
          kind: target.kind,
          url: shownUrl(target.url),
          state: activity,
          backlog: waiting.placed.length,
          backlogMore: waiting.nextPageToken !== undefined && waiting.placed.length === BACKLOG_COUNTED,
          delivered: state.delivered,
          failures: state.failures,
          givenUp: state.givenUp,
          attempts: state.attempts,
          ...(state.nextAttemptAt ? { nextAttemptAt: state.nextAttemptAt } : {}),
          ...(state.lastDelivery ? { lastDelivery: state.lastDelivery } : {}),
          ...(state.lastFailure ? { lastFailure: state.lastFailure } : {}),
        }
      }),
    )
  }

  private get closed(): boolean {
    return this.aborter.signal.aborted
  }

  private read(target: WebhookTarget, cursor: string | undefined, order: 'asc' | 'desc', limit: number) {
    const query = { ...(target.kind === ALL_KINDS ? {} : { kind: target.kind }), order, limit, ...(cursor !== undefined ? { pageToken: formatPageToken(cursor) } : {}) }
    return listPlacedAlerts(this.options.ledger, query, [...(this.options.sources ?? [])], this.clock())
  }

  private wakeAll(): void {
    const wakers = [...this.wakers]
    this.wakers.clear()
    for (const wake of wakers) wake()
  }

  /** Resolves after `ms`, on a new alert when `onAlert`, or on close. */
  private wait(ms: number, onAlert: boolean): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.wakers.delete(done)
        this.aborter.signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, ms))
      if (onAlert) this.wakers.add(done)
      else this.aborter.signal.addEventListener('abort', done, { once: true })
    })
  }

  private async run(worker: Worker): Promise<void> {
    while (!this.closed) {
      try {
        const page = await this.read(worker.target, worker.state.cursor, 'asc', 1)
        const next = page.placed[0]
        if (!next) {
          // Nothing of this kind within the scan's reach: skip what was scanned, else wait for news.
          if (page.nextPageToken !== undefined) {
            worker.state = { ...worker.state, cursor: parsePageToken(page.nextPageToken) }
            await this.states.put(worker.id, worker.state)
            continue
          }
          worker.activity = 'idle'
          await this.wait(this.timing.idleCheckMs, true)
          continue
        }
        const dueIn = worker.state.nextAttemptAt ? Date.parse(worker.state.nextAttemptAt) - this.clock().getTime() : 0
        if (dueIn > 0) {
          worker.activity = 'retrying'
          await this.wait(dueIn, false)
          continue
        }
        worker.activity = 'delivering'
        await this.deliver(worker, next)
      } catch (error) {
        if (this.closed) break
        // The store or a read failed: the state on disk is the last good one; try again later.
        this.options.onFailure?.(worker.target, `webhook ${worker.id}: ${(error as Error).message}`)
        await this.wait(this.timing.baseDelayMs, false)
      }
    }
    worker.activity = 'stopped'
  }

  private async deliver(worker: Worker, next: PlacedAlert): Promise<void> {
    const { target, state } = worker
    const id = formatPageToken(next.position)
    const at = this.clock().toISOString()
    const envelope = signAlertDelivery({ origin: this.options.origin, id, webhook: target.kind, sentAt: at, alert: next.alert }, this.options.nodeSigner)
    const attempt = state.attempts + 1
    let status: number | undefined
    let error: string | undefined
    const attemptDeadline = deadline(this.timing.timeoutMs, this.aborter.signal)
    const sent = requestTarget(target.url)
    try {
      const response = await fetch(sent.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'tracechain-webhook',
          'x-tracechain-delivery': id,
          'x-tracechain-alert-kind': next.alert.kind,
          ...(sent.authorization !== undefined ? { authorization: sent.authorization } : {}),
        },
        body: JSON.stringify(envelope),
        redirect: 'manual',
        signal: attemptDeadline.signal,
      })
      await response.body?.cancel()
      status = response.status
      if (status < 200 || status > 299) error = `HTTP ${status}`
    } catch (thrown) {
      if (this.closed) return // shut down mid-attempt: not an attempt
      const cause = (thrown as { cause?: { code?: string } }).cause?.code
      error = (thrown as Error).name === 'TimeoutError' ? `no answer in ${this.timing.timeoutMs} ms` : `${cause ?? (thrown as Error).message}`
    } finally {
      attemptDeadline.clear()
    }
    if (error === undefined) {
      worker.state = { ...state, cursor: next.position, attempts: 0, nextAttemptAt: undefined, delivered: state.delivered + 1, lastDelivery: { at, id, kind: next.alert.kind, status: status as number } }
    } else {
      this.options.onFailure?.(target, `webhook ${worker.id} (${target.kind}) attempt ${attempt} at alert ${id}: ${error}`)
      const lastFailure = { at, id, error, attempt }
      const giveUp = (status !== undefined && !retryable(status)) || attempt >= this.timing.maxAttempts
      worker.state = giveUp
        ? { ...state, cursor: next.position, attempts: 0, nextAttemptAt: undefined, failures: state.failures + 1, givenUp: state.givenUp + 1, lastFailure }
        : { ...state, attempts: attempt, nextAttemptAt: new Date(this.clock().getTime() + backoffMs(attempt, this.timing, this.random)).toISOString(), failures: state.failures + 1, lastFailure }
    }
    if (worker.state.nextAttemptAt === undefined) delete worker.state.nextAttemptAt
    await this.states.put(worker.id, worker.state)
  }
}
