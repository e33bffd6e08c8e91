// The GS1 Barcode Syntax Tests ("linters") that the syntax dictionary names on AI components: character
// sets, check digits and check character pairs, dates and times, and the small enumerations. Pure.

import { gs1CheckDigit } from './gs1-check-digit.js'

/** N: digits; X: GS1 character set 82; Y: character set 39; Z: base64url (character set 64). */
export type ComponentType = 'N' | 'X' | 'Y' | 'Z'

export interface LintFailure {
  linter?: string
  reason: string
}

/** GS1 AI encodable character set 82, in the order the check character pair weighs it. */
const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'
const CSET32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
const CHARACTER_SETS: Record<ComponentType, RegExp> = {
  N: /^[0-9]*$/,
  X: /^[!"%-?A-Z_a-z]*$/,
  Y: /^[#\-/0-9A-Z]*$/,
  Z: /^[A-Za-z0-9_-]*={0,2}$/,
}
const SET_NAMES: Record<ComponentType, string> = { N: 'digits', X: 'GS1 character set 82', Y: 'GS1 character set 39', Z: 'base64url' }

/** The first 97 primes: the weights of the check character pair (one per data character, from the right). */
const PRIMES: number[] = []
for (let n = 2; PRIMES.length < 97; n++) if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n)

/**
 * Linters whose reference tables (ISO 3166 and 4217 codes, IBAN country lengths, package and media type
 * codes, coupon structures) this node does not carry: their components get the character set and length
 * checks only. Named so that a dictionary naming a linter nobody knows is noticed (gs1-syntax.test.ts).
 */
export const TABLE_LINTERS_NOT_CHECKED = new Set(['iso3166', 'iso3166999', 'iso3166alpha2', 'iso3166list', 'iso4217', 'iban', 'mediatype', 'packagetype', 'couponcode', 'couponposoffer'])

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function checkDate(text: string, yearDigits: 2 | 4, dayZeroAllowed: boolean): string | undefined {
  if (!/^\d+$/.test(text) || text.length !== yearDigits + 4) return 'not a date'
  // A two-digit year is in 2000-2099 for the leap-year rule, as the reference linters take it.
  const year = Number(text.slice(0, yearDigits)) + (yearDigits === 2 ? 2000 : 0)
  const month = Number(text.slice(yearDigits, yearDigits + 2))
  const day = Number(text.slice(yearDigits + 2))
  if (month < 1 || month > 12) return 'the month is not 01 to 12'
  if (day === 0) return dayZeroAllowed ? undefined : 'the day is 00'
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]
  return day > days ? 'the day is past the end of the month' : undefined
}

function inRange(text: string, max: number, what: string): string | undefined {
  return /^\d{2}$/.test(text) && Number(text) <= max ? undefined : `${what} is not 00 to ${max}`
}

/** One linter over one component's text; undefined when it passes. Throws RangeError for a linter nobody knows. */
function lint(name: string, text: string): string | undefined {
  switch (name) {
    case 'csum':
      return /^\d{2,}$/.test(text) && gs1CheckDigit(text.slice(0, -1)) === text[text.length - 1] ? undefined : `wrong check digit (expected ${/^\d{2,}$/.test(text) ? gs1CheckDigit(text.slice(0, -1)) : 'digits'})`
    case 'csumalpha':
      return checkCharacterPair(text)
    case 'gcppos1':
    case 'gcppos2': {
      const rest = name === 'gcppos1' ? text : text.slice(1)
      return /^\d{4}/.test(rest) ? undefined : 'does not start with a GS1 Company Prefix (at least four digits)'
    }
    case 'yymmdd':
    case 'yymmd0':
      return checkDate(text, 2, name === 'yymmd0')
    case 'yyyymmdd':
    case 'yyyymmd0':
      return checkDate(text, 4, name === 'yyyymmd0')
    case 'hhmi':
      return inRange(text.slice(0, 2), 23, 'the hour') ?? inRange(text.slice(2), 59, 'the minute')
    case 'hh':
      return inRange(text, 23, 'the hour')
    case 'mi':
    case 'ss':
      return inRange(text, 59, name === 'mi' ? 'the minute' : 'the second')
    case 'yesno':
      return /^[01]$/.test(text) ? undefined : 'not 0 or 1'
    case 'zero':
      return text === '0' ? undefined : 'not 0'
    case 'nonzero':
      return /^0+$/.test(text) ? 'is zero' : undefined
    case 'nozeroprefix':
      return text.length > 1 && text.startsWith('0') ? 'has a leading zero' : undefined
    case 'winding':
      return /^[019]$/.test(text) ? undefined : 'not 0, 1 or 9'
    case 'iso5218':
      return /^[0129]$/.test(text) ? undefined : 'not 0, 1, 2 or 9 (ISO/IEC 5218)'
    case 'hyphen':
      return /^-*$/.test(text) ? undefined : 'not a hyphen'
    case 'importeridx':
      return /^[-0-9A-Z_a-z]$/.test(text) ? undefined : 'not an importer index character'
    case 'hasnondigit':
      return /\D/.test(text) ? undefined : 'has no character other than digits'
    case 'pcenc':
      return /%(?![0-9A-Fa-f]{2})/.test(text) ? 'bad percent-encoding' : undefined
    case 'pieceoftotal': {
      const piece = Number(text.slice(0, text.length / 2))
      const total = Number(text.slice(text.length / 2))
      return piece === 0 || total === 0 || piece > total ? 'the piece number is not 1 to the total' : undefined
    }
    case 'posinseqslash': {
      const match = /^(\d)\/(\d)$/.exec(text)
      return match && match[1] !== '0' && Number(match[1]) <= Number(match[2]) ? undefined : 'not a position in a sequence, "n/m"'
    }
    case 'latitude':
      return Number(text) <= 1800000000 ? undefined : 'a latitude beyond 180 degrees (offset by 90)'
    case 'longitude':
      return Number(text) <= 3600000000 ? undefined : 'a longitude beyond 360 degrees (offset by 180)'
    default:
      if (TABLE_LINTERS_NOT_CHECKED.has(name)) return undefined
      throw new RangeError(`unknown GS1 linter "${name}"`)
  }
}

/** The check character pair (GS1 General Specifications §7.9.5): prime-weighted sum mod 1021 over set 82, as two set-32 characters. */
function checkCharacterPair(text: string): string | undefined {
  if (text.length < 2) return 'too short for a check character pair'
  if (text.length - 2 > PRIMES.length) return 'too long for a check character pair'
  let sum = 0
  for (let i = 0; i < text.length - 2; i++) {
    const weight = CSET82.indexOf(text[i])
    if (weight < 0) return 'a character outside GS1 character set 82'
    sum += weight * PRIMES[text.length - 3 - i]
  }
  sum %= 1021
  return text[text.length - 2] === CSET32[sum >> 5] && text[text.length - 1] === CSET32[sum & 31]
    ? undefined
    : `wrong check character pair (expected ${CSET32[sum >> 5]}${CSET32[sum & 31]})`
}

/** The character set of `type`, then each linter in turn, over one component's text. Never throws for input. */
export function checkComponent(type: ComponentType, text: string, linters: readonly string[]): LintFailure | undefined {
  if (!CHARACTER_SETS[type].test(text)) return { reason: `a character outside ${SET_NAMES[type]}` }
  for (const linter of linters) {
    const reason = lint(linter, text)
    if (reason !== undefined) return { linter, reason }
  }
  return undefined
}

/** Throws RangeError when `name` is a linter this module neither checks nor lists in TABLE_LINTERS_NOT_CHECKED. */
export function assertKnownLinter(name: string): void {
  lint(name, '')
}
