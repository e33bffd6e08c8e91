// Committed records read before, kept until a commit writes a key they cover. The walks behind a resolver
// answer or a trace read the same few hundred index rows for every request, and each read is a trip to the
// thread pool that, under appends, waits behind the commits' own work there (bench/soak.mjs). What a read
// returned stays true until a commit writes a key inside it: every commit hands this cache the keys it
// wrote, and each cached read one of them falls in is dropped. Values are kept as their JSON text and
// parsed for each caller, so no caller can change what the next one reads.

import { SEP, SEP_END } from './keys.js'
import type { RangeOptions } from './level-store.js'

/** A range's keys and JSON texts, and whether they are all the range holds (its limit did not cut them). */
interface RangeRows {
  rows: [string, string][]
  complete: boolean
}

/** A cached read: a record's JSON text (null: no such record), or a range's rows. */
type Cached = string | null | RangeRows

/** Which writes make a cached read stale. */
type Cover =
  | { kind: 'key'; key: string }
  /** every key that starts with `prefix` + SEP (prefixRange and the ranges within one) */
  | { kind: 'prefix'; prefix: string }
  /** any key of the space: bounds not reduced to a prefix are not compared (LevelDB orders UTF-8 bytes,
   *  JavaScript UTF-16 units, and they disagree above U+D7FF); such ranges are rare and short-lived here */
  | { kind: 'space' }

interface Item {
  space: string
  cover: Cover
  value: Cached
  /** approximate bytes held: UTF-16 text and the bookkeeping around it */
  bytes: number
}

interface SpaceIndex {
  keys: Map<string, string>
  prefixes: Map<string, Set<string>>
  whole: Set<string>
}

/** Bookkeeping of an item beyond its text, roughly: the Map entries, the item and the index entry. */
const ITEM_OVERHEAD_BYTES = 160
/** Reads remembered as asked for once, at most. A read is kept the second time it is asked for: a walk over cold
 *  data (a trace from a random pallet of a million events, an export) would otherwise only churn the
 *  cache, and the collector with it (bench/trace.mjs: pallet traces p50 4.8 -> 7.3 ms with every read
 *  kept), while the lots that phones are scanning are asked for again within moments. */
const ASKED_ONCE_REMEMBERED = 65_536

/**
 * The prefix P such that every key within the bounds starts with P + SEP, when the bounds show one:
 * both bounds start with P + SEP (keys with one prefix are contiguous in any order), or the upper bound
 * is exactly P + SEP_END, exclusive, as prefixRange() gives. The longest such P, else undefined.
 */
export function coveringPrefix(options: RangeOptions): string | undefined {
  const low = options.gte ?? options.gt
  const high = options.lt ?? options.lte
  if (low === undefined || high === undefined) return undefined
  for (let at = low.lastIndexOf(SEP); at >= 0; at = at === 0 ? -1 : low.lastIndexOf(SEP, at - 1)) {
    const prefix = low.slice(0, at)
    if (high.startsWith(prefix + SEP) || (options.lt !== undefined && high === prefix + SEP_END)) return prefix
  }
  return undefined
}

export class RecordCache {
  private readonly items = new Map<string, Item>()
  private readonly spaces = new Map<string, SpaceIndex>()
  private heldBytes = 0
  private commits = 0
  /** Reads asked for once, in two generations: the newer fills to half the number remembered, then
   *  replaces the older. (Evicting one at a time from the front of a Set rescans the holes its deletions
   *  left there, at every eviction.) */
  private askedNow = new Set<string>()
  private askedEarlier = new Set<string>()
  /** Where eviction goes on from: a new iterator from the front would rescan the holes that deletions
   *  left there, which made a full cache's every insert cost tens of µs (bench/mirror.mjs). */
  private evicting: IterableIterator<string> | undefined

  /** @param maxBytes what the cached texts may hold, roughly; the longest kept go first. (Not the least
   *  recently read: moving a read to the back of the Map at each hit cost a mirror's replay, whose rules
   *  read the same few records for every entry, some 50 µs an entry on the main thread: bench/mirror.mjs.) */
  constructor(readonly maxBytes: number) {
    if (!(maxBytes >= 0)) throw new RangeError(`"maxBytes" expected at least 0, got ${maxBytes}`)
  }

  /**
   * Counts the commits that ended. A read started before a commit ended may have read the store before
   * that commit's write or after it, and the commit's keys were dropped when it ended: so a read is kept
   * only if no commit ended while it ran (pass the epoch from before the read to store*()).
   */
  get epoch(): number {
    return this.commits
  }

  get size(): number {
    return this.items.size
  }

  get bytes(): number {
    return this.heldBytes
  }

  /** The record's JSON text, null when it was read as absent, undefined when not cached. A read that goes
   *  on to store what it found passes its recordId to both, so the name is made and hashed once (a trace
   *  makes some 130 such reads). */
  record(space: string, key: string, id = recordId(space, key)): string | null | undefined {
    return this.hit(id) as string | null | undefined
  }

