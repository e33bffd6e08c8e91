// GS1 Digital Link URIs (GS1 Digital Link URI Syntax 1.2 §4): "{base}/{AI}/{value}/{AI}/{value}…?{AI}={value}",
// the primary key first, then its qualifiers in an order the syntax dictionary allows, then data attributes in
// the query. The one parser and builder, checked against GS1's syntax engine's own cases; pure.

import { fail } from './errors.js'
import { AiValueError, isKeyQualifierSequence, keyQualifierSequences, lookupAi, verifyAiValue, type AiEntry } from './gs1-syntax.js'
import { CANONICAL_DIGITAL_LINK_BASE, escapeDigitalLinkComponent } from './digital-link-path.js'

/** Longer URIs are refused before any parsing. */
export const MAX_DIGITAL_LINK_LENGTH = 2048

/** GS1 syntax engine settings; each default is the engine's, and the strict reading of DL 1.2+. */
export interface DigitalLinkSyntaxOptions {
  /** accept 8, 12 and 13 digit GTINs in AI 01 and pad them to 14 (older labels); default false */
  permitZeroSuppressedGtin?: boolean
  /** accept the DL 1.0 names (/gtin/, /lot/, /ser/ …) for AIs in the path; default false */
  permitConvenienceAlphas?: boolean
  /** accept AIs the syntax dictionary does not list, as X..90; default false */
  permitUnknownAis?: boolean
  /** accept such unknown AIs as data attributes in the query too; default false */
  unknownAisAsAttributes?: boolean
}

/** One AI and its value, as an element string carries it (percent-decoding undone). */
export interface AiElement {
  ai: string
  value: string
}

export interface ParsedDigitalLink {
  /** scheme, host and any path before the primary key: "https://example.com/shop" */
  stem: string
  /** the primary key, then its qualifiers, in path order */
  path: AiElement[]
  /** the data attributes of the query, in order */
  attributes: AiElement[]
  /** the query parameters that are not AIs (linkType, context …), decoded, in order; a singleton has value '' */
  otherParams: [name: string, value: string][]
}

/** Characters a URI may hold at all (RFC 3986 reserved and unreserved, and "%"). */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/
/** Characters a URI's host may not hold. */
const BAD_DOMAIN_CHARACTERS = /[_~?#@!$&'()*+,;=%]/
/** The DL 1.0 names of AIs, refused unless permitConvenienceAlphas. */
const CONVENIENCE_ALPHAS: Record<string, string> = {
  cpid: '8010', cpsn: '8011', cpv: '22', gcn: '255', gdti: '253', giai: '8004', ginc: '401', gln: '414', glnx: '254', gmn: '8013',
  grai: '8003', gsin: '402', gsrn: '8018', gsrnp: '8017', gtin: '01', itip: '8006', lot: '10', party: '417', refno: '8020',
  ser: '21', srin: '8019', sscc: '00',
}

/**
 * The bytes a path segment or query value stands for: "%XX" with two hex digits is that byte, anything else
 * (a lone or short "%") is itself; in a query "+" is a space. Never throws.
 */
export function unescapeDigitalLinkComponent(text: string, component: 'path' | 'query'): Uint8Array {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const high = code === 0x25 ? hexDigit(text.charCodeAt(i + 1)) : -1
    const low = high >= 0 ? hexDigit(text.charCodeAt(i + 2)) : -1
    if (low >= 0) {
      bytes.push(high * 16 + low)
      i += 2
    } else if (code === 0x2b && component === 'query') bytes.push(0x20)
    else if (code < 0x80) bytes.push(code)
    // Each UTF-16 unit on its own, as ever: a lone surrogate is U+FFFD's bytes. A URI parseDigitalLink
    // takes has only ASCII by now; this is for other callers.
    else bytes.push(...UTF8.encode(text[i]))
  }
  return Uint8Array.from(bytes)
}

const UTF8 = new TextEncoder()

