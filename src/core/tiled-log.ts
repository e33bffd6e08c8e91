// A C2SP tlog-tiles client (https://c2sp.org/tlog-tiles): reads a log from any copy of its static tiles (the
// node's /tlog/, a directory behind nginx, a CDN) and trusts nothing it has not authenticated against the
// signed checkpoint. Every tile is checked on its own, unlike Go's tlog.TileHashReader, which skips some when
// subtree roots share a tile (docs/research/tiles-pitfall.md): the rightmost tiles by recomputing the root
// from them, every full tile by hashing it into its parent, itself checked first; entries by hashing them into
// the level-0 tiles. Every proof built from the tiles is checked against the root before it is returned.

import { bytesEqual, fromUtf8, toHex } from './bytes.js'
import { verifyCheckpoint, type Checkpoint } from './checkpoint.js'
import type { Ed25519 } from './ed25519.js'
import { parseEntryBundle } from './entry-bundle.js'
import { fail } from './errors.js'
import { HASH_SIZE } from './hash.js'
import { consistencyProof, inclusionProof, leafHash, rootHash, verifyConsistency, verifyInclusion, type HashReader } from './merkle.js'
import { TILE_BYTES, TILE_WIDTH, entryBundlePath, rightmostTileCoordinates, tilePath, tileWidthAt } from './tile-paths.js'
import { TileMissingError, fullTileHash, hashReaderFromTiles, rootFromRightmostTiles } from './tiles.js'

/**
 * Fetches a resource of the log by its path under the log's prefix ("checkpoint", "tile/0/x001/234",
 * "tile/entries/000.p/7"): its bytes (handed over: the reader keeps them and they must not change), or
 * undefined when the copy does not have it (a 404). Any other failure is thrown and passes through.
 */
export type FetchResource = (path: string) => Promise<Uint8Array | undefined>

export interface TiledLogOptions {
  fetch: FetchResource
  /** the log's note verifier key, from a trusted channel: the copy serving the tiles is not one */
  verifierKey: string
  ed: Ed25519
}

/** Full level-0 tiles kept once used (8 KiB each); the rightmost tiles and the upper levels are all kept. */
export const LEVEL0_TILES_KEPT = 1024
/** A proof needs a few tiles per level; more fetches than this for one computation is a bug. */
const MAX_TILE_FETCHES = 64

const tileKey = (level: number, index: number) => `${level}/${index}`

/** A log as one signed checkpoint of it commits to, read from tiles. Built by TiledLog.open. */
export class TiledLog {
  readonly checkpoint: Checkpoint
  /** the signed note as served */
  readonly note: string
  private readonly fetchResource: FetchResource
  /** authenticated tiles: the rightmost tile of every level and every full tile above level 0 */
  private readonly kept = new Map<string, Uint8Array>()
  /** authenticated full level-0 tiles, oldest use first */
  private readonly level0 = new Map<number, Uint8Array>()
  private readonly authenticating = new Map<string, Promise<Uint8Array>>()
  private readonly reader: HashReader

  private constructor(fetchResource: FetchResource, note: string, checkpoint: Checkpoint) {
    this.fetchResource = fetchResource
    this.note = note
    this.checkpoint = checkpoint
    this.reader = hashReaderFromTiles((level, index) => this.kept.get(tileKey(level, index)) ?? (level === 0 ? this.level0.get(index) : undefined))
  }

