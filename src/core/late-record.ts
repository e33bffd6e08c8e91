// LATE_RECORD: a statement signed long before the node recorded it. A record made after the fact is how
// an insider papers over a stamping or a missing inspection, so it is flagged wherever the entry is shown.
// Pure: the node writes the alert with the entry, and the pages derive the same mark from verified entries.
// The other side of the same two times is a refusal, not a mark: a statement signed after it was recorded.

/** The default window: a statement signed more than this before it was recorded is late. */
export const DEFAULT_LATE_RECORD_AFTER_MS = 24 * 60 * 60 * 1000

const DAY_MS = 24 * 60 * 60 * 1000

/** How far a statement's issuedAt may run ahead of the clock that records it: the node refuses more (ISSUED_IN_FUTURE). */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000

/**
 * How far `issuedAt` is ahead of `recordedAt`, in ms, when more than `skewMs`: a node refuses such a statement, so
 * an entry that holds one was not recorded as its recordedAt says. Undefined otherwise.
 */
export function issuedAheadBy(issuedAt: string, recordedAt: string, skewMs: number = MAX_CLOCK_SKEW_MS): number | undefined {
  const ahead = Date.parse(issuedAt) - Date.parse(recordedAt)
  return ahead > skewMs ? ahead : undefined
}

/**
 * Why a verified statement's entry (recordedAt attacker-controlled) holds times no node records: no recordedAt
 * time, or an issuedAt more than MAX_CLOCK_SKEW_MS after it (ISSUED_IN_FUTURE). Undefined when they are fine.
 */
export function recordedTimeRefusal(issuedAt: string, recordedAt: unknown): string | undefined {
  if (typeof recordedAt !== 'string' || !Number.isFinite(Date.parse(recordedAt))) return 'the entry has no recordedAt time'
  if (issuedAheadBy(issuedAt, recordedAt) !== undefined) return `ISSUED_IN_FUTURE: issued at ${issuedAt}, recorded at ${recordedAt}`
  return undefined
}

/**
 * How long after signing the entry was recorded, in ms, when that is more than `afterMs`; else undefined.
 * A window of 0 or less, or not finite, turns the check off.
 */
export function lateBy(issuedAt: string, recordedAt: string, afterMs: number = DEFAULT_LATE_RECORD_AFTER_MS): number | undefined {
  if (!(afterMs > 0) || !Number.isFinite(afterMs)) return undefined
  const gap = Date.parse(recordedAt) - Date.parse(issuedAt)
  return gap > afterMs ? gap : undefined
}

/** Whole days of a gap, at least 1: "recorded N days after signing". */
export function lateDays(gapMs: number): number {
  return Math.max(1, Math.floor(gapMs / DAY_MS))
}

/**
 * The window a page marks late records by: the node's, but never laxer than the default and never off. A
 * page's settings are the server's claim, which a proxy could raise to hide the mark; the browser derives
 * the page with this bound, so a record late by the default window is shown late wherever it is shown.
 */
export function pageLateWindow(configuredMs: number): number {
  return configuredMs > 0 ? Math.min(configuredMs, DEFAULT_LATE_RECORD_AFTER_MS) : DEFAULT_LATE_RECORD_AFTER_MS
}
