// A lot's journey for the consumer: the events of the lot, of everything upstream of it (its farms'
// lots) and of whatever carried it (cases, pallets), oldest first, each with the entry that proves it.

import type { RecordReader } from '../ledger/kinds.js'
import { canonicalObject } from './objects.js'
import { eventsNaming, neighbours, productOf } from './queries.js'
import { findRecall } from './recall-index.js'
import { seqKey } from '../store/keys.js'
import { SPACES, type FoodEventRecord, type ObjectRecord, type ProductRecord, type RecallRecord } from './records.js'

export const MAX_JOURNEY_DEPTH = 12
export const MAX_JOURNEY_EVENTS = 500

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
}

export async function journeyOf(reader: RecordReader, text: string): Promise<Journey> {
  const start = canonicalObject(text)
  const keys = new Set([start.key])
  // upstream: inputs and contents, recursively
  let frontier = [start.key]
  for (let depth = 0; depth < MAX_JOURNEY_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = []
    for (const key of frontier) {
      for (const { key: up } of await neighbours(reader, key, 'backward')) if (!keys.has(up)) (keys.add(up), next.push(up))
    }
    frontier = next
  }
  // carriers: the cases and pallets it travelled in (not what it was made into)
  frontier = [start.key]
  for (let depth = 0; depth < MAX_JOURNEY_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = []
    for (const key of frontier) {
      for (const { key: carrier, edge } of await neighbours(reader, key, 'forward')) {
        if (edge.eventType !== 'TransformationEvent' && !keys.has(carrier)) (keys.add(carrier), next.push(carrier))
      }
    }
    frontier = next
  }
  const seqs = (await eventsNaming(reader, keys)).map((link) => link.seq)
  const events: FoodEventRecord[] = []
  for (const seq of seqs.sort((a, b) => a - b).slice(0, MAX_JOURNEY_EVENTS)) {
    const record = await reader.get<FoodEventRecord>(SPACES.event, seqKey(seq))
    if (record) events.push(record)
  }
  events.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.seq - b.seq))
  const object = (await reader.get<ObjectRecord>(SPACES.object, start.key)) ?? null
  return {
    id: object?.id ?? start.id,
    key: start.key,
    object,
    product: (await productOf(reader, start.key)) ?? null,
    recall: (await findRecall(reader, start.key)) ?? null,
    events,
    keys: [...keys],
  }
}
