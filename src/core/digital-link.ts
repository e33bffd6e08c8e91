// GS1 Digital Link URIs (GS1 Digital Link URI Syntax 1.2 §4): "{base}/{AI}/{value}/{AI}/{value}…", the
// primary key first, then its qualifiers in the order the standard fixes. The one builder; pure, imports nothing.

/** GS1's own resolver domain: the canonical base of a Digital Link. */
export const CANONICAL_DIGITAL_LINK_BASE = 'https://id.gs1.org'

/** One step of the path: an application identifier and its value, e.g. ['10', 'Z260526A']. */
export type DigitalLinkElement = readonly [ai: string, value: string]

/** The parts of a GTIN-based key (AI 01) with its qualifiers: AI 22 (CPV), 10 (lot), 21 (serial). */
export interface GtinKeyParts {
  gtin: string
  cpv?: string
  lot?: string
  serial?: string
}

/**
 * Percent-encodes a value for a path segment: everything but the URI unreserved characters
 * A-Z a-z 0-9 - . _ ~, as GS1's syntax engine does, so one value is always spelt one way.
 */
export function encodeDigitalLinkValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The path "AI/value/AI/value…" with every value percent-encoded. Requires the elements in Digital Link order. */
export function formatDigitalLinkPath(elements: readonly DigitalLinkElement[]): string {
  return elements.map(([ai, value]) => `${ai}/${encodeDigitalLinkValue(value)}`).join('/')
}

/**
 * The Digital Link URI of `elements` on `base` (default GS1's domain; a path after the domain is kept,
 * trailing slashes dropped). Requires an http(s) base without query or fragment; it checks neither the
 * base nor the values, so a URI built from attacker-controlled parts must still go through parseIdentifier.
 */
export function buildDigitalLink(elements: readonly DigitalLinkElement[], base: string = CANONICAL_DIGITAL_LINK_BASE): string {
  return `${base.replace(/\/+$/, '')}/${formatDigitalLinkPath(elements)}`
}

/** The elements of a GTIN-based key: 01, then 22, 10 and 21 where present, in that order (DL 1.2 §4.6). */
export function gtinElements(parts: GtinKeyParts): DigitalLinkElement[] {
  const elements: DigitalLinkElement[] = [['01', parts.gtin]]
  if (parts.cpv !== undefined) elements.push(['22', parts.cpv])
  if (parts.lot !== undefined) elements.push(['10', parts.lot])
  if (parts.serial !== undefined) elements.push(['21', parts.serial])
  return elements
}

/** The GS1 check digit (General Specifications §7.9.1): weights 3, 1, 3, ... from the rightmost digit. Throws TypeError for non-digits. */
export function gs1CheckDigit(digitsWithoutCheck: string): string {
  if (typeof digitsWithoutCheck !== 'string' || !/^\d+$/.test(digitsWithoutCheck)) {
    throw new TypeError(`"digitsWithoutCheck" expected decimal digits, got ${JSON.stringify(digitsWithoutCheck)}`)
  }
  let sum = 0
  for (let i = digitsWithoutCheck.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digitsWithoutCheck.charCodeAt(i) - 48) * weight
  }
  return String((10 - (sum % 10)) % 10)
}
