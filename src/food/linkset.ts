// The links a resolver offers for one item (GS1-Conformant Resolver 1.2: link types of the GS1 Web
// Vocabulary), and the item's linkset (RFC 9264 application/linkset+json) that lists them. Built from the
// item's provenance; the routes in http/resolver-links.ts answer with it.

import { fail } from '../core/errors.js'
import { parseIdentifier, toEpcUrn } from './identifiers.js'
import type { Provenance } from './provenance.js'

/** The GS1 Web Vocabulary: link types are its terms, "gs1:pip" in short. */
export const GS1_VOCABULARY = 'https://gs1.org/voc/'
export const LINKSET_MEDIA_TYPE = 'application/linkset+json'
/** The link types this resolver may offer, each item those its history gives it. */
export const OFFERED_LINK_TYPES = ['defaultLink', 'pip', 'traceability', 'epcis', 'recallStatus', 'certificationInfo', 'masterData'] as const
export type LinkTypeTerm = (typeof OFFERED_LINK_TYPES)[number]

/** One target of a link (RFC 9264 §4.2.4: target attributes as arrays where they repeat). */
export interface LinkTarget {
  href: string
  title: string
  type: string
  hreflang?: string[]
}

export interface ItemLinkset {
  linkset: [{ anchor: string; description: string } & Record<string, string | LinkTarget[]>]
}

/** The longest linkType a request may name. */
export const MAX_LINK_TYPE_LENGTH = 128
const TERM = /^[A-Za-z][A-Za-z0-9_]{0,63}$/

/**
 * What `?linkType=` asks for: the whole linkset ("all", or "linkset" as GS1's CE resolver takes it), or one
 * term of the GS1 vocabulary, as a CURIE (gs1:pip) or in full (https://gs1.org/voc/pip; http too, as CE
 * spells its namespace). Attacker-controlled. Throws LINK_TYPE_INVALID for anything else, a repeated
 * parameter included.
 */
export function parseLinkType(value: unknown): 'all' | string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') fail('LINK_TYPE_INVALID', 'linkType may be given once', { linkType: '(repeated)' })
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value
  if (value.length > MAX_LINK_TYPE_LENGTH) fail('LINK_TYPE_INVALID', `linkType is longer than ${MAX_LINK_TYPE_LENGTH} characters`, { linkType: shown })
  if (value === 'all' || value === 'linkset') return 'all'
  const term = /^gs1:(.*)$/s.exec(value)?.[1] ?? /^https?:\/\/gs1\.org\/voc\/(.*)$/s.exec(value)?.[1]
  if (term === undefined || !TERM.test(term)) {
    fail('LINK_TYPE_INVALID', `linkType ${JSON.stringify(shown)} is not "all" nor a GS1 link type (gs1:pip or https://gs1.org/voc/pip)`, { linkType: shown })
  }
  return term
}

/**
 * True when the provenance holds nothing about the item, so the resolver has no links for it: no event,
 * inspection or recall names it; for a product (no lot or serial asked), nor a registration.
 */
export function isUnknownItem(provenance: Provenance): boolean {
  const product = provenance.product !== null && parseIdentifier(provenance.id).kind === 'gtin'
  return provenance.events.length === 0 && provenance.inspections.length === 0 && !provenance.recalled && !product
}

function productName(provenance: Provenance): string {
  const name = provenance.product?.name
  if (typeof name === 'string') return name
  return [name?.zh, name?.en].filter(Boolean).join(' · ')
}

/** The item's description in its linkset: the product's name, and the lot or serial. */
export function itemDescription(provenance: Provenance): string {
  const id = parseIdentifier(provenance.id)
  const parts = [productName(provenance) || provenance.digitalLink]
  if (id.lot !== undefined) parts.push(`lot ${id.lot}`)
  if (id.serial !== undefined) parts.push(`serial ${id.serial}`)
  return parts.join(', ')
}

/** The EPCIS events query of the item: by EPC for an object or a logistic unit, by class for a lot; none for a product. */
function eventsQuery(provenance: Provenance): string | undefined {
  const id = parseIdentifier(provenance.id)
  if (id.kind === 'lgtin') return `MATCH_anyEPCClass=${encodeURIComponent(toEpcUrn(id))}`
  if (id.kind === 'sgtin' || id.kind === 'sscc' || id.kind === 'gs1key' || id.kind === 'local') return `MATCH_anyEPC=${encodeURIComponent(toEpcUrn(id))}`
  return undefined
}

/**
 * The links of the item at `path` (the resolver path, no query) on `baseUrl`, by link type: its page
 * (pip, and defaultLink), the JSON view (traceability), the events query (epcis), its recall status (the
 * recall's entry, or the JSON view that says it is not recalled), its inspections (certificationInfo) and
 * the product's registration (masterData) where it has them.
 */
export function itemLinks(provenance: Provenance, baseUrl: string, path: string): Partial<Record<LinkTypeTerm, LinkTarget[]>> {
  const base = baseUrl.replace(/\/+$/, '')
  const page: LinkTarget = { href: `${base}${path}?format=html`, title: `Provenance of ${itemDescription(provenance)}`, type: 'text/html', hreflang: ['zh', 'en'] }
  const json: LinkTarget = { href: `${base}${path}?format=json`, title: 'Provenance as JSON, with the log entries and proofs that verify it', type: 'application/json' }
  const links: Partial<Record<LinkTypeTerm, LinkTarget[]>> = { defaultLink: [page], pip: [page], traceability: [json] }
  const query = eventsQuery(provenance)
  if (query !== undefined && provenance.events.length > 0) {
    links.epcis = [{ href: `${base}/v1/events?${query}`, title: 'EPCIS 2.0 events of the item', type: 'application/ld+json' }]
  }
  links.recallStatus = [
    provenance.recall
      ? { href: `${base}/v1/entries/${provenance.recall.seq}`, title: `Recalled: ${provenance.recall.reason}`, type: 'application/json' }
      : { ...json, title: 'Not recalled (the JSON view says "recalled": false)' },
  ]
  if (provenance.inspections.length > 0) {
    links.certificationInfo = provenance.inspections.map((inspection) => ({
      href: `${base}/v1/entries/${inspection.seq}`,
      title: `${inspection.method}: ${inspection.result.outcome} (${inspection.certificate.name})`,
      type: 'application/json',
    }))
  }
  if (provenance.product) {
    const seq = provenance.product.seqs[provenance.product.seqs.length - 1]
    links.masterData = [{ href: `${base}/v1/entries/${seq}`, title: `Product ${provenance.product.gtin}: ${productName(provenance)}`, type: 'application/json' }]
  }
  return links
}

/** The item's linkset (RFC 9264 §4.2, in the shape of GS1's resolver linkset schema): one context object, anchored at the item. */
export function buildLinkset(anchor: string, description: string, links: Partial<Record<LinkTypeTerm, LinkTarget[]>>): ItemLinkset {
  const context: { anchor: string; description: string } & Record<string, string | LinkTarget[]> = { anchor, description }
  for (const [term, targets] of Object.entries(links)) context[`${GS1_VOCABULARY}${term}`] = targets as LinkTarget[]
  return { linkset: [context] }
}
