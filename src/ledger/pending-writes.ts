// The record writes of a group being sequenced, not yet committed. Later statements of the group read
// through them to the store (a put replaces, a null value deletes), so each sees the ones before it.

import type { RangeOptions, RecordWrite } from '../store/level-store.js'

/** The committed records underneath, as LevelStore reads them. */
export interface CommittedRecords {
  getRecordSync<T>(space: string, key: string): T | undefined
  getRange<T>(space: string, options: RangeOptions): Promise<[string, T][]>
}

export class PendingWrites {
  /**
   * The latest write of each record, by space and then key. Two levels rather than one map by space + SEP +
   * key: the key strings are the writes' own, hashed once, where a joined key was a new string to flatten and
   * hash at every write and every read (4.7% of the main thread in bench/soak.mjs --profile). A range merges
   * only its own space's writes.
   */
  private readonly bySpace = new Map<string, Map<string, RecordWrite>>()

  constructor(private readonly store: CommittedRecords) {}

  /** The latest pending write of a record, if any. */
  pending(space: string, key: string): RecordWrite | undefined {
    return this.bySpace.get(space)?.get(key)
  }

  /** A record as the group sees it: its latest pending write, or else the committed one. */
  get<T>(space: string, key: string): T | undefined {
    const write = this.bySpace.get(space)?.get(key)
    if (write) return (write.value ?? undefined) as T | undefined
    return this.store.getRecordSync<T>(space, key)
  }

  /** Writes of an accepted statement; they replace earlier pending writes of the same records. */
  add(writes: readonly RecordWrite[]): void {
    for (const write of writes) {
      let space = this.bySpace.get(write.space)
      if (!space) this.bySpace.set(write.space, (space = new Map()))
      space.set(write.key, write)
    }
  }

  /** Each record's latest write, space by space. */
  *values(): IterableIterator<RecordWrite> {
    for (const space of this.bySpace.values()) yield* space.values()
  }

  /** Committed records in a range merged with the pending writes, then `own` (a statement's, not yet added). */
  range<T>(space: string, options: RangeOptions, own: readonly RecordWrite[] = []): Promise<[string, T][]> {
    const pending = this.bySpace.get(space)
    const writes = pending ? [...pending.values(), ...own] : own
    return rangeWithWrites<T>(this.store, space, options, writes)
  }
}

/**
 * Committed records in a range with `writes` laid over them, later writes winning: a write replaces
 * its key's record, a null value hides it. Keys in order (reversed with `reverse`), at most `limit`.
 */
export async function rangeWithWrites<T>(
  store: Pick<CommittedRecords, 'getRange'>,
  space: string,
  options: RangeOptions,
  writes: readonly RecordWrite[],
): Promise<[string, T][]> {
  const inBounds = (key: string) =>
    (options.gte === undefined || key >= options.gte) &&
    (options.gt === undefined || key > options.gt) &&
    (options.lte === undefined || key <= options.lte) &&
    (options.lt === undefined || key < options.lt)
  const overlay = new Map<string, unknown>()
  for (const w of writes) if (w.space === space && inBounds(w.key)) overlay.set(w.key, w.value)
  const { limit, ...bounds } = options
  // Pending deletes or replacements may hide store records, so read past the limit by their count.
  const storeLimit = limit === undefined ? undefined : limit + overlay.size
  const stored = await store.getRange<T>(space, { ...bounds, ...(storeLimit !== undefined ? { limit: storeLimit } : {}) })
  if (overlay.size === 0) return stored
  const merged = new Map<string, unknown>(stored)
  for (const [key, value] of overlay) merged.set(key, value)
  const keys = [...merged.keys()].filter((k) => merged.get(k) !== null).sort()
  if (options.reverse) keys.reverse()
  const picked = limit === undefined ? keys : keys.slice(0, limit)
  return picked.map((k) => [k, merged.get(k) as T])
}
