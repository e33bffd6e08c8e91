// C2SP tlog-tiles (https://c2sp.org/tlog-tiles), height 8: subtree hashes read from tiles, and batched
// appends that return the tiles to write (paths in tile-paths.ts). Hashes are RFC 9162 section 2.1 (see merkle.ts).

import { HASH_SIZE } from './hash.js'
import { MAX_TILE_LEVEL, TILE_BYTES, TILE_HEIGHT, TILE_WIDTH, checkIndex, checkWidth, rightmostTileCoordinates, tilePath } from './tile-paths.js'
import { EMPTY_ROOT, nodeHash, type HashReader, type SubtreeHash } from './merkle.js'


/** A tile to write: `level` is the tile level (tree level 8 * level); `width` hashes, 256 for a full tile. */
export interface Tile {
  level: number
  index: number
  width: number
  bytes: Uint8Array
}

/** The result of an append: the new size and root, the tiles to write, and the new rightmost tile of every tile level. */
export interface TileAppend {
  size: number
  root: Uint8Array
  tiles: Tile[]
  rightmost: Uint8Array[]
}

/** Returns the stored tile bytes (concatenated 32-byte hashes at tree level 8 * tileLevel, possibly partial) or undefined. */
export type TileReader = (tileLevel: number, tileIndex: number) => Uint8Array | undefined

/** Thrown by a tile HashReader when a tile is absent or narrower than `width`: load it and retry. */
export class TileMissingError extends Error {
  readonly tileLevel: number
  readonly tileIndex: number
  readonly width: number

  constructor(tileLevel: number, tileIndex: number, width: number) {
    super(`tile ${tilePath(tileLevel, tileIndex, width)} is missing or narrower than ${width}`)
    this.name = 'TileMissingError'
    this.tileLevel = tileLevel
    this.tileIndex = tileIndex
    this.width = width
  }
}

// Inner hashes of a tile, the tree levels between its own (inner level 0) and the next tile level (inner 8).
// Slot of (inner level j >= 1, position q) is INNER_OFFSET[j] + q: 128 + 64 + ... + 2 + 1 = 255 slots.
// A memo belongs to one immutable bytes object; every slot in it is a complete node within that tile.
// Its hashes live in one buffer rather than one Uint8Array each: a server keeps thousands of tiles' memos,
// and a quarter of a million small objects in the old generation made every full GC pause long enough to
// be the p99 of a proof that loads a tile.
// A tile's summary: its inner hashes at inner levels 5, 6 and 7 (8 + 4 + 2 of them, memo slots 240..253). With it,
// a reader serves any proof through the tile after hashing at most 1 + 3 + 7 + 15 = 26 nodes instead of 254.
const SUMMARY_LEVEL = 5
const SUMMARY_SLOT = 240
const SUMMARY_SLOTS = 14
export const TILE_SUMMARY_BYTES = SUMMARY_SLOTS * HASH_SIZE

class Memo {
  private readonly hashes: Uint8Array
  private readonly known: Uint8Array

  constructor(hashes = new Uint8Array((TILE_WIDTH - 1) * HASH_SIZE), known = new Uint8Array(TILE_WIDTH - 1)) {
    this.hashes = hashes
    this.known = known
  }

  get(slot: number): Uint8Array | undefined {
    return this.known[slot] === 1 ? this.hashes.subarray(slot * HASH_SIZE, (slot + 1) * HASH_SIZE) : undefined
  }

  /** Stores a copy of `hash`; returns the stored bytes. */
  set(slot: number, hash: Uint8Array): Uint8Array {
    this.hashes.set(hash, slot * HASH_SIZE)
    this.known[slot] = 1
    return this.hashes.subarray(slot * HASH_SIZE, (slot + 1) * HASH_SIZE)
  }

  /** Stores copies of consecutive hashes from `slot` on. */
  setRange(slot: number, hashes: Uint8Array): void {
    this.hashes.set(hashes, slot * HASH_SIZE)
    this.known.fill(1, slot, slot + hashes.length / HASH_SIZE)
  }

