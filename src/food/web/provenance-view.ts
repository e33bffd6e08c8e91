// The consumer page's view of a lot: what provenance-model.ts derives from signed statements, the node renders
// (provenance-page.ts) and the browser derives and renders again. Types only; browser-safe.

import type { ActorProfile, EvidenceEntry } from '../../web/bound-view.js'
import type { Measurement } from '../inspection.js'
import type { ProductRecord } from '../records.js'
import type { Bilingual } from '../../web/i18n.js'
import type { Region } from './places.js'
import type { StageKind } from './stages.js'

export interface ActorView {
  id: string
  name: Bilingual
  region?: Region
  /** the platform signed for it (custody "node"): what it recorded is what its system told the node */
  custody?: boolean
}

export interface GoodsLine {
  name: Bilingual
  lot?: string
  quantity?: number
  uom?: string
  role: 'input' | 'output' | 'goods'
}

export interface Reading {
  celsius: number
  time?: string
}

export interface StepView {
  seq: number
  kind: StageKind
  stage: { zh: string; en: string }
  eventTime: string
  timeZoneOffset?: string
  actor: ActorView
  /** where a shipment is going, when the ledger knows whose location it is */
  destination?: ActorView
  goods: GoodsLine[]
  readings: Reading[]
  /** how many of the step's temperature reports the sensor itself flagged ALARM_CONDITION: an excursion whatever the values */
  sensorAlarms?: number
  storage?: { minC?: number; maxC?: number }
  certificates: string[]
  /** a sale or shipment of this lot recorded after its recall was */
  afterRecall?: boolean
  /** ilmd dates worth showing: harvest start, best before */
  dates: { harvest?: string; bestBefore?: string }
  /** LATE_RECORD: the node recorded the event this many days after its signer signed it */
  lateDays?: number
  /** an error declaration corrected it: by whom, and the entry of the correction (struck through, not in the graph) */
  corrected?: { by: ActorView; seq: number }
}

export interface InspectionView {
  seq: number
  by: ActorView
  /** the lot tested: this one, or one it was made from */
  lotName: Bilingual
  lot?: string
  self: boolean
  sampleId: string
  method: string
  outcome: 'pass' | 'fail'
  measurements: Measurement[]
  certificate: { name: string; sha256: string }
  /** UTC with milliseconds (objects.ts utcMillis) */
  inspectedAt: string
  /** LATE_RECORD, as StepView's */
  lateDays?: number
}

export interface ProvenanceView {
  id: string
  digitalLink: string
  gtin?: string
  lot?: string
  serial?: string
  traceCode?: string
  product: ProductView | null
  recall?: {
    reason: string
    /** when the node recorded the recall: when it took effect */
    at: string
    /** the signer's issuedAt, when more than a day from `at` */
    signedAt?: string
    severity: string
    lotName: Bilingual
    lot?: string
    self: boolean
    by: ActorView
  }
  bestBefore?: string
  madeOn?: { time: string; offset?: string }
  steps: StepView[]
  /** test results of the lot and its ingredients, oldest first */
  inspections: InspectionView[]
  /** the places the lot and its ingredients passed, in order, each with what happened there first */
  route: { place: { zh: string; en: string }; stage: { zh: string; en: string } }[]
  checkpointSize: number
  /** the page's claim that at least this many witnesses cosigned the checkpoint (the browser counts them) */
  witnessedBy?: number
  /** the log's operator, whose computation "not recalled" is */
  operator: ActorView
  /** the lot is unknown to the ledger */
  empty: boolean
  /** the node cut the journey short (its read limits): more happened than the page shows */
  truncated: boolean
}

/** A product as its latest food.product statement says. */
export type ProductView = Omit<ProductRecord, 'owner' | 'seqs'>

/** What the view is derived from: signed statements, the actors' registrations, and the page's claims. */
export interface ProvenanceInput {
  /** the lot, item or product the page is of: a Digital Link or EPC URN */
  subject: string
  /** the evidence, ascending by seq */
  entries: readonly EvidenceEntry[]
  actors: ReadonlyMap<string, ActorProfile>
  /** the size of the checkpoint the node computed the page at */
  asOf: number
  /** the operator's actor id (its registration is entry 0) */
  operator: string
  /** the node cut the journey short: more happened than the page shows (a claim that only says less) */
  truncated: boolean
}
