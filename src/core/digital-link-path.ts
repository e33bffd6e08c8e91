// Building GS1 Digital Link paths and URIs (DL URI Syntax 1.2 §4), apart from the parser in digital-link.ts:
// a page that builds links for the common identifiers carries this and not the syntax dictionary. Pure.

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
  return escapeDigitalLinkComponent(value, 'path')
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

/** Percent-encodes a path segment or a query value: every byte of the UTF-8 form but A-Z a-z 0-9 - . _ ~; in a query a space is "+". */
export function escapeDigitalLinkComponent(value: string, component: 'path' | 'query'): string {
  const escaped = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return component === 'query' ? escaped.replace(/%20/g, '+') : escaped
}

