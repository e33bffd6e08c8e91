// Reads over the food indexes that rules and routes share: a lot's product, the events that name it, its
// contents and its latest shipment (its recall: recall-index.ts; its neighbours: adjacency.ts; its
// quantity balance: lot-balance.ts). They take a RecordReader, so at rule time they see the batch's
// pending writes and at read time the committed store.

import type { RecordReader } from '../ledger/kinds.js'
import { inEffect } from './correction-index.js'
import { neighboursOf } from './adjacency.js'
import { latestShipmentOf } from './shipment-index.js'
import { SEP, joinKey, prefixRange, seqKey, startsWithRange } from '../store/keys.js'
import type { KeyPattern } from './epc-patterns.js'
import { itemsUnderLot } from './lot-index.js'
import { isLotKey } from './objects.js'
import {
  SPACES,
  type ObjectEventLink,
  type ObjectRecord,
  type ProductRecord,
  type ShipmentLink,
} from './records.js'

/** The GTIN of a lot or item key ("01/<gtin>/..."), if it has one. */
export function gtinOfKey(key: string): string | undefined {
  return key.startsWith('01/') ? key.split('/')[1] : undefined
}

export async function productOf(reader: RecordReader, objectKey: string): Promise<ProductRecord | undefined> {
  const gtin = gtinOfKey(objectKey)
  return gtin ? reader.get<ProductRecord>(SPACES.product, gtin) : undefined
}

/**
 * The by-object index: the events that name `key`, in seq order (newest first with `reverse`), only
 * those before seq `before` when given.
 */
export async function objectEventLinks(reader: RecordReader, key: string, options: { before?: number; reverse?: boolean } = {}): Promise<ObjectEventLink[]> {
  const range = prefixRange(key)
  if (options.before !== undefined) range.lt = joinKey(key, seqKey(options.before))
  const rows = await reader.range<ObjectEventLink>(SPACES.byObject, options.reverse ? { ...range, reverse: true } : range)
  return rows.map(([, link]) => link)
}

/** The events that name any of `keys`, each once, in eventTime order, then seq. */
export async function eventsNaming(reader: RecordReader, keys: Iterable<string>): Promise<ObjectEventLink[]> {
  return (await eventsMatching(reader, keys, [], Infinity)) as ObjectEventLink[]
}

/**
 * The events that name any of `keys` or an object one of `patterns` matches (epc-patterns.ts), each once,
 * in eventTime order, then seq. Undefined when the keys and the patterns' prefixes hold more than `limit` links.
 */
export async function eventsMatching(reader: RecordReader, keys: Iterable<string>, patterns: readonly KeyPattern[], limit: number): Promise<ObjectEventLink[] | undefined> {
  const found = new Map<number, ObjectEventLink>()
  let scanned = 0
  for (const key of keys) {
    // An object may be named in any number of events (a crate, a pallet), and a query may list hundreds of them.
    const rows = await reader.range<ObjectEventLink>(SPACES.byObject, { ...prefixRange(key), ...(Number.isFinite(limit) ? { limit: limit - scanned + 1 } : {}) })
    scanned += rows.length
    if (scanned > limit) return undefined
    for (const [, link] of rows) found.set(link.seq, link)
  }
  for (const pattern of patterns) {
    for (const prefix of pattern.prefixes) {
      const rows = await reader.range<ObjectEventLink>(SPACES.byObject, { ...startsWithRange(prefix), ...(Number.isFinite(limit) ? { limit: limit - scanned + 1 } : {}) })
      scanned += rows.length
      if (scanned > limit) return undefined
      for (const [key, link] of rows) if (pattern.test(key.split(SEP)[0] as string)) found.set(link.seq, link)
    }
  }
  return [...found.values()].sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.seq - b.seq))
}

/** Edges one event's alerts read of what the containers it names hold: a producer can pack any number of lots onto one pallet. */
export const MAX_CONTAINED_EDGES = 4_096

/** What a walk of contents may still read, and whether it stopped with more to read. */
export interface ContentsBudget {
  edges: number
  cut: boolean
}

export function contentsBudget(edges = MAX_CONTAINED_EDGES): ContentsBudget {
  return { edges, cut: false }
}

