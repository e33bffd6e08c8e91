// The ids of food events: each event answers to its own eventID when it has one and to its CBV 2.0 event
// hash ID (core/epcis-event-hash.ts), which it carries as its eventID where it has none. Index records
// written with the event make EQ_eventID and GET /events/{eventID} lookups; a second event of the same
// content from the same actor is a repeat, answered with the first one's seq.

import { toHex } from '../core/bytes.js'
import { checkedStatementOf } from '../core/statement.js'
import { canonicalBytes } from '../core/canonical-json.js'
import { eventHashId } from '../core/epcis-event-hash.js'
import { fail } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import { checkedEntryOf } from '../ledger/entry.js'
import type { Repeat, RuleContext } from '../ledger/kinds.js'
import type { LevelStore } from '../store/level-store.js'
import { buildIndexOnce } from '../store/index-build.js'
import { SEP, joinKey, seqKey } from '../store/keys.js'
import { eventOf, type EpcisEvent } from './objects.js'
import { SPACES, type EventClaim, type FoodEventRecord } from './records.js'

/** The CBV 2.0 event hash ID of a food.event body: the event, with its own @context if it has one. */
export function foodEventHashId(body: Record<string, unknown>): string {
  return eventHashId(body)
}

/** The eventID an event is served with: its own, else its hash ID. */
export function servedEventId(record: Pick<FoodEventRecord, 'eventId' | 'hashId'>): string {
  return record.eventId ?? record.hashId
}

/** The ids an event is found by: its own eventID (when it can be a key) and its hash ID. */
export function indexedEventIds(record: Pick<FoodEventRecord, 'eventId' | 'hashId'>): string[] {
  const own = record.eventId !== undefined && record.eventId !== '' && !record.eventId.includes(SEP) ? [record.eventId] : []
  return own[0] === record.hashId ? own : [...own, record.hashId]
}

/** The key of an actor's claim of an event's content: its hash ID and, for an error declaration, the declaration's. */
function claimKeyOf(event: EpcisEvent, record: Pick<FoodEventRecord, 'hashId' | 'actor'>): string {
  const declaration = event.errorDeclaration ? toHex(sha256(canonicalBytes(event.errorDeclaration))) : ''
  return joinKey(record.hashId, record.actor, declaration)
}

/**
 * Writes the event's id index records and, when its actor recorded none of this content yet, its claim; returns
 * the Repeat of the actor's first event of this content otherwise. An error declaration is never a repeat of the
 * event it corrects (the hash leaves errorDeclaration out): each declaration is a content of its own.
 */
export async function claimEventIds(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord): Promise<Repeat | undefined> {
  const claimKey = claimKeyOf(event, record)
  const first = await ctx.get<EventClaim>(SPACES.eventClaim, claimKey)
  for (const id of indexedEventIds(record)) ctx.put(SPACES.byEventId, joinKey(id, record.eventTime, seqKey(record.seq)), 1)
  if (first) return { repeats: first.statement }
  ctx.put(SPACES.eventClaim, claimKey, { seq: record.seq, statement: ctx.statement.id } satisfies EventClaim)
  return undefined
}

/** The store meta key saying the index was built for the events written before it existed. */
export const EVENT_ID_INDEX_META = 'food.event-id-index'
/** Records written in one batch: some thousand events, each its record, its one or two ids and its claim. */
const UPGRADE_BATCH = 3000

/**
 * Builds the id index for events recorded before it existed (a store of an earlier release), once: every food
 * event in seq order gets its hash ID on its record, its ids indexed and its actor's first claim of its content
 * kept (earlier releases recorded repeats: each stays an event of its own), in batches, then EVENT_ID_INDEX_META.
 * Reads each food event's entry once; a no-op after, and for a store whose newest event has its hash ID (written
 * by this release, or upgraded to its end). Throws STORE_CORRUPT for an event record whose entry is missing.
 */
export async function buildEventIdIndex(store: LevelStore): Promise<void> {
  let events = 0
  await buildIndexOnce<Omit<FoodEventRecord, 'hashId'> & { hashId?: string }>(store, {
    meta: EVENT_ID_INDEX_META,
    version: 1,
    isUpToDate: async () => {
      const [newest] = await store.getRange<Partial<FoodEventRecord>>(SPACES.event, { reverse: true, limit: 1 })
      return newest === undefined || newest[1].hashId !== undefined
    },
    space: SPACES.event,
    batch: UPGRADE_BATCH,
    // Rewrites the record it reads, and reads the claims written before it, committed or not.
    writesOf: async (key, stored, writer) => {
      events++
      const bytes = await store.getEntryBytes(stored.seq)
      if (!bytes) fail('STORE_CORRUPT', `food event ${stored.seq} has an index record but no entry`, { seq: stored.seq })
      const statement = checkedStatementOf(checkedEntryOf(bytes).envelope)
      const record: FoodEventRecord = { ...stored, hashId: stored.hashId ?? foodEventHashId(statement.body) }
      writer.put(SPACES.event, key, record)
      for (const id of indexedEventIds(record)) writer.put(SPACES.byEventId, joinKey(id, record.eventTime, seqKey(record.seq)), 1)
      const claimKey = claimKeyOf(eventOf(statement.body), record)
      if ((await writer.get(SPACES.eventClaim, claimKey)) === undefined) {
        writer.put(SPACES.eventClaim, claimKey, { seq: record.seq, statement: statement.id } satisfies EventClaim)
      }
    },
    summary: () => ({ events }),
  })
}
