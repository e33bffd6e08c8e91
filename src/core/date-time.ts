// RFC 3339 date-times (section 5.6) as the schemas' "date-time" format (ajv-formats) admits them, read to an
// instant without Date.parse. Browser-safe. The format also takes what Date.parse cannot read, or reads in one
// engine and not another: an offset of hours alone ("+08", which V8 reads after a space but not after a "T"), a
// leap second ("23:59:60Z"), any whitespace for the "T". An event's eventTime is one, so the node and the page
// that re-derives it in a browser read it here, the same everywhere.

import { fail } from './errors.js'

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/

/**
 * Milliseconds since the epoch of an RFC 3339 date-time with a zone (attacker-controlled text), or undefined when
 * it is not one. Fractions past the millisecond are dropped, as Date.parse drops them, so every time Date.parse
 * reads gives the same instant here; a leap second (second 60) is read as second 59.
 */
export function parseDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text)
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number)
  const [fraction = '', sign, offsetHours = '0', offsetMinutes = '0'] = match.slice(7)
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 60) return undefined
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined
  const instant = new Date(0)
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  instant.setUTCFullYear(year, month - 1, day)
  instant.setUTCHours(hour, minute, Math.min(second, 59), Number(fraction.slice(0, 3).padEnd(3, '0')))
  const offset = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes))
  return instant.getTime() - offset * 60_000
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants whose UTC form has RFC 3339's four-digit year. */
export const FIRST_INSTANT_MS = -62_167_219_200_000
export const LAST_INSTANT_MS = 253_402_300_799_999

/**
 * Whether an instant has an RFC 3339 form in UTC. Outside, toISOString writes "+010000-…" or "-000001-…", which
 * sorts before every four-digit year, so the node neither keeps nor compares such an instant (TIME_OUT_OF_RANGE).
 */
export function isInstantInRange(millis: number): boolean {
  return millis >= FIRST_INSTANT_MS && millis <= LAST_INSTANT_MS
}

/** Throws TIME_OUT_OF_RANGE, naming the field or parameter `name` written `text`, unless `millis` is in range. */
export function verifyInstantInRange(name: string, text: string, millis: number): void {
  if (!isInstantInRange(millis)) fail('TIME_OUT_OF_RANGE', `${name} ${text} falls past year 9999 or before year 0000, where RFC 3339 has no form for it`, { parameter: name, value: text })
}

/**
 * An instant the node derives from a date (the end of a due day, an export's last day, a recall's due time) in
 * UTC with milliseconds, held to years 0000..9999: a bound or key that falls past the end sorts after every time
 * the node takes, as the instant it stands for would.
 */
export function heldInstant(millis: number): string {
  return new Date(Math.min(Math.max(millis, FIRST_INSTANT_MS), LAST_INSTANT_MS)).toISOString()
}
