// GS1 identifiers in their two spellings, one value: EPC URNs (GS1 EPC Tag Data Standard 2.0 §6) and
// GS1 Digital Link URIs (DL URI Syntax 1.2+ §4). The common forms, and every function of a parsed identifier,
// are identifier-forms.ts's; this module reads the rest with the GS1 syntax dictionary. Pure and
// browser-safe: it imports only core/ and identifier-forms.ts.

import { TracechainError, fail } from '../core/errors.js'
import { epcUrnAsDigitalLink } from '../core/epcis-hash-identifiers.js'
import { parseDigitalLink, type ParsedDigitalLink } from '../core/digital-link.js'
import { invalid, rememberingParser, type Gs1Identifier, type IdentifierKind, type UncommonIdentifier } from './identifier-forms.js'

// What the callers of parseIdentifier use of a parsed identifier, and the check digit.
export * from './identifier-forms.js'

/**
 * Attacker-controlled. Accepts urn:epc:id:sgtin|sscc|sgln, urn:epc:class:lgtin, urn:epc:idpat:sgtin:CP.IR.*
 * (a GTIN class), the EPC URNs of the other GS1 keys (grai, giai, gsrn, gsrnp, gdti, sgcn, ginc, gsin, pgln,
 * cpi, itip, upui, and the idpat classes of grai, gdti, sgcn, cpi, itip) as kind 'gs1key', GS1 Digital Link
 * URIs on any domain as core/digital-link.ts parses them, the DL 1.0 short names (/giai/, /gtin/ …) too
 * (01 with 22, 10, 21, 00, and 414 with 254 as their own kinds, every other primary key as 'gs1key'; data
 * attributes checked, then left out), and any other absolute URN or URI as kind 'local'.
 * Throws IDENTIFIER_INVALID (malformed, a malformed EPC URN of a GS1 key, or a path on id.gs1.org that is
 * not a Digital Link) or CHECK_DIGIT_INVALID (a key in a Digital Link whose check digit is wrong).
 */
export const parseIdentifier: (text: string) => Readonly<Gs1Identifier> = rememberingParser(parseUncommonIdentifier)

/** What identifier-forms.ts leaves to the syntax dictionary. */
export function parseUncommonIdentifier(text: string, uncommon: UncommonIdentifier): Gs1Identifier {
  return uncommon.form === 'web-uri' ? parseWebUri(text, uncommon.host) : parseGs1KeyUrn(text, uncommon.scheme, uncommon.body)
}

/**
 * One conversion table for hash IDs and identity (core/epcis-hash-identifiers.ts), then the Digital Link
 * parser checks the values, so both spellings of a key pass the same rules.
 */
function parseGs1KeyUrn(text: string, scheme3: string, body: string): Gs1Identifier {
  const urn = `urn:epc:${scheme3}:${body}`
  const link = epcUrnAsDigitalLink(urn)
  if (link === undefined) invalid(text, `not an EPC URN of the ${scheme3.slice(scheme3.indexOf(':') + 1)} scheme as TDS 2.0 §6 writes it`)
  try {
    return { ...gs1KeyOf(parseDigitalLink(link)), urn }
  } catch (error) {
    // The Digital Link is ours, not the caller's: its error is reported against the URN they gave.
    if (!(error instanceof TracechainError)) throw error
    return invalid(text, error.message)
  }
}

/** Why a web URI is not a Digital Link at all (so it may be another kind of URI), not a Digital Link gone wrong. */
const NOT_A_DIGITAL_LINK = new Set(['NO_PRIMARY_KEY', 'URI_CHARACTERS', 'SCHEME', 'DOMAIN'])
/** The name a wrong check digit is reported under, for the keys modelled here. */
const KEY_NAMES: Record<string, string> = { '01': 'gtin', '00': 'sscc', '414': 'gln' }

/** Characters outside a URI, which an IRI (RFC 3987 §3.1) or a decoded path may carry: read as their UTF-8 escapes. */
const OUTSIDE_URI = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/gu