  /**
   * Fetches the checkpoint, verifies its signature with the verifier key, fetches the rightmost tile of every
   * level and checks that they give the checkpoint's root. With `previous` (a log read earlier from the same
   * key), also checks that this tree extends that one (a consistency proof built from the tiles), then reuses
   * its authenticated full tiles. Everything fetched is attacker-controlled. Throws ENCODING_INVALID,
   * NOTE_MALFORMED, NOTE_SIGNATURE_INVALID (the checkpoint), TILE_INVALID (a tile missing, of the wrong
   * length, or not giving the root), CHECKPOINT_MISMATCH (another origin, or a tree smaller than previous's),
   * PROOF_INVALID (a tree that does not extend previous's); a failure of `fetch` passes through.
   */
  static async open(options: TiledLogOptions, previous?: TiledLog): Promise<TiledLog> {
    const noteBytes = await options.fetch('checkpoint')
    if (noteBytes === undefined) fail('TILE_INVALID', 'the log serves no checkpoint', { path: 'checkpoint', check: 'missing' })
    const note = fromUtf8(noteBytes)
    const log = new TiledLog(options.fetch, note, verifyCheckpoint(options.ed, note, options.verifierKey))
    await log.authenticateRightmost()
    if (previous !== undefined) {
      await log.verifyExtends(previous.checkpoint)
      // Its full tiles are tiles of this tree too, now that this tree is shown to extend that one.
      for (const [key, bytes] of previous.kept) if (bytes.length === TILE_BYTES) log.kept.set(key, bytes)
      for (const [index, bytes] of previous.level0) log.keepLevel0(index, bytes)
    }
    return log
  }

  get size(): number {
    return this.checkpoint.size
  }

  get root(): Uint8Array {
    return this.checkpoint.rootHash
  }

  private async authenticateRightmost(): Promise<void> {
    const coordinates = rightmostTileCoordinates(this.size)
    const rightmost = await Promise.all(
      coordinates.map(({ level, index, width }) => (width === 0 ? new Uint8Array(0) : this.fetchTile(level, index, width))),
    )
    const root = rootFromRightmostTiles(this.size, rightmost)
    if (!bytesEqual(root, this.root)) {
      const paths = coordinates.filter(({ width }) => width > 0).map(({ level, index, width }) => tilePath(level, index, width))
      fail('TILE_INVALID', `the rightmost tiles give root ${toHex(root)}, the checkpoint at size ${this.size} says ${toHex(this.root)}`, {
        check: 'root',
        size: this.size,
        paths,
      })
    }
    coordinates.forEach(({ level, index, width }) => {
      if (width > 0) this.kept.set(tileKey(level, index), rightmost[level])
    })
  }

  /**
   * Tile (level, index) of this tree, authenticated: its first tileWidthAt(size, level, index) hashes.
   * Throws RANGE_INVALID when the tree holds none of it, TILE_INVALID when a copy of it or of a tile above
   * it is missing, has the wrong length, or does not hash to what its parent holds.
   */
  async tile(level: number, index: number): Promise<Uint8Array> {
    if (tileWidthAt(this.size, level, index) === 0) {
      fail('RANGE_INVALID', `the tree of size ${this.size} has no tile ${level}/${index}`, { level, index, size: this.size })
    }
    const key = tileKey(level, index)
    const known = this.kept.get(key) ?? (level === 0 ? this.level0.get(index) : undefined)
    if (known !== undefined) return known
    let pending = this.authenticating.get(key)
    if (pending === undefined) {
      // Not kept, so full (rightmost tiles are authenticated at open): a retry after a failure fetches it again.
      pending = this.authenticateFull(level, index).finally(() => this.authenticating.delete(key))
      this.authenticating.set(key, pending)
    }
    return pending
  }

  private async authenticateFull(level: number, index: number): Promise<Uint8Array> {
    const parentIndex = Math.floor(index / TILE_WIDTH)
    const [bytes, parent] = await Promise.all([this.fetchTile(level, index, TILE_WIDTH), this.tile(level + 1, parentIndex)])
    const at = (index % TILE_WIDTH) * HASH_SIZE
    if (!bytesEqual(fullTileHash(bytes), parent.subarray(at, at + HASH_SIZE))) {
      const path = tilePath(level, index, TILE_WIDTH)
      const parentPath = tilePath(level + 1, parentIndex, tileWidthAt(this.size, level + 1, parentIndex))
      fail('TILE_INVALID', `${path} does not hash to what ${parentPath} holds for it`, { path, check: 'parent', parent: parentPath })
    }
    if (level === 0) this.keepLevel0(index, bytes)
    else this.kept.set(tileKey(level, index), bytes)
    return bytes
  }

