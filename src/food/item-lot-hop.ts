// A serialised item is keyed by GTIN and serial and its lot by GTIN and lot, and no event draws an edge between
// them: walks take the relation from the item's record (item to lot) and the item index (lot to items), as an edge
// from the lot to the item, proved by the event the ledger first knew the item in (its Digital Link naming the lot).

import type { BoundedReader } from '../ledger/bounded-reader.js'
import { joinKey, prefixRange, seqKey, SEP } from '../store/keys.js'
import { boundedHop, type Hop } from './bounded-hop.js'
import { inEffect } from './correction-index.js'
import { parseIdentifier, toEpcUrn } from './identifiers.js'
import { isItemKey, isLotKey, recordedLotKey } from './objects.js'
import { SPACES, type EdgeRecord, type ObjectEventLink, type ObjectRecord } from './records.js'

/** Reads one item costs a walk at most: its row of the item index, its record, the link to its first event. */
const READS_PER_ITEM = 3

/**
 * One hop of a walk with the item-to-lot relation as an edge: the frontier's edges (boundedHop), then, forward,
 * the items of its lots, and backward, the lots of its items, within what is left of `reader`'s budget. Its
 * `found` ends with one list more than boundedHop's: those items or lots.
 */
export async function hopWithItems(reader: BoundedReader, frontier: readonly string[], direction: 'forward' | 'backward'): Promise<Hop> {
  const hop = await boundedHop(reader, frontier, direction)
  const items = direction === 'forward' ? await itemsOfLots(reader, frontier.filter(isLotKey)) : await lotsOfItems(reader, frontier.filter(isItemKey))
  return { found: [...hop.found, items.found], cut: hop.cut || items.cut }
}

type Found = { found: { key: string; edge: EdgeRecord }[]; cut: boolean }

/**
 * The items of `lots` that went into something (the item index holds no others), each an edge from its lot, where
 * the lot is the one the ledger first knew the item under: the relation a backward step reads too.
 */
async function itemsOfLots(reader: BoundedReader, lots: readonly string[]): Promise<Found> {
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

/** The lot each of `items` was first known under, as an edge from the lot. */
async function lotsOfItems(reader: BoundedReader, items: readonly string[]): Promise<Found> {
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
