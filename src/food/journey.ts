// A lot's journey for the consumer: the events of the lot, of everything upstream of it (its farms'
// lots, a serialised item's lot) and of whatever carried it (cases, pallets), oldest first, each with the entry that proves it.

import { BoundedReader } from '../ledger/bounded-reader.js'
import type { RecordReader } from '../ledger/kinds.js'
import { canonicalObject, itemLotKey } from './objects.js'
import { boundedHop } from './bounded-hop.js'
import { hopWithItems } from './item-lot-hop.js'
import { productOf } from './queries.js'
import { findRecallOf } from './recall-index.js'
import { parseIdentifier } from './identifiers.js'
import { prefixRange, seqKey } from '../store/keys.js'
import { SPACES, type FoodEventRecord, type ObjectEventLink, type ObjectRecord, type ProductRecord, type RecallRecord } from './records.js'

export const MAX_JOURNEY_DEPTH = 12
export const MAX_JOURNEY_EVENTS = 500
/** Objects one journey covers at most: a producer can link any number of lots to one. */
export const MAX_JOURNEY_NODES = 1_000
/** Store reads one journey may make (edges, event links and records, see BoundedReader). */
export const MAX_JOURNEY_READS = 5_000

export interface Journey {
  id: string
  key: string
  object: ObjectRecord | null
  product: ProductRecord | null
  recall: RecallRecord | null
  /** event records, oldest first */
  events: FoodEventRecord[]
  /** every object key the journey covers */
  keys: string[]
  /** true when a limit cut it short: objects or events of the lot's journey are missing */
  truncated: boolean
}

/**
 * The journey of `text` (an EPC URN or Digital Link, attacker-controlled), within MAX_JOURNEY_NODES,
 * MAX_JOURNEY_READS and MAX_JOURNEY_EVENTS. Throws IDENTIFIER_INVALID / CHECK_DIGIT_INVALID for a bad id.
 */
export async function journeyOf(committed: RecordReader, text: string): Promise<Journey> {
  const reader = new BoundedReader(committed, MAX_JOURNEY_READS)
  const start = canonicalObject(text)
  const object = (await reader.get<ObjectRecord>(SPACES.object, start.key)) ?? null
  // A serialised item is of its lot: the lot the ledger first knew it under, else the one `text` names. Its
  // journey runs through the lot's (as the consumer page's model, which starts from that Digital Link).
  const lot = (object ? itemLotKey(parseIdentifier(object.digitalLink)) : undefined) ?? itemLotKey(start.identifier)
  const keys = new Set([start.key, ...(lot !== undefined ? [lot] : [])])
  let truncated = false
  // upstream: inputs and contents, recursively; then the carriers: the cases and pallets it travelled
  // in (not what it was made into)
  for (const direction of ['backward', 'forward'] as const) {
    let frontier = direction === 'backward' ? [...keys] : [start.key]
    let cutShort = false
    for (let depth = 0; depth < MAX_JOURNEY_DEPTH && frontier.length > 0 && !cutShort; depth++) {
      // Backward, an item's lot is upstream of it: the lot's farms and inspections are the item's too.
      const { found, cut } = await (direction === 'backward' ? hopWithItems : boundedHop)(reader, frontier, direction)
      cutShort = cut
      const next: string[] = []
      for (const { key, edge } of found.flat()) {
        if (keys.has(key) || (direction === 'forward' && edge.eventType === 'TransformationEvent')) continue
        if (keys.size >= MAX_JOURNEY_NODES) {
          cutShort = true
          break
        }
        keys.add(key)
        next.push(key)
      }
      frontier = next
    }
    if (cutShort) truncated = true
  }
  const links = await eventLinksWithin(reader, keys)
  if (links.cut) truncated = true
  const seqs = [...links.seqs].sort((a, b) => a - b)
  if (seqs.length > MAX_JOURNEY_EVENTS) truncated = true
  // The event records in one trip to the store, not one trip each.
  const wanted = seqs.slice(0, MAX_JOURNEY_EVENTS).map(seqKey)
  await reader.prefetch(SPACES.event, wanted)
  const events = (await Promise.all(wanted.map((key) => reader.get<FoodEventRecord>(SPACES.event, key)))).filter((r): r is FoodEventRecord => r !== undefined)
  events.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.seq - b.seq))
  return {
    id: object?.id ?? start.id,
    key: start.key,
    object,
    product: (await productOf(reader, start.key)) ?? null,
    recall: (await findRecallOf(reader, start.key, [lot, itemLotKey(start.identifier)])) ?? null,
    events,
    keys: [...keys],
    truncated,
  }
}

/** The seqs of the events that name any of `keys` (the by-object index), as far as the budget reaches. */
async function eventLinksWithin(reader: BoundedReader, keys: Iterable<string>): Promise<{ seqs: Set<number>; cut: boolean }> {
  const seqs = new Set<number>()
  for (const key of keys) {
    if (reader.exhausted) return { seqs, cut: true }
    const limit = reader.remaining
    const rows = await reader.range<ObjectEventLink>(SPACES.byObject, { ...prefixRange(key), limit: limit + 1 })
    for (const [, link] of rows.slice(0, limit)) seqs.add(link.seq)
    if (rows.length > limit) return { seqs, cut: true }
  }
  return { seqs, cut: false }
}
