// The one LevelDB adapter. Nothing else opens the database: layers above see typed reads and one
// atomic, synced commit per group of appends (entries, tiles, head and indexes together).

import { Level } from 'level'
import { TracechainError } from '../core/errors.js'

/** What the node needs at start-up instead of replaying the log. */
export interface StoredHead {
  size: number
  /** hex root hash of the tree at `size` */
  rootHash: string
  /** hex leaf hash of entry size-1 */
  lastLeafHash: string
  /** the signed checkpoint note for `size` */
  checkpoint: string
}

export interface RecordWrite {
  /** a named key space, e.g. "actor", "idem", "food.lot" */
  space: string
  key: string
  /** JSON value; null deletes the key */
  value: unknown
}

export interface CommitBatch {
  entries: { seq: number; bytes: Uint8Array }[]
  tiles: { level: number; index: number; bytes: Uint8Array }[]
  head?: StoredHead
  records: RecordWrite[]
}

export interface RangeOptions {
  gte?: string
  gt?: string
  lte?: string
  lt?: string
  limit?: number
  reverse?: boolean
}

type Sublevel<V> = ReturnType<Level<string, unknown>['sublevel']> & {
  get(key: string): Promise<V | undefined>
}

const SEQ_KEY_WIDTH = 12

/** Entries sort by seq as fixed-width lowercase hex (up to 2^48 entries). */
export function seqKey(seq: number): string {
  return seq.toString(16).padStart(SEQ_KEY_WIDTH, '0')
}

function tileKey(level: number, index: number): string {
  return `${level.toString(16).padStart(2, '0')}/${index.toString(16).padStart(SEQ_KEY_WIDTH, '0')}`
}

export class LevelStore {
  readonly location: string
  private readonly db: Level<string, unknown>
  private readonly entries
  private readonly tiles
  private readonly meta
  private readonly spaces = new Map<string, Sublevel<unknown>>()

  private constructor(location: string, db: Level<string, unknown>) {
    this.location = location
    this.db = db
    this.entries = db.sublevel<string, Uint8Array>('entries', { valueEncoding: 'view' })
    this.tiles = db.sublevel<string, Uint8Array>('tiles', { valueEncoding: 'view' })
    this.meta = db.sublevel<string, unknown>('meta', { valueEncoding: 'json' })
  }

  /** Opens (creating if needed) the database at `location`. */
  static async open(location: string): Promise<LevelStore> {
    const db = new Level<string, unknown>(location, { valueEncoding: 'json' })
    try {
      await db.open()
    } catch (error) {
      // abstract-level says only "Database failed to open"; LevelDB's own reason is in error.cause.
      const cause = (error as { cause?: { message?: string } }).cause?.message
      throw new TracechainError('STORE_CORRUPT', `cannot open the store at ${location}: ${(error as Error).message}${cause ? `: ${cause}` : ''}`, {
        cause: (error as { code?: string }).code,
      })
    }
    return new LevelStore(location, db)
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  private space(name: string): Sublevel<unknown> {
    let sub = this.spaces.get(name)
    if (!sub) {
      sub = this.db.sublevel<string, unknown>(`r:${name}`, { valueEncoding: 'json' }) as unknown as Sublevel<unknown>
      this.spaces.set(name, sub)
    }
    return sub
  }

  async getHead(): Promise<StoredHead | undefined> {
    return (await this.meta.get('head')) as StoredHead | undefined
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.meta.get(key)) as T | undefined
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    await this.meta.put(key, value, { sync: true } as never)
  }

  async getEntryBytes(seq: number): Promise<Uint8Array | undefined> {
    return this.entries.get(seqKey(seq))
  }

  /** Entries with from <= seq < to, in order. */
  async *iterateEntries(from: number, to: number): AsyncGenerator<{ seq: number; bytes: Uint8Array }> {
    if (from >= to) return
    for await (const [key, bytes] of this.entries.iterator({ gte: seqKey(from), lt: seqKey(to) })) {
      yield { seq: parseInt(key, 16), bytes }
    }
  }

  async getEntriesBytes(from: number, count: number): Promise<Uint8Array[]> {
    return this.entries.values({ gte: seqKey(from), lt: seqKey(from + count) }).all()
  }

  async getTile(level: number, index: number): Promise<Uint8Array | undefined> {
    return this.tiles.get(tileKey(level, index))
  }

  /** The same read without a trip through the thread pool: a tile is one 8 KiB block, usually in the page
   *  cache, and waiting for a pool thread costs more than the read. */
  getTileSync(level: number, index: number): Uint8Array | undefined {
    return this.tiles.getSync(tileKey(level, index))
  }

  /** Every stored tile at `level` or above: the small upper part of the tree, kept in memory. */
  async getTilesFromLevel(level: number): Promise<{ level: number; index: number; bytes: Uint8Array }[]> {
    const out: { level: number; index: number; bytes: Uint8Array }[] = []
    for await (const [key, bytes] of this.tiles.iterator({ gte: tileKey(level, 0) })) {
      const [l, i] = key.split('/')
      out.push({ level: parseInt(l, 16), index: parseInt(i, 16), bytes })
    }
    return out
  }

  async getRecord<T>(space: string, key: string): Promise<T | undefined> {
    return (await this.space(space).get(key)) as T | undefined
  }

  async getRecords<T>(space: string, keys: string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return []
    return (await this.space(space).getMany(keys)) as (T | undefined)[]
  }

  /** Records in key order within the bounds, read in one go (about twice as fast as iterating). */
  async getRange<T>(space: string, options: RangeOptions = {}): Promise<[string, T][]> {
    return (await this.space(space).iterator(options).all()) as [string, T][]
  }

  async *rangeRecords<T>(space: string, options: RangeOptions = {}): AsyncGenerator<[string, T]> {
    for await (const [key, value] of this.space(space).iterator(options)) yield [key, value as T]
  }

  /** Writes everything in one atomic batch, synced to disk before it resolves: durable before acknowledged. */
  async commit(batch: CommitBatch): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sublevel ops mix value encodings
    const ops: any[] = []
    for (const entry of batch.entries) {
      ops.push({ type: 'put', sublevel: this.entries as never, key: seqKey(entry.seq), value: entry.bytes })
    }
    for (const tile of batch.tiles) {
      ops.push({ type: 'put', sublevel: this.tiles as never, key: tileKey(tile.level, tile.index), value: tile.bytes })
    }
    for (const record of batch.records) {
      const sublevel = this.space(record.space) as never
      if (record.value === null) ops.push({ type: 'del', sublevel, key: record.key })
      else ops.push({ type: 'put', sublevel, key: record.key, value: record.value })
    }
    if (batch.head) ops.push({ type: 'put', sublevel: this.meta as never, key: 'head', value: batch.head })
    await this.db.batch(ops, { sync: true } as never)
  }
}
