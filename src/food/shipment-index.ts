// The shipment index (food.shipment): for each object, the shipping and departing events in effect that name it,
// by seq, written with the event and taken out by the error declaration that corrects it. BROKEN_CHAIN_OF_CUSTODY
// reads an object's latest shipment in one short read, however many other events name the object: anyone may
// observe a lot at its own place, and such events are not read. A store an earlier release wrote gets the index
// built once at open from its event records, as a mirror replaying the log from entry 0 writes it.

import type { RecordReader } from '../ledger/kinds.js'
import type { LevelStore, RecordWrite } from '../store/level-store.js'
import { joinKey, prefixRange, seqKey } from '../store/keys.js'
import { buildIndexOnce } from '../store/index-build.js'
import { SPACES, type FoodEventRecord, type ShipmentLink } from './records.js'

/** The steps that ship: what a receiving is checked against. */
export const SHIPPING_STEPS = new Set(['shipping', 'departing'])
/** Meta key: set once the index holds every shipment in effect of the store. */
export const SHIPMENT_INDEX_META = 'food.shipment-index'
/** Records written in one batch while the index is built. */
const BUILD_BATCH = 2_000

/** The index records of an event: one per object it names when it ships (not a declaration); none otherwise. */
export function shipmentWrites(record: FoodEventRecord): RecordWrite[] {
  if (record.bizStep === undefined || !SHIPPING_STEPS.has(record.bizStep) || record.declares !== undefined) return []
  const link: ShipmentLink = { seq: record.seq, ...(record.destinations ? { destinations: record.destinations } : {}) }
  const keys = new Set(record.objects.map((object) => object.key))
  return [...keys].map((key) => ({ space: SPACES.shipment, key: joinKey(key, seqKey(record.seq)), value: link }))
}

/** The latest shipment in effect that names `key`: one range read of one row. */
export async function latestShipmentOf(reader: RecordReader, key: string): Promise<ShipmentLink | undefined> {
  const [row] = await reader.range<ShipmentLink>(SPACES.shipment, { ...prefixRange(key), reverse: true, limit: 1 })
  return row?.[1]
}

/**
 * Builds the index of a store whose events were written before it, once: each event record in seq order, its
 * shipment indexed unless a declaration corrected it. A node stopped midway builds it again at its next open
 * (the same records); then SHIPMENT_INDEX_META.
 */
export async function buildShipmentIndex(store: LevelStore, options: { batch?: number } = {}): Promise<void> {
  let shipments = 0
  await buildIndexOnce<FoodEventRecord>(store, {
    meta: SHIPMENT_INDEX_META,
    version: 1,
    space: SPACES.event,
    batch: options.batch ?? BUILD_BATCH,
    writesOf: (_, record) => {
      if (record.correctedBy !== undefined) return []
      const indexed = shipmentWrites(record)
      if (indexed.length > 0) shipments++
      return indexed
    },
    summary: () => ({ shipments }),
  })
}
