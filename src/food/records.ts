// The food indexes: record spaces and their shapes, written in the same batch as the entries they
// index, so trace, query, recall and export read them without decoding the log. Keys join their parts
// with SEP and write seqs as seqKey (store/keys.ts).

export const SPACES = {
  /** seq (12 hex) -> FoodEventRecord */
  event: 'food.event',
  /** objectKey SEP seq -> ObjectEventLink */
  byObject: 'food.by-object',
  /** bizStep SEP eventTime SEP seq -> 1 */
  byStep: 'food.by-step',
  /** locationKey SEP eventTime SEP seq -> 1 */
  byLocation: 'food.by-location',
  /** eventTime SEP seq -> 1 */
  byTime: 'food.by-time',
  /** from SEP to SEP seq -> EdgeRecord (downstream: what `from` went into) */
  forward: 'food.edge-forward',
  /** to SEP from SEP seq -> EdgeRecord (upstream: what `to` came from) */
  backward: 'food.edge-backward',
  /** objectKey -> AdjacencyRecord: its forward edges in one record (adjacency.ts) */
  adjacentForward: 'food.adjacent-forward',
  /** objectKey -> AdjacencyRecord: its backward edges in one record (adjacency.ts) */
  adjacentBackward: 'food.adjacent-backward',
  /** objectKey -> ObjectRecord */
  object: 'food.object',
  /** gtin -> ProductRecord */
  product: 'food.product',
  /** objectKey -> RecallRecord (the lots a food.recall names) */
  recall: 'food.recall',
  /** objectKey -> RecallMark: every lot a recall covers, written with the recall and with later events (recall-index.ts) */
  recalled: 'food.recalled',
  /** lotKey SEP itemKey -> 1: the serialised items of that lot that went into something (an edge from them): a recall of the lot walks on from them (recall-index.ts) */
  itemOfLot: 'food.item-of-lot',
  /** objectKey SEP seq -> QuantityMove (produced or consumed amounts of a lot, for mass balance) */
  quantity: 'food.quantity',
  /** objectKey -> LotBalanceRecord: the running sums of its quantity moves (lot-balance.ts) */
  lotBalance: 'food.lot-balance',
  /** eventID SEP eventTime SEP seq -> 1: each event under its own eventID and its CBV 2.0 hash ID (event-ids.ts) */
  byEventId: 'food.by-event-id',
  /** hashId SEP actor SEP declaration -> EventClaim: an actor's first event of that content (event-ids.ts) */
  eventClaim: 'food.event-claim',
  /** seq of a corrected event -> CorrectionMark: the error declarations that corrected it (correction-index.ts) */
  correction: 'food.correction',
  /** objectKey SEP seq -> ShipmentLink: the shipping and departing events in effect that name the object (shipment-index.ts) */
  shipment: 'food.shipment',
  /** LOT NUMBER (upper case) SEP lotKey -> 1: every lot, by its number as a search asks for it (lot-index.ts) */
  lotByNumber: 'food.lot-by-number',
  /** traceCode SEP lotKey -> 1: every lot, by its label's trace code (lot-index.ts) */
  lotByCode: 'food.lot-by-code',
  /** firstSeq SEP lotKey -> 1: every lot, by the entry that first named it (lot-index.ts) */
  lotBySeq: 'food.lot-by-seq',
  /** lotKey SEP itemKey -> 1: every serialised item, under the lot the ledger first knew it under (lot-index.ts) */
  lotItem: 'food.lot-item',
} as const

export type ObjectRole = 'epc' | 'class' | 'parent' | 'child' | 'input' | 'output'

export interface ObjectRef {
  /** canonical EPC URN */
  id: string
  /** split-independent index key */
  key: string
  role: ObjectRole
}

export interface FoodEventRecord {
  seq: number
  actor: string
  recordedAt: string
  eventType: string
  /** UTC, milliseconds */
  eventTime: string
  eventTimeZoneOffset: string
  action?: string
  bizStep?: string
  disposition?: string
  readPoint?: string
  bizLocation?: string
  /** location keys of the destinationList's `location` entries (where a shipment is going; parties are not places) */
  destinations?: string[]
  objects: ObjectRef[]
  /** the event's own eventID when it has one */
  eventId?: string
  /** its CBV 2.0 event hash ID (core/epcis-event-hash.ts): its eventID where it has none of its own */
  hashId: string
  /** the FSMA 204 CTE the event declares (fsma204-columns.ts declaredCteOf) */
  cte?: string
  /** the seq of the first error declaration that corrected it (its edges, links and quantities carry it too) */
  correctedBy?: number
  /** for an error declaration: the seqs of the events it corrected */
  declares?: number[]
}

/** The first event of one content (hash ID) an actor recorded: a later one from it repeats this one. */
export interface EventClaim {
  seq: number
  /** the id of the food.event statement that recorded it */
  statement: string
}

export interface ObjectEventLink {
  seq: number
  role: ObjectRole
  eventType: string
  bizStep?: string
  eventTime: string
  /** the event was corrected by the error declaration at this seq */
  correctedBy?: number
  /** the event is an error declaration: it names the objects, it does nothing to them */
  declaration?: true
}

/** A shipping or departing event in effect that names an object: kept until an error declaration corrects it. */
export interface ShipmentLink {
  seq: number
  /** location keys of its destinationList's `location` entries */
  destinations?: string[]
}

export interface EdgeRecord {
  from: string
  to: string
  seq: number
  /** who signed the event that drew it (absent on edges written before makers were checked) */
  actor?: string
  /** whether that signer may make `to` (makers.ts); a recall travels only along edges where it may */
  mayMake?: boolean
  eventType: string
  bizStep?: string
  eventTime: string
  /** the event that drew it was corrected by the error declaration at this seq: the edge no longer holds */
  correctedBy?: number
}

export interface ObjectRecord {
  id: string
  key: string
  digitalLink: string
  gtin?: string
  lot?: string
  serial?: string
  /** the actor whose event first named it (its producer, who may recall it) */
  producer: string
  firstSeq: number
}

export interface ProductRecord {
  gtin: string
  name: string | { zh?: string; en?: string }
  storage?: { minC?: number; maxC?: number }
  shelfLifeDays?: number
  companyPrefixLength?: number
  /** actors besides the owner who may make lots and items of it (contract manufacturers) */
  makers?: string[]
  owner: string
  seqs: number[]
}

export interface RecallRecord {
  id: string
  seq: number
  /** the recall entry's recordedAt: when it took effect */
  at: string
  by: string
  reason: string
  severity: string
  /** true when the walk downstream stopped at its bound, so lots further down are not marked */
  truncated?: boolean
}

/** That a lot is covered by a recall: of itself, or of `origin`, a lot upstream of it. */
export interface RecallMark {
  /** the object key of the recalled lot (a key of the recall space) */
  origin: string
  /** the seq of the recall that marked it */
  seq: number
}

export interface QuantityMove {
  seq: number
  /** positive: produced or received into existence; negative: consumed by a transformation */
  quantity: number
  uom: string
  /** the event that moved it was corrected by the error declaration at this seq */
  correctedBy?: number
}
