// New alerts as they happen, for streams (GET /v1/alerts/stream): stored alerts the moment the commit that
// wrote them is durable, told by the sequencer (a node's groups and refusals, a mirror's replicated
// chunks alike), and computed ones (OVERDUE) when the clock passes their time. Each comes with its
// position, the same place in the one order of alerts that pages use, so a reader that saw position P
// resumes with the alerts after P (listAlerts with pageToken P).

import type { RecordWrite } from '../store/level-store.js'
import { ALERT_SPACE, ATTEMPT_SPACE, computedPosition, storedPosition, type Alert, type AlertSource, type PlacedAlert } from './alerts.js'
import type { Ledger, LedgerObserver } from './ledger.js'

/** How often computed alerts are asked whether one came due, while anyone listens. */
export const DEFAULT_COMPUTED_INTERVAL_MS = 60_000

export type AlertListener = (alerts: readonly PlacedAlert[]) => void

export interface AlertFeedOptions {
  sources?: readonly AlertSource[]
  clock?: () => Date
  computedIntervalMs?: number
}

/** The stored alerts a commit wrote, in position order (an attempt moved to its latest refusal is new there). */
export function committedAlerts(records: readonly RecordWrite[]): PlacedAlert[] {
  const placed: PlacedAlert[] = []
  for (const { space, key, value } of records) {
    if ((space === ALERT_SPACE || space === ATTEMPT_SPACE) && value !== null && value !== undefined) {
      placed.push({ position: storedPosition(space, key), alert: value as Alert })
    }
  }
  return placed.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
}

export class AlertFeed {
  private readonly listeners = new Set<AlertListener>()
  private readonly observer: LedgerObserver
  private readonly sources: readonly AlertSource[]
  private readonly clock: () => Date
  private readonly computedIntervalMs: number
  private timer: NodeJS.Timeout | undefined
  /** computed alerts at or before this time were told (or were due before anyone listened) */
  private computedUpTo = ''
  /**
   * The positions of the alerts told that are at computedUpTo itself. A source may hold an alert due only once its
   * time is past (RECALL_OVERDUE), so one at computedUpTo can still come at the next look, and is told then.
   */
  private toldAtUpTo = new Set<string>()
  private computing: Promise<void> | undefined

  constructor(
    private readonly ledger: Ledger,
    { sources = [], clock = () => new Date(), computedIntervalMs = DEFAULT_COMPUTED_INTERVAL_MS }: AlertFeedOptions = {},
  ) {
    this.sources = sources
    this.clock = clock
    this.computedIntervalMs = computedIntervalMs
    this.observer = { onRecordsCommitted: (records) => this.tell(committedAlerts(records)) }
    ledger.addObserver(this.observer)
  }

  get listening(): number {
    return this.listeners.size
  }

  /** Calls `listener` with each commit's new alerts, and computed ones as they come due; returns the unsubscribe. */
  subscribe(listener: AlertListener): () => void {
    if (this.listeners.size === 0 && this.sources.length > 0) this.startComputed()
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.stopComputed()
    }
  }

  /** Stops telling anyone and lets go of the ledger. */
  async close(): Promise<void> {
    this.listeners.clear()
    this.stopComputed()
    await this.computing
    this.ledger.removeObserver(this.observer)
  }

  /** Asks the computed sources now; what came due since the last time is told. Resolves once told. */
  async checkComputed(): Promise<void> {
    this.computing ??= this.computeDue().finally(() => (this.computing = undefined))
    return this.computing
  }

  private tell(alerts: readonly PlacedAlert[]): void {
    if (alerts.length === 0) return
    for (const listener of [...this.listeners]) {
      try {
        listener(alerts)
      } catch {
        // one listener's failure is not another's
      }
    }
  }

  private startComputed(): void {
    this.computedUpTo = this.clock().toISOString()
    this.timer = setInterval(() => void this.checkComputed(), this.computedIntervalMs)
    this.timer.unref()
  }

  private stopComputed(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private async computeDue(): Promise<void> {
    if (this.listeners.size === 0) return
    const now = this.clock()
    const upTo = now.toISOString()
    const due: PlacedAlert[] = []
    for (const source of this.sources) {
      for (const alert of await source(this.ledger, now).catch(() => [] as Alert[])) {
        const position = computedPosition(alert)
        const fresh = alert.at > this.computedUpTo ? alert.at <= upTo : alert.at === this.computedUpTo && !this.toldAtUpTo.has(position)
        if (fresh) due.push({ position, alert })
      }
    }
    if (upTo > this.computedUpTo) {
      this.computedUpTo = upTo
      this.toldAtUpTo = new Set()
    }
    for (const { position, alert } of due) if (alert.at === this.computedUpTo) this.toldAtUpTo.add(position)
    this.tell(due.sort((a, b) => (a.position < b.position ? -1 : 1)))
  }
}
