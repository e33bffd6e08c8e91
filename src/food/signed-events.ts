// Events read back as signed: the log entry, its statement body and the EPCIS event in it. Reads are
// issued a chunk at a time, since each LevelDB read waits on the thread pool and one after another the
// waits add up (a 5,000-event export spent most of its time idle).

import { checkedStatementOf } from '../core/statement.js'
import type { Entry, Ledger } from '../ledger/ledger.js'
import { eventOf, type EpcisEvent } from './objects.js'

/** Reads in flight at once when scanning the indexes. */
export const READ_AHEAD = 64

export interface SignedEvent {
  seq: number
  entry: Entry
  leafHash: string
  /** the food.event statement's body: the event, possibly with "@context" */
  body: Record<string, unknown>
  event: EpcisEvent
}

/** Throws ENTRY_NOT_FOUND for a seq past the log. */
export async function readSignedEvent(ledger: Ledger, seq: number): Promise<SignedEvent> {
  const { entry, leafHash } = await ledger.getEntry(seq)
  const statement = checkedStatementOf(entry.envelope)
  return { seq, entry, leafHash, body: statement.body, event: eventOf(statement.body) }
}

/** The items of `source` in arrays of up to `size`, so their reads can be issued together. */
export async function* inChunks<T>(source: AsyncIterable<T>, size = READ_AHEAD): AsyncGenerator<T[]> {
  let chunk: T[] = []
  for await (const item of source) {
    chunk.push(item)
    if (chunk.length === size) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length > 0) yield chunk
}
