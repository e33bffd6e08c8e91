// A serialised item is keyed by GTIN and serial and its lot by GTIN and lot, and no event draws an edge between
// them: walks take the relation from the item's record (item to lot) and the item index (lot to items; the lot
// finder's `food.lot-item` for the items that went into nothing), as an edge from the lot to the item, proved by the
// event the ledger first knew the item in (its Digital Link naming the lot).

import type { BoundedReader } from '../ledger/bounded-reader.js'
import type { RangeOptions } from '../store/level-store.js'
import { joinKey, prefixRange, seqKey, SEP } from '../store/keys.js'
import { boundedHop, type Hop } from './bounded-hop.js'
import { inEffect } from './correction-index.js'
import { parseIdentifier, toEpcUrn } from './identifiers.js'
import { isItemKey, isLotKey, recordedLotKey } from './objects.js'
import { SPACES, type EdgeRecord, type ObjectEventLink, type ObjectRecord } from './records.js'

/** Reads one item costs a walk at most: its row of the item index, its record, the link to its first event. */
const READS_PER_ITEM = 3

/** A hop of hopWithItems: `deferred` names the lots whose items that went into nothing a walk reads last. */
export interface ItemHop extends Hop {
  deferred: string[]
}

/**
 * One hop of a walk with the item-to-lot relation as an edge: the frontier's edges (boundedHop), then, forward,
 * the items of its lots (with `uncarried`, those that went into nothing too, see allItemsOfLots; else only those
 * that went into something), and backward, the lots of its items, within what is left of `reader`'s budget.
 * Its `found` ends with one list more than boundedHop's: those items or lots.
 */
export async function hopWithItems(reader: BoundedReader, frontier: readonly string[], direction: 'forward' | 'backward', options: { uncarried?: boolean } = {}): Promise<ItemHop> {
  const hop = await boundedHop(reader, frontier, direction)
  const lots = frontier.filter(isLotKey)
  const items =
    direction === 'backward'
      ? { ...(await lotsOfItems(reader, frontier.filter(isItemKey))), deferred: [] }
      : options.uncarried
        ? await allItemsOfLots(reader, lots)
        : { ...(await itemsOfLots(reader, lots)), deferred: [] }
  return { found: [...hop.found, items.found], cut: hop.cut || items.cut, deferred: items.deferred }
}

/** Items or lots a step reached, each with its edge; `cut` when the budget left some unread. */
export type ItemEdges = { found: { key: string; edge: EdgeRecord }[]; cut: boolean }

/**
 * Every item of each of `lots` whose items fit its share of the budget (`food.lot-item`, one range, holds them
 * all). A lot with more gets only those that went into something (itemsOfLots) and is `deferred`: its others lead
 * nowhere, so a walk reads them last (uncarriedItemsOfLots) and a lot of 20,000 merely commissioned items cannot
 * spend the reads that reach the pallets of the rest. The range that tells the two apart costs a third of the share.
 */
async function allItemsOfLots(reader: BoundedReader, lots: readonly string[]): Promise<ItemEdges & { deferred: string[] }> {
  if (lots.length === 0) return { found: [], cut: false, deferred: [] }
  if (reader.exhausted) return { found: [], cut: true, deferred: [] }
  const share = Math.max(1, Math.floor(reader.remaining / lots.length / READS_PER_ITEM))
  const rows = await Promise.all(lots.map((lot) => reader.range<1>(SPACES.lotItem, { ...prefixRange(lot), limit: share + 1 })))
  const deferred = lots.filter((_, i) => rows[i].length > share)
  const pairs = lots.flatMap((lot, i) => (rows[i].length > share ? [] : rows[i].map(([key]) => ({ lot, item: key.slice(lot.length + SEP.length) }))))
  const found = (await edgesOf(reader, pairs)).map(({ item, edge }) => ({ key: item, edge }))
  // After the edges above: each read counts before the next share is taken of what is left.
  const carried = await itemsOfLots(reader, deferred)
  return { found: [...found, ...carried.found], cut: carried.cut, deferred }
}

/**
 * The items of `lots` that went into something (the item index holds no others), each an edge from its lot, where
 * the lot is the one the ledger first knew the item under: the relation a backward step reads too.
 */
async function itemsOfLots(reader: BoundedReader, lots: readonly string[]): Promise<ItemEdges> {
  if (lots.length === 0) return { found: [], cut: false }
  if (reader.exhausted) return { found: [], cut: true }
  let cut = false
  const share = Math.max(1, Math.floor(reader.remaining / lots.length / READS_PER_ITEM))
  const rows = await Promise.all(lots.map((lot) => reader.range<1>(SPACES.itemOfLot, { ...prefixRange(lot), limit: share + 1 })))
  const pairs: { lot: string; item: string }[] = []
  lots.forEach((lot, i) => {
    if (rows[i].length > share) cut = true
    for (const [key] of rows[i].slice(0, share)) pairs.push({ lot, item: key.slice(lot.length + SEP.length) })
  })
  const found = await edgesOf(reader, pairs)
  return { found: found.map(({ item, edge }) => ({ key: item, edge })), cut }
}

