// The GS1 identifiers food events and labels carry, in their two spellings, one value: the EPC URNs of SGTIN,
// LGTIN, GTIN class, SSCC and SGLN (GS1 EPC Tag Data Standard 2.0 §6), and the plain Digital Links a label
// prints (/01/{gtin}[/10/{lot}][/21/{serial}]). Every other identifier is read by the whole parser
// (identifiers.ts), which reads these forms with this module: the consumer page carries this module and
// loads that parser only for a lot that names something else (food/web/identifiers-on-demand.ts).
// Pure and browser-safe: it imports only core/.

import { gs1CheckDigit } from '../core/gs1-check-digit.js'
import { CANONICAL_DIGITAL_LINK_BASE, buildDigitalLink, formatDigitalLinkPath, gtinElements, type DigitalLinkElement } from '../core/digital-link-path.js'
import { fail } from '../core/errors.js'
import { RecentValues } from '../core/recent-values.js'

export { gs1CheckDigit }

/**
 * 'gs1key' is every other key of GS1's syntax dictionary (GRAI, GIAI, GSRN, GSRNP, GDTI, SGCN, GINC, GSIN,
 * PGLN, CPI, ITIP, UPUI …): one value in its EPC URN and Digital Link spellings, held as its Digital Link path.
 */
export type IdentifierKind = 'sgtin' | 'lgtin' | 'gtin' | 'sscc' | 'sgln' | 'gs1key' | 'local'

export interface Gs1Identifier {
  kind: IdentifierKind
  /** 14 digits with check digit */
  gtin?: string
  /** AI 22, consumer product variant (Digital Link only: no EPC URN scheme carries it) */
  cpv?: string
  /** AI 10 */
  lot?: string
  /** AI 21 */
  serial?: string
  /** 18 digits with check digit */
  sscc?: string
  /** 13 digits with check digit */
  gln?: string
  /** AI 254; absent when none ("0" in the URN) */
  extension?: string
  /** known when parsed from an EPC URN */
  companyPrefixLength?: number
  /** kind 'local': the original text, a URN or URI that is not a GS1 key we model */
  local?: string
  /** kind 'gs1key': the primary key and the qualifiers that identify the object, in Digital Link order */
  elements?: readonly DigitalLinkElement[]
  /** kind 'gs1key' parsed from an EPC URN: that URN, its scheme in lower case */
  urn?: string
}

export const DEFAULT_COMPANY_PREFIX_LENGTH = 7
/** Longer texts are refused before any parsing. */
export const MAX_IDENTIFIER_LENGTH = 2048