  private keepLevel0(index: number, bytes: Uint8Array): void {
    this.level0.delete(index)
    this.level0.set(index, bytes)
    if (this.level0.size > LEVEL0_TILES_KEPT) this.level0.delete(this.level0.keys().next().value as number)
  }

  /** The copy's tile at `width` (the full tile's first hashes where a partial one is gone), unauthenticated. */
  private async fetchTile(level: number, index: number, width: number): Promise<Uint8Array> {
    const path = tilePath(level, index, width)
    let bytes = await this.fetchResource(path)
    if (bytes === undefined && width < TILE_WIDTH) {
      // The spec lets a log delete a partial tile once the full one is there, whose first hashes it is.
      const full = await this.fetchResource(tilePath(level, index, TILE_WIDTH))
      if (full?.length === TILE_BYTES) bytes = full.subarray(0, width * HASH_SIZE)
    }
    if (bytes === undefined) fail('TILE_INVALID', `${path} is missing`, { path, check: 'missing' })
    if (bytes.length !== width * HASH_SIZE) {
      fail('TILE_INVALID', `${path} has ${bytes.length} bytes, not ${width * HASH_SIZE}`, { path, check: 'length' })
    }
    return bytes
  }

  /** Runs a synchronous tree computation over authenticated tiles, fetching each it finds missing. */
  private async withTiles<T>(compute: (read: HashReader) => T): Promise<T> {
    for (let fetches = 0; ; fetches++) {
      try {
        return compute(this.reader)
      } catch (error) {
        if (!(error instanceof TileMissingError) || fetches >= MAX_TILE_FETCHES) throw error
        const bytes = await this.tile(error.tileLevel, error.tileIndex)
        if (bytes.length < error.width * HASH_SIZE) throw new RangeError(`a computation reads past the tree of size ${this.size}`)
      }
    }
  }