/** What a container carries (cases in a pallet, lots in a case), recursively: aggregation,
 *  association and transaction children, never transformation inputs. At most the edges left in
 *  `budget` are read (it is spent); `budget.cut` says when some were left unread. */
export async function contentsOf(reader: RecordReader, key: string, depth = 4, budget: ContentsBudget = contentsBudget()): Promise<{ key: string; id: string }[]> {
  const out: { key: string; id: string }[] = []
  const seen = new Set([key])
  let frontier = [key]
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: string[] = []
    for (const k of frontier) {
      const neighbours = await neighboursOf(reader, k, 'backward', budget.edges + 1)
      if (neighbours.length > budget.edges) budget.cut = true
      const read = neighbours.slice(0, budget.edges)
      budget.edges -= read.length
      for (const { key: inner, edge } of read) {
        if (edge.eventType === 'TransformationEvent' || seen.has(inner) || !inEffect(edge)) continue
        seen.add(inner)
        out.push({ key: inner, id: edge.from })
        next.push(inner)
      }
      if (budget.cut) return out
    }
    frontier = next
  }
  return out
}

/**
 * Forward edges of one object BROKEN_CHAIN_OF_CUSTODY reads for the containers carrying it: one range read, and a
 * read of the shipment index for each. Past it the receiving is named as not checked, so the bound is set above
 * what honest goods reach: a large lot spread over a few hundred pallets, or used in a few hundred batches.
 */
export const MAX_CARRIER_EDGES = 1_024
/** Containers of containers read for a shipment carrying an object: a lot in a case on a pallet in a truck. */
export const MAX_CARRIER_DEPTH = 4

/**
 * The latest shipment in effect of `key` or of a container carrying it, directly or within another (shipment-index.ts:
 * one read each), and whether that could not be known: anyone may pack a lot into containers of its own, so at most
 * MAX_CARRIER_EDGES forward edges are read for it, and no more than `budget` has left (it is spent). `cut` when some
 * were left unread, as a container among them may have shipped later than any read.
 */
export async function latestShipment(reader: RecordReader, key: string, budget: ContentsBudget = contentsBudget()): Promise<{ shipment?: ShipmentLink; cut: boolean }> {
  let allowed = Math.min(MAX_CARRIER_EDGES, budget.edges)
  let cut = false
  const carriers = new Set([key])
  let frontier = [key]
  for (let hop = 0; hop < MAX_CARRIER_DEPTH && frontier.length > 0 && !cut; hop++) {
    const next: string[] = []
    for (const k of frontier) {
      const neighbours = await neighboursOf(reader, k, 'forward', allowed + 1)
      const read = neighbours.slice(0, allowed)
      allowed -= read.length
      budget.edges -= read.length
      if (neighbours.length > read.length) {
        cut = true
        break
      }
      for (const n of read) {
        if (n.edge.eventType === 'TransformationEvent' || !inEffect(n.edge) || carriers.has(n.key)) continue
        carriers.add(n.key)
        next.push(n.key)
      }
    }
    frontier = next
  }
  let latest: ShipmentLink | undefined
  for (const k of carriers) {
    const shipment = await latestShipmentOf(reader, k)
    if (shipment && (!latest || shipment.seq > latest.seq)) latest = shipment
  }
  return { ...(latest ? { shipment: latest } : {}), cut }
}

/** How many items a search for the items of lots may still read. */
export interface ItemScan {
  left: number
}

export function itemScan(limit: number): ItemScan {
  return { left: limit }
}

/**
 * The keys of the serialised items the ledger first knew under one of the lots `lotKeys` (an item is keyed by GTIN
 * and serial, tied to its lot by no edge), from the index of items under their lot (lot-index.ts), at most what
 * `scan` has left (it is spent). `partial` when some were left unread.
 */
export async function itemsOfLots(reader: RecordReader, lotKeys: Iterable<string>, scan: ItemScan): Promise<{ keys: string[]; partial: boolean }> {
  const keys: string[] = []
  let partial = false
  for (const lot of new Set([...lotKeys].filter(isLotKey))) {
    const items = await itemsUnderLot(reader, lot, scan.left + 1)
    if (items.length > scan.left) partial = true
    const read = items.slice(0, scan.left)
    scan.left -= read.length
    keys.push(...read)
  }
  return { keys, partial }
}