  /**
   * The range's keys and JSON texts, undefined when not cached. Ranges are kept by their bounds and order:
   * one read whole answers it under any limit, one its limit cut answers it under that limit or a lower one
   * (a walk's budget gives the same range a different limit from request to request).
   */
  range(space: string, options: RangeOptions): [string, string][] | undefined {
    const cached = this.hit(rangeId(space, options)) as RangeRows | undefined
    if (cached === undefined) return undefined
    const { limit } = options
    if (limit === undefined || limit < 0) return cached.complete ? cached.rows : undefined
    if (cached.complete || limit <= cached.rows.length) return cached.rows.length > limit ? cached.rows.slice(0, limit) : cached.rows
    return undefined
  }

  storeRecord(space: string, key: string, json: string | null, epoch: number, id = recordId(space, key)): void {
    if (epoch !== this.commits) return
    if (!this.askedBefore(id)) return
    this.insert(id, { space, cover: { kind: 'key', key }, value: json, bytes: ITEM_OVERHEAD_BYTES + 2 * (key.length + (json?.length ?? 0)) })
  }

  storeRange(space: string, options: RangeOptions, rows: [string, string][], epoch: number): void {
    if (epoch !== this.commits) return
    const id = rangeId(space, options)
    if (!this.askedBefore(id)) return
    let bytes = ITEM_OVERHEAD_BYTES
    for (const [key, json] of rows) bytes += 48 + 2 * (key.length + json.length)
    // A range that would take a good part of the cache would push out everything the walks reuse.
    if (bytes > this.maxBytes / 8) return
    const complete = options.limit === undefined || options.limit < 0 || rows.length < options.limit
    const held = this.items.get(id)?.value as RangeRows | undefined
    if (held !== undefined && (held.complete || held.rows.length >= rows.length) && !complete) return
    const prefix = coveringPrefix(options)
    this.insert(id, { space, cover: prefix === undefined ? { kind: 'space' } : { kind: 'prefix', prefix }, value: { rows, complete }, bytes })
  }

  /** A commit ended, written or not: every cached read that one of its keys falls in is dropped. */
  written(records: readonly { space: string; key: string }[]): void {
    this.commits++
    if (this.items.size === 0) return
    for (const { space, key } of records) {
      const index = this.spaces.get(space)
      if (index === undefined) continue
      const exact = index.keys.get(key)
      if (exact !== undefined) this.drop(exact)
      for (const id of index.whole) this.drop(id)
      if (index.prefixes.size === 0) continue
      for (let at = key.indexOf(SEP); at >= 0; at = key.indexOf(SEP, at + 1)) {
        const covering = index.prefixes.get(key.slice(0, at))
        if (covering) for (const id of covering) this.drop(id)
      }
    }
  }

  /** Forgets everything: the store was reopened, and what it holds is what its recovery kept. */
  clear(): void {
    this.commits++
    this.items.clear()
    this.spaces.clear()
    this.askedNow.clear()
    this.askedEarlier.clear()
    this.evicting = undefined
    this.heldBytes = 0
  }

  /** Whether the read was asked for since it was last kept or forgotten; remembers it if not. */
  private askedBefore(id: string): boolean {
    if (this.askedNow.delete(id) || this.askedEarlier.delete(id)) return true
    this.askedNow.add(id)
    if (this.askedNow.size >= ASKED_ONCE_REMEMBERED / 2) {
      this.askedEarlier = this.askedNow
      this.askedNow = new Set()
    }
    return false
  }

  private hit(id: string): Cached | undefined {
    return this.items.get(id)?.value
  }

  private insert(id: string, item: Item): void {
    if (item.bytes > this.maxBytes) return
    this.drop(id)
    this.items.set(id, item)
    this.heldBytes += item.bytes
    let index = this.spaces.get(item.space)
    if (index === undefined) {
      index = { keys: new Map(), prefixes: new Map(), whole: new Set() }
      this.spaces.set(item.space, index)
    }
    const { cover } = item
    if (cover.kind === 'key') index.keys.set(cover.key, id)
    else if (cover.kind === 'space') index.whole.add(id)
    else {
      let ids = index.prefixes.get(cover.prefix)
      if (ids === undefined) index.prefixes.set(cover.prefix, (ids = new Set()))
      ids.add(id)
    }
    while (this.heldBytes > this.maxBytes && this.items.size > 0) {
      this.evicting ??= this.items.keys()
      const oldest = this.evicting.next()
      if (oldest.done) this.evicting = undefined
      else this.drop(oldest.value)
    }
  }

  private drop(id: string): void {
    const item = this.items.get(id)
    if (item === undefined) return
    this.items.delete(id)
    this.heldBytes -= item.bytes
    const index = this.spaces.get(item.space) as SpaceIndex
    const { cover } = item
    if (cover.kind === 'key') index.keys.delete(cover.key)
    else if (cover.kind === 'space') index.whole.delete(id)
    else {
      const ids = index.prefixes.get(cover.prefix) as Set<string>
      ids.delete(id)
      if (ids.size === 0) index.prefixes.delete(cover.prefix)
    }
  }
}

/** The cache's name of the record at `key` of `space`. */
export function recordId(space: string, key: string): string {
  return `k${space}${SEP}${key}`
}

function rangeId(space: string, { gt, gte, lt, lte, reverse }: RangeOptions): string {
  return `r${space}${SEP}${JSON.stringify([gt, gte, lt, lte, reverse === true])}`
}
