// Moves the index records of a store written before identifiers.ts modelled GRAI, GIAI and the other GS1
// keys (issue 16): those releases keyed them "local:<text as written>", this one by their Digital Link path,
// so one asset written as URN and as Digital Link is one object. Runs once at open (Domain.upgradeStore).

import type { LevelStore, RecordWrite } from '../store/level-store.js'
import { SEP, joinKey, prefixRange, startsWithRange } from '../store/keys.js'
import { identifierKey, parseIdentifier, toDigitalLink, toEpcUrn } from './identifiers.js'
import { SPACES, type FoodEventRecord, type ObjectRecord, type RecallMark, type RecallRecord } from './records.js'

/** The store meta key saying the old keys were moved (or that there were none). */
export const GS1_KEY_INDEX_META = 'food.gs1-key-index'
/** The old keys and their new ones, saved while the move is under way. */
export const GS1_KEY_PLAN_META = 'food.gs1-key-index-plan'
const LOCAL = 'local:'
/** Records written in one batch. */
const UPGRADE_BATCH = 1000
/** Spaces whose keys start with an object or location key: the rows of an old key move to its new key. */
const KEYED_SPACES = [SPACES.byObject, SPACES.byLocation, SPACES.object, SPACES.recall, SPACES.recalled, SPACES.quantity]

/**
 * Re-keys, once, every index record that holds an old "local:" key of a text that is now a GS1 key:
 * the rows of the object, location, recall and quantity spaces, both ends of every edge, the keys an event
 * record names, and the origin of every recall mark; then GS1_KEY_INDEX_META. A text this release refuses
 * (a malformed GRAI URN, say) keeps its old key, as it could be written no more. Where two spellings of one
 * object had records of their own, the first producer and the latest recall are kept. A no-op after, and
 * for a store without such keys (this costs a scan of the "local:" keys of the spaces that start with one).
 */