  private checkRange(from: number, count: number): void {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(count) || from < 0 || count < 0 || from + count > this.size) {
      fail('RANGE_INVALID', `entries ${from}..${from + count - 1} are outside the tree of size ${this.size}`, { from, count, size: this.size })
    }
  }

  /** Leaf hashes of entries from..from+count-1, from authenticated level-0 tiles. Throws RANGE_INVALID, TILE_INVALID. */
  async leafHashes(from: number, count: number): Promise<Uint8Array[]> {
    this.checkRange(from, count)
    if (count === 0) return []
    const first = Math.floor(from / TILE_WIDTH)
    const last = Math.floor((from + count - 1) / TILE_WIDTH)
    const tiles = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => this.tile(0, first + i)))
    return Array.from({ length: count }, (_, i) => {
      const seq = from + i
      const at = (seq % TILE_WIDTH) * HASH_SIZE
      return tiles[Math.floor(seq / TILE_WIDTH) - first].slice(at, at + HASH_SIZE)
    })
  }

  /**
   * The bytes of entries from..from+count-1 (the leaf hash inputs without their 0x00), from the entry bundles,
   * each checked to hash to its leaf in the authenticated level-0 tile. Fetches every bundle and tile of the
   * range at once: ask for a few thousand entries at a time. Throws RANGE_INVALID, TILE_INVALID (details.check
   * 'bundle' for a malformed bundle, 'entry' with the seq for an entry that does not hash to its leaf).
   */
  async entries(from: number, count: number): Promise<Uint8Array[]> {
    this.checkRange(from, count)
    if (count === 0) return []
    const first = Math.floor(from / TILE_WIDTH)
    const last = Math.floor((from + count - 1) / TILE_WIDTH)
    const bundles = await Promise.all(
      Array.from({ length: last - first + 1 }, async (_, i) => {
        const index = first + i
        const [entries, tile] = await Promise.all([this.fetchBundle(index), this.tile(0, index)])
        entries.forEach((entry, position) => {
          const at = position * HASH_SIZE
          if (!bytesEqual(leafHash(entry), tile.subarray(at, at + HASH_SIZE))) {
            const seq = index * TILE_WIDTH + position
            const path = entryBundlePath(index, entries.length)
            fail('TILE_INVALID', `entry ${seq} in ${path} does not hash to its leaf in ${tilePath(0, index, entries.length)}`, { path, check: 'entry', seq })
          }
        })
        return entries
      }),
    )
    return Array.from({ length: count }, (_, i) => {
      const seq = from + i
      return bundles[Math.floor(seq / TILE_WIDTH) - first][seq % TILE_WIDTH]
    })
  }

  /** The entries of bundle `index` as this tree holds them, parsed but not yet checked against the tiles. */
  private async fetchBundle(index: number): Promise<Uint8Array[]> {
    const width = tileWidthAt(this.size, 0, index)
    const path = entryBundlePath(index, width)
    const bytes = await this.fetchResource(path)
    if (bytes !== undefined) return parseEntryBundle(bytes, width, path)
    if (width < TILE_WIDTH) {
      const fullPath = entryBundlePath(index, TILE_WIDTH)
      const full = await this.fetchResource(fullPath)
      if (full !== undefined) return parseEntryBundle(full, TILE_WIDTH, fullPath).slice(0, width)
    }
    return fail('TILE_INVALID', `${path} is missing`, { path, check: 'missing' })
  }

  /**
   * The leaf hash of entry `index` and its RFC 9162 inclusion proof in this tree, built from authenticated
   * tiles and verified against the checkpoint's root. Throws RANGE_INVALID, TILE_INVALID, PROOF_INVALID.
   */
  async inclusionProof(index: number): Promise<{ leafHash: Uint8Array; proof: Uint8Array[] }> {
    this.checkRange(index, 1)
    const [leaf, proof] = await this.withTiles((read) => [read(0, index), inclusionProof(index, this.size, read)] as const)
    verifyInclusion(index, this.size, leaf, proof, this.root)
    return { leafHash: leaf, proof }
  }

  /**
   * The root this tree had at `size`, and the RFC 9162 consistency proof from that tree to this one: built from
   * authenticated tiles and verified against this tree's root. Requires 0 < size <= this.size (RANGE_INVALID).
   * What the root is compared with is the caller's: a fork shows as a root the older checkpoint does not sign.
   * Throws RANGE_INVALID, TILE_INVALID, PROOF_INVALID.
   */
  async consistencyFrom(size: number): Promise<{ root: Uint8Array; proof: Uint8Array[] }> {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size) {
      fail('RANGE_INVALID', `size ${size} is outside the tree (1..${this.size})`, { size, treeSize: this.size })
    }
    const [root, proof] = await this.withTiles((read) => [rootHash(size, read), consistencyProof(size, this.size, read)] as const)
    verifyConsistency(size, this.size, proof, root, this.root)
    return { root, proof }
  }

  /**
   * Checks that this tree extends `older` (a checkpoint of the same log, verified by the caller): returns the
   * RFC 9162 consistency proof, built from authenticated tiles and verified against both roots. Throws
   * CHECKPOINT_MISMATCH (another origin, or a larger older tree: a rollback), PROOF_INVALID (a fork),
   * TILE_INVALID.
   */
  async verifyExtends(older: Checkpoint): Promise<Uint8Array[]> {
    if (older.origin !== this.checkpoint.origin) {
      fail('CHECKPOINT_MISMATCH', `checkpoint of ${older.origin}, not of ${this.checkpoint.origin}`, { origin: older.origin })
    }
    if (older.size > this.size) {
      fail('CHECKPOINT_MISMATCH', `the tree shrank from ${older.size} to ${this.size}`, { fromSize: older.size, toSize: this.size })
    }
    if (older.size === 0) return []
    const { root, proof } = await this.consistencyFrom(older.size)
    if (!bytesEqual(root, older.rootHash)) {
      fail('PROOF_INVALID', `the tree of size ${this.size} had root ${toHex(root)} at size ${older.size}; the older checkpoint signs ${toHex(older.rootHash)}`, {
        check: 'fromRoot',
        fromSize: older.size,
        toSize: this.size,
      })
    }
    return proof
  }
}
