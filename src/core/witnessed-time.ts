// Witnessed time: the node's recordedAt is the node's word, but a witness's cosignature of a checkpoint says,
// under the witness's own key, that the tree (and every entry in it) existed at the time it signed. The
// earliest witnessed checkpoint that holds an entry therefore bounds, from above, when the entry was
// recorded, whatever the node's clock said. A node that back-dates recordedAt to hide a late record (or
// whose clock is wrong) is caught by comparing the signer's issuedAt with that bound as well.
// Pure: the node raises LATE_RECORD by it, and the CLI and the browser check a bundle's entries by it.

import { lateBy } from './late-record.js'

/**
 * How far witnessed time may run ahead of recorded time before it counts: witnesses cosign about once a
 * second but may be down a while, and their clocks are not the node's. A record is late by witnessed time
 * only when the bound exceeds the window by more than this, so an honest node's entries are never flagged
 * twice, and never for a witness's delay of less than this.
 */
export const DEFAULT_WITNESS_SLACK_MS = 10 * 60 * 1000

/**
 * The POSIX seconds by which the policy was met: the k-th earliest of the policy witnesses' cosignatures
 * (k = min), so the bound holds while fewer than k of them lie about their clocks. Undefined when fewer
 * than `min` cosigned, or when `min` is not a positive integer.
 */
export function policyMetAt(cosignatures: readonly { timestamp: number }[], min: number): number | undefined {
  if (!Number.isSafeInteger(min) || min < 1 || cosignatures.length < min) return undefined
  return cosignatures.map((c) => c.timestamp).sort((a, b) => a - b)[min - 1]
}

/** What witnessed time says of one entry. */
export interface WitnessedTiming {
  /** the bound, as an ISO time */
  witnessedAt: string
  /** late by witnessed time though not by the node's recordedAt: ms from issuedAt to the bound */
  lateByWitnessed?: number
  /** the node's recordedAt is later than the witnesses saw the entry (beyond the slack): ms past the bound */
  recordedAfterWitnessed?: number
}

/**
 * An entry's `issuedAt` and `recordedAt` held against `witnessedAtSeconds`, the bound of the earliest
 * witnessed checkpoint that holds it. A window of 0 or less turns the lateness check off, as lateBy does.
 */
export function witnessedTiming(
  issuedAt: string,
  recordedAt: string,
  witnessedAtSeconds: number,
  afterMs: number,
  slackMs: number = DEFAULT_WITNESS_SLACK_MS,
): WitnessedTiming {
  const boundMs = witnessedAtSeconds * 1000
  const timing: WitnessedTiming = { witnessedAt: new Date(boundMs).toISOString() }
  const byRecorded = lateBy(issuedAt, recordedAt, afterMs)
  const byWitnessed = afterMs > 0 ? lateBy(issuedAt, timing.witnessedAt, afterMs + slackMs) : undefined
  if (byRecorded === undefined && byWitnessed !== undefined) timing.lateByWitnessed = byWitnessed
  const ahead = Date.parse(recordedAt) - boundMs
  if (ahead > slackMs) timing.recordedAfterWitnessed = ahead
  return timing
}