/**
 * The items of `lots` (those a hop deferred) that went into nothing, each an edge from its lot as a hop draws it,
 * skipping the `known` ones (those the walk reached): with what is left of `reader`'s budget, at most `room` of
 * them; `cut` when the budget or `room` left some unread.
 */
export async function uncarriedItemsOfLots(reader: BoundedReader, lots: readonly string[], known: (key: string) => boolean, room: number): Promise<ItemEdges> {
  const found: ItemEdges['found'] = []
  // `food.lot-item` holds the lot's carried items too, a read each: pages go on past them while the budget lasts.
  let pending = lots.map((lot) => ({ lot, range: prefixRange(lot) as RangeOptions }))
  while (pending.length > 0) {
    const share = Math.min(room - found.length, Math.floor(reader.remaining / pending.length / READS_PER_ITEM))
    if (share < 1) return { found, cut: true }
    const pages = await Promise.all(pending.map(({ range }) => reader.range<1>(SPACES.lotItem, { ...range, limit: share + 1 })))
    const pairs: { lot: string; item: string }[] = []
    const next: typeof pending = []
    pending.forEach(({ lot, range }, i) => {
      const page = pages[i].slice(0, share)
      for (const [key] of page) {
        const item = key.slice(lot.length + SEP.length)
        if (!known(item)) pairs.push({ lot, item })
      }
      if (pages[i].length > share) next.push({ lot, range: { gt: page[page.length - 1][0], lt: range.lt } })
    })
    const left = room - found.length
    for (const { item, edge } of await edgesOf(reader, pairs.slice(0, left))) found.push({ key: item, edge })
    if (pairs.length > left) return { found, cut: true }
    pending = next
  }
  return { found, cut: false }
}

/** The lot each of `items` was first known under, as an edge from the lot. */
async function lotsOfItems(reader: BoundedReader, items: readonly string[]): Promise<ItemEdges> {
  if (items.length === 0) return { found: [], cut: false }
  const within = items.slice(0, Math.floor(reader.remaining / (READS_PER_ITEM - 1)))
  await reader.prefetch(SPACES.object, within)
  const records = await Promise.all(within.map((item) => reader.get<ObjectRecord>(SPACES.object, item)))
  const pairs = within.flatMap((item, i) => {
    const lot = recordedLotKey(records[i])
    return lot === undefined ? [] : [{ lot, item }]
  })
  const found = await edgesOf(reader, pairs)
  return { found: found.map(({ lot, edge }) => ({ key: lot, edge })), cut: within.length < items.length }
}

/** The edge from each pair's lot to its item, where the item's record names that lot and its first event holds. */
async function edgesOf(reader: BoundedReader, pairs: readonly { lot: string; item: string }[]): Promise<{ lot: string; item: string; edge: EdgeRecord }[]> {
  await reader.prefetch(SPACES.object, pairs.map(({ item }) => item))
  const records = await Promise.all(pairs.map(({ item }) => reader.get<ObjectRecord>(SPACES.object, item)))
  const named = pairs.flatMap((pair, i) => {
    const record = records[i]
    return record !== undefined && recordedLotKey(record) === pair.lot ? [{ ...pair, record, link: joinKey(pair.item, seqKey(record.firstSeq)) }] : []
  })
  await reader.prefetch(SPACES.byObject, named.map(({ link }) => link))
  const links = await Promise.all(named.map(({ link }) => reader.get<ObjectEventLink>(SPACES.byObject, link)))
  return named.flatMap(({ lot, item, record }, i) => {
    const link = links[i]
    if (link === undefined || !inEffect(link)) return []
    const { eventType, bizStep, eventTime } = link
    return [{ lot, item, edge: { from: lotIdOf(record), to: record.id, seq: record.firstSeq, eventType, eventTime, ...(bizStep !== undefined ? { bizStep } : {}) } }]
  })
}

/** The lot's canonical id, in the item's own form: its EPC URN with the item's company prefix, or its Digital Link. */
function lotIdOf(item: ObjectRecord): string {
  const { gtin, lot, cpv } = parseIdentifier(item.digitalLink)
  return toEpcUrn({ kind: 'lgtin', ...(gtin !== undefined ? { gtin } : {}), ...(lot !== undefined ? { lot } : {}), ...(cpv !== undefined ? { cpv } : {}) }, parseIdentifier(item.id).companyPrefixLength)
}
