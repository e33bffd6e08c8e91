// An index built once for a store an earlier release wrote, at open: its records made from the records it indexes,
// committed in batches, then its meta key. The meta key lands last, so a node stopped midway builds the index again
// from the start at its next open; each build writes whole records, so what the stopped one left is written over.

import { joinKey } from './keys.js'
import type { LevelStore, RangeOptions, RecordWrite } from './level-store.js'

/** Records read at a time from a space: each page a short-lived iterator, so no snapshot is held across the
 *  build's commits (one that rewrites the space it reads would keep every record's old version meanwhile). */
const READ_PAGE = 1000

/** What a build writes, as it writes it: reads see what it put and has not committed yet, then the store. */
export interface IndexWriter {
  get<T>(space: string, key: string): Promise<T | undefined>
  put(space: string, key: string, value: unknown): void
}

/** The index records of one record, returned or put through the writer (or both). */
type Writes = readonly RecordWrite[] | void

/** Where the records come from: a space in key order (within `range`), or the caller's own reads in its own order. */
export type IndexSource<T> = { space: string; range?: Omit<RangeOptions, 'limit' | 'reverse'> } | { records: () => AsyncIterable<[string, T]> | Iterable<[string, T]> }

export type IndexBuild<T> = IndexSource<T> & {
  /** set once the index holds every record of the store, to `{ version, ...summary() }` */
  meta: string
  version: number
  /** records written in one commit at the least, flushed between records; Infinity for one commit */
  batch: number
  /** the index records of one record; state carried across records lives with the caller */
  writesOf(key: string, value: T, writer: IndexWriter): Writes | Promise<Writes>
  /** after the last record: what closes the state carried across records */
  end?(writer: IndexWriter): Writes | Promise<Writes>
  /** what the meta value says beside the version, once every record is written */
  summary(): Record<string, unknown>
  /** true when the store lacks nothing the index holds: the meta key is written at once, no record read */
  isUpToDate?(): Promise<boolean>
}

/**
 * Builds the index unless the store has its meta key. Requires batch >= 1 (RangeError otherwise). Throws what
 * `writesOf` and the store's commit throw (STORE_UNAVAILABLE, say), leaving the meta key unset.
 */
export async function buildIndexOnce<T>(store: LevelStore, build: IndexBuild<T>): Promise<void> {
  if (!(build.batch >= 1)) throw new RangeError(`"batch" must be at least 1, got ${build.batch}`)
  if (await store.getMeta(build.meta)) return
  if (!(await build.isUpToDate?.())) {
    // Keyed by space and key: a record put twice before a commit is written once, with its last value.
    let pending = new Map<string, RecordWrite>()
    const flush = async () => {
      if (pending.size > 0) await store.commit({ entries: [], tiles: [], records: [...pending.values()] })
      pending = new Map()
    }
    const writer: IndexWriter = {
      // A record put and not committed yet, a deletion (null) too, is what the store will hold.
      get: async <V>(space: string, key: string) => {
        const held = pending.get(joinKey(space, key))
        return held !== undefined ? ((held.value ?? undefined) as V | undefined) : store.getRecord<V>(space, key)
      },
      put: (space, key, value) => void pending.set(joinKey(space, key), { space, key, value }),
    }
    const add = (writes: Writes) => {
      for (const write of writes ?? []) writer.put(write.space, write.key, write.value)
    }
    const records = 'records' in build ? build.records() : pagesOf<T>(store, build.space, build.range ?? {})
    for await (const [key, value] of records) {
      add(await build.writesOf(key, value, writer))
      if (pending.size >= build.batch) await flush()
    }
    add(await build.end?.(writer))
    await flush()
  }
  await store.putMeta(build.meta, { version: build.version, ...build.summary() })
}

/** The records of `space` within `range`, in key order, read a page at a time. */
async function* pagesOf<T>(store: LevelStore, space: string, range: Omit<RangeOptions, 'limit' | 'reverse'>): AsyncGenerator<[string, T]> {
  let bounds: RangeOptions = range
  for (;;) {
    const page: [string, T][] = []
    for await (const row of store.rangeRecords<T>(space, { ...bounds, limit: READ_PAGE })) page.push(row)
    yield* page
    if (page.length < READ_PAGE) return
    // On from the last key read: the lower bound given is passed, the upper one stays.
    const { gte: _gte, gt: _gt, ...upper } = range
    bounds = { ...upper, gt: page[page.length - 1][0] }
  }
}
