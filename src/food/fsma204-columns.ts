// The columns of the FDA FSMA 204 electronic sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)): the Key Data
// Elements of each Critical Tracking Event (21 CFR 1.1330, 1.1340, 1.1345, 1.1350), the traceability lot
// code first, then the log entry that proves the row; and which EPCIS events are which CTE.

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

export type Cte = 'Initial Packing' | 'Shipping' | 'Receiving' | 'Transformation'
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
 * Which FSMA 204 CTE an EPCIS event records; undefined for the rest. Transformation (21 CFR 1.1350): any
 * TransformationEvent. Shipping (1.1340) and Receiving (1.1345): CBV bizStep shipping and receiving.
 * Initial Packing (1.1330): an ObjectEvent ADD that commissions the lot (commissioning, creating_class_instance).
 */
export function cteOf(record: Pick<FoodEventRecord, 'eventType' | 'bizStep' | 'action'>): Cte | undefined {
  if (record.eventType === 'TransformationEvent') return 'Transformation'
  if (record.bizStep === 'shipping') return 'Shipping'
  if (record.bizStep === 'receiving') return 'Receiving'
  if (record.eventType === 'ObjectEvent' && record.action === 'ADD' && (record.bizStep === 'commissioning' || record.bizStep === 'creating_class_instance')) {
    return 'Initial Packing'
  }
  return undefined
}
