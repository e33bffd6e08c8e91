// The recall index: every lot a recall covers carries a mark naming the recalled lot, written with the
// recall (the lot and what is downstream of it then) and with each later event that makes or packs
// something from a marked lot. Rules and pages read one record per lot instead of walking the graph.

import type { RecordReader } from '../ledger/kinds.js'
import type { LevelStore } from '../store/level-store.js'
import { buildIndexOnce } from '../store/index-build.js'
import { SEP, prefixRange, seqKey, startsWithRange } from '../store/keys.js'
import { mayMakeProduct } from './makers.js'
import { inEffect } from './correction-index.js'
import { gtinOfKey } from './queries.js'
import { isItemKey, isLotKey, recordedLotKey } from './objects.js'
import { SPACES, type EdgeRecord, type FoodEventRecord, type ObjectRecord, type ProductRecord, type RecallMark, type RecallRecord } from './records.js'

/** Hops a recall is carried downstream of the lot it names, in one statement. */
export const MAX_RECALL_DEPTH = 16
/** Edges one statement reads while carrying a recall downstream; past it the recall is marked truncated. */
export const MAX_RECALL_WALK_EDGES = 20_000

/** What one statement's walks may still read: every lot it recalls or marks draws on the same MAX_RECALL_WALK_EDGES. */
export interface RecallWalkBudget {
  edges: number
}

export function recallWalkBudget(): RecallWalkBudget {
  return { edges: MAX_RECALL_WALK_EDGES }
}
/** The store meta key saying the index was built for the recalls written before it existed. */
export const RECALL_INDEX_META = 'food.recall-index'

/** A reader that can also write, as a rule's context can. */
export interface RecordWriter extends RecordReader {
  put(space: string, key: string, value: unknown): void
}

export function recallMarkOf(reader: RecordReader, key: string): Promise<RecallMark | undefined> {
  return reader.get<RecallMark>(SPACES.recalled, key)
}

/** The recall covering `key` (its own, or an upstream lot's), from the index: two reads at most. */
export async function findRecall(reader: RecordReader, key: string): Promise<RecallRecord | undefined> {
  const mark = await recallMarkOf(reader, key)
  return mark ? reader.get<RecallRecord>(SPACES.recall, mark.origin) : undefined
}

/**
 * The recall covering the object at `key`: its own mark's, else, for a serialised item, the recall covering
 * a lot it belongs to (findRecallMarkOf), and one read more.
 */
export async function findRecallOf(reader: RecordReader, key: string, lots: readonly (string | undefined)[] = []): Promise<RecallRecord | undefined> {
  const mark = await findRecallMarkOf(reader, key, lots)
  return mark ? reader.get<RecallRecord>(SPACES.recall, mark.origin) : undefined
}

/**
 * The recall mark covering the object at `key`: its own, else, for a serialised item (which no recall walk
 * reaches: it is keyed by GTIN and serial, not linked to its lot by an edge), the mark of a lot it belongs to:
 * each of `lots` (keys, as itemLotKey gives them: the lot the caller's identifier names) and the lot the
 * ledger first knew the item under (its object record's Digital Link). One read; for an item without a mark,
 * its record and one per lot besides. Every answer that says whether an object is recalled reads it here, so
 * none says an item is clean while another says its lot is recalled.
 */
export async function findRecallMarkOf(reader: RecordReader, key: string, lots: readonly (string | undefined)[] = []): Promise<RecallMark | undefined> {
  const own = await recallMarkOf(reader, key)
  if (own || !isItemKey(key)) return own
  const recorded = recordedLotKey(await reader.get<ObjectRecord>(SPACES.object, key))
  for (const lot of new Set([...lots, recorded])) {
    if (lot === undefined || lot === key) continue
    const mark = await recallMarkOf(reader, lot)
    if (mark) return mark
  }
  return undefined
}

/**
 * A recall of the lot at `key`, at seq `seq`: marks it (over a mark it had through an ingredient) and
 * everything downstream, reading from `budget` (the statement's, shared by every lot it names). Returns
 * false when the walk stopped at its bounds.
 */
