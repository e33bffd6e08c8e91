// Time zone offsets as EPCIS and RFC 3339 write them ("+08:00"), and the local calendar day of a UTC instant at
// one: the day a lot was made, a sale happened or an FSMA 204 range bound falls on. Browser-safe.

import { heldInstant } from './date-time.js'

/** China Standard Time, the zone of an event that names none (as the consumer page reads it). */
export const CHINA_STANDARD_TIME_MINUTES = 480

/** Minutes east of UTC of "+08:00" or "-05:30", or undefined for anything else. */
export function offsetMinutes(offset: string | undefined): number | undefined {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset ?? '')
  if (!match || Number(match[2]) > 23 || Number(match[3]) > 59) return undefined
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]))
}

/**
 * The local calendar day (YYYY-MM-DD) of a UTC instant seen at `offset`, `plusDays` later; at `fallbackMinutes`
 * when the offset is none. Days are compared as text, so a day past 9999 (a shelf life counted from late 9999) is
 * held at 9999-12-31, after every day an event may fall on (food.event refuses later ones).
 */
export function localDay(utc: string, offset: string | undefined, plusDays = 0, fallbackMinutes = CHINA_STANDARD_TIME_MINUTES): string {
  const localMillis = Date.parse(utc) + (offsetMinutes(offset) ?? fallbackMinutes) * 60_000
  return heldInstant(localMillis + plusDays * 86_400_000).slice(0, 10)
}