const MIN_COMPANY_PREFIX_LENGTH = 6
const MAX_COMPANY_PREFIX_LENGTH = 12
/** AI 10, 21, 22 and 254 are all X..20 (GS1 General Specifications §3.2). */
const MAX_ALPHANUMERIC_LENGTH = 20
/** GS1 AI encodable character set 82 (General Specifications figure 7.11-1): ! " % & ' ( ) * + , - . / 0-9 : ; < = > ? A-Z _ a-z */
const CHARACTER_SET_82 = /^[!"%-?A-Z_a-z]+$/
/** TDS 2.0 §5: in an EPC URN the set-82 characters " % & / < > ? are escaped; all others appear as themselves. */
const URN_COMPONENT = /^(?:[!'()*+,\-.0-9:;=A-Z_a-z]|%[0-9A-Fa-f]{2})+$/
const URN_ESCAPED = /["%&/<>?]/g
/** Whitespace and control characters never appear in a URN or URI (and would break index keys). */
const FORBIDDEN_CHARACTERS = /[\s\u0000-\u001f\u007f-\u009f]/u
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:./s
const EPC_URN = /^urn:epc:(id|class|idpat):([A-Za-z0-9-]+):(.*)$/is
const WEB_URI = /^https?:\/\/([^/?#]+)([^?#]*)(?:\?[^#]*)?(?:#.*)?$/is
/**
 * The Digital Links labels print: a plain host, a 14-digit GTIN, a lot and a serial of letters, digits, "-"
 * and "_" (characters a Digital Link path and GS1 set 82 both take as they are), nothing after. Read here
 * as the whole parser reads them (test/food/identifier-forms.test.ts holds the two to the same answers).
 */
const LABEL_DIGITAL_LINK = /^https?:\/\/[-.0-9A-Za-z]+(?::\d{1,5})?\/01\/(\d{14})(?:\/10\/([-0-9A-Z_a-z]{1,20}))?(?:\/21\/([-0-9A-Z_a-z]{1,20}))?$/

/** What only the whole parser reads: an EPC URN of another GS1 key, or a web URI that is not a label's Digital Link. */
export type UncommonIdentifier = { form: 'gs1-key-urn'; scheme: string; body: string } | { form: 'web-uri'; host: string }

/**
 * `text` read as parseIdentifier (identifiers.ts) reads it, where that needs none of the syntax dictionary:
 * the identifier, or what is left to the whole parser. Throws IDENTIFIER_INVALID as parseIdentifier does.
 */
export function parseCommonIdentifier(text: string): Gs1Identifier | UncommonIdentifier {
  if (typeof text !== 'string' || text.length === 0) invalid(String(text), 'expected a non-empty string')
  if (text.length > MAX_IDENTIFIER_LENGTH) invalid(text, `longer than ${MAX_IDENTIFIER_LENGTH} characters`)
  if (FORBIDDEN_CHARACTERS.test(text)) invalid(text, 'contains whitespace or a control character')
  const urn = EPC_URN.exec(text)
  if (urn) return parseEpcUrn(text, urn[1].toLowerCase(), urn[2].toLowerCase(), urn[3])
  const web = WEB_URI.exec(text)
  if (web) return parseLabelDigitalLink(text) ?? { form: 'web-uri', host: web[1] }
  if (!ABSOLUTE_URI.test(text)) invalid(text, 'not an absolute URN or URI')
  return { kind: 'local', local: text }
}

export function isUncommon(parsed: Gs1Identifier | UncommonIdentifier): parsed is UncommonIdentifier {
  return 'form' in parsed
}

/**
 * Identifiers parsed lately, by text: an event names its lots, locations and products several times over
 * (prefix lengths, locations, objects, edges), and the same ones recur from event to event. Frozen, as
 * every caller shares them; a text that does not parse is never kept. The FIFO bound this had before
 * RecentValues cost a trace of random pallets as much as parsing.
 */
export function rememberingParser(parseUncommon: (text: string, uncommon: UncommonIdentifier) => Gs1Identifier): (text: string) => Readonly<Gs1Identifier> {
  const parsed = new RecentValues<string, Readonly<Gs1Identifier>>(4096)
  return (text) => {
    const known = typeof text === 'string' ? parsed.get(text) : undefined
    if (known) return known
    const common = parseCommonIdentifier(text)
    const identifier = Object.freeze(isUncommon(common) ? parseUncommon(text, common) : common)
    parsed.set(text, identifier)
    return identifier
  }
}

function parseEpcUrn(text: string, type: string, scheme: string, body: string): Gs1Identifier | UncommonIdentifier {
  const scheme3 = `${type}:${scheme}`
  if (scheme3 === 'id:sscc') {
    const [prefix, reference, ...rest] = body.split('.')
    if (rest.length > 0 || !isCompanyPrefix(prefix) || !/^\d+$/.test(reference ?? '') || prefix.length + reference.length !== 17) {
      invalid(text, 'an SSCC URN is urn:epc:id:sscc:CompanyPrefix.SerialReference with 17 digits in all')
    }
    const sscc = withCheckDigit(reference[0] + prefix + reference.slice(1))
    return { kind: 'sscc', sscc, companyPrefixLength: prefix.length }
  }
  if (scheme3 === 'id:sgln') {
    const { prefix, reference, rest } = splitUrnBody(text, body)
    if (prefix.length + reference.length !== 12) invalid(text, 'an SGLN URN has 12 digits of company prefix and location reference')
    const extension = decodeUrnComponent(text, rest, 'extension')
    const gln = withCheckDigit(prefix + reference)
    return { kind: 'sgln', gln, ...(extension === '0' ? {} : { extension }), companyPrefixLength: prefix.length }
  }
  if (scheme3 === 'id:sgtin' || scheme3 === 'class:lgtin' || scheme3 === 'idpat:sgtin') {
    const { prefix, reference, rest } = splitUrnBody(text, body)
    if (reference.length === 0 || prefix.length + reference.length !== 13) {
      invalid(text, 'a GTIN in a URN has 13 digits of company prefix and item reference (with its indicator digit)')
    }
    const gtin = withCheckDigit(reference[0] + prefix + reference.slice(1))
    const companyPrefixLength = prefix.length
    if (scheme3 === 'idpat:sgtin') {
      if (rest !== '*') invalid(text, 'only the pattern urn:epc:idpat:sgtin:CompanyPrefix.ItemReference.* names a GTIN class')
      return { kind: 'gtin', gtin, companyPrefixLength }
    }
    if (scheme3 === 'class:lgtin') return { kind: 'lgtin', gtin, lot: decodeUrnComponent(text, rest, 'lot'), companyPrefixLength }
    return { kind: 'sgtin', gtin, serial: decodeUrnComponent(text, rest, 'serial'), companyPrefixLength }
  }
  if (GS1_KEY_URN_SCHEMES.has(scheme3)) return { form: 'gs1-key-urn', scheme: scheme3, body }
  return { kind: 'local', local: text }
}

/** The EPC URN schemes of GS1 keys that are neither GTIN, SSCC nor GLN based (TDS 2.0 §6), and the classes among their patterns. */
const GS1_KEY_URN_SCHEMES = new Set([
  ...['grai', 'giai', 'gsrn', 'gsrnp', 'gdti', 'sgcn', 'ginc', 'gsin', 'pgln', 'cpi', 'itip', 'upui'].map((scheme) => `id:${scheme}`),
  ...['grai', 'gdti', 'sgcn', 'cpi', 'itip'].map((scheme) => `idpat:${scheme}`),
])

/** "CP.REF.rest": the third component may itself contain dots (set 82 has "." unescaped). */
function splitUrnBody(text: string, body: string): { prefix: string; reference: string; rest: string } {
  const first = body.indexOf('.')
  const second = first < 0 ? -1 : body.indexOf('.', first + 1)
  if (second < 0) invalid(text, 'expected CompanyPrefix.Reference.Value')
  const prefix = body.slice(0, first)
  const reference = body.slice(first + 1, second)
  if (!isCompanyPrefix(prefix) || !/^\d*$/.test(reference)) invalid(text, 'the company prefix (6 to 12 digits) and reference must be digits')
  return { prefix, reference, rest: body.slice(second + 1) }
}

function decodeUrnComponent(text: string, component: string, name: string): string {
  if (!URN_COMPONENT.test(component)) invalid(text, `the ${name} has characters an EPC URN must escape or cannot carry`)
  const value = component.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  if (value.length > MAX_ALPHANUMERIC_LENGTH || !CHARACTER_SET_82.test(value)) {
    invalid(text, `the ${name} must be 1 to ${MAX_ALPHANUMERIC_LENGTH} characters of GS1 character set 82`)
  }
  return value
}

/** A label's Digital Link, else undefined (a wrong check digit too: the whole parser says what is wrong). */
function parseLabelDigitalLink(text: string): Gs1Identifier | undefined {
  const link = LABEL_DIGITAL_LINK.exec(text)
  if (!link || !isValidGs1Key(link[1])) return undefined
  const [, gtin, lot, serial] = link
  const kind: IdentifierKind = serial !== undefined ? 'sgtin' : lot !== undefined ? 'lgtin' : 'gtin'
  return { kind, gtin, ...(lot !== undefined ? { lot } : {}), ...(serial !== undefined ? { serial } : {}) }
}

function isCompanyPrefix(digits: string | undefined): digits is string {
  return digits !== undefined && /^\d+$/.test(digits) && digits.length >= MIN_COMPANY_PREFIX_LENGTH && digits.length <= MAX_COMPANY_PREFIX_LENGTH
}

/**
 * Split-independent key for indexes, equal for the URN and Digital Link forms of one object:
 * "01/<gtin>[/22/<cpv>][/10/<lot>]" or "01/<gtin>[/22/<cpv>]/21/<serial>", "00/<sscc>", "414/<gln>[/254/<ext>]",
 * the Digital Link path of any other GS1 key ("8003/<grai>", "8004/<giai>" …), or "local:<text>". A
 * serialised item is its GTIN and serial (GS1 serials are unique per GTIN), so a lot in its Digital Link is
 * left out, as its SGTIN URN leaves it out. Values are percent-encoded as in a
 * Digital Link path, so no value contains "/". Throws TypeError when a field its kind needs is missing.
 */
export function identifierKey(id: Gs1Identifier): string {
  // parseIdentifier's identifiers are frozen and shared: each one's key is worked out once.
  const frozen = Object.isFrozen(id)
  const known = frozen ? keysOfParsed.get(id) : undefined
  if (known !== undefined) return known
  const key = keyOf(id)
  if (frozen) keysOfParsed.set(id, key)
  return key
}

const keysOfParsed = new WeakMap<Gs1Identifier, string>()

function keyOf(id: Gs1Identifier): string {
  if (id.kind === 'local') return `local:${required(id.local, 'local')}`
  if (id.kind === 'gs1key') return formatDigitalLinkPath(required(id.elements, 'elements'))
  return formatDigitalLinkPath(digitalLinkElements({ ...id, ...(id.kind === 'sgtin' ? { lot: undefined } : {}) }))
}

/**
 * The EPC URN, the canonical id, with the given company prefix length (default: the id's own, else
 * DEFAULT_COMPANY_PREFIX_LENGTH): sgtin, lgtin class, idpat sgtin for a GTIN, sscc, sgln; serial, lot and
 * extension escaped as TDS 2.0 §5 says. 'local' returns its original text. A GTIN with a consumer product
 * variant (AI 22) has no EPC URN, so its canonical id is its Digital Link on id.gs1.org; so has a 'gs1key'
 * parsed from a Digital Link (a Digital Link does not say where its company prefix ends), while one parsed
 * from an EPC URN keeps that URN.
 * Throws RangeError for a prefix length outside 6..12, TypeError when a field its kind needs is missing.
 */
export function toEpcUrn(id: Gs1Identifier, companyPrefixLength?: number): string {
  if (id.kind === 'local') return required(id.local, 'local')
  if (id.kind === 'gs1key') return id.urn ?? toDigitalLink(id)
  if (id.cpv !== undefined) return toDigitalLink(id)
  const length = companyPrefixLength ?? id.companyPrefixLength ?? DEFAULT_COMPANY_PREFIX_LENGTH
  if (!Number.isInteger(length) || length < MIN_COMPANY_PREFIX_LENGTH || length > MAX_COMPANY_PREFIX_LENGTH) {
    throw new RangeError(`"companyPrefixLength" expected an integer from 6 to 12, got ${length}`)
  }
  if (id.kind === 'sscc') {
    const sscc = required(id.sscc, 'sscc')
    return `urn:epc:id:sscc:${sscc.slice(1, 1 + length)}.${sscc[0]}${sscc.slice(1 + length, 17)}`
  }
  if (id.kind === 'sgln') {
    const gln = required(id.gln, 'gln')
    return `urn:epc:id:sgln:${gln.slice(0, length)}.${gln.slice(length, 12)}.${id.extension !== undefined ? escapeUrnComponent(id.extension) : '0'}`
  }
  const gtin = required(id.gtin, 'gtin')
  const classPart = `${gtin.slice(1, 1 + length)}.${gtin[0]}${gtin.slice(1 + length, 13)}`
  if (id.kind === 'sgtin') return `urn:epc:id:sgtin:${classPart}.${escapeUrnComponent(required(id.serial, 'serial'))}`
  if (id.kind === 'lgtin') return `urn:epc:class:lgtin:${classPart}.${escapeUrnComponent(required(id.lot, 'lot'))}`
  return `urn:epc:idpat:sgtin:${classPart}.*`
}

/**
 * The GS1 Digital Link URI on `base` (default https://id.gs1.org; a path after the domain is kept), with no
 * query string: every qualifier the id has, a serialised item's lot included. 'local' returns its original
 * text. Throws TypeError for a base that is not an http(s) URI without query or fragment.
 */
export function toDigitalLink(id: Gs1Identifier, base: string = CANONICAL_DIGITAL_LINK_BASE): string {
  if (!/^https?:\/\/[^/?#\s]+[^?#\s]*$/i.test(base)) throw new TypeError(`"base" expected an http(s) URI without query or fragment, got ${base}`)
  if (id.kind === 'local') return required(id.local, 'local')
  return buildDigitalLink(digitalLinkElements(id), base)
}

/** The Digital Link elements of a GS1 id (not 'local'): its key and the qualifiers its kind carries. */
function digitalLinkElements(id: Gs1Identifier): readonly DigitalLinkElement[] {
  if (id.kind === 'gs1key') return required(id.elements, 'elements')
  if (id.kind === 'sscc') return [['00', required(id.sscc, 'sscc')]]
  if (id.kind === 'sgln') return [['414', required(id.gln, 'gln')], ...(id.extension !== undefined ? [['254', id.extension] as const] : [])]
  return gtinElements({
    gtin: required(id.gtin, 'gtin'),
    cpv: id.cpv,
    lot: id.kind === 'lgtin' ? required(id.lot, 'lot') : id.kind === 'sgtin' ? id.lot : undefined,
    serial: id.kind === 'sgtin' ? required(id.serial, 'serial') : undefined,
  })
}

function escapeUrnComponent(value: string): string {
  return value.replace(URN_ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/** True when `digits` is at least two decimal digits and the last is the check digit of the rest. Never throws. */
export function isValidGs1Key(digits: string): boolean {
  return typeof digits === 'string' && /^\d{2,}$/.test(digits) && gs1CheckDigit(digits.slice(0, -1)) === digits[digits.length - 1]
}

function withCheckDigit(digits: string): string {
  return digits + gs1CheckDigit(digits)
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new TypeError(`identifier: "${name}" is required for this kind`)
  return value
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

/** Throws IDENTIFIER_INVALID for `text`, with why. */
export function invalid(text: string, reason: string): never {
  return fail('IDENTIFIER_INVALID', `${clip(text)}: ${reason}`, { identifier: clip(text), reason })
}