export async function markRecalled(writer: RecordWriter, key: string, seq: number, budget: RecallWalkBudget = recallWalkBudget()): Promise<boolean> {
  const mark: RecallMark = { origin: key, seq }
  writer.put(SPACES.recalled, key, mark)
  return markDownstream(writer, [key], mark, budget)
}

/**
 * A new event's edges: each output or container drawn from a marked lot, or from an item of one (`fromLot`:
 * the lot the event's link names beside the item's serial), by a signer who may make it gets that lot's mark,
 * and so does what is already downstream of it. An item an edge starts from is indexed under its lots, for a
 * later recall of one to walk on from it. One read per distinct input, three for an item; the walk below runs
 * only when an input is recalled.
 */
export async function carryRecalls(writer: RecordWriter, edges: readonly { from: string; to: string; mayMake: boolean; fromLot?: string | undefined }[]): Promise<void> {
  // One event's edges share one statement's budget, however many outputs it marks.
  const budget = recallWalkBudget()
  const marks = new Map<string, RecallMark | undefined>()
  for (const { from, fromLot } of edges) {
    if (!isItemKey(from)) continue
    for (const lot of new Set([fromLot, recordedLotKey(await writer.get<ObjectRecord>(SPACES.object, from))])) {
      if (lot !== undefined) writer.put(SPACES.itemOfLot, lot + SEP + from, 1)
    }
  }
  for (const { from, to, mayMake, fromLot } of edges) {
    if (!mayMake) continue
    if (!marks.has(from)) marks.set(from, await findRecallMarkOf(writer, from, [fromLot]))
    const mark = marks.get(from)
    if (!mark || (await recallMarkOf(writer, to))) continue
    writer.put(SPACES.recalled, to, mark)
    await markDownstream(writer, [to], mark, budget)
  }
}

/**
 * Marks what lies downstream of `starts` (already marked), breadth first along forward edges whose
 * signer may make their output, at most MAX_RECALL_DEPTH hops and the edges left in `budget` read (it
 * is spent). A lot that has a mark keeps it and is not walked past: whatever marked it marked its
 * downstream. Returns false when a bound stopped the walk with lots still to visit.
 */
async function markDownstream(writer: RecordWriter, starts: string[], mark: RecallMark, budget: RecallWalkBudget): Promise<boolean> {
  const seen = new Set(starts)
  let frontier = starts
  for (let depth = 0; depth < MAX_RECALL_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = []
    for (const key of frontier) {
      // A lot's items answer to its recall without a mark (findRecallMarkOf); what carries them or is made of them is
      // marked. Only a lot's key ("01/<gtin>[/22/<cpv>]/10/<lot>") has items: a pallet's costs no read for them.
      const items = isLotKey(key) ? await withinBudget(writer, SPACES.itemOfLot, key, budget) : []
      if (items === undefined) return false
      const rows: [string, EdgeRecord][] = []
      for (const from of [key, ...items.map(([itemKey]) => itemKey.split(SEP)[1]).filter((item) => !seen.has(item))]) {
        seen.add(from)
        const edges = await withinBudget<EdgeRecord>(writer, SPACES.forward, from, budget)
        if (edges === undefined) return false
        rows.push(...edges)
      }
      for (const [edgeKey, edge] of rows) {
        const to = edgeKey.split(SEP)[1]
        if (seen.has(to) || !inEffect(edge) || !(await mayCarry(writer, edge, to))) continue
        seen.add(to)
        if (await recallMarkOf(writer, to)) continue
        writer.put(SPACES.recalled, to, mark)
        next.push(to)
      }
    }
    frontier = next
  }
  return frontier.length === 0
}

/** The rows of `space` under `key`, each spent from `budget`; undefined (the budget spent) when they do not fit. */
async function withinBudget<T>(writer: RecordWriter, space: string, key: string, budget: RecallWalkBudget): Promise<[string, T][] | undefined> {
  const rows = await writer.range<T>(space, { ...prefixRange(key), limit: budget.edges + 1 })
  if (rows.length > budget.edges) {
    budget.edges = 0
    return undefined
  }
  budget.edges -= rows.length
  return rows
}

