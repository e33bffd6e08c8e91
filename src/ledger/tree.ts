// The log's Merkle tree as C2SP tiles (height 8): the rightmost tiles and every tile above level 0 stay
// in memory (a million entries need 16 of them), level-0 tiles load on demand into a small cache, and a
// 448-byte summary of each full level-0 tile (its upper inner hashes) stays in memory, so that a proof
// through a tile just read from the store hashes at most 26 nodes instead of 254.

import { TracechainError } from '../core/errors.js'
import { consistencyProof, inclusionProof, rootHash, type HashReader, type RangeHashCache } from '../core/merkle.js'
import { HASH_SIZE } from '../core/hash.js'
import { TILE_BYTES, TILE_WIDTH, rightmostTileCoordinates, tilePath, tileWidthAt } from '../core/tile-paths.js'
import {
  TileMissingError,
  adoptTileSummary,
  appendLeaves,
  hashReaderFromTiles,
  keepInnerHashes,
  rootFromRightmostTiles,
  tileSummary,
} from '../core/tiles.js'
import type { LevelStore } from '../store/level-store.js'
import { TileSummaries } from './tile-summaries.js'

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
  private rightmostCoordinates: { level: number; index: number; width: number }[]
  private readonly store: LevelStore
  private readonly upper = new Map<string, Uint8Array>()
  private readonly level0 = new Map<number, Uint8Array>()
  // Level-0 tiles read back with a summary, by the computation that read them: cached inner hashes (8 KiB
  // each, off the V8 heap) only for those a later computation comes back to, so that a stream of cold
  // proofs allocates half as much and V8 runs half as many full GCs.
  private readonly light = new Map<number, number>()
  private computations = 0
  private readonly reader: HashReader
  private readonly summaries = new TileSummaries()
  private warming: Promise<void> = Promise.resolve()
  // MTH of the ranges on the right edge of the current tree, by start: every proof at the current size folds
  // some of the same few (one per set bit of the size), a large share of a warm proof's hashing.
  private readonly edge = new Map<number, Uint8Array>()
  private readonly edgeCache: RangeHashCache = {
    get: (start, end) => (end === this.currentSize ? this.edge.get(start)?.slice() : undefined),
    set: (start, end, hash) => {
      if (end === this.currentSize) this.edge.set(start, hash.slice())
    },
  }

  private constructor(store: LevelStore, size: number, rightmost: Uint8Array[]) {
    this.store = store
    this.currentSize = size
    this.rightmost = rightmost
    this.rightmostCoordinates = rightmostTileCoordinates(size)
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
    tree.warming = tree.warmUp()
    return tree
  }

  /**
   * Resolves when the warm-up that load() starts is over: every full tile above level 0 has all its inner
   * hashes, every full level-0 tile its summary (or the store was closed first). Never rejects.
   */
  warmedUp(): Promise<void> {
    return this.warming
  }

  /** How many level-0 tiles have a summary in memory. */
  get summarisedTiles(): number {
    return this.summaries.count
  }

  // Proofs through a tile just read from the store would hash up to 254 nodes in it (most of a cold
  // proof); this hashes each full tile once, in the background, newest first, and keeps its summary,
  // one tile per turn of the event loop (bench/proofs.mjs times it).
  private async warmUp(): Promise<void> {
    try {
      // One tile a turn of the event loop (one read, 254 node hashes), which a request arriving
      // meanwhile waits for.
      const pause = () => new Promise((resolve) => setImmediate(resolve))
      for (const bytes of [...this.upper.values()]) {
        if (bytes.length !== TILE_BYTES) continue
        tileSummary(bytes) // fills the tile's every inner hash: upper tiles stay in memory with them
        await pause()
      }
      for (let index = Math.floor(this.currentSize / TILE_WIDTH) - 1; index >= 0; index--) {
        if (this.summaries.has(index)) continue
        const bytes = this.level0.get(index) ?? this.store.getTileSync(0, index)
        if (bytes?.length === TILE_BYTES) this.summaries.set(index, tileSummary(bytes))
        await pause()
      }
    } catch {
      // The store was closed under it (getSync throws), or a tile is malformed: proofs report that one
      // themselves. Either way the summaries are only a speed-up.
    }
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
      else {
        this.remember(index, bytes)
        // The append computed every inner hash of a tile it filled: its summary costs no hashing.
        if (bytes.length === TILE_BYTES) this.summaries.set(index, tileSummary(bytes))
      }
    }
    this.currentSize = draft.size
    this.currentRoot = draft.root
    this.rightmost = draft.rightmost
    this.rightmostCoordinates = rightmostTileCoordinates(draft.size)
    this.edge.clear()
  }

  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return this.withReader((read) => inclusionProof(index, size, read, this.edgeCache))
  }

  consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    return this.withReader((read) => consistencyProof(from, to, read, this.edgeCache))
  }

  rootAt(size: number): Promise<Uint8Array> {
    if (size === this.currentSize) return Promise.resolve(this.currentRoot)
    return this.withReader((read) => rootHash(size, read, this.edgeCache))
  }

  leafHash(seq: number): Promise<Uint8Array> {
    return this.withReader((read) => read(0, seq))
  }

  leafHashes(from: number, count: number): Promise<Uint8Array[]> {
    return this.withReader((read) => Array.from({ length: count }, (_, i) => read(0, from + i)))
  }

  /**
   * The first `width` hashes of tile (level, index) of the current tree (a view: do not mutate), or undefined
   * when the tree holds fewer. A level-0 tile that is not cached is read without being cached: a publisher
   * reads each once, and must not push out the tiles proofs come back to. Throws STORE_CORRUPT when the store
   * lost a tile the tree holds.
   */
  tile(level: number, index: number, width: number): Uint8Array | undefined {
    if (!Number.isInteger(width) || width < 1 || width > tileWidthAt(this.currentSize, level, index)) return undefined
    const rightmost = this.rightmostCoordinates[level]
    let bytes: Uint8Array | undefined
    if (rightmost?.index === index && rightmost.width > 0) bytes = this.rightmost[level]
    else if (level >= 1) bytes = this.upper.get(`${level}/${index}`) ?? this.store.getTileSync(level, index)
    else bytes = this.level0.get(index) ?? this.store.getTileSync(0, index)
    // A tile the tree holds is at least as wide in the store: a commit in flight may have widened it there.
    if (bytes === undefined || bytes.length < width * HASH_SIZE) {
      throw new TracechainError('STORE_CORRUPT', `tile ${tilePath(level, index, width)} is missing from the store or too short`)
    }
    return bytes.subarray(0, width * HASH_SIZE)
  }

  private cachedTile(level: number, index: number): Uint8Array | undefined {
    const coordinates = this.rightmostCoordinates[level]
    if (coordinates !== undefined && coordinates.index === index && coordinates.width > 0) return this.rightmost[level]
    if (level >= 1) return this.upper.get(`${level}/${index}`)
    const bytes = this.level0.get(index)
    if (bytes === undefined) return this.loadLevel0(index)
    const readIn = this.light.get(index)
    if (readIn !== undefined && readIn !== this.computations) {
      keepInnerHashes(bytes)
      this.light.delete(index)
    }
    return bytes
  }

  // Synchronously: a tile is one 8 KiB value, nearly always in the page cache, and a round trip through the
  // thread pool cost more than the read. A tile that is absent or short here makes the reader throw
  // TileMissingError, which withReader turns into STORE_CORRUPT.
  private loadLevel0(index: number): Uint8Array | undefined {
    const bytes = this.store.getTileSync(0, index)
    if (bytes === undefined) return undefined
    const summary = bytes.length === TILE_BYTES ? this.summaries.get(index) : undefined
    this.remember(index, bytes)
    if (summary !== undefined) {
      adoptTileSummary(bytes, summary)
      this.light.set(index, this.computations)
    }
    return bytes
  }

  private remember(index: number, bytes: Uint8Array): void {
    this.level0.delete(index)
    this.light.delete(index)
    this.level0.set(index, bytes)
    if (this.level0.size > LEVEL0_CACHE_TILES) {
      const oldest = this.level0.keys().next().value as number
      this.level0.delete(oldest)
      this.light.delete(oldest)
    }
  }

  /** Runs a synchronous tree computation, reading again each tile it found missing or short: STORE_CORRUPT if the store's is too. */
  private async withReader<T>(compute: (read: HashReader) => T): Promise<T> {
    this.computations++
    for (let attempt = 0; ; attempt++) {
      try {
        return compute(this.reader)
      } catch (error) {
        if (!(error instanceof TileMissingError) || attempt >= MAX_TILE_LOADS) throw error
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
