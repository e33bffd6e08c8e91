// Alerts: what regulators and inspectors watch. Pattern alerts are derived from accepted statements and
// written in the same batch as their entries (so they survive restarts exactly); attempt alerts record
// refused statements, one record per (actor, code, subject) that counts them; time-based alerts are
// computed when asked. Lists are read in pages of one total order: time, kind, then where the alert is.

import type { Envelope } from '../core/dsse.js'
import { fail } from '../core/errors.js'
import { lateBy, lateDays } from '../core/late-record.js'
import type { Statement } from '../core/statement.js'
import type { RecordWrite } from '../store/level-store.js'
import { SEP } from '../store/keys.js'
import type { Ledger } from './ledger.js'

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

export interface AlertQuery {
  kind?: string
  /** RFC 3339; alerts at or after it */
  since?: string
  /** at most this many; DEFAULT_ALERT_LIMIT when absent */
  limit?: number
  /** a `nextPageToken` of an earlier page: the alerts after it */
  pageToken?: string
}

export interface AlertPage {
  alerts: Alert[]
  /** present when more alerts follow; pass it back as `pageToken` */
  nextPageToken?: string
}

export const DEFAULT_ALERT_LIMIT = 100
export const MAX_ALERT_LIMIT = 1000

/** Where computed alerts sort among stored ones with the same time and kind. */
const COMPUTED = '~computed'

/** A stored alert's position: its record key, then its space (the two spaces may share a key). */
const storedPosition = (space: string, key: string) => `${key}${SEP}${space}`

/** A computed alert's position: time, kind, and what it names, which tells two of one kind apart. */
const computedPosition = (alert: Alert) =>
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

const formatPageToken = (position: string) => Buffer.from(position, 'utf8').toString('base64url')

/**
 * One page of stored and computed alerts, oldest first, filtered by kind and time. Each store is read
 * from the token's position for at most limit + 1 matches, so a page costs the same however many
 * alerts there are before it. Throws PAGE_TOKEN_INVALID for a token this node did not issue.
 */
export async function listAlerts(ledger: Ledger, query: AlertQuery, sources: AlertSource[], now: Date): Promise<AlertPage> {
  const limit = Math.min(query.limit ?? DEFAULT_ALERT_LIMIT, MAX_ALERT_LIMIT)
  const after = query.pageToken === undefined ? undefined : parsePageToken(query.pageToken)
  // A scan starts at the later of `since` and the token's time and kind; keys equal to those are
  // filtered by position below.
  const afterPrefix = after?.slice(0, after.indexOf(SEP, after.indexOf(SEP) + 1))
  const from = afterPrefix !== undefined && (query.since === undefined || afterPrefix > query.since) ? afterPrefix : query.since
  const found: { position: string; alert: Alert }[] = []
  const wanted = (position: string, alert: Alert) =>
    (!query.kind || alert.kind === query.kind) && (!query.since || alert.at >= query.since) && (after === undefined || position > after)
  for (const space of [ALERT_SPACE, ATTEMPT_SPACE]) {
    let taken = 0
    for await (const [key, alert] of ledger.records.scan<Alert>(space, from ? { gte: from } : {})) {
      const position = storedPosition(space, key)
      if (!wanted(position, alert)) continue
      found.push({ position, alert })
      if (++taken > limit) break
    }
  }
  for (const source of sources) {
    for (const alert of await source(ledger, now)) {
      const position = computedPosition(alert)
      if (wanted(position, alert)) found.push({ position, alert })
    }
  }
  found.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
  const page = found.slice(0, limit)
  return {
    alerts: page.map((f) => f.alert),
    ...(found.length > limit ? { nextPageToken: formatPageToken(page[page.length - 1].position) } : {}),
  }
}
