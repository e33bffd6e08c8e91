// RFC 3339 dates and date-times as query parameters give them (attacker-controlled text), and the range of
// instants the node keeps: four-digit years in UTC (core/date-time.ts).

import { isInstantInRange, parseDateTime, verifyInstantInRange } from '../core/date-time.js'
import { fail } from '../core/errors.js'
import { offsetMinutes } from '../core/zone-offset.js'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i

/** Date.parse takes 2026-02-30 for 2 March; a real calendar date survives the round trip. */
export function isCalendarDate(date: string): boolean {
  if (!DATE.test(date)) return false
  const parsed = Date.parse(`${date}T00:00:00Z`)
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === date
}

/**
 * An RFC 3339 date-time with a zone as UTC with milliseconds, or undefined when it is not one.
 * An unencoded '+' in a query string arrives as a space ("2026-05-26T10:00:00 08:00"), so that is read as '+'.
 */
export function parseInstant(value: string): string | undefined {
  const parsed = instantMillis(value)
  return isInstantInRange(parsed) ? new Date(parsed).toISOString() : undefined
}

function instantMillis(value: string): number {
  const text = value.replace(/ (\d{2}:\d{2})$/, '+$1')
  return DATE_TIME.test(text) && isCalendarDate(text.slice(0, 10)) ? Date.parse(text) : Number.NaN
}

/**
 * A query's date-time parameter `name` (attacker-controlled) in UTC with milliseconds (parseInstant). Throws
 * TIME_OUT_OF_RANGE for one past 9999 or before 0000 in UTC, BAD_REQUEST for one that is no date-time.
 */
export function instantParameter(name: string, value: string): string {
  const parsed = instantMillis(value)
  if (Number.isNaN(parsed)) fail('BAD_REQUEST', `${name} ${value} is not an RFC 3339 date-time with a zone`, { parameter: name })
  verifyInstantInRange(name, value, parsed)
  return new Date(parsed).toISOString()
}

/**
 * Throws TIME_OUT_OF_RANGE for an event (checked against GS1's schema) whose eventTime falls past 9999 or before
 * 0000 in UTC or on its own local day: its index keys, best-before and FSMA 204 days are four-digit text.
 */
export function verifyEventTimeInRange(event: { eventTime?: unknown; eventTimeZoneOffset?: unknown }): void {
  const text = String(event.eventTime)
  const utc = parseDateTime(text)
  if (utc === undefined) return
  verifyInstantInRange('eventTime', text, utc)
  verifyInstantInRange('eventTime', `${text} at ${String(event.eventTimeZoneOffset)}`, utc + (offsetMinutes(String(event.eventTimeZoneOffset)) ?? 0) * 60_000)
}

/**
 * An RFC 3339 date-time with a zone as UTC to the nanosecond ("2026-05-27T00:00:00.000500000Z"), which
 * orders as text; digits past the ninth are dropped. Undefined when it is not one, or is out of range (parseInstant).
 */
export function preciseInstant(value: string): string | undefined {
  const ms = parseInstant(value)
  if (ms === undefined) return undefined
  const fraction = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(value)?.[1] ?? ''
  return `${ms.slice(0, 23)}${fraction.slice(3, 9).padEnd(6, '0')}Z`
}

export function isInstant(value: string): boolean {
  return DATE_TIME.test(value)
}
