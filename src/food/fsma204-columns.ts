// The columns of the FDA FSMA 204 electronic sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)): the Key Data
// Elements of each Critical Tracking Event (21 CFR 1.1330, 1.1340, 1.1345, 1.1350), the traceability lot
// code first, then the log entry that proves the row; and which EPCIS events are which CTE.

import { fail } from '../core/errors.js'
import type { CsvCell } from './csv.js'
import type { FoodEventRecord } from './records.js'

export const FSMA204_COLUMNS = [
  'Traceability Lot Code',
  'Traceability Lot Code Source',
  'Traceability Lot Code Source Reference',
  'Product Description',
  'Quantity',
  'Unit of Measure',
  'Critical Tracking Event',
  'Event Date',
  'Event Time (UTC)',
  'Location Description',
  'Location Reference',
  'Immediate Previous Source',
  'Immediate Previous Source Reference',
  'Immediate Subsequent Recipient',
  'Immediate Subsequent Recipient Reference',
  'Reference Document Type',
  'Reference Document Number',
  'Harvest Date',
  'Transformation Role',
  'Linked Traceability Lot Codes',
  'Container',
  'EPCIS Event',
  'Event ID',
  'Entry Seq',
  'Leaf Hash',
] as const

export type Cte = 'Harvesting' | 'Cooling' | 'Initial Packing' | 'First Land-Based Receiving' | 'Shipping' | 'Receiving' | 'Transformation'
export type Fsma204Row = CsvCell[]

/** CBV business transaction types (CBV 2.0 section 8.5) as the rule's reference document types. */
export const REFERENCE_DOCUMENT_TYPES: Record<string, string> = {
  bol: 'Bill of Lading',
  cert: 'Certificate',
  desadv: 'Despatch Advice (ASN)',
  inv: 'Invoice',
  pedigree: 'Pedigree',
  po: 'Purchase Order',
  poc: 'Purchase Order Confirmation',
  prodorder: 'Production Order',
  recadv: 'Receiving Advice',
  rma: 'Return Merchandise Authorization',
  testprd: 'Test Procedure',
  testres: 'Test Result',
  upevt: 'Upstream EPCIS Event',
}

/**
 * The extension member by which an event declares its CTE, as an IRI. CBV has no business step for
 * harvesting, cooling or first land-based receiving (harvesting is commissioning, cooling is storing or
 * "other", landing is receiving), so those three are known only when the event says so.
 */
export const CTE_EXTENSION_IRI = 'https://tracechain.dev/ns/fsma204#cte'
const CTE_NAMESPACE = CTE_EXTENSION_IRI.slice(0, -'cte'.length)

/** The values the extension takes, each the rule's CTE of that name. */
export const DECLARED_CTES: Readonly<Record<string, Cte>> = {
  harvesting: 'Harvesting',
  cooling: 'Cooling',
  initial_packing: 'Initial Packing',
  first_land_based_receiving: 'First Land-Based Receiving',
  shipping: 'Shipping',
  receiving: 'Receiving',
  transformation: 'Transformation',
}

/**
 * The CTE an event declares: the member named by the IRI itself, or a CURIE of it under a prefix the
 * event's own @context binds to the namespace. undefined when it declares none; a declared value that is
 * not one of DECLARED_CTES throws EPCIS_INVALID (signed input: said wrong, it would vanish from exports).
 */
export function declaredCteOf(event: Record<string, unknown>): Cte | undefined {
  const names = [CTE_EXTENSION_IRI]
  for (const item of [event['@context']].flat()) {
    if (typeof item !== 'object' || item === null) continue
    for (const [prefix, iri] of Object.entries(item)) if (iri === CTE_NAMESPACE) names.push(`${prefix}:cte`)
  }
  const name = names.find((n) => Object.hasOwn(event, n))
  if (name === undefined) return undefined
  const value = event[name]
  if (typeof value === 'string' && Object.hasOwn(DECLARED_CTES, value)) return DECLARED_CTES[value]
  return fail('EPCIS_INVALID', `${name} must be one of ${Object.keys(DECLARED_CTES).join(', ')}`, { member: name, value })
}

/**
 * Which FSMA 204 CTE an EPCIS event records; undefined for the rest. The CTE the event declares, else:
 * Transformation (21 CFR 1.1350): any TransformationEvent. Shipping (1.1340) and Receiving (1.1345): CBV
 * bizStep shipping and receiving. Initial Packing (1.1330): an ObjectEvent ADD that commissions the lot
 * (commissioning, creating_class_instance).
 */
export function cteOf(record: Pick<FoodEventRecord, 'eventType' | 'bizStep' | 'action' | 'cte'>): Cte | undefined {
  if (record.cte !== undefined) return record.cte as Cte
  if (record.eventType === 'TransformationEvent') return 'Transformation'
  if (record.bizStep === 'shipping') return 'Shipping'
  if (record.bizStep === 'receiving') return 'Receiving'
  if (record.eventType === 'ObjectEvent' && record.action === 'ADD' && (record.bizStep === 'commissioning' || record.bizStep === 'creating_class_instance')) {
    return 'Initial Packing'
  }
  return undefined
}