  copy(): Memo {
    return new Memo(this.hashes.slice(), this.known.slice())
  }
}
const INNER_OFFSET = [0, 0, 128, 192, 224, 240, 248, 252, 254]

// The memo of a tile read back from a store with its summary: the summary's hashes (a view, not a copy) and
// nothing else. A server reads thousands of such tiles, and an 8 KiB memo each, off the V8 heap, made V8 run
// full GCs often (their pauses were the p99 of a proof over HTTP); the few hashes below the
// summary are hashed again instead (at most 26 a proof).
class SummaryMemo {
  private readonly summary: Uint8Array

  constructor(summary: Uint8Array) {
    this.summary = summary
  }

  get(slot: number): Uint8Array | undefined {
    const at = slot - SUMMARY_SLOT
    return at >= 0 && at < SUMMARY_SLOTS ? this.summary.subarray(at * HASH_SIZE, (at + 1) * HASH_SIZE) : undefined
  }

  /** Keeps nothing: returns `hash`. */
  set(_slot: number, hash: Uint8Array): Uint8Array {
    return hash
  }

  setRange(slot: number, hashes: Uint8Array): void {
    if (slot !== SUMMARY_SLOT || hashes.length !== TILE_SUMMARY_BYTES) throw new RangeError('a summary memo holds its summary only')
  }

  copy(): Memo {
    const memo = new Memo()
    memo.setRange(SUMMARY_SLOT, this.summary)
    return memo
  }
}
type TileMemo = Memo | SummaryMemo

const memos = new WeakMap<Uint8Array, TileMemo>()
const newMemo = (): Memo => new Memo()

function memoOf(bytes: Uint8Array): TileMemo {
  let memo = memos.get(bytes)
  if (memo === undefined) {
    memo = newMemo()
    memos.set(bytes, memo)
  }
  return memo
}

/** Hash of the perfect subtree at inner level j, position q; requires its 2^j hashes within bytes. */
function innerHash(bytes: Uint8Array, memo: TileMemo, j: number, q: number): Uint8Array {
  if (j === 0) return bytes.subarray(q * HASH_SIZE, (q + 1) * HASH_SIZE)
  const slot = INNER_OFFSET[j] + q
  return memo.get(slot) ?? memo.set(slot, nodeHash(innerHash(bytes, memo, j - 1, 2 * q), innerHash(bytes, memo, j - 1, 2 * q + 1)))
}

/**
 * A HashReader (for merkle.ts) over tiles: subtree (level, index) is computed from tile level floor(level / 8),
 * combining 2^(level mod 8) of its hashes; inner hashes are cached per tile bytes object, so a reader over
 * tiles kept in memory gets faster with use. Tile bytes must not be mutated once read.
 * The reader throws TileMissingError when the tile is absent or too short, RangeError for a malformed tile.
 */
export function hashReaderFromTiles(read: TileReader): HashReader {
  return (level, index) => {
    checkIndex(level, 'level')
    checkIndex(index, 'index')
    if (level >= (MAX_TILE_LEVEL + 1) * TILE_HEIGHT) throw new RangeError(`"level" expected below ${(MAX_TILE_LEVEL + 1) * TILE_HEIGHT}, got ${level}`)
    const tileLevel = Math.floor(level / TILE_HEIGHT)
    const j = level - tileLevel * TILE_HEIGHT
    const perTile = TILE_WIDTH >> j
    const tileIndex = Math.floor(index / perTile)
    const q = index % perTile
    const width = (q + 1) << j
    const bytes = read(tileLevel, tileIndex)
    if (bytes === undefined || bytes.length < width * HASH_SIZE) throw new TileMissingError(tileLevel, tileIndex, width)
    if (bytes.length % HASH_SIZE !== 0 || bytes.length > TILE_BYTES) {
      throw new RangeError(`tile ${tileLevel}/${tileIndex} has ${bytes.length} bytes, not a multiple of ${HASH_SIZE} up to ${TILE_BYTES}`)
    }
    return innerHash(bytes, memoOf(bytes), j, q).slice()
  }
}


