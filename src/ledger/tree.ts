// The log's Merkle tree as C2SP tiles (height 8): the rightmost tiles and every tile above level 0 stay
// in memory (a million entries need 16 of them), level-0 tiles load on demand into a small cache.

import { TracechainError } from '../core/errors.js'
import { consistencyProof, inclusionProof, rootHash, type HashReader } from '../core/merkle.js'
import { TileMissingError, appendLeaves, hashReaderFromTiles, rightmostTileCoordinates, rootFromRightmostTiles } from '../core/tiles.js'
import type { LevelStore } from '../store/level-store.js'

export const LEVEL0_CACHE_TILES = 4096
const MAX_TILE_LOADS = 16

export interface TreeDraft {
  size: number
  root: Uint8Array
  tiles: { level: number; index: number; bytes: Uint8Array }[]
  rightmost: Uint8Array[]
}

export class LedgerTree {
  private currentSize: number
  private currentRoot: Uint8Array
  private rightmost: Uint8Array[]
  private readonly store: LevelStore
  private readonly upper = new Map<string, Uint8Array>()
  private readonly level0 = new Map<number, Uint8Array>()
  private readonly reader: HashReader

  private constructor(store: LevelStore, size: number, rightmost: Uint8Array[]) {
    this.store = store
    this.currentSize = size
    this.rightmost = rightmost
    this.currentRoot = rootFromRightmostTiles(size, rightmost)
    this.reader = hashReaderFromTiles((level, index) => this.cachedTile(level, index))
  }

  static async load(store: LevelStore, size: number): Promise<LedgerTree> {
    const rightmost: Uint8Array[] = []
    for (const { level, index, width } of rightmostTileCoordinates(size)) {
      if (width === 0) {
        rightmost[level] = new Uint8Array(0)
        continue
      }
      const bytes = await store.getTile(level, index)
      if (!bytes || bytes.length < width * 32) {
        throw new TracechainError('STORE_CORRUPT', `tile ${level}/${index} is missing or shorter than width ${width}`)
      }
      rightmost[level] = bytes.subarray(0, width * 32)
    }
    const tree = new LedgerTree(store, size, rightmost)
    for (const tile of await store.getTilesFromLevel(1)) tree.upper.set(`${tile.level}/${tile.index}`, tile.bytes)
    return tree
  }

  get size(): number {
    return this.currentSize
  }

  root(): Uint8Array {
    return this.currentRoot
  }

  /** The tree after appending these leaves, without changing this one: adopt it once it is durable. */
  draft(leafHashes: Uint8Array[]): TreeDraft {
    const result = appendLeaves(this.currentSize, this.rightmost, leafHashes)
    return {
      size: result.size,
      root: result.root,
      tiles: result.tiles.map(({ level, index, bytes }) => ({ level, index, bytes })),
      rightmost: result.rightmost,
    }
  }

  adopt(draft: TreeDraft): void {
    for (const { level, index, bytes } of draft.tiles) {
      if (level >= 1) this.upper.set(`${level}/${index}`, bytes)
      else this.remember(index, bytes)
    }
    this.currentSize = draft.size
    this.currentRoot = draft.root
    this.rightmost = draft.rightmost
  }

  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return this.withReader((read) => inclusionProof(index, size, read))
  }

  consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    return this.withReader((read) => consistencyProof(from, to, read))
  }

  rootAt(size: number): Promise<Uint8Array> {
    if (size === this.currentSize) return Promise.resolve(this.currentRoot)
    return this.withReader((read) => rootHash(size, read))
  }

  leafHash(seq: number): Promise<Uint8Array> {
    return this.withReader((read) => read(0, seq))
  }

  leafHashes(from: number, count: number): Promise<Uint8Array[]> {
    return this.withReader((read) => Array.from({ length: count }, (_, i) => read(0, from + i)))
  }

  private cachedTile(level: number, index: number): Uint8Array | undefined {
    const coordinates = rightmostTileCoordinates(this.currentSize)[level]
    if (coordinates && coordinates.index === index && coordinates.width > 0) return this.rightmost[level]
    if (level >= 1) return this.upper.get(`${level}/${index}`)
    return this.level0.get(index)
  }

  private remember(index: number, bytes: Uint8Array): void {
    this.level0.delete(index)
    this.level0.set(index, bytes)
    if (this.level0.size > LEVEL0_CACHE_TILES) this.level0.delete(this.level0.keys().next().value as number)
  }

  /** Runs a synchronous tree computation, loading each level-0 tile it lacks and retrying. */
  private async withReader<T>(compute: (read: HashReader) => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return compute(this.reader)
      } catch (error) {
        if (!(error instanceof TileMissingError) || attempt >= MAX_TILE_LOADS) throw error
        // Synchronously: a tile is one 8 KiB value, nearly always in the page cache, and a round trip
        // through the thread pool cost more than the read (and most of a cold proof's p99).
        const bytes = this.store.getTileSync(error.tileLevel, error.tileIndex)
        if (!bytes || bytes.length < error.width * 32) {
          throw new TracechainError('STORE_CORRUPT', `tile ${error.tileLevel}/${error.tileIndex} is missing or too short`)
        }
        if (error.tileLevel >= 1) this.upper.set(`${error.tileLevel}/${error.tileIndex}`, bytes)
        else this.remember(error.tileIndex, bytes)
      }
    }
  }
}
