// The seal workflow's settings (thresholds, the local time zone) and local-time arithmetic for them.
// Pattern alerts are written with their entries, so a change applies to statements recorded after it.

import { heldInstant } from '../core/date-time.js'
import { DEFAULT_LATE_RECORD_AFTER_MS } from '../core/late-record.js'
import { offsetMinutes as parsedOffsetMinutes } from '../core/zone-offset.js'
import { DEFAULT_TITLE_SIMILARITY } from './similarity.js'

export interface SealConfig {
  /**
   * CNY at or above which a matter needs a collective decision (五议, a villagers' representative
   * meeting) instead of an approver's signature; SPLIT_CONTRACT watches for contracts kept under it.
   */
  collectiveThreshold: number
  /** how far back SPLIT_CONTRACT looks for near-duplicate applications of the same org */
  splitWindowDays: number
  /** how many near-duplicate applications make a split */
  splitMinApplications: number
  /** title similarity (0..1) at or above which two titles are near-duplicates */
  titleSimilarity: number
  /** the local zone of stamping hours and due dates, as an RFC 3339 offset */
  zoneOffset: string
  /** OFF_HOURS_USE: local hours [offHoursFrom, 24) and [0, offHoursTo) */
  offHoursFrom: number
  offHoursTo: number
  /** LATE_RECORD's window (the ledger's, core/late-record.ts), which the page marks late entries by */
  lateRecordAfterMs: number
  /**
   * When these settings took effect on a log that already held entries (cli/node-settings.ts rulesSince): the
   * page says that the alerts of the entries before `seq` were raised under the settings before them.
   */
  settingsSince?: { seq: number; at: string }
}

export const DEFAULT_COLLECTIVE_THRESHOLD_CNY = 100_000
/** Asia/Shanghai has kept +08:00 all year since 1991. */
export const DEFAULT_ZONE_OFFSET = '+08:00'

export const DEFAULT_SEAL_CONFIG: Readonly<SealConfig> = Object.freeze({
  collectiveThreshold: DEFAULT_COLLECTIVE_THRESHOLD_CNY,
  splitWindowDays: 90,
  splitMinApplications: 3,
  titleSimilarity: DEFAULT_TITLE_SIMILARITY,
  zoneOffset: DEFAULT_ZONE_OFFSET,
  offHoursFrom: 22,
  offHoursTo: 6,
  lateRecordAfterMs: DEFAULT_LATE_RECORD_AFTER_MS,
})

const DAY_MS = 24 * 60 * 60 * 1000

/** Fills in the defaults and checks the values. Throws RangeError naming a bad setting. */
export function sealConfig(overrides: Partial<SealConfig> = {}): SealConfig {
  const config = { ...DEFAULT_SEAL_CONFIG, ...overrides }
  if (!(config.collectiveThreshold > 0)) throw new RangeError(`"collectiveThreshold" must be above 0, got ${config.collectiveThreshold}`)
  if (!(config.splitWindowDays > 0)) throw new RangeError(`"splitWindowDays" must be above 0, got ${config.splitWindowDays}`)
  if (!Number.isInteger(config.splitMinApplications) || config.splitMinApplications < 2) {
    throw new RangeError(`"splitMinApplications" must be an integer of at least 2, got ${config.splitMinApplications}`)
  }
  if (!(config.titleSimilarity > 0 && config.titleSimilarity <= 1)) throw new RangeError(`"titleSimilarity" must be in (0, 1], got ${config.titleSimilarity}`)
  if (!Number.isSafeInteger(config.lateRecordAfterMs) || config.lateRecordAfterMs < 0) throw new RangeError(`"lateRecordAfterMs" must be a whole number of ms, 0 or more, got ${config.lateRecordAfterMs}`)
  offsetMinutes(config.zoneOffset)
  for (const key of ['offHoursFrom', 'offHoursTo'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0 || config[key] > 23) throw new RangeError(`"${key}" must be an hour 0..23, got ${config[key]}`)
  }
  return config
}

/** Minutes east of UTC of an RFC 3339 offset ("+08:00", "-05:30", "Z"). Throws RangeError. */
export function offsetMinutes(offset: string): number {
  if (offset === 'Z') return 0
  const minutes = parsedOffsetMinutes(offset)
  if (minutes === undefined) throw new RangeError(`"zoneOffset" must be like +08:00, got ${offset}`)
  return minutes
}

/** The local wall-clock hour (0..23) of an instant. */
export function localHour(instant: string, config: SealConfig): number {
  return new Date(Date.parse(instant) + offsetMinutes(config.zoneOffset) * 60_000).getUTCHours()
}

/** Local "YYYY-MM-DD HH:MM" of an instant, for people. */
export function formatLocal(instant: string, config: SealConfig): string {
  const local = new Date(Date.parse(instant) + offsetMinutes(config.zoneOffset) * 60_000).toISOString()
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`
}

/** True when the local hour falls in the off-hours window (which may wrap past midnight). */
export function isOffHours(instant: string, config: SealConfig): boolean {
  const hour = localHour(instant, config)
  const { offHoursFrom: from, offHoursTo: to } = config
  return from > to ? hour >= from || hour < to : hour >= from && hour < to
}

/** The first instant after a local full-date (YYYY-MM-DD) has ended: when a due date has passed. */
export function endOfLocalDate(date: string, config: SealConfig): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS - offsetMinutes(config.zoneOffset) * 60_000).toISOString()
}

/**
 * endOfLocalDate as the OVERDUE index keys it, held to years 0000..9999 (core/date-time.ts heldInstant): the keys
 * sort as text, and 9999-12-31 (a common "no deadline") ends in year 10000 west of UTC, "+010000-…", which sorts first.
 */
export function dueIndexTime(date: string, config: SealConfig): string {
  return heldInstant(Date.parse(endOfLocalDate(date, config)))
}

/**
 * The keys the OVERDUE index may hold a due date under: the end of the local day in the zone in effect when it was
 * applied, which `serve --zone` may have changed since. RFC 3339 offsets lie within ±24 hours, so the day's end in any
 * zone falls after the start of its UTC day and before the end of the next: two days, as index keys.
 */
export function dueIndexRange(date: string): { gte: string; lt: string } {
  const start = Date.parse(`${date}T00:00:00.000Z`)
  return { gte: heldInstant(start), lt: heldInstant(start + DUE_INDEX_SPREAD_MS) }
}

/** How far apart the ends of one local day fall in any two zones, at most. */
export const DUE_INDEX_SPREAD_MS = 2 * DAY_MS

/** The instant `days` days before `instant`. */
export function daysBefore(instant: string, days: number): string {
  return new Date(Date.parse(instant) - days * DAY_MS).toISOString()
}