export async function buildGs1KeyIndex(store: LevelStore, options: { batch?: number } = {}): Promise<void> {
  if (await store.getMeta(GS1_KEY_INDEX_META)) return
  // The keys to move are saved before the first batch: a node killed after an old key's own rows moved
  // would find it no more, and would leave the edges and records that name it under the old key.
  const planned = await store.getMeta<[string, string][]>(GS1_KEY_PLAN_META)
  const moved = planned !== undefined ? new Map(planned) : await oldKeys(store)
  if (moved.size === 0) return store.putMeta(GS1_KEY_INDEX_META, { version: 1, keys: 0 })
  if (planned === undefined) await store.putMeta(GS1_KEY_PLAN_META, [...moved])
  const batch = options.batch ?? UPGRADE_BATCH
  const map = (key: string | undefined) => (key === undefined ? undefined : (moved.get(key) ?? key))
  let writes = new Map<string, RecordWrite>()
  const put = (space: string, key: string, value: unknown) => void writes.set(joinKey(space, key), { space, key, value })
  // Committed between moves only: a row's delete under its old key lands with its put under the new one, or
  // a node killed between the two commits would have deleted the row and, finding its old key gone, never moved it.
  const flushIfFull = async () => {
    if (writes.size < batch) return
    await store.commit({ entries: [], tiles: [], records: [...writes.values()] })
    writes = new Map()
  }
  const write = async (space: string, key: string, value: unknown) => {
    put(space, key, value)
    await flushIfFull()
  }
  const move = async (space: string, oldKey: string, newKey: string, value: unknown) => {
    put(space, oldKey, null)
    put(space, newKey, value)
    await flushIfFull()
  }
  /** A record the batch or the store holds already: where two old keys meet in one new key. */
  const existing = async <T>(space: string, key: string): Promise<T | undefined> => {
    const pending = writes.get(joinKey(space, key))
    return pending !== undefined ? (pending.value as T | undefined) ?? undefined : store.getRecord<T>(space, key)
  }

  for (const [old, key] of moved) {
    for (const space of KEYED_SPACES) {
      const rows = [...(await store.getRange<unknown>(space, { gte: old, lte: old })), ...(await store.getRange<unknown>(space, prefixRange(old)))]
      for (const [oldKey, value] of rows) {
        const newKey = key + oldKey.slice(old.length)
        await move(space, oldKey, newKey, merged(space, value, await existing(space, newKey), map))
      }
    }
  }
  // Edges, event records and recall marks name keys inside them: each is read once, whatever its own key.
  for (const space of [SPACES.forward, SPACES.backward]) {
    for await (const [oldKey, edge] of store.rangeRecords<unknown>(space)) {
      const [from, to, ...rest] = oldKey.split(SEP)
      const newKey = joinKey(map(from) as string, map(to) as string, ...rest)
      if (newKey === oldKey) continue
      await move(space, oldKey, newKey, edge)
    }
  }
  for await (const [key, record] of store.rangeRecords<FoodEventRecord>(SPACES.event)) {
    const named = [record.readPoint, record.bizLocation, ...(record.destinations ?? []), ...record.objects.map((object) => object.key)]
    if (!named.some((k) => k !== undefined && moved.has(k))) continue
    await write(SPACES.event, key, {
      ...record,
      ...(record.readPoint !== undefined ? { readPoint: map(record.readPoint) } : {}),
      ...(record.bizLocation !== undefined ? { bizLocation: map(record.bizLocation) } : {}),
      ...(record.destinations !== undefined ? { destinations: record.destinations.map((d) => map(d) as string) } : {}),
      // A moved key's id was its text as written: now its canonical id, as this release writes it.
      objects: record.objects.map((object) => (moved.has(object.key) ? { ...object, key: map(object.key) as string, id: toEpcUrn(parseIdentifier(object.id)) } : object)),
    } satisfies FoodEventRecord)
  }
  if (writes.size > 0) await store.commit({ entries: [], tiles: [], records: [...writes.values()] })
  writes = new Map()
  for await (const [key, mark] of store.rangeRecords<RecallMark>(SPACES.recalled)) {
    if (moved.has(mark.origin)) await write(SPACES.recalled, key, { ...mark, origin: map(mark.origin) as string } satisfies RecallMark)
  }
  if (writes.size > 0) await store.commit({ entries: [], tiles: [], records: [...writes.values()] })
  await store.batchMeta([{ key: GS1_KEY_INDEX_META, value: { version: 1, keys: moved.size } }], [GS1_KEY_PLAN_META])
}

/** Every old key ("local:<text>") whose text is now a GS1 key, and that key. */
async function oldKeys(store: LevelStore): Promise<Map<string, string>> {
  const moved = new Map<string, string>()
  const seen = new Set<string>()
  for (const space of KEYED_SPACES) {
    for await (const [key] of store.rangeRecords<unknown>(space, startsWithRange(LOCAL))) {
      const old = key.split(SEP)[0] as string
      if (seen.has(old)) continue
      seen.add(old)
      const text = old.slice(LOCAL.length)
      try {
        const identifier = parseIdentifier(text)
        if (identifier.kind !== 'local') moved.set(old, identifierKey(identifier))
      } catch {
        // refused now: nothing can be written under it any more, and its old records stay as they were
      }
    }
  }
  return moved
}

/** A moved record's value under its new key, given what the new key holds already. */
function merged(space: string, value: unknown, present: unknown, map: (key: string | undefined) => string | undefined): unknown {
  if (space === SPACES.object) {
    const record = value as ObjectRecord
    const identifier = parseIdentifier(record.id)
    const moved: ObjectRecord = { ...record, key: identifierKey(identifier), id: toEpcUrn(identifier), digitalLink: toDigitalLink(identifier) }
    const other = present as ObjectRecord | undefined
    return other !== undefined && other.firstSeq < moved.firstSeq ? other : moved
  }
  if (space === SPACES.recall) {
    const other = present as RecallRecord | undefined
    return other !== undefined && other.seq > (value as RecallRecord).seq ? other : value
  }
  if (space === SPACES.recalled) {
    const mark = value as RecallMark
    const other = present as RecallMark | undefined
    const latest = other !== undefined && other.seq > mark.seq ? other : mark
    return { ...latest, origin: map(latest.origin) as string } satisfies RecallMark
  }
  return value
}