/** The value of an ASCII hex digit's code, else -1 (NaN, past the end of the text, is not one). */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/**
 * Parses a GS1 Digital Link URI as GS1's syntax engine does: http(s) in one case, any host, the primary key
 * nearest the end of the path (a path before it is the stem), its qualifiers in an order the dictionary
 * allows, AIs of the query as data attributes (other parameters kept aside, a fragment ignored), every value
 * checked against its AI's format and linters. Attacker-controlled input. Throws IDENTIFIER_INVALID with
 * `details.reason` (URI_CHARACTERS, PERCENT_ENCODING, SCHEME, DOMAIN, NO_PRIMARY_KEY, EMPTY_VALUE, NUL, VALUE, UNKNOWN_AI,
 * KEY_QUALIFIER_SEQUENCE, DUPLICATE_AI, NOT_DATA_ATTRIBUTE, SHOULD_BE_IN_PATH), or CHECK_DIGIT_INVALID.
 */
export function parseDigitalLink(uri: string, options: DigitalLinkSyntaxOptions = {}): ParsedDigitalLink {
  if (typeof uri !== 'string' || uri.length === 0) refuse(String(uri), 'URI_CHARACTERS', 'expected a non-empty string')
  if (uri.length > MAX_DIGITAL_LINK_LENGTH) refuse(uri, 'URI_CHARACTERS', `longer than ${MAX_DIGITAL_LINK_LENGTH} characters`)
  if (!URI_CHARACTERS.test(uri)) refuse(uri, 'URI_CHARACTERS', 'contains characters a URI cannot hold')
  // RFC 3986 §2.1: "%" only ever starts an escape (GS1's engine would read a stray one as itself).
  if (/%(?![0-9A-Fa-f]{2})/.test(uri)) refuse(uri, 'PERCENT_ENCODING', 'a "%" that does not start a %XX escape')
  const scheme = /^(https?|HTTPS?):\/\//.exec(uri)
  if (!scheme) refuse(uri, 'SCHEME', 'the scheme is not http or https (in one case)')
  const rest = uri.slice(scheme[0].length)
  const slash = rest.indexOf('/')
  if (slash < 1) refuse(uri, 'DOMAIN', 'no host, or no path after it')
  if (BAD_DOMAIN_CHARACTERS.test(rest.slice(0, slash))) refuse(uri, 'DOMAIN', 'the host has characters a host cannot hold')
  const afterHost = rest.slice(slash).split('#')[0]
  const question = afterHost.indexOf('?')
  const pathInfo = question < 0 ? afterHost : afterHost.slice(0, question)
  const query = question < 0 ? '' : afterHost.slice(question + 1)

  // Walk back over "/AI/value" pairs to the first primary key from the end: the rightmost key wins.
  const segments = pathInfo.split('/')
  let keyAt = -1
  for (let i = segments.length - 2; i >= 1; i -= 2) {
    const entry = pathAi(segments[i], options)
    if (!entry) break
    if (entry.qualifierSequences) {
      keyAt = i
      break
    }
  }
  if (keyAt < 0) refuse(uri, 'NO_PRIMARY_KEY', 'no GS1 primary key in the path')
  const path: AiElement[] = []
  for (let i = keyAt; i < segments.length; i += 2) {
    const entry = pathAi(segments[i], options) as AiEntry
    if (segments[i + 1] === '') refuse(uri, 'EMPTY_VALUE', `AI (${entry.ai}) has an empty value`)
    path.push({ ai: entry.ai, value: checkedValue(uri, entry, decodeValue(uri, entry, segments[i + 1], 'path'), options.permitZeroSuppressedGtin) })
  }

  const attributes: AiElement[] = []
  const otherParams: [string, string][] = []
  for (const parameter of query.split('&')) {
    if (parameter === '') continue
    const equals = parameter.indexOf('=')
    const name = equals < 0 ? parameter : parameter.slice(0, equals)
    const raw = equals < 0 ? '' : parameter.slice(equals + 1)
    if (!/^\d+$/.test(name) || equals < 0) {
      otherParams.push([latin1(unescapeDigitalLinkComponent(name, 'query')), latin1(unescapeDigitalLinkComponent(raw, 'query'))])
      continue
    }
    const entry = lookupAi(name, options.permitUnknownAis)
    if (!entry) refuse(uri, 'UNKNOWN_AI', `(${name}) in the query is not an AI`)
    if (raw === '') refuse(uri, 'EMPTY_VALUE', `AI (${name}) has an empty value`)
    attributes.push({ ai: name, value: checkedValue(uri, entry, decodeValue(uri, entry, raw, 'query'), options.permitZeroSuppressedGtin) })
  }

  const sequence = path.map((element) => element.ai)
  if (!isKeyQualifierSequence(sequence)) refuse(uri, 'KEY_QUALIFIER_SEQUENCE', `(${sequence.join(')(')}) is not a primary key with its qualifiers in an order the standard allows`)
  const seen = new Set(sequence)
  for (const { ai } of attributes) {
    if (seen.has(ai)) refuse(uri, 'DUPLICATE_AI', `AI (${ai}) appears twice`)
    seen.add(ai)
    checkDataAttribute(uri, lookupAi(ai, options.permitUnknownAis) as AiEntry, options)
    for (let at = 1; at <= sequence.length; at++) {
      if (isKeyQualifierSequence([...sequence.slice(0, at), ai, ...sequence.slice(at)])) refuse(uri, 'SHOULD_BE_IN_PATH', `AI (${ai}) is a qualifier of (${sequence[0]}): it belongs in the path`)
    }
  }
  return { stem: `${scheme[0]}${rest.slice(0, slash)}${segments.slice(0, keyAt).join('/')}`, path, attributes, otherParams }
}