/**
 * The summary of a full tile (256 hashes): from the inner hashes cached for `bytes` (computing and caching
 * those it lacks), or, for bytes with none cached, hashed level by level and cached nowhere (a warm-up
 * summarising thousands of tiles leaves no memo behind for the GC). Returns a new TILE_SUMMARY_BYTES buffer.
 * Throws RangeError unless bytes is a full tile.
 */
export function tileSummary(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== TILE_BYTES) throw new RangeError(`"bytes" expected a full tile of ${TILE_BYTES} bytes, got ${bytes.length}`)
  const out = new Uint8Array(TILE_SUMMARY_BYTES)
  const memo = memos.get(bytes)
  if (memo !== undefined) {
    for (let j = SUMMARY_LEVEL; j < TILE_HEIGHT; j++) {
      for (let q = 0; q < TILE_WIDTH >> j; q++) out.set(innerHash(bytes, memo, j, q), (INNER_OFFSET[j] + q - SUMMARY_SLOT) * HASH_SIZE)
    }
    return out
  }
  // In place: node q of a level is written after nodeHash has read nodes 2q and 2q + 1 of the level below.
  const level = new Uint8Array(TILE_BYTES / 2)
  let below = bytes
  for (let j = 1; j < TILE_HEIGHT; j++) {
    const count = TILE_WIDTH >> j
    for (let q = 0; q < count; q++) {
      const left = below.subarray(2 * q * HASH_SIZE, (2 * q + 1) * HASH_SIZE)
      const right = below.subarray((2 * q + 1) * HASH_SIZE, (2 * q + 2) * HASH_SIZE)
      level.set(nodeHash(left, right), q * HASH_SIZE)
    }
    below = level
    if (j >= SUMMARY_LEVEL) out.set(level.subarray(0, count * HASH_SIZE), (INNER_OFFSET[j] - SUMMARY_SLOT) * HASH_SIZE)
  }
  return out
}

/**
 * MTH of the 256 hashes of a full tile: the hash its parent tile holds for it. From the inner hashes cached
 * for `bytes`, or hashed level by level. Throws RangeError unless bytes is a full tile.
 */
export function fullTileHash(bytes: Uint8Array): Uint8Array {
  const summary = tileSummary(bytes)
  const top = (INNER_OFFSET[TILE_HEIGHT - 1] - SUMMARY_SLOT) * HASH_SIZE
  return nodeHash(summary.subarray(top, top + HASH_SIZE), summary.subarray(top + HASH_SIZE, top + 2 * HASH_SIZE))
}

/**
 * Lets readers over `bytes` use `summary` instead of hashing it again. The caller vouches that summary is
 * tileSummary of these very hashes (computed earlier from an equal, immutable tile): it is not checked, and a
 * wrong one gives wrong proofs. For bytes with no inner hashes cached yet, summary is kept by reference (it
 * must not change) and nothing else is cached for them: each proof through them hashes up to 26 nodes again.
 * Throws RangeError when bytes is not a full tile or summary has the wrong size.
 */
export function adoptTileSummary(bytes: Uint8Array, summary: Uint8Array): void {
  if (bytes.length !== TILE_BYTES) throw new RangeError(`"bytes" expected a full tile of ${TILE_BYTES} bytes, got ${bytes.length}`)
  if (summary.length !== TILE_SUMMARY_BYTES) throw new RangeError(`"summary" expected ${TILE_SUMMARY_BYTES} bytes, got ${summary.length}`)
  const memo = memos.get(bytes)
  if (memo === undefined) memos.set(bytes, new SummaryMemo(summary))
  else if (memo instanceof Memo) memo.setRange(SUMMARY_SLOT, summary)
}

/**
 * From now on, caches the inner hashes that readers compute over `bytes`, if they were read back with
 * adoptTileSummary (which caches nothing below the summary): for a tile that proofs come back to.
 */
