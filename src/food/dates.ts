// RFC 3339 dates and date-times as query parameters give them (attacker-controlled text).

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
  const text = value.replace(/ (\d{2}:\d{2})$/, '+$1')
  if (!DATE_TIME.test(text) || !isCalendarDate(text.slice(0, 10))) return undefined
  const parsed = Date.parse(text)
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString()
}

/**
 * An RFC 3339 date-time with a zone as UTC to the nanosecond ("2026-05-27T00:00:00.000500000Z"), which
 * orders as text; digits past the ninth are dropped. Undefined when it is not one.
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