/**
 * Whether a recall travels along `edge` into `to`: only where the edge's signer may make `to`. Edges
 * written before that was recorded on them are judged from the event's signer and today's products.
 */
async function mayCarry(reader: RecordReader, edge: EdgeRecord, to: string): Promise<boolean> {
  if (edge.mayMake !== undefined) return edge.mayMake
  const actor = edge.actor ?? (await reader.get<FoodEventRecord>(SPACES.event, seqKey(edge.seq)))?.actor
  if (actor === undefined) return false
  const gtin = gtinOfKey(to)
  const product = gtin ? await reader.get<ProductRecord>(SPACES.product, gtin) : undefined
  if (product) return mayMakeProduct(actor, product)
  return (await reader.get<ObjectRecord>(SPACES.object, to))?.producer === actor
}

/**
 * Builds the index for recalls written before it existed (a store's data from an earlier release),
 * once: recalls in seq order, each walked within the same bounds as when a recall is appended, in one
 * batch, then RECALL_INDEX_META in the store's meta. Bounded by the recalls on record times the walk's bounds.
 */
export async function buildRecallIndex(store: LevelStore): Promise<void> {
  // Each recall statement's lots share its budget, as when it was appended.
  const budgets = new Map<number, RecallWalkBudget>()
  const written = new Set<string>()
  let recalls = 0
  let truncated = 0
  await buildIndexOnce<RecallRecord>(store, {
    meta: RECALL_INDEX_META,
    version: 1,
    records: async function* () {
      yield* (await store.getRange<RecallRecord>(SPACES.recall, {})).sort(([, a], [, b]) => a.seq - b.seq)
    },
    // One batch: a walk stops at a lot already marked, so marks a stopped build left would cut the next one short.
    batch: Infinity,
    writesOf: async (key, recall, pending) => {
      recalls++
      const writer: RecordWriter = {
        get: pending.get,
        // The walk writes marks and recall records only, never the edges it ranges over.
        range: <T>(space: string, options: Parameters<LevelStore['getRange']>[1]) => store.getRange<T>(space, options),
        put: (space, key, value) => {
          written.add(space + SEP + key)
          pending.put(space, key, value)
        },
      }
      const budget = budgets.get(recall.seq) ?? recallWalkBudget()
      budgets.set(recall.seq, budget)
      if (!(await markRecalled(writer, key, recall.seq, budget))) {
        writer.put(SPACES.recall, key, { ...recall, truncated: true } satisfies RecallRecord)
        truncated++
      }
    },
    summary: () => ({ recalls, marks: written.size - truncated, truncated }),
  })
}

/** The store meta key saying the item index (SPACES.itemOfLot) holds the items drawn into edges before it existed. */
export const ITEM_OF_LOT_INDEX_META = 'food.item-of-lot-index'

/**
 * Indexes, once, the items that went into something before the index existed (a store's data from an earlier
 * release), each under the lot the ledger first knew it under, so a recall of that lot from now on walks on from
 * them; then ITEM_OF_LOT_INDEX_META. One pass over the forward edges, one record read per item found in them.
 * What earlier recalls did not mark stays unmarked: a new recall, or a new event drawn from the item, marks it.
 */
export async function buildItemOfLotIndex(store: LevelStore, options: { batch?: number } = {}): Promise<void> {
  let items = 0
  // An item's edges are together: the first one stands for the rest.
  let last: string | undefined
  await buildIndexOnce<EdgeRecord>(store, {
    meta: ITEM_OF_LOT_INDEX_META,
    version: 1,
    space: SPACES.forward,
    range: startsWithRange('01/'),
    batch: options.batch ?? 1000,
    writesOf: async (edgeKey) => {
      const from = edgeKey.slice(0, edgeKey.indexOf(SEP))
      if (from === last || !isItemKey(from)) return []
      last = from
      const lot = recordedLotKey(await store.getRecord<ObjectRecord>(SPACES.object, from))
      if (lot === undefined) return []
      items++
      return [{ space: SPACES.itemOfLot, key: lot + SEP + from, value: 1 }]
    },
    summary: () => ({ items }),
  })
}