export function keepInnerHashes(bytes: Uint8Array): void {
  const memo = memos.get(bytes)
  if (memo instanceof SummaryMemo) memos.set(bytes, memo.copy())
}

// The rightmost tile of one tile level while an append runs. Until something is appended at its level it reads
// the caller's bytes (`input`); the first append copies them into a full-size buffer owned by this append.
interface Edge {
  index: number
  width: number
  bytes: Uint8Array
  memo: TileMemo
  input: Uint8Array | undefined
}

/** Edges for a tree of `size` from the caller's rightmost tiles, each checked against the width `size` implies. */
function openEdges(size: number, rightmost: readonly (Uint8Array | undefined)[]): Edge[] {
  const coordinates = rightmostTileCoordinates(size)
  const edges: Edge[] = []
  for (const { level, index, width } of coordinates) {
    const given = rightmost[level]
    const length = given === undefined ? 0 : given.length
    if (length !== width * HASH_SIZE) {
      throw new RangeError(`"rightmost[${level}]" expected ${width * HASH_SIZE} bytes for size ${size}, got ${length}`)
    }
    const input = given ?? new Uint8Array(0)
    edges.push({ index, width, bytes: input, memo: width === 0 ? newMemo() : memoOf(input), input })
  }
  for (let level = coordinates.length; level < rightmost.length; level++) {
    if (rightmost[level] !== undefined && rightmost[level]!.length !== 0) {
      throw new RangeError(`"rightmost[${level}]" expected no bytes for size ${size}`)
    }
  }
  return edges
}

/**
 * Appends `hash` at tile level `level`. With `cascade`, computes the inner nodes it completes and, when the
 * tile fills, appends the tile's hash to the level above; without, the caller supplies upper levels itself.
 */
function push(edges: Edge[], tiles: Tile[], level: number, hash: Uint8Array, cascade: boolean): void {
  let edge = edges[level]
  if (edge === undefined) {
    edge = { index: 0, width: 0, bytes: new Uint8Array(TILE_BYTES), memo: newMemo(), input: undefined }
    edges[level] = edge
  } else if (edge.input !== undefined) {
    // Copy bytes and memo: what this append adds must not reach the caller's tile, which another append may extend.
    const bytes = new Uint8Array(TILE_BYTES)
    bytes.set(edge.input)
    edge.bytes = bytes
    edge.memo = edge.memo.copy()
    edge.input = undefined
  }
  const position = edge.width
  edge.bytes.set(hash, position * HASH_SIZE)
  edge.width = position + 1
  if (edge.width < TILE_WIDTH) {
    if (cascade) {
      let node = hash
      for (let j = 0, q = position; (q & 1) === 1; j++) {
        q >>= 1
        node = edge.memo.set(INNER_OFFSET[j + 1] + q, nodeHash(innerHash(edge.bytes, edge.memo, j, 2 * q), node))
      }
    }
    return
  }
  const full = edge.bytes
  memos.set(full, edge.memo)
  tiles.push({ level, index: edge.index, width: TILE_WIDTH, bytes: full })
  const tileHash = cascade ? innerHash(full, edge.memo, TILE_HEIGHT, 0) : undefined
  edges[level] = { index: edge.index + 1, width: 0, bytes: new Uint8Array(TILE_BYTES), memo: newMemo(), input: undefined }
  if (tileHash !== undefined) push(edges, tiles, level + 1, tileHash, true)
}

/** Root of the tree the edges describe: the subtrees named by the bits of size, folded from the right. */
function edgesRoot(edges: readonly Edge[]): Uint8Array {
  let root: Uint8Array | undefined
  for (const edge of edges) {
    for (let j = 0; j < TILE_HEIGHT; j++) {
      if (((edge.width >> j) & 1) === 0) continue
      const part = innerHash(edge.bytes, edge.memo, j, (edge.width >> j) - 1)
      root = root === undefined ? part : nodeHash(part, root)
    }
  }
  return root === undefined ? EMPTY_ROOT : root.slice()
}

