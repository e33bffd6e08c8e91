// Reads of a ledger: its entries, RFC 9162 inclusion and consistency proofs from its tree, and its
// committed records. Bounded by the committed size: what a group is still writing is never read here.

import { toHex } from '../core/bytes.js'
import { MAX_BUNDLE_ENTRY_BYTES, formatEntryBundle } from '../core/entry-bundle.js'
import { fail } from '../core/errors.js'
import { TILE_WIDTH, entryBundlePath, tilePath, tileWidthAt } from '../core/tile-paths.js'
import type { LevelStore, RangeOptions } from '../store/level-store.js'
import type { Entry } from './entry.js'
import type { LedgerRecords } from './kinds.js'
import type { LedgerTree } from './tree.js'

export class LedgerReads {
  /** The committed records: the read layers' one interface to them. */
  readonly records: LedgerRecords

  constructor(
    protected readonly store: LevelStore,
    protected tree: LedgerTree,
  ) {
    this.records = {
      get: <T>(space: string, key: string) => store.getRecord<T>(space, key),
      getMany: <T>(space: string, keys: string[]) => store.getRecords<T>(space, keys),
      range: <T>(space: string, options: RangeOptions) => store.getRange<T>(space, options),
      scan: <T>(space: string, options?: RangeOptions) => store.rangeRecords<T>(space, options),
    }
  }

  get size(): number {
    return this.tree.size
  }

  /** The entry's bytes. Throws ENTRY_NOT_FOUND outside the log, STORE_CORRUPT when the store lost it. */
  async getEntryBytes(seq: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.size) {
      fail('ENTRY_NOT_FOUND', `no entry at seq ${seq}; the log has ${this.size}`, { seq, size: this.size })
    }
    const bytes = await this.store.getEntryBytes(seq)
    if (!bytes) fail('STORE_CORRUPT', `entry ${seq} is missing from the store`, { seq })
    return bytes
  }

  /** The entry with the leaf hash the tree commits to (not one recomputed from the stored bytes, so a
   *  damaged entry shows up as a mismatch at its own seq). */
  async getEntry(seq: number): Promise<{ entry: Entry; leafHash: string }> {
    const bytes = await this.getEntryBytes(seq)
    return { entry: JSON.parse(new TextDecoder().decode(bytes)) as Entry, leafHash: toHex(await this.tree.leafHash(seq)) }
  }

  /** Up to `limit` entries from `from`, in seq order. */
  async getEntries(from: number, limit: number): Promise<{ entry: Entry; leafHash: string }[]> {
    const count = Math.max(0, Math.min(limit, this.size - from))
    const decoder = new TextDecoder()
    const all = await this.store.getEntriesBytes(from, count)
    const leaves = await this.tree.leafHashes(from, all.length)
    return all.map((bytes, i) => ({ entry: JSON.parse(decoder.decode(bytes)) as Entry, leafHash: toHex(leaves[i]) }))
  }

  /** Raw leaf bytes of entries from..from+count-1 (clipped to the log). */
  async getEntriesBytes(from: number, count: number): Promise<Uint8Array[]> {
    return this.store.getEntriesBytes(from, Math.max(0, Math.min(count, this.size - from)))
  }

  /** Leaf hash of the entry at `seq`, from the tree. */
  leafHashAt(seq: number): Promise<Uint8Array> {
    return this.tree.leafHash(seq)
  }

  /** Leaf hashes from..from+count-1 as the tree holds them. */
  leafHashesAt(from: number, count: number): Promise<Uint8Array[]> {
    return this.tree.leafHashes(from, count)
  }

  /** Inclusion proof of `seq` in the tree of `size` (default: current). Throws RANGE_INVALID. */
  async inclusionProof(seq: number, size = this.size): Promise<{ leafHash: Uint8Array; proof: Uint8Array[] }> {
    this.checkSize(size)
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) fail('RANGE_INVALID', `seq ${seq} is not below size ${size}`, { seq, size })
    const proof = await this.tree.inclusionProof(seq, size)
    return { leafHash: await this.tree.leafHash(seq), proof }
  }

  /** Consistency proof from the tree of `from` to the tree of `to` (default: current). Throws RANGE_INVALID. */
  async consistencyProof(from: number, to = this.size): Promise<Uint8Array[]> {
    this.checkSize(to)
    if (!Number.isSafeInteger(from) || from < 1 || from > to) fail('RANGE_INVALID', `need 1 <= from <= to, got from ${from} to ${to}`, { from, to })
    return this.tree.consistencyProof(from, to)
  }

  /** The root of the tree of `size`. Throws RANGE_INVALID. */
  async rootAt(size: number): Promise<Uint8Array> {
    this.checkSize(size)
    return this.tree.rootAt(size)
  }

  /**
   * The first `width` hashes of tile (level, index) of the current tree (C2SP tlog-tiles; a view: do not
   * mutate). Requires level 0..63 and index a safe integer >= 0 (RangeError). Throws NOT_FOUND when the tree
   * holds fewer, STORE_CORRUPT.
   */
  tile(level: number, index: number, width: number): Uint8Array {
    const bytes = this.tree.tile(level, index, width)
    if (bytes === undefined) {
      fail('NOT_FOUND', `the tree of size ${this.size} has no ${tilePath(level, index, width)}`, { level, index, width, size: this.size })
    }
    return bytes
  }

  /**
   * Entry bundle `index` with its first `width` entries (C2SP tlog-tiles: each entry's bytes after its uint16
   * length). Requires index a safe integer >= 0 and width 1..256 (RangeError). Throws NOT_FOUND when the tree
   * holds fewer entries, ENTRY_INVALID for an entry too long for a bundle (none since entries must fit one),
   * STORE_CORRUPT.
   */
  async entryBundle(index: number, width: number): Promise<Uint8Array> {
    const path = entryBundlePath(index, width)
    if (width > tileWidthAt(this.size, 0, index)) fail('NOT_FOUND', `the tree of size ${this.size} has no ${path}`, { index, width, size: this.size })
    const entries = await this.store.getEntriesBytes(index * TILE_WIDTH, width)
    if (entries.length !== width) fail('STORE_CORRUPT', `entries of ${path} are missing from the store`, { index, width })
    entries.forEach((entry, i) => {
      if (entry.length > MAX_BUNDLE_ENTRY_BYTES) {
        fail('ENTRY_INVALID', `entry ${index * TILE_WIDTH + i} is ${entry.length} bytes, over the ${MAX_BUNDLE_ENTRY_BYTES} an entry bundle holds`, {
          seq: index * TILE_WIDTH + i,
        })
      }
    })
    return formatEntryBundle(entries)
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size) {
      fail('RANGE_INVALID', `size ${size} is outside the tree (1..${this.size})`, { size, treeSize: this.size })
    }
  }
}