function parseWebUri(text: string, host: string): Gs1Identifier {
  let link: ParsedDigitalLink
  const uri = text.replace(OUTSIDE_URI, escapeCharacter)
  try {
    link = parseWebDigitalLink(uri, host)
  } catch (error) {
    if (!(error instanceof TracechainError)) throw error
    const details = error.details as { reason?: string; ai?: string; value?: string }
    if (details.reason !== undefined && NOT_A_DIGITAL_LINK.has(details.reason) && host.toLowerCase() !== 'id.gs1.org') return { kind: 'local', local: text }
    if (error.code === 'CHECK_DIGIT_INVALID' && details.ai !== undefined && details.ai in KEY_NAMES) {
      fail('CHECK_DIGIT_INVALID', error.message, { ...details, [KEY_NAMES[details.ai]]: details.value })
    }
    throw error
  }
  const [key, ...qualifiers] = link.path
  const value = (ai: string) => qualifiers.find((element) => element.ai === ai)?.value
  if (key.ai === '00') return { kind: 'sscc', sscc: key.value }
  if (key.ai === '414' && value('7040') === undefined) {
    const extension = value('254')
    return { kind: 'sgln', gln: key.value, ...(extension === undefined || extension === '0' ? {} : { extension }) }
  }
  if (key.ai === '01' && value('235') === undefined) {
    const [cpv, lot, serial] = [value('22'), value('10'), value('21')]
    const kind: IdentifierKind = serial !== undefined ? 'sgtin' : lot !== undefined ? 'lgtin' : 'gtin'
    return {
      kind,
      gtin: key.value,
      ...(cpv !== undefined ? { cpv } : {}),
      ...(lot !== undefined ? { lot } : {}),
      ...(serial !== undefined ? { serial } : {}),
    }
  }
  return gs1KeyOf(link)
}

/**
 * A web URI as a Digital Link: strictly, then, only where that finds no primary key, with the DL 1.0 short
 * names (/giai/, /gtin/ …), which DL 1.3 removed and labels printed before it carry. A URI the second reading refuses is
 * judged by the first one's error, so another site's path that merely contains "/party/" stays 'local'
 * (except on id.gs1.org, where the short name's own error says what is wrong). Zero-suppressed GTINs stay
 * readable: labels printed before DL 1.2 carry them.
 */
function parseWebDigitalLink(uri: string, host: string): ParsedDigitalLink {
  try {
    return parseDigitalLink(uri, { permitZeroSuppressedGtin: true })
  } catch (strict) {
    if (!(strict instanceof TracechainError) || (strict.details as { reason?: string }).reason !== 'NO_PRIMARY_KEY') throw strict
    try {
      return parseDigitalLink(uri, { permitZeroSuppressedGtin: true, permitConvenienceAlphas: true })
    } catch (relaxed) {
      const reason = (relaxed as { details?: { reason?: string } }).details?.reason
      if (relaxed instanceof TracechainError && host.toLowerCase() === 'id.gs1.org' && reason !== 'NO_PRIMARY_KEY') throw relaxed
      throw strict
    }
  }
}

/**
 * A key of kind 'gs1key': the path's primary key and qualifiers. An item serialised within a lot (an ITIP
 * with 10 and 21) is its key and serial, as for a GTIN (serials are unique per key).
 */
function gs1KeyOf(link: ParsedDigitalLink): Gs1Identifier {
  const serialised = link.path.some((element) => element.ai === '21')
  const elements = link.path.filter((element) => !(serialised && element.ai === '10')).map(({ ai, value }) => Object.freeze([ai, value] as const))
  return { kind: 'gs1key', elements: Object.freeze(elements) }
}

function escapeCharacter(character: string): string {
  try {
    return encodeURIComponent(character)
  } catch {
    // A lone surrogate has no UTF-8 form: the parser refuses a "%" that escapes nothing.
    return '%'
  }
}
