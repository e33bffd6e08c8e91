// The one LevelDB adapter. Nothing else opens the database: layers above see typed reads and one
// synced commit per group of appends. The entries themselves go to append-only files in the same
// directory (entry-file.ts), synced before the LevelDB batch that carries tiles, indexes and the head:
// the head never counts an entry that is not on disk, and entries past the head are cut off on open.

import { readdir, stat, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { TracechainError } from '../core/errors.js'
import { EntryFile } from './entry-file.js'
import { DeferredUnlink } from './deferred-unlink.js'
import { seqKey, startsWithRange, tileKey } from './keys.js'
import { CachedRecords, type Sublevel } from './cached-records.js'
import { WriteGate, type WriteFailureListener } from './write-gate.js'
import { buildNativeBatch, type NativeBatch } from './native-batch.js'
import { checkStoreFormat, recordStoreFormat } from './store-format.js'

export type { NativeBatch }

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
  /** `value` as the UTF-8 of its JSON.stringify, where the writer has it already (stored as is) */
  encoded?: Uint8Array
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

/** LevelDB's memtable. The default 4 MiB flushes a level-0 table every few hundred appends, and each one
 *  overlaps every key range (idempotency and index keys are not sequential), so level 1 is rewritten each
 *  time; a larger memtable cut the node's CPU per event over long runs, and 128 MiB did no better than 64
 *  (bench/append.mjs). Costs up to twice this in memory (the memtable and the one being flushed), and a
 *  crash leaves up to this much log for LevelDB to replay on open. */
const WRITE_BUFFER_BYTES = 64 * 1024 * 1024
/** LevelDB keeps every open table's index block in memory (its filter block stays in the mapped file), and
 *  keeps a table open from its first read or compaction until it is deleted or OPEN_TABLES others are. Our
 *  keys are long beside their values: with the default 4 KiB blocks the index blocks were 4.3% of the
 *  tables' bytes, and the node's native memory grew by some 3.5 MiB a minute under the soak's 2,000
 *  appends a second. With 16 KiB blocks they are 1.2%, and the traces at a million events read no slower
 *  (bench/README.md). */
const BLOCK_BYTES = 16 * 1024
/** LevelDB's own default, named because it bounds the memory above: about 25 MiB of index blocks once the
 *  store holds more than this many tables of 2 MiB (some 2 GB, half an hour of the soak), and the mapped
 *  files' pages, which the kernel can drop. */
const OPEN_TABLES = 1000
/** Free space wanted beyond LevelDB's log before it is reopened after a failed write. */
const REOPEN_HEADROOM_BYTES = 4 * 1024 * 1024
/** What the records read before may hold in memory (record-cache.ts): the walks of a few thousand lots. */
const RECORD_CACHE_BYTES = 24 * 1024 * 1024


export class LevelStore {
  readonly location: string
  private db: Level<string, unknown>
  private readonly entryFile: EntryFile
  /** frees the files LevelDB deletes off its lock (deferred-unlink.ts); set once open */
  private deferredUnlink: DeferredUnlink | undefined
  /** where entries lived before they moved to files (ledgers written by 0.1); emptied on open */
  private legacyEntries
  private tiles
  private meta
  private readonly spaces = new Map<string, Sublevel<unknown>>()
  /** every write to LevelDB goes through it, one at a time: after one fails, none until reopen() */
  private readonly gate = new WriteGate()
  private readonly records = new CachedRecords(
    {
      space: (name) => this.space(name),
      getSync: (rootKey) => this.db.getSync(rootKey, { keyEncoding: 'utf8', valueEncoding: 'utf8' } as never) as string | undefined,
    },
    RECORD_CACHE_BYTES,
  )

  private constructor(location: string, db: Level<string, unknown>, entryFile: EntryFile) {
    this.location = location
    this.db = db
    this.entryFile = entryFile
    ;({ legacyEntries: this.legacyEntries, tiles: this.tiles, meta: this.meta } = LevelStore.sublevelsOf(db))
  }

  private static sublevelsOf(db: Level<string, unknown>) {
    return {
      legacyEntries: db.sublevel<string, Uint8Array>('entries', { valueEncoding: 'view' }),
      tiles: db.sublevel<string, Uint8Array>('tiles', { valueEncoding: 'view' }),
      meta: db.sublevel<string, unknown>('meta', { valueEncoding: 'json' }),
    }
  }

  private static async openLevel(location: string): Promise<Level<string, unknown>> {
    const db = new Level<string, unknown>(location, { valueEncoding: 'json', writeBufferSize: WRITE_BUFFER_BYTES, blockSize: BLOCK_BYTES, maxOpenFiles: OPEN_TABLES })
    try {
      await db.open()
    } catch (error) {
      // abstract-level says only "Database failed to open"; LevelDB's own reason is in error.cause.
      const { message: cause, code: causeCode } = (error as { cause?: { message?: string; code?: string } }).cause ?? {}
      // Another process has it open: a running node or mirror, which `verify --dir` or `trace --dir` met. Its store is whole.
      if (causeCode === 'LEVEL_LOCKED') {
        throw new TracechainError('DIRECTORY_IN_USE', `the store at ${location} is open in another process (a running node or mirror): stop it first, or ask it over HTTP (--url)`)
      }
      throw new TracechainError('STORE_CORRUPT', `cannot open the store at ${location}: ${(error as Error).message}${cause ? `: ${cause}` : ''}`, {
        cause: (error as { code?: string }).code,
      })
    }
    return db
  }

  /**
   * Opens (creating if needed) the database at `location`. Throws STORE_FORMAT_NEWER, with nothing at `location`
   * written, for a store of a format this release does not know (store-format.ts).
   */
  static async open(location: string): Promise<LevelStore> {
    const recorded = checkStoreFormat(location)
    const db = await LevelStore.openLevel(location)
    // The entry files live in LevelDB's directory, so the store stays one directory to copy or back up;
    // LevelDB leaves files whose names it does not use alone.
    const store = new LevelStore(location, db, await EntryFile.open(location))
    try {
      store.deferredUnlink = await DeferredUnlink.start(location)
      await store.reconcileEntries()
      // A new store, or one from before the format was kept, which this release reads as its own.
      if (!recorded) recordStoreFormat(location)
    } catch (error) {
      await store.close()
      throw error
    }
    return store
  }

  async close(): Promise<void> {
    await this.entryFile.close()
    await this.db.close()
    await this.deferredUnlink?.stop()
  }

  /**
   * Closes LevelDB and opens it again, as a restart would: it replays its log, dropping a record that a
   * failed write left torn, and the entry files are cut back to the head. After a failed write LevelDB's
   * state is indeterminate (a later write could land behind a torn record that recovery then drops with
   * it), so nothing may be written between a failure and this. Entry reads go on throughout; other reads
   * fail while LevelDB is closed. Throws STORE_CORRUPT when it cannot open; it may be called again.
   */
  async reopen(): Promise<void> {
    if (this.db.status === 'open' || this.db.status === 'opening') await this.db.close()
    this.spaces.clear()
    this.records.clear()
    this.db = await LevelStore.openLevel(this.location)
    ;({ legacyEntries: this.legacyEntries, tiles: this.tiles, meta: this.meta } = LevelStore.sublevelsOf(this.db))
    await this.reconcileEntries()
    this.gate.reopen()
  }

  /** The write that failed since the store was opened or reopened, if one did: no write is taken until reopen(). */
  get writeFailure(): Error | undefined {
    return this.gate.failed
  }

  /** Tells `listener` of the first write that fails (any writer's): the owner then reopens the store. Returns the unsubscribe. */
  onWriteFailed(listener: WriteFailureListener): () => void {
    return this.gate.onFailure(listener)
  }

  /** Runs a write through the gate; a failure while LevelDB was not open (being reopened) wrote nothing. */
  private gated<T>(write: () => Promise<T>): Promise<T> {
    let db: Level<string, unknown> | undefined
    return this.gate.run(
      () => {
        db = this.db
        return write()
      },
      () => db?.status === 'open',
    )
  }

  /**
   * Whether the filesystem has room for LevelDB to open again: on open it turns the log it replays into a
   * table, so it needs about the log's size, plus room for a new log and manifest.
   */
  async hasRoomToReopen(): Promise<boolean> {
    // What LevelDB deleted counts as free: the sweep frees it now rather than within its interval.
    await this.deferredUnlink?.sweep()
    let logBytes = 0
    for (const name of await readdir(this.location)) {
      if (name.endsWith('.log')) logBytes += (await stat(join(this.location, name))).size
    }
    const filesystem = await statfs(this.location)
    return filesystem.bavail * filesystem.bsize >= logBytes + REOPEN_HEADROOM_BYTES
  }

  /** Makes the entry files hold exactly the committed entries, moving them out of LevelDB for an old store. */
  private async reconcileEntries(): Promise<void> {
    const head = await this.getHead()
    const committed = head?.size ?? 0
    const legacy = (await this.legacyEntries.keys({ limit: 1 }).all()).length > 0
    if (this.entryFile.length < committed && legacy) {
      await this.entryFile.truncate(0)
      const chunk: Uint8Array[] = []
      let written = 0
      for await (const bytes of this.legacyEntries.values({ gte: seqKey(0), lt: seqKey(committed) })) {
        chunk.push(bytes)
        if (chunk.length === 1000) {
          await this.entryFile.append(written, chunk)
          written += chunk.splice(0).length
        }
      }
      await this.entryFile.append(written, chunk)
      written += chunk.length
      if (written !== committed) {
        throw new TracechainError('STORE_CORRUPT', `the store holds ${written} entries; its head says ${committed}`, { held: written, committed })
      }
    }
    if (head) await this.entryFile.verifyCommitted(committed, head.lastLeafHash)
    if (this.entryFile.length !== committed) await this.entryFile.truncate(committed)
    if (legacy) await this.legacyEntries.clear()
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

  /** Throws STORE_UNAVAILABLE when it fails, or after a write failed (WriteGate). */
  async putMeta(key: string, value: unknown): Promise<void> {
    await this.gated(() => this.meta.put(key, value, { sync: true } as never))
  }

  /** Writes and deletes meta keys in one synced batch: all of them land, or none. */
  async batchMeta(puts: readonly { key: string; value: unknown }[], deletes: readonly string[] = []): Promise<void> {
    const operations = [
      ...puts.map(({ key, value }) => ({ type: 'put' as const, key, value })),
      ...deletes.map((key) => ({ type: 'del' as const, key })),
    ]
    await this.gated(() => this.meta.batch(operations, { sync: true } as never))
  }

  /** The meta values whose keys start with `prefix` (not empty), in key order, within `bounds` when given. */
  async *rangeMeta<T>(prefix: string, bounds: Omit<RangeOptions, 'gte' | 'gt' | 'lte'> = {}): AsyncGenerator<[string, T]> {
    const range = startsWithRange(prefix)
    const lt = bounds.lt !== undefined && bounds.lt < range.lt ? bounds.lt : range.lt
    for await (const [key, value] of this.meta.iterator({ ...bounds, gte: range.gte, lt })) yield [key, value as T]
  }

  /** The entry at `seq`. Entries of a group being committed are readable before its head lands: callers
   *  bound reads by the committed size. */
  async getEntryBytes(seq: number): Promise<Uint8Array | undefined> {
    return this.entryFile.read(seq)
  }

  /** Entries from..from+count-1 that exist, in order. */
  async getEntriesBytes(from: number, count: number): Promise<Uint8Array[]> {
    return this.entryFile.readRange(from, count)
  }

  async getTile(level: number, index: number): Promise<Uint8Array | undefined> {
    return this.tiles.get(tileKey(level, index))
  }

  /** The same read without a trip through the thread pool: a tile is one 8 KiB block, usually in the page
   *  cache, and waiting for a pool thread costs more than the read. */
  getTileSync(level: number, index: number): Uint8Array | undefined {
    // Through the root, as getRecordSync: getSync does not wait for a sublevel that is still opening.
    return this.db.getSync(this.tiles.prefix + tileKey(level, index), { keyEncoding: 'utf8', valueEncoding: 'view' } as never) as Uint8Array | undefined
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
    return this.records.get<T>(space, key)
  }

  /** The same read without a trip through the thread pool, for the sequencer: its rules read one record
   *  at a time, each waiting for the last, and the pool's hand-off cost more than the read. */
  getRecordSync<T>(space: string, key: string): T | undefined {
    return this.records.getSync<T>(space, key)
  }

  /** `keep: false` for reads of keys that are about to be written, such as a request's idempotency keys:
   *  kept, each would only be dropped again by the commit that writes it. */
  async getRecords<T>(space: string, keys: string[], options: { keep?: boolean } = {}): Promise<(T | undefined)[]> {
    return this.records.getMany<T>(space, keys, options)
  }

  /** Records in key order within the bounds, read in one go (about twice as fast as iterating). */
  async getRange<T>(space: string, options: RangeOptions = {}): Promise<[string, T][]> {
    return this.records.range<T>(space, options)
  }

  async *rangeRecords<T>(space: string, options: RangeOptions = {}): AsyncGenerator<[string, T]> {
    for await (const [key, value] of this.space(space).iterator(options)) yield [key, value as T]
  }

  /**
   * Writes the entries, durably, then everything else in one atomic synced batch: durable before
   * acknowledged. While the entries are being written, this thread builds LevelDB's batch.
   */
  async commit(batch: CommitBatch): Promise<void> {
    const first = batch.entries[0]?.seq ?? 0
    if (batch.entries.some((entry, i) => entry.seq !== first + i)) {
      throw new TracechainError('INTERNAL', 'a commit\'s entries must have consecutive seqs')
    }
    for (const record of batch.records) {
      // LevelDB would store undefined as an empty value; refuse before anything is written.
      if (record.value === undefined || typeof record.value === 'function' || typeof record.value === 'symbol') {
        throw new TracechainError('INTERNAL', `record ${record.space}/${record.key} has no JSON value`)
      }
    }
    const entriesWritten = this.entryFile.append(
      first,
      batch.entries.map((entry) => entry.bytes),
    )
    // Awaited below, after the batch is built (which yields): a write that fails meanwhile (a full disk) must not
    // count as an unhandled rejection, which ends the process; it is thrown where it is awaited.
    entriesWritten.catch(() => undefined)
    let writeBatch: NativeBatch
    try {
      writeBatch = await buildNativeBatch(this.db, batch, { tiles: this.tiles.prefix, meta: this.meta.prefix, space: (name) => this.space(name).prefix })
    } catch (error) {
      await entriesWritten.catch(() => undefined)
      throw error
    }
    try {
      await entriesWritten
      if (this.db.status !== 'open') throw new TracechainError('INTERNAL', `the store at ${this.location} is ${this.db.status}`)
      await this.gated(() => writeBatch._write({ sync: true }))
    } finally {
      // Written or not (a failed write may have landed): what a cached read covered is read again.
      this.records.written(batch.records)
      await writeBatch.close()
    }
  }
}
