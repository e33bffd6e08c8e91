// Alerts: what regulators and inspectors watch. Pattern alerts are derived from accepted statements and
// written in the same batch as their entries (so they survive restarts exactly); attempt alerts record
// refused statements, one record per (actor, code, subject) that counts them; time-based alerts are
// computed when asked. Lists are read in pages of one total order: time, kind, then where the alert is.

import type { Envelope } from '../core/dsse.js'
import { fail } from '../core/errors.js'
import { lateBy, lateDays } from '../core/late-record.js'
import type { Statement } from '../core/statement.js'
import type { RangeOptions, RecordWrite } from '../store/level-store.js'
import { SEP, SEP_END } from '../store/keys.js'
import { alertMatcher, type AlertContext, type AlertFilter } from './alert-filter.js'
import type { Ledger } from './ledger.js'

export type { AlertContext, AlertFilter } from './alert-filter.js'

export const ALERT_SPACE = 'alert'
export const ATTEMPT_SPACE = 'attempt'

/** One refused statement of an attempt record, without its envelope (the record keeps the first whole). */
export interface AttemptSample {
  /** the statement's id, type and the signer's issuedAt claim */
  id: string
  type: string
  issuedAt: string
  /** when the node refused it */
  at: string
  /** SHA-256 of the DSSE payload, hex */
  payloadSha256: string
}

export interface Alert {
  /** UPPER_SNAKE, e.g. TEMPERATURE_EXCURSION, USE_WITHOUT_APPROVAL */
  kind: string
  /** when the node saw it (recordedAt of the entry; for an attempt, its latest refusal) */
  at: string
  /** entries that show it; empty for a refused attempt */
  seqs: number[]
  /** EPC URNs of the objects or lots concerned */
  ids?: string[]
  /** for a seal alert: the seal concerned */
  sealId?: string
  applicationIds?: string[]
  message: string
  /** for an attempt: the first refused envelope, so inspectors can check who signed it */
  envelope?: Envelope
  /** for an attempt: the refusal's error code */
  code?: string
  /** who signed: the refused statements of an attempt, a late record */
  actor?: string
  /** for an attempt: how many statements were refused, and when the first and the latest were */
  count?: number
  firstAt?: string
  lastAt?: string
  /** for an attempt: the latest few refused statements */
  samples?: AttemptSample[]
}

/**
 * LATE_RECORD, for a statement of any kind: its signer's issuedAt is more than the window before the
 * node's recordedAt. Written with the entry; the pages derive the same mark from the verified entry.
 */
export function lateRecordAlert(statement: Statement, seq: number, recordedAt: string, afterMs: number): Alert | undefined {
  const gap = lateBy(statement.issuedAt, recordedAt, afterMs)
  if (gap === undefined) return undefined
  return {
    kind: 'LATE_RECORD',
    at: recordedAt,
    seqs: [seq],
    actor: statement.actor,
    message: `${statement.type} ${statement.id} by ${statement.actor}, signed ${statement.issuedAt}, recorded ${recordedAt}: ${lateDays(gap)} days after signing`,
  }
}

/** The record key orders alerts by time, then kind, then a distinguishing suffix. */
export function alertRecord(alert: Alert, suffix: string | number, space = ALERT_SPACE): RecordWrite {
  return { space, key: `${alert.at}${SEP}${alert.kind}${SEP}${suffix}`, value: alert }
}

/** Alerts computed at query time (e.g. OVERDUE), contributed by a domain. */
export type AlertSource = (ledger: Ledger, now: Date) => Promise<Alert[]>

/**
 * A computed source's alerts at `now`, and the first instant after it (ms since the epoch) at which they may be
 * others while nothing more is committed: the next due time; absent, none.
 */
export interface ComputedAlerts {
  alerts: Alert[]
  changesAt?: number
}

/**
 * An AlertSource that computes its alerts (reading every due record it keeps) once, and answers the same alerts
 * again until something is committed to the ledger or the clock reaches `changesAt`: every page of GET
 * /v1/alerts, the console's and a stream's check would otherwise read them all, each anonymous request as
 * many records as there are open due items. The alerts are shared between callers, who do not change them.
 */
export function heldAlertSource(compute: (ledger: Ledger, now: Date) => Promise<ComputedAlerts>): AlertSource {
  const held = new WeakMap<Ledger, { commits: number; answer?: { commits: number; size: number; from: number; until: number; alerts: Alert[] } }>()
  return async (ledger, now) => {
    let state = held.get(ledger)
    if (state === undefined) {
      const fresh: { commits: number; answer?: { commits: number; size: number; from: number; until: number; alerts: Alert[] } } = { commits: 0 }
      ledger.addObserver({ onRecordsCommitted: () => void fresh.commits++ })
      held.set(ledger, (state = fresh))
    }
    const at = now.getTime()
    const answer = state.answer
    if (answer && answer.commits === state.commits && answer.size === ledger.size && at >= answer.from && at < answer.until) return answer.alerts
    const commits = state.commits
    const size = ledger.size
    const { alerts, changesAt } = await compute(ledger, now)
    // Kept only when nothing was committed meanwhile: what was read may be part old, part new.
    if (state.commits === commits && ledger.size === size) state.answer = { commits, size, from: at, until: changesAt ?? Infinity, alerts }
    return alerts
  }
}

export interface AlertQuery extends AlertFilter {
  /** at most this many; DEFAULT_ALERT_LIMIT when absent */
  limit?: number
  /** a `nextPageToken` of an earlier page (or an alert's position): the alerts after it in `order` */
  pageToken?: string
  /** oldest first (the default) or newest first */
  order?: 'asc' | 'desc'
}

