// The store's record reads through its read cache (record-cache.ts): one record, several, or a range, as
// JSON text kept across reads and parsed afresh for each caller, so no caller can change another's copy.
// The store hands its key spaces in and tells the cache what each commit wrote.

import type { Level } from 'level'
import type { RangeOptions, RecordWrite } from './level-store.js'
import { RecordCache, recordId } from './record-cache.js'

/** Per read: the stored JSON text, which the cache keeps and parses for each caller. */
const AS_TEXT = { valueEncoding: 'utf8' } as const

export type Sublevel<V> = ReturnType<Level<string, unknown>['sublevel']> & {
  get(key: string): Promise<V | undefined>
}

/** Where the records are: the store's key spaces, and its root database for synchronous reads. */
export interface RecordSpaces {
  /** the sublevel that holds the space `name` */
  space(name: string): Sublevel<unknown>
  /** the JSON text at a key of the root database (a sublevel's prefix and the record's key), read at once */
  getSync(rootKey: string): string | undefined
}

export class CachedRecords {
  private readonly cache: RecordCache

  constructor(
    private readonly spaces: RecordSpaces,
    maxBytes: number,
  ) {
    this.cache = new RecordCache(maxBytes)
  }

  async get<T>(space: string, key: string): Promise<T | undefined> {
    const id = recordId(space, key)
    let json = this.cache.record(space, key, id)
    if (json === undefined) {
      const epoch = this.cache.epoch
      json = ((await this.spaces.space(space).get(key, AS_TEXT as never)) as string | undefined) ?? null
      this.cache.storeRecord(space, key, json, epoch, id)
    }
    return json === null ? undefined : (JSON.parse(json) as T)
  }

  /** The same read without a trip through the thread pool. */
  getSync<T>(space: string, key: string): T | undefined {
    const id = recordId(space, key)
    let json = this.cache.record(space, key, id)
    if (json === undefined) {
      // Through the root with the sublevel's prefix: a sublevel made moments ago is still opening, and
      // getSync, unlike get, does not wait for it. Nothing runs between the read and keeping it.
      json = this.spaces.getSync(this.spaces.space(space).prefix + key) ?? null
      this.cache.storeRecord(space, key, json, this.cache.epoch, id)
    }
    return json === null ? undefined : (JSON.parse(json) as T)
  }

  /** `keep: false` for keys that are about to be written: kept, each would only be dropped by that commit. */
  async getMany<T>(space: string, keys: string[], { keep = true }: { keep?: boolean } = {}): Promise<(T | undefined)[]> {
    if (keys.length === 0) return []
    if (!keep) return (await this.spaces.space(space).getMany(keys)) as (T | undefined)[]
    const ids = keys.map((key) => recordId(space, key))
    const texts = keys.map((key, i) => this.cache.record(space, key, ids[i]))
    const missing = keys.filter((_, i) => texts[i] === undefined)
    if (missing.length > 0) {
      const epoch = this.cache.epoch
      const read = (await this.spaces.space(space).getMany(missing, AS_TEXT as never)) as (string | undefined)[]
      let next = 0
      for (let i = 0; i < keys.length; i++) {
        if (texts[i] !== undefined) continue
        const json = read[next++] ?? null
        this.cache.storeRecord(space, keys[i] as string, json, epoch, ids[i])
        texts[i] = json
      }
    }
    return texts.map((json) => (json === null ? undefined : (JSON.parse(json as string) as T)))
  }

  /** Records in key order within the bounds, read in one go (about twice as fast as iterating). */
  async range<T>(space: string, options: RangeOptions = {}): Promise<[string, T][]> {
    let rows = this.cache.range(space, options)
    if (rows === undefined) {
      const epoch = this.cache.epoch
      rows = (await this.spaces.space(space).iterator({ ...options, ...AS_TEXT } as never).all()) as [string, string][]
      this.cache.storeRange(space, options, rows, epoch)
    }
    return rows.map(([key, json]) => [key, JSON.parse(json) as T])
  }

  /** A commit wrote (or may have written, if it failed) these records: what a cached read covered is read again. */
  written(records: readonly RecordWrite[]): void {
    this.cache.written(records)
  }

  /** Forgets everything: the database was reopened. */
  clear(): void {
    this.cache.clear()
  }
}