/** Emits each changed partial tile and returns the new rightmost tiles; registers their memos for the next append. */
function closeEdges(edges: readonly Edge[], tiles: Tile[]): Uint8Array[] {
  return edges.map((edge, level) => {
    if (edge.input !== undefined) return edge.input
    if (edge.width === 0) return new Uint8Array(0)
    const bytes = edge.bytes.slice(0, edge.width * HASH_SIZE)
    memos.set(bytes, edge.memo)
    tiles.push({ level, index: edge.index, width: edge.width, bytes })
    return bytes
  })
}

/**
 * Appends a batch of leaf hashes to a tree held as its rightmost tiles, for the ledger's group commit.
 * `rightmost[L]` is the rightmost tile at tile level L for `size` (as rightmostTileCoordinates names them;
 * empty or undefined where the width is 0). Returns the new size and root, every tile the batch changed
 * (full tiles completed, then the new partial tiles), and the new rightmost tiles to pass to the next call.
 * Pure: inputs are not modified; returned bytes must not be mutated (their inner hashes are cached).
 * Throws RangeError when size, a rightmost tile or a leaf hash has the wrong shape.
 */
export function appendLeaves(size: number, rightmost: readonly (Uint8Array | undefined)[], leafHashes: readonly Uint8Array[]): TileAppend {
  const edges = openEdges(size, rightmost)
  const tiles: Tile[] = []
  for (let i = 0; i < leafHashes.length; i++) {
    const leaf = leafHashes[i]
    if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_SIZE) {
      throw new RangeError(`"leafHashes[${i}]" expected ${HASH_SIZE} bytes, got ${leaf?.length}`)
    }
    push(edges, tiles, 0, leaf, true)
  }
  const root = edgesRoot(edges)
  return { size: size + leafHashes.length, root, tiles, rightmost: closeEdges(edges, tiles) }
}

/**
 * Like appendLeaves, but from the stored hashes of consecutive appends (merkle.ts completedSubtrees, in order):
 * the hashes at tree levels that are multiples of 8 go into tiles, the others are ignored.
 * Throws RangeError when a hash is not the next one its tile level expects, or the hashes leave the tiles
 * inconsistent with the new size (a missing upper-level hash).
 */
export function applyToTiles(size: number, rightmost: readonly (Uint8Array | undefined)[], stored: readonly SubtreeHash[]): TileAppend {
  const edges = openEdges(size, rightmost)
  const tiles: Tile[] = []
  let newSize = size
  for (const { level, index, hash } of stored) {
    if (level % TILE_HEIGHT !== 0) continue
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) throw new RangeError(`stored hash (${level}, ${index}) is not ${HASH_SIZE} bytes`)
    const tileLevel = level / TILE_HEIGHT
    const edge = edges[tileLevel]
    const next = edge === undefined ? 0 : edge.index * TILE_WIDTH + edge.width
    if (index !== next) throw new RangeError(`stored hash (${level}, ${index}) is not the next at its level (${next})`)
    push(edges, tiles, tileLevel, hash, false)
    if (level === 0) newSize++
  }
  const expected = rightmostTileCoordinates(newSize)
  for (let level = 0; level < Math.max(expected.length, edges.length); level++) {
    const want = expected[level]
    const edge = edges[level]
    const consistent = want === undefined ? edge === undefined || edge.width === 0 : edge !== undefined && edge.index === want.index && edge.width === want.width
    if (!consistent) throw new RangeError(`stored hashes leave tile level ${level} inconsistent with size ${newSize}`)
  }
  edges.length = expected.length
  const root = edgesRoot(edges)
  return { size: newSize, root, tiles, rightmost: closeEdges(edges, tiles) }
}

/** MTH of the tree of `size` from its rightmost tiles alone (as appendLeaves takes them). Throws RangeError on a shape mismatch. */
export function rootFromRightmostTiles(size: number, rightmost: readonly (Uint8Array | undefined)[]): Uint8Array {
  return edgesRoot(openEdges(size, rightmost))
}