/** An alert with its place in the one total order of alerts: a stream's event id, a valid page token. */
export interface PlacedAlert {
  position: string
  alert: Alert
}

export interface AlertPage {
  alerts: Alert[]
  /** present when more alerts may follow; pass it back as `pageToken` */
  nextPageToken?: string
}

export const DEFAULT_ALERT_LIMIT = 100
export const MAX_ALERT_LIMIT = 1000
/**
 * Stored alerts one page examines in each space at most. A filter that matches few alerts then
 * answers a shorter page, possibly empty, with a nextPageToken where the scan stopped, so no request
 * reads the whole history.
 */
export const MAX_ALERT_SCAN = 20_000

/** Where computed alerts sort among stored ones with the same time and kind. */
const COMPUTED = '~computed'

/** A stored alert's position: its record key, then its space (the two spaces may share a key). */
export const storedPosition = (space: string, key: string) => `${key}${SEP}${space}`

/** A computed alert's position: time, kind, and what it names, which tells two of one kind apart. */
export const computedPosition = (alert: Alert) =>
  `${alert.at}${SEP}${alert.kind}${SEP}${COMPUTED}${SEP}${JSON.stringify([alert.applicationIds ?? [], alert.ids ?? [], alert.seqs])}`

const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\u0000[A-Z][A-Z0-9_]*\u0000[^]+$/

/** A page token as issued: base64url of a position. Attacker-controlled; throws PAGE_TOKEN_INVALID. */
export function parsePageToken(token: string): string {
  const position = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : ''
  if (!POSITION.test(position) || Buffer.from(position, 'utf8').toString('base64url') !== token) {
    fail('PAGE_TOKEN_INVALID', 'the page token was not issued by this node', { pageToken: token.slice(0, 64) })
  }
  return position
}

export const formatPageToken = (position: string) => Buffer.from(position, 'utf8').toString('base64url')

/** `at` and kind of a position, joined: every key of a record at that position starts with it. */
function timeAndKind(position: string): string {
  return position.slice(0, position.indexOf(SEP, position.indexOf(SEP) + 1))
}

/**
 * One page of stored and computed alerts in `order` (oldest first by default), filtered. Each store is
 * read from the token's position for at most limit + 1 matches and MAX_ALERT_SCAN records, so a page
 * costs the same however many alerts there are before it. Throws PAGE_TOKEN_INVALID for a token this
 * node did not issue.
 */
export async function listAlerts(ledger: Ledger, query: AlertQuery, sources: AlertSource[], now: Date, context: AlertContext = {}): Promise<AlertPage> {
  const { placed, nextPageToken } = await listPlacedAlerts(ledger, query, sources, now, context)
  return { alerts: placed.map((p) => p.alert), ...(nextPageToken !== undefined ? { nextPageToken } : {}) }
}

/** listAlerts, with each alert's position (its stream event id). */
export async function listPlacedAlerts(
  ledger: Ledger,
  query: AlertQuery,
  sources: AlertSource[],
  now: Date,
  context: AlertContext = {},
): Promise<{ placed: PlacedAlert[]; nextPageToken?: string }> {
  const limit = Math.min(query.limit ?? DEFAULT_ALERT_LIMIT, MAX_ALERT_LIMIT)
  const descending = query.order === 'desc'
  const after = query.pageToken === undefined ? undefined : parsePageToken(query.pageToken)
  const beyond = (a: string, b: string) => (descending ? a < b : a > b)
  const matcher = alertMatcher(ledger, query, context)
  // Bounds of the scan: `since` and `until`, narrowed by the token's time and kind; keys that share
  // those are told apart by position below.
  const bounds: RangeOptions = { reverse: descending }
  if (query.since !== undefined) bounds.gte = query.since
  if (query.until !== undefined) bounds.lt = query.until
  if (after !== undefined && !descending && (bounds.gte === undefined || timeAndKind(after) > bounds.gte)) bounds.gte = timeAndKind(after)
  if (after !== undefined && descending) {
    const upper = timeAndKind(after) + SEP_END
    if (bounds.lt === undefined || upper < bounds.lt) bounds.lt = upper
  }
  const found: PlacedAlert[] = []
  // Where a scan stopped at MAX_ALERT_SCAN: nothing beyond it (in `order`) is known to be complete.
  let horizon: string | undefined
  for (const space of [ALERT_SPACE, ATTEMPT_SPACE]) {
    let taken = 0
    let scanned = 0
    let last: string | undefined
    for await (const [key, alert] of ledger.records.scan<Alert>(space, bounds)) {
      if (scanned++ === MAX_ALERT_SCAN) {
        if (last !== undefined && (horizon === undefined || beyond(horizon, last))) horizon = last
        break
      }
      const position = storedPosition(space, key)
      last = position
      if (after !== undefined && !beyond(position, after)) continue
      if (!(await matcher(alert))) continue
      found.push({ position, alert })
      if (++taken > limit) break
    }
  }
  for (const source of sources) {
    for (const alert of await source(ledger, now)) {
      const position = computedPosition(alert)
      if (after !== undefined && !beyond(position, after)) continue
      if (query.until !== undefined && alert.at >= query.until) continue
      if (await matcher(alert)) found.push({ position, alert })
    }
  }
  const complete = horizon === undefined ? found : found.filter((f) => !beyond(f.position, horizon as string))
  complete.sort((a, b) => (a.position === b.position ? 0 : beyond(a.position, b.position) ? 1 : -1))
  const placed = complete.slice(0, limit)
  const next = complete.length > limit ? placed[placed.length - 1].position : horizon
  return { placed, ...(next !== undefined ? { nextPageToken: formatPageToken(next) } : {}) }
}
