// The lot finder's indexes, written with each object record (kinds.ts): every lot (a GTIN and a lot number, no
// serial) under its number in upper case, its trace code and the seq that first named it; every serialised item
// under the lot the ledger first knew it under. The explorer's search, its newest lots and the alerts' `lot=`
// filter read these, so a request reads the lots and items it answers with, however many objects the node holds.

import type { RecordReader } from '../ledger/kinds.js'
import type { LevelStore, RecordWrite } from '../store/level-store.js'
import { SEP, joinKey, prefixRange, seqKey, startsWithRange } from '../store/keys.js'
import { buildIndexOnce } from '../store/index-build.js'
import { traceCodeOf } from '../labels/digital-link.js'
import { recordedLotKey } from './objects.js'
import { SPACES, type ObjectRecord } from './records.js'

/** The store meta key saying every object record is in the lot indexes. */
export const LOT_INDEX_META = 'food.lot-index'

/** Whether the explorer and its search take `record` for a lot. */
export function isFoundLot(record: ObjectRecord): boolean {
  return record.key.startsWith('01/') && record.gtin !== undefined && record.lot !== undefined && record.serial === undefined
}

/** The index records of one object record, written when the record is first written. */
export function lotIndexWrites(record: ObjectRecord): RecordWrite[] {
  if (isFoundLot(record)) {
    const lot = record.lot as string
    return [
      { space: SPACES.lotByNumber, key: joinKey(lot.toUpperCase(), record.key), value: 1 },
      { space: SPACES.lotByCode, key: joinKey(traceCodeOf({ gtin: record.gtin as string, lot }), record.key), value: 1 },
      { space: SPACES.lotBySeq, key: joinKey(seqKey(record.firstSeq), record.key), value: 1 },
    ]
  }
  const lot = record.serial !== undefined ? recordedLotKey(record) : undefined
  return lot !== undefined ? [{ space: SPACES.lotItem, key: joinKey(lot, record.key), value: 1 }] : []
}

const lastPart = (key: string) => key.slice(key.lastIndexOf(SEP) + 1)

/** The keys of the lots whose number is `lot` (compared in upper case), in key order, at most `limit`. */
export async function lotsNumbered(reader: RecordReader, lot: string, limit: number): Promise<string[]> {
  if (lot === '' || lot.includes(SEP)) return []
  return (await reader.range(SPACES.lotByNumber, { ...prefixRange(lot.toUpperCase()), limit })).map(([key]) => lastPart(key))
}

/** The keys of the lots whose trace code is `code` (canonical form), in key order, at most `limit`. */
export async function lotsCoded(reader: RecordReader, code: string, limit: number): Promise<string[]> {
  return (await reader.range(SPACES.lotByCode, { ...prefixRange(code), limit })).map(([key]) => lastPart(key))
}

/** The keys of the `limit` lots first named last, newest first. */
export async function newestLots(reader: RecordReader, limit: number): Promise<string[]> {
  return (await reader.range(SPACES.lotBySeq, { reverse: true, limit })).map(([key]) => lastPart(key))
}

/** The keys of the items the ledger first knew under `lotKey`, in key order, at most `limit`. */
export async function itemsUnderLot(reader: RecordReader, lotKey: string, limit: number): Promise<string[]> {
  if (limit <= 0) return []
  return (await reader.range(SPACES.lotItem, { ...prefixRange(lotKey), limit })).map(([key]) => lastPart(key))
}

/**
 * Indexes, once, the object records of a store an earlier release wrote; then LOT_INDEX_META. One pass over the
 * GTIN-keyed object records. Run after the GS1 key upgrade, which may re-key them.
 */
export async function buildLotIndex(store: LevelStore, options: { batch?: number } = {}): Promise<void> {
  let objects = 0
  await buildIndexOnce<ObjectRecord>(store, {
    meta: LOT_INDEX_META,
    version: 1,
    space: SPACES.object,
    range: startsWithRange('01/'),
    batch: options.batch ?? 1000,
    writesOf: (_, record) => {
      objects++
      return lotIndexWrites(record)
    },
    summary: () => ({ objects }),
  })
}
