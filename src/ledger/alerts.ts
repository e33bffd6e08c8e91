// Alerts: what regulators and inspectors watch. Pattern alerts are derived from accepted statements and
// written in the same batch as their entries (so they survive restarts exactly); attempt alerts record
// refused statements with their envelopes; time-based alerts are computed when asked.

import type { Envelope } from '../core/dsse.js'
import type { RecordWrite } from '../store/level-store.js'
import { SEP } from '../store/keys.js'
import type { Ledger } from './ledger.js'

export const ALERT_SPACE = 'alert'
export const ATTEMPT_SPACE = 'attempt'

export interface Alert {
  /** UPPER_SNAKE, e.g. TEMPERATURE_EXCURSION, USE_WITHOUT_APPROVAL */
  kind: string
  /** when the node saw it (recordedAt of the entry, or of the refusal) */
  at: string
  /** entries that show it; empty for a refused attempt */
  seqs: number[]
  /** EPC URNs of the objects or lots concerned */
  ids?: string[]
  applicationIds?: string[]
  message: string
  /** for an attempt: the refused envelope, so inspectors can check who signed it */
  envelope?: Envelope
  /** for an attempt: the refusal's error code */
  code?: string
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
  limit?: number
}

export const DEFAULT_ALERT_LIMIT = 1000

/** Stored and computed alerts, newest last, filtered by kind and time. */
export async function listAlerts(ledger: Ledger, query: AlertQuery, sources: AlertSource[], now: Date): Promise<Alert[]> {
  const limit = query.limit ?? DEFAULT_ALERT_LIMIT
  const out: Alert[] = []
  for (const space of [ALERT_SPACE, ATTEMPT_SPACE]) {
    for await (const [, alert] of ledger.records.scan<Alert>(space, query.since ? { gte: query.since } : {})) {
      if (!query.kind || alert.kind === query.kind) out.push(alert)
    }
  }
  for (const source of sources) {
    for (const alert of await source(ledger, now)) {
      if ((!query.kind || alert.kind === query.kind) && (!query.since || alert.at >= query.since)) out.push(alert)
    }
  }
  out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))
  return out.slice(-limit)
}