/**
 * The GS1 element string of a parsed link ("^" is FNC1): path then query AIs in URI order, FNC1 after each
 * AI of variable length that is followed by another.
 */
export function formatElementString(elements: readonly AiElement[], options: DigitalLinkSyntaxOptions = {}): string {
  let text = '^'
  elements.forEach(({ ai, value }, index) => {
    text += ai + value
    if (index < elements.length - 1 && !lookupAi(ai, options.permitUnknownAis)?.fixedLength) text += '^'
  })
  return text
}

/**
 * Parses bracketed AI data, "(01)09520123456788(10)ABC1" ("\(" is a literal bracket in a value), into
 * elements. It checks the shape only; buildDigitalLinkUri checks the values. Throws IDENTIFIER_INVALID.
 */
export function parseBracketedAiData(text: string): AiElement[] {
  const elements: AiElement[] = []
  const pattern = /\((\d{2,4})\)((?:\\\(|[^(])*)/gy
  let match: RegExpExecArray | null
  let at = 0
  while ((match = pattern.exec(text)) !== null && match[0] !== '') {
    elements.push({ ai: match[1], value: match[2].replace(/\\\(/g, '(') })
    at = pattern.lastIndex
  }
  if (elements.length === 0 || at !== text.length) refuse(text, 'VALUE', 'not bracketed AI data "(AI)value…"')
  return elements
}

/**
 * The Digital Link URI of `elements` on `stem` (default id.gs1.org; one trailing "/" dropped), as GS1's
 * syntax engine makes it: the first primary key in the data, the key-qualifier sequence that takes most of
 * the data (the first in sorted order on a tie), then the rest as query attributes, fixed-length AIs first,
 * each in the order given; an AI given twice with one value is written once. Throws IDENTIFIER_INVALID
 * (NO_PRIMARY_KEY, DUPLICATE_AI for one AI with two values, NOT_DATA_ATTRIBUTE, VALUE, UNKNOWN_AI) or
 * CHECK_DIGIT_INVALID.
 */
export function buildDigitalLinkUri(elements: readonly AiElement[], stem: string = CANONICAL_DIGITAL_LINK_BASE, options: DigitalLinkSyntaxOptions = {}): string {
  const label = elements.map(({ ai, value }) => `(${ai})${value}`).join('')
  const entries = elements.map(({ ai, value }) => {
    const entry = lookupAi(ai, options.permitUnknownAis)
    if (!entry) refuse(label, 'UNKNOWN_AI', `(${ai}) is not an AI`)
    checkedValue(label, entry, value, false)
    return entry
  })
  const values = new Map<string, string>()
  for (const { ai, value } of elements) {
    if (values.has(ai) && values.get(ai) !== value) refuse(label, 'DUPLICATE_AI', `AI (${ai}) given twice with different values`)
    values.set(ai, value)
  }
  const key = entries.find((entry) => entry.qualifierSequences)
  if (!key) refuse(label, 'NO_PRIMARY_KEY', 'no GS1 primary key in the data')
  let best: string[] = [key.ai]
  let bestCount = 0
  for (const sequence of keyQualifierSequences(key.ai).slice(1)) {
    const count = sequence.slice(1).reduce((sum, ai) => sum + elements.filter((element) => element.ai === ai).length, 0)
    if (count > bestCount) [best, bestCount] = [sequence, count]
  }
  const pathAis = best.filter((ai) => values.has(ai))
  const path = pathAis.map((ai) => `/${ai}/${escapeDigitalLinkComponent(values.get(ai) as string, 'path')}`).join('')
  const query: string[] = []
  for (const fixed of [true, false]) {
    for (const [index, { ai }] of elements.entries()) {
      const entry = entries[index]
      if (pathAis.includes(ai) || entry.fixedLength !== fixed || query.some((parameter) => parameter.startsWith(`${ai}=`))) continue
      checkDataAttribute(label, entry, options)
      query.push(`${ai}=${escapeDigitalLinkComponent(values.get(ai) as string, 'query')}`)
    }
  }
  return `${stem.replace(/\/$/, '')}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`
}

function pathAi(segment: string, options: DigitalLinkSyntaxOptions): AiEntry | undefined {
  if (options.permitConvenienceAlphas && /^[^0-9]/.test(segment) && segment.length >= 3 && segment.length <= 5) {
    const ai = CONVENIENCE_ALPHAS[segment]
    if (ai !== undefined) return lookupAi(ai)
  }
  return lookupAi(segment, options.permitUnknownAis)
}

function decodeValue(uri: string, entry: AiEntry, raw: string, component: 'path' | 'query'): string {
  const bytes = unescapeDigitalLinkComponent(raw, component)
  if (bytes.includes(0)) refuse(uri, 'NUL', `AI (${entry.ai}) decodes to a NUL character`)
  return latin1(bytes)
}

/** The value checked against its AI's format, a zero-suppressed GTIN first padded to 14 digits where permitted. */
function checkedValue(uri: string, entry: AiEntry, value: string, permitZeroSuppressedGtin: boolean | undefined): string {
  const padded = permitZeroSuppressedGtin && entry.ai === '01' && [8, 12, 13].includes(value.length) ? value.padStart(14, '0') : value
  try {
    verifyAiValue(entry, padded)
  } catch (error) {
    if (!(error instanceof AiValueError)) throw error
    const details = { identifier: clip(uri), ai: entry.ai, value: clip(padded) }
    if (error.linter === 'csum' || error.linter === 'csumalpha') fail('CHECK_DIGIT_INVALID', `${clip(uri)}: ${error.message}`, details)
    refuse(uri, 'VALUE', error.message, { ai: entry.ai, ...(error.linter ? { linter: error.linter } : {}) })
  }
  return padded
}

function checkDataAttribute(uri: string, entry: AiEntry, options: DigitalLinkSyntaxOptions): void {
  if (entry.dataAttribute === false || (entry.dataAttribute === 'unknown' && !options.unknownAisAsAttributes)) {
    refuse(uri, 'NOT_DATA_ATTRIBUTE', `AI (${entry.ai}) may not be a data attribute`)
  }
}

/** Bytes as the string of the same code points: a value outside ASCII then fails its character set, as it must. */
function latin1(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return text
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

function refuse(uri: string, reason: string, message: string, extra: Record<string, unknown> = {}): never {
  return fail('IDENTIFIER_INVALID', `${clip(uri)}: ${message}`, { identifier: clip(uri), reason, ...extra })
}
