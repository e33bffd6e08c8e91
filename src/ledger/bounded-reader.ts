// One request's reads of the committed records, counted and remembered: a walk over a graph that
// producers shaped (any of them may be hostile) stops when its read budget is spent, and a record or
// range read twice in the same request costs one store read.

import type { RangeOptions } from '../store/level-store.js'
import type { RecordReader } from './kinds.js'

export class BoundedReader implements RecordReader {
  /** store reads so far: one per record fetched by key, one per record a range returned (at least one per range) */
  reads = 0
  private readonly records = new Map<string, Promise<unknown>>()
  private readonly ranges = new Map<string, Promise<[string, unknown][]>>()

  /** requires maxReads >= 1 */
  constructor(
    private readonly reader: RecordReader,
    readonly maxReads: number,
  ) {
    if (!(maxReads >= 1)) throw new RangeError(`"maxReads" expected at least 1, got ${maxReads}`)
  }

  /** The reads left before the budget is spent (0 once spent). */
  get remaining(): number {
    return Math.max(0, this.maxReads - this.reads)
  }

  get exhausted(): boolean {
    return this.reads >= this.maxReads
  }

  get<T>(space: string, key: string): Promise<T | undefined> {
    const id = space + '\u0000' + key
    let found = this.records.get(id)
    if (!found) {
      this.reads++
      found = this.reader.get<T>(space, key)
      this.records.set(id, found)
    }
    return found as Promise<T | undefined>
  }

  /**
   * Reads the records of `keys` not read yet in one trip where the reader allows (each counted as a read),
   * so that later `get`s of them wait for nothing. Keys past the budget are left to `get`.
   */
  prefetch(space: string, keys: readonly string[]): Promise<void> {
    const fresh = [...new Set(keys)].filter((key) => !this.records.has(space + '\u0000' + key)).slice(0, this.remaining)
    if (fresh.length < 2 || !this.reader.getMany) return Promise.resolve()
    this.reads += fresh.length
    const many = this.reader.getMany<unknown>(space, fresh)
    fresh.forEach((key, i) => {
      const record = many.then((found) => found[i])
      // A failed read rejects whoever asks for the record; unasked, it must not count as an unhandled rejection.
      record.catch(() => undefined)
      this.records.set(space + '\u0000' + key, record)
    })
    return many.then(() => undefined)
  }

  /** Counts `rows` more reads: rows that one record held (an object's edges in one adjacency record). */
  charge(rows: number): void {
    this.reads += Math.max(0, rows)
  }

  /** Counted by the records it returns; callers that must stay within the budget pass a `limit`. */
  range<T>(space: string, options: RangeOptions): Promise<[string, T][]> {
    const { gt, gte, lt, lte, reverse, limit } = options
    const id = JSON.stringify([space, gt, gte, lt, lte, reverse, limit])
    let found = this.ranges.get(id)
    if (!found) {
      found = this.reader.range<unknown>(space, options).then((rows) => {
        this.reads += Math.max(1, rows.length)
        return rows
      })
      this.ranges.set(id, found)
    }
    return found as Promise<[string, T][]>
  }
}
