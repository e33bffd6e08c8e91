// The values of a CBV 2.0 event hash ID's pre-hash string, written as GS1's reference generator (Python)
// writes them: CBV URNs as Web URIs, numbers as Python prints a float, identifiers as canonical Digital
// Links (epcis-hash-identifiers.ts), timestamps in UTC to the millisecond. Pure.

import { normaliseHashIdentifier } from './epcis-hash-identifiers.js'
import { RecentValues } from './recent-values.js'

const CBV_URNS: [RegExp, string][] = [
  [/urn:epcglobal:cbv:bizstep:/g, 'https://ref.gs1.org/cbv/BizStep-'],
  [/urn:epcglobal:cbv:disp:/g, 'https://ref.gs1.org/cbv/Disp-'],
  [/urn:epcglobal:cbv:btt:/g, 'https://ref.gs1.org/cbv/BTT-'],
  [/urn:epcglobal:cbv:sdt:/g, 'https://ref.gs1.org/cbv/SDT-'],
  [/urn:epcglobal:cbv:er:/g, 'https://ref.gs1.org/cbv/ER-'],
]

/** Python's float() syntax (after strip): digits with single underscores between them, a point, an exponent. */
const PYTHON_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/
const PYTHON_NAN = /^[+-]?nan$/i
/** Python's str.strip(): the characters str.isspace() is true of (not quite JavaScript's trim). */
const PYTHON_SPACE = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g

/** The value without the whitespace Python's strip() removes. */
export function stripValue(text: string): string {
  return text !== '' && isPlain(text.charCodeAt(0)) && isPlain(text.charCodeAt(text.length - 1)) ? text : text.replace(PYTHON_SPACE, '')
}

/** A character no stripping removes: printable ASCII, or above Latin-1 short of the spaces near U+2000. */
function isPlain(code: number): boolean {
  return (code > 0x20 && code < 0x7f) || (code > 0xff && code < 0x1680)
}

/**
 * A value other than a timestamp, as the pre-hash string writes it: CBV URNs (bizstep, disp, btt, sdt, er)
 * as Web URIs, a number in Python's canonical form, a GS1 identifier as its canonical Digital Link. Requires a
 * stripped, non-empty value.
 */
export function canonicalValue(text: string): string {
  const known = canonicalValues.get(text)
  if (known !== undefined) return known
  let value = text
  if (value.includes('urn:epcglobal:cbv:')) for (const [urn, uri] of CBV_URNS) value = value.replace(urn, uri)
  value = canonicalNumber(value) ?? value
  if (value.includes('.')) value = normaliseHashIdentifier(value) ?? value
  canonicalValues.set(text, value)
  return value
}

/** Values written lately: events name the same lots, places and codes over and over. */
const canonicalValues = new RecentValues<string, string>(4096)

/**
 * The text as the reference prints float(text) when Python parses it as a float: an integral value as an
 * exact integer, any other in Python's repr. Undefined for text that is no number, and for infinities and
 * NaN (the reference leaves NaN as written and fails on infinity: both are kept as written here).
 */
export function canonicalNumber(text: string): string | undefined {
  if (!PYTHON_FLOAT.test(text) || PYTHON_NAN.test(text)) return undefined
  const value = Number(text.replaceAll('_', ''))
  return Number.isFinite(value) ? formatPythonNumber(value) : undefined
}

/** A JSON number as the reference writes it: Python's str() of it, then canonicalNumber. Requires a finite number. */
export function formatPythonNumber(value: number): string {
  if (Number.isInteger(value)) return BigInt(value).toString()
  // The shortest digits that read back as the same double, as both languages print them.
  const [mantissa, exponentText] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace(/^-/, '').replace('.', '')
  let text: string
  if (exponent < -4) {
    // repr switches to scientific notation below 1e-4, with at least two exponent digits.
    const magnitude = String(-exponent).padStart(2, '0')
    text = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e-${magnitude}`
  } else if (exponent < 0) {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`
  } else {
    // A non-integral double is below 2^53, so its point falls within its digits.
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
  }
  return negative ? `-${text}` : text
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * A date-time as `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, or undefined for text that is no ISO 8601 date-time
 * (the reference then keeps it as written). A time without an offset is taken as UTC (the reference reads
 * it in its machine's zone: it is meant to run in UTC). Digits past the microsecond are ignored and the
 * microseconds rounded to milliseconds half to even, as Python's round(µs, -3); where the reference then
 * fails (.9995 and up) the carry goes into the next second.
 */
export function canonicalTimestamp(text: string): string | undefined {
  // Most event times are written as this returns them; a date that rolls over (02-30) reads back otherwise,
  // and the year 0 Date takes is no year here.
  if (CANONICAL_UTC.test(text) && !text.startsWith('0000') && new Date(text).toISOString() === text) return text
  const match = TIMESTAMP.exec(text)
  if (!match) return undefined
  const [, yearText, monthText, dayText, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match
  const year = Number(yearText)
  const month = Number(monthText)
  const day = Number(dayText)
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  const offsetMinutes = zone === 'Z' || zone === 'z' ? 0 : offsetOf(zone)
  if (offsetMinutes === undefined) return undefined
  const micros = Number(fraction.slice(0, 6).padEnd(6, '0'))
  let millis = Math.floor(micros / 1000)
  const rest = micros % 1000
  if (rest > 500 || (rest === 500 && millis % 2 === 1)) millis++
  const seconds = daysFromCivil(year, month, day) * 86_400 + Number(hour) * 3600 + (Number(minute) - offsetMinutes) * 60 + Number(second)
  const utc = new Date(seconds * 1000 + millis)
  const iso = Number.isNaN(utc.getTime()) ? '' : utc.toISOString()
  return /^\d{4}-/.test(iso) ? iso : undefined
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

function offsetOf(zone: string): number | undefined {
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 23 || minutes > 59) return undefined
  return sign * (hours * 60 + minutes)
}
