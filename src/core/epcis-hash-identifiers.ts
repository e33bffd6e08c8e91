// GS1 identifiers as the CBV 2.0 event hash ID writes them: every EPC URN, EPC class and pattern URN and
// GS1 Digital Link URI becomes one constrained canonical Digital Link on id.gs1.org, its finest level of
// identification only. This follows the normaliser of GS1's reference generator (its quirks included, since
// hash IDs must agree byte for byte); a value it does not recognise stays as it is.

import { CANONICAL_DIGITAL_LINK_BASE } from './digital-link-path.js'
import { gs1CheckDigit } from './gs1-check-digit.js'

/** One character of an EPC URN component (TDS 2.0 GS3A3): a plain character or a percent escape the TDS allows. */
const COMPONENT_UNIT = String.raw`(?:%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])`
/** One character of a CPI component reference: digits, upper-case letters, '-', or an escaped # - / . */
const CPI_UNIT = String.raw`(?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])`
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g

/** Characters a Digital Link path value may hold as they are; the rest of set 82 the reference escapes. */
const DL_UNIT = String.raw`(?:["'\-.0-9;-?A-Z_a-z]|%[0-9A-Fa-f]{2})`

const DIGITAL_LINK = /^https?:(?:\/\/[^/?#]*)?[^?#]*\/(?:01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)\/\d{4}[^/]+/
const CANONICAL_PRIMARY = /^https:\/\/id\.gs1\.org\/(?:01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)\/\d{4}[^/]+/
/** Where a Digital Link on another host is cut to move it to id.gs1.org: the first of these found, in this order. */
const PRIMARY_KEYS = ['00', '01', '253', '255', '401', '402', '414', '417', '8003', '8004', '8006', '8010', '8017', '8018']
const SHORT_NAMES: [string, string][] = [
  ['gtin', '01'], ['itip', '8006'], ['cpid', '8010'], ['gln', '414'], ['party', '417'], ['gsrnp', '8017'], ['gsrn', '8018'],
  ['gcn', '255'], ['sscc', '00'], ['gdti', '253'], ['ginc', '401'], ['gsin', '402'], ['grai', '8003'], ['giai', '8004'],
  ['cpv', '22'], ['lot', '10'], ['ser', '21'],
]
/** Whether a URI has a short name to replace: one test, where most URIs need none of the loop's seventeen. */
const SHORT_NAME_SEGMENT = new RegExp(`/(?:${SHORT_NAMES.map(([name]) => name).join('|')})/`)

const ID = `^${CANONICAL_DIGITAL_LINK_BASE.replaceAll('.', '\\.').replaceAll('/', '\\/')}\\/`
const dl = (pattern: string) => new RegExp(ID + pattern + '$')
/** The shapes a normalised Digital Link may have; anything else is left unnormalised. */
const VALID_RESULTS = [
  dl(String.raw`00\/\d{18}`),
  dl(String.raw`01\/\d{14}\/21\/${DL_UNIT}{0,20}`),
  dl(String.raw`01\/\d{14}\/10\/${DL_UNIT}{0,20}`),
  dl(String.raw`01\/\d{14}`),
  dl(String.raw`01\/\d{14}\/235\/${DL_UNIT}{0,28}`),
  dl(String.raw`253\/\d{13}${DL_UNIT}{0,17}`),
  dl(String.raw`255\/\d{13}\d{0,12}`),
  dl(String.raw`401\/${DL_UNIT}{0,30}`),
  dl(String.raw`402\/\d{17}`),
  dl(String.raw`414\/\d{13}`),
  dl(String.raw`414\/\d{13}\/254\/${DL_UNIT}{0,20}`),
  dl(String.raw`417\/\d{13}`),
  dl(String.raw`8003\/\d{14}${DL_UNIT}{0,16}`),
  dl(String.raw`8004\/${DL_UNIT}{0,30}`),
  dl(String.raw`8006\/\d{18}\/21\/${DL_UNIT}{0,20}`),
  dl(String.raw`8006\/\d{18}\/10\/${DL_UNIT}{0,20}`),
  dl(String.raw`8006\/\d{18}`),
  dl(String.raw`8010\/(?:[#\-/0-9A-Z]|%[0-9A-Fa-f]{2}){0,30}\/8011\/\d{0,12}`),
  dl(String.raw`8010\/(?:[#\-/0-9A-Z]|%[0-9A-Fa-f]{2}){0,30}`),
  dl(String.raw`8017\/\d{18}`),
  dl(String.raw`8018\/\d{18}`),
]
const CPV_LAST = new RegExp(ID + String.raw`(?:8006\/\d{18}|01\/\d{14})\/22\/${DL_UNIT}{0,20}$`)
const CPV_BEFORE_QUALIFIERS = new RegExp(ID + String.raw`(?:8006\/\d{18}|01\/\d{14})\/22\/(?:\/|${DL_UNIT}){0,20}$`)
const LOT_AND_SERIAL = new RegExp(ID + String.raw`(?:8006\/\d{18}|01\/\d{14})\/10\/${DL_UNIT}{0,20}\/21\/${DL_UNIT}{0,20}$`)

/** An EPC URN scheme: its pattern (company prefix, reference, and what follows) and the Digital Link it makes. */
interface UrnScheme {
  pattern: RegExp
  /** digits of company prefix + reference the scheme requires (the partition fixes only the split) */
  keyDigits?: number
  /** the longest company prefix + reference, in URN units, for schemes of variable length */
  maxUnits?: number
  /** company prefixes the reference's pattern admits, when fewer than 6..12 (its quirk: TDS 2.0 admits them all) */
  maxPrefix?: number
  path(prefix: string, reference: string, rest: string[]): string
}

const urn = (scheme: string, tail: string) => new RegExp(`^urn:epc:${scheme}:(\\d{6,12})\\.${tail}$`)
/** The GTIN of an SGTIN-like URN: indicator digit, company prefix, item reference, check digit. */
const gtin = (prefix: string, reference: string) => withCheck(reference.slice(0, 1) + prefix + reference.slice(1))
const withCheck = (digits: string) => digits + gs1CheckDigit(digits)

const URN_SCHEMES: UrnScheme[] = [
  { pattern: urn('id:sgtin', `(\\d{1,7})\\.(${COMPONENT_UNIT}{1,20})`), keyDigits: 13, path: (p, r, [s]) => `01/${gtin(p, r)}/21/${escape(s)}` },
  { pattern: urn('id:sscc', '(\\d{5,11})'), keyDigits: 17, path: (p, r) => `00/${gtin(p, r)}` },
  { pattern: urn('id:sgln', `(\\d{0,6})\\.(${COMPONENT_UNIT}{1,20})`), keyDigits: 12, path: (p, r, [x]) => `414/${withCheck(p + r)}${x === '0' ? '' : `/254/${escape(x)}`}` },
  // The reference's GRAI, GDTI and SGCN patterns for a 12-digit prefix expect a third dot: it leaves those as they are.
  { pattern: urn('id:grai', `(\\d{0,6})\\.(${COMPONENT_UNIT}{1,16})`), keyDigits: 12, maxPrefix: 11, path: (p, r, [s]) => `8003/${withCheck('0' + p + r)}${escape(s)}` },
  { pattern: urn('id:giai', `(${COMPONENT_UNIT}+)`), maxUnits: 30, path: (p, r) => `8004/${p}${escape(r)}` },
  { pattern: urn('id:gsrn', '(\\d{5,11})'), keyDigits: 17, path: (p, r) => `8018/${withCheck(p + r)}` },
  { pattern: urn('id:gsrnp', '(\\d{5,11})'), keyDigits: 17, path: (p, r) => `8017/${withCheck(p + r)}` },
  { pattern: urn('id:gdti', `(\\d{0,6})\\.(${COMPONENT_UNIT}{0,19})`), keyDigits: 12, path: (p, r, [s]) => `253/${withCheck(p + r)}${escape(s)}` },
  { pattern: urn('id:cpi', `(${CPI_UNIT}+)\\.(\\d{1,12})`), maxUnits: 30, path: (p, r, [s]) => `8010/${escape(p + r)}/8011/${s}` },
  { pattern: urn('id:sgcn', '(\\d{0,6})\\.(\\d{1,12})'), keyDigits: 12, path: (p, r, [s]) => `255/${withCheck(p + r)}${s}` },
  { pattern: urn('id:ginc', `(${COMPONENT_UNIT}+)`), maxUnits: 30, path: (p, r) => `401/${p}${escape(r)}` },
  { pattern: urn('id:gsin', '(\\d{4,10})'), keyDigits: 16, path: (p, r) => `402/${withCheck(p + r)}` },
  { pattern: urn('id:itip', `(\\d{1,7})\\.(\\d{2})\\.(\\d{2})\\.(${COMPONENT_UNIT}{1,20})`), keyDigits: 13, path: (p, r, [piece, total, s]) => `8006/${gtin(p, r)}${piece}${total}/21/${escape(s)}` },
  { pattern: urn('id:upui', `(\\d{1,7})\\.(${COMPONENT_UNIT}{1,28})`), keyDigits: 13, path: (p, r, [s]) => `01/${gtin(p, r)}/235/${escape(s)}` },
  { pattern: urn('id:pgln', '(\\d{0,6})'), keyDigits: 12, path: (p, r) => `417/${withCheck(p + r)}` },
  { pattern: urn('class:lgtin', `(\\d{1,7})\\.(${COMPONENT_UNIT}{1,20})`), keyDigits: 13, path: (p, r, [lot]) => `01/${gtin(p, r)}/10/${escape(lot)}` },
  { pattern: urn('idpat:sgtin', '(\\d{1,7})\\.\\*'), keyDigits: 13, path: (p, r) => `01/${gtin(p, r)}` },
  { pattern: urn('idpat:grai', '(\\d{0,6})\\.\\*'), keyDigits: 12, maxPrefix: 11, path: (p, r) => `8003/${withCheck('0' + p + r)}` },
  { pattern: urn('idpat:gdti', '(\\d{0,6})\\.\\*'), keyDigits: 12, maxPrefix: 11, path: (p, r) => `253/${withCheck(p + r)}` },
  { pattern: urn('idpat:sgcn', '(\\d{0,6})\\.\\*'), keyDigits: 12, maxPrefix: 11, path: (p, r) => `255/${withCheck(p + r)}` },
  { pattern: urn('idpat:cpi', `(${CPI_UNIT}+)\\.\\*`), maxUnits: 30, path: (p, r) => `8010/${escape(p + r)}` },
  { pattern: urn('idpat:itip', '(\\d{1,7})\\.(\\d{2})\\.(\\d{2})\\.\\*'), keyDigits: 13, path: (p, r, [piece, total]) => `8006/${gtin(p, r)}${piece}${total}` },
  { pattern: urn('idpat:upui', '(\\d{1,7})\\.\\*'), keyDigits: 13, path: (p, r) => `01/${gtin(p, r)}` },
]

/**
 * The constrained canonical Digital Link of a GS1 identifier in any of its spellings, or undefined for a
 * value that is none (attacker-controlled text; never throws). The reference tries it only on values with
 * a dot; so does epcis-event-hash.ts.
 */
export function normaliseHashIdentifier(value: string): string | undefined {
  if (value.startsWith('urn:epc:')) return urnAsDigitalLink(value, true)
  if (DIGITAL_LINK.test(value)) return constrainDigitalLink(value)
  return undefined
}

/**
 * The Digital Link on id.gs1.org of an EPC URN as TDS 2.0 §6 converts it, a 12-digit company prefix
 * included (the one table normaliseHashIdentifier uses, without the reference's quirk, for identity rather
 * than hash IDs); undefined for text that is no EPC URN of a scheme the table holds (attacker-controlled;
 * never throws). The result is unchecked: parse it as a Digital Link to validate its values.
 */
export function epcUrnAsDigitalLink(value: string): string | undefined {
  return urnAsDigitalLink(value, false)
}

function urnAsDigitalLink(value: string, referenceQuirks: boolean): string | undefined {
  for (const scheme of URN_SCHEMES) {
    const match = scheme.pattern.exec(value)
    if (!match) continue
    const [, prefix, reference, ...rest] = match
    if (scheme.keyDigits !== undefined && prefix.length + reference.length !== scheme.keyDigits) continue
    if (referenceQuirks && scheme.maxPrefix !== undefined && prefix.length > scheme.maxPrefix) continue
    if (scheme.maxUnits !== undefined && prefix.length + units(reference) > scheme.maxUnits) continue
    return `${CANONICAL_DIGITAL_LINK_BASE}/${scheme.path(prefix, reference, rest)}`
  }
  return undefined
}

/** Characters of a URN component, a percent escape counting as one. */
function units(component: string): number {
  return component.replace(PERCENT_ESCAPE, '%').length
}

/** The characters a Digital Link escapes that an EPC URN writes as they are; existing escapes are kept. */
function escape(component: string): string {
  return component.replace(/[!()*+,:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** A Digital Link on any host, with short names or not, as the canonical URI of its finest key; undefined when the result is malformed. */
function constrainDigitalLink(value: string): string | undefined {
  let uri = value.replace(/[?#].*$/s, '')
  if (SHORT_NAME_SEGMENT.test(uri)) for (const [name, ai] of SHORT_NAMES) uri = uri.replaceAll(`/${name}/`, `/${ai}/`)
  if (!CANONICAL_PRIMARY.test(uri)) {
    for (const key of PRIMARY_KEYS) {
      const at = uri.indexOf(`/${key}/`)
      if (at >= 0) {
        uri = CANONICAL_DIGITAL_LINK_BASE + uri.slice(at)
        break
      }
    }
  }
  const gtinDigits = /^https:\/\/id\.gs1\.org\/01\/(\d*)/.exec(uri)?.[1].length ?? 14
  const padding = { 13: '0', 12: '00' }[gtinDigits as 13 | 12] ?? (gtinDigits >= 8 && gtinDigits < 12 ? '000000' : '')
  if (gtinDigits < 14 && padding !== '') uri = uri.replaceAll('/01/', `/01/${padding}`)
  if (CPV_LAST.test(uri)) uri = uri.slice(0, uri.indexOf('/22/'))
  else if (CPV_BEFORE_QUALIFIERS.test(uri)) {
    const cpv = uri.indexOf('/22/')
    const after = uri.slice(cpv + 4)
    uri = uri.slice(0, cpv) + after.slice(after.indexOf('/'))
  }
  if (LOT_AND_SERIAL.test(uri)) {
    const lot = uri.indexOf('/10/')
    const after = uri.slice(lot + 4)
    uri = uri.slice(0, lot) + after.slice(after.indexOf('/'))
  }
  return VALID_RESULTS.some((pattern) => pattern.test(uri)) ? uri : undefined
}
