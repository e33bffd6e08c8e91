// C2SP tlog-tiles: paths per the spec, batched appends against a naive RFC 9162 tree, reads from tiles.
import t from 'tap'
import { toHex } from '../../src/core/bytes.js'
import { sha256, useSha256Backend } from '../../src/core/hash.js'
import { completedSubtrees, consistencyProof, inclusionProof, leafHash, rootHash, verifyInclusion } from '../../src/core/merkle.js'
import { TILE_HEIGHT, TILE_WIDTH, entryBundlePath, rightmostTileCoordinates, tilePath } from '../../src/core/tile-paths.js'
import {
  TILE_SUMMARY_BYTES,
  TileMissingError,
  adoptTileSummary,
  appendLeaves,
  applyToTiles,
  hashReaderFromTiles,
  rootFromRightmostTiles,
  tileSummary,
  type Tile,
  type TileReader,
} from '../../src/core/tiles.js'
import { mth, path, subproof } from '../helpers/naive-merkle.js'


// Seeded, so a failure reproduces (mulberry32).
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const leafOf = (i: number) => leafHash(new TextEncoder().encode(`entry ${i}`))
const hexList = (hashes: Uint8Array[]) => hashes.map(toHex)

/** A tile store that keeps the widest version of each tile, as a ledger would. */
function tileStore() {
  const tiles = new Map<string, Uint8Array>()
  const read: TileReader = (level, index) => tiles.get(`${level}/${index}`)
  const write = (written: Tile[]) => {
    for (const tile of written) tiles.set(`${tile.level}/${tile.index}`, tile.bytes)
  }
  return { tiles, read, write }
}

t.test('tile and entry bundle paths as the spec writes them', async (t) => {
  t.equal(TILE_HEIGHT, 8)
  t.equal(TILE_WIDTH, 256)
  t.equal(tilePath(0, 1234067, 256), 'tile/0/x001/x234/067')
  t.equal(tilePath(0, 0, 256), 'tile/0/000')
  t.equal(tilePath(1, 5, 17), 'tile/1/005.p/17')
  t.equal(tilePath(2, 1000, 1), 'tile/2/x001/000.p/1')
  t.equal(tilePath(63, 999, 255), 'tile/63/999.p/255')
  t.equal(tilePath(3, 2 ** 53 - 1, 256), 'tile/3/x009/x007/x199/x254/x740/991')
  t.equal(entryBundlePath(1234067, 256), 'tile/entries/x001/x234/067')
  t.equal(entryBundlePath(273, 112), 'tile/entries/273.p/112')
  for (const [level, index, width] of [[64, 0, 256], [-1, 0, 256], [0, -1, 256], [0, 1.5, 256], [0, 0, 0], [0, 0, 257]]) {
    t.throws(() => tilePath(level, index, width), RangeError, `tilePath(${level}, ${index}, ${width})`)
  }
  t.throws(() => entryBundlePath(0, 0), RangeError)
})

t.test('rightmost tiles of the spec examples', async (t) => {
  // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile of width 112,
  // one full level 1 tile, one partial level 1 tile of width 17, and one partial level 2 tile of width 1"
  t.same(rightmostTileCoordinates(70000), [
    { level: 0, index: 273, width: 112 },
    { level: 1, index: 1, width: 17 },
    { level: 2, index: 0, width: 1 },
  ])
  // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
  t.same(rightmostTileCoordinates(256), [{ level: 0, index: 1, width: 0 }, { level: 1, index: 0, width: 1 }])
  t.same(rightmostTileCoordinates(0), [])

  const leaves = Array.from({ length: 70000 }, (_, i) => leafOf(i))
  const result = appendLeaves(0, [], leaves)
  const full = (level: number) => result.tiles.filter((tile) => tile.level === level && tile.width === 256).length
  const partial = result.tiles.filter((tile) => tile.width < 256).map(({ level, index, width }) => ({ level, index, width }))
  t.equal(full(0), 273)
  t.equal(full(1), 1)
  t.equal(full(2), 0)
  t.same(partial, [{ level: 0, index: 273, width: 112 }, { level: 1, index: 1, width: 17 }, { level: 2, index: 0, width: 1 }])
  t.equal(toHex(result.root), toHex(mth(leaves)))
  t.same(result.rightmost.map((bytes) => bytes.length / 32), [112, 17, 1])
  const level1 = result.tiles.find((tile) => tile.level === 1 && tile.index === 0)!
  t.equal(toHex(level1.bytes.subarray(32 * 5, 32 * 6)), toHex(mth(leaves.slice(5 * 256, 6 * 256))), 'level 1 holds level-0 tile hashes')
})

t.test('appends in random batches give the naive tree roots and proofs', async (t) => {
  const random = prng(20261128)
  const store = tileStore()
  const leaves: Uint8Array[] = []
  let size = 0
  let rightmost: Uint8Array[] = []
  const sizes: number[] = []
  while (size < 3000) {
    const batch = Array.from({ length: 1 + Math.floor(random() * (random() < 0.3 ? 5 : 600)) }, (_, i) => leafOf(size + i))
    const result = appendLeaves(size, rightmost, batch)
    leaves.push(...batch)
    t.equal(result.size, leaves.length)
    const want = toHex(mth(leaves))
    if (toHex(result.root) !== want) t.fail(`root at ${result.size}`)
    for (const tile of result.tiles) {
      const expected = Math.min(TILE_WIDTH, Math.floor(result.size / TILE_WIDTH ** tile.level) - tile.index * TILE_WIDTH)
      if (tile.width !== expected || tile.bytes.length !== 32 * tile.width) t.fail(`tile ${tile.level}/${tile.index} width ${tile.width}`)
    }
    store.write(result.tiles)
    size = result.size
    rightmost = result.rightmost
    sizes.push(size)
    if (toHex(rootFromRightmostTiles(size, rightmost)) !== want) t.fail(`root from rightmost tiles at ${size}`)
    if (toHex(rootHash(size, hashReaderFromTiles(store.read))) !== want) t.fail(`root from stored tiles at ${size}`)
  }
  t.pass(`${sizes.length} batches up to ${size}`)

  // Every stored complete subtree below tile level 2 equals the naive one.
  const read = hashReaderFromTiles(store.read)
  for (let level = 0; level <= 12; level++) {
    for (let index = 0; (index + 1) * 2 ** level <= size; index += 1 + Math.floor(random() * 7)) {
      if (toHex(read(level, index)) !== toHex(mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)))) {
        t.fail(`subtree ${level}/${index}`)
      }
    }
  }
  // Proofs for tree sizes that had a checkpoint, from stored tiles only.
  for (let probe = 0; probe < 60; probe++) {
    const treeSize = sizes[Math.floor(random() * sizes.length)]
    const d = leaves.slice(0, treeSize)
    const index = Math.floor(random() * treeSize)
    const proof = inclusionProof(index, treeSize, read)
    t.same(hexList(proof), hexList(path(index, d)), `inclusion ${index}/${treeSize}`)
    verifyInclusion(index, treeSize, leaves[index], proof, mth(d))
    const from = 1 + Math.floor(random() * treeSize)
    t.same(hexList(consistencyProof(from, treeSize, read)), hexList(subproof(from, d, true)), `consistency ${from}->${treeSize}`)
  }
})

t.test('a restart from copies of the rightmost tiles, and two appends from one state, stay correct', async (t) => {
  const leaves = Array.from({ length: 1500 }, (_, i) => leafOf(i))
  const first = appendLeaves(0, [], leaves.slice(0, 700))
  const copies = first.rightmost.map((bytes) => bytes.slice()) // as read back from a store: no cached inner hashes
  t.equal(toHex(rootFromRightmostTiles(700, copies)), toHex(mth(leaves.slice(0, 700))))

  // A failed commit then a different batch: the second append must not see the first one's hashes.
  const other = Array.from({ length: 300 }, (_, i) => leafOf(10000 + i))
  const forkA = appendLeaves(700, first.rightmost, leaves.slice(700, 1000))
  const forkB = appendLeaves(700, first.rightmost, other)
  t.equal(toHex(forkA.root), toHex(mth(leaves.slice(0, 1000))))
  t.equal(toHex(forkB.root), toHex(mth([...leaves.slice(0, 700), ...other])))
  const again = appendLeaves(700, first.rightmost, leaves.slice(700, 1000))
  t.equal(toHex(again.root), toHex(forkA.root))

  const fromCopies = appendLeaves(700, copies, leaves.slice(700))
  const fromMemory = appendLeaves(1000, forkA.rightmost, leaves.slice(1000))
  t.equal(toHex(fromCopies.root), toHex(mth(leaves)))
  t.equal(toHex(fromMemory.root), toHex(mth(leaves)))
  t.same(first.rightmost.map(toHex), copies.map(toHex), 'inputs are not modified')

  const none = appendLeaves(1500, fromCopies.rightmost, [])
  t.same(none.tiles, [])
  t.equal(none.rightmost[0], fromCopies.rightmost[0], 'unchanged tiles are passed through')
  t.equal(toHex(none.root), toHex(mth(leaves)))
})

t.test('applyToTiles from completedSubtrees, one leaf at a time, matches appendLeaves', async (t) => {
  const leaves = Array.from({ length: 600 }, (_, i) => leafOf(i))
  let size = 0
  let rightmost: Uint8Array[] = []
  const written: Tile[] = []
  for (const leaf of leaves) {
    const edges = rightmostTileCoordinates(size)
    const read = hashReaderFromTiles((level, index) => (edges[level]?.index === index ? rightmost[level] : undefined))
    const result = applyToTiles(size, rightmost, completedSubtrees(size, leaf, read))
    written.push(...result.tiles)
    size = result.size
    rightmost = result.rightmost
    if (toHex(result.root) !== toHex(mth(leaves.slice(0, size)))) t.fail(`root at ${size}`)
  }
  const batch = appendLeaves(0, [], leaves)
  t.equal(size, 600)
  t.same(rightmost.map(toHex), batch.rightmost.map(toHex))
  const fullTiles = (tiles: Tile[]) => tiles.filter((tile) => tile.width === TILE_WIDTH).map((tile) => [tile.level, tile.index, toHex(tile.bytes)])
  t.same(fullTiles(written), fullTiles(batch.tiles))

  const leaf = leafOf(600)
  t.throws(() => applyToTiles(600, rightmost, [{ level: 0, index: 601, hash: leaf }]), RangeError, 'a gap')
  const stored = completedSubtrees(767, leaf, () => leaf) // completes a level-0 tile: has a level-8 hash
  t.throws(() => applyToTiles(767, [new Uint8Array(255 * 32), new Uint8Array(2 * 32)], stored.slice(0, 1)), RangeError, 'missing the tile hash')
})

t.test('hashReaderFromTiles throws TileMissingError for absent or narrow tiles, and a caller can load and retry', async (t) => {
  const caught = (run: () => unknown): unknown => {
    try {
      run()
    } catch (error) {
      return error
    }
    return t.fail('should throw')
  }
  const empty = hashReaderFromTiles(() => undefined)
  t.type(caught(() => empty(0, 0)), TileMissingError)
  t.match(caught(() => empty(0, 0)), { tileLevel: 0, tileIndex: 0, width: 1 })
  t.match(caught(() => empty(9, 3)), { tileLevel: 1, tileIndex: 0, width: 8 }, 'level 9 = tile level 1, 2 hashes each')
  t.match(caught(() => empty(7, 5)), { tileLevel: 0, tileIndex: 2, width: 256 }, 'level 7 = half a level 0 tile')
  t.match(caught(() => empty(8, 300)), { tileLevel: 1, tileIndex: 1, width: 45 })
  const narrow = hashReaderFromTiles(() => new Uint8Array(5 * 32))
  t.match(caught(() => narrow(3, 0)), { tileLevel: 0, tileIndex: 0, width: 8 })
  t.throws(() => hashReaderFromTiles(() => new Uint8Array(33))(0, 0), RangeError, 'a malformed tile')

  // The asynchronous pattern a store uses: run, load what is missing, run again.
  const leaves = Array.from({ length: 70000 }, (_, i) => leafOf(i))
  const built = appendLeaves(0, [], leaves)
  const disk = new Map(built.tiles.map((tile) => [`${tile.level}/${tile.index}`, tile.bytes.slice()]))
  const loaded = new Map<string, Uint8Array>()
  const read = hashReaderFromTiles((level, index) => loaded.get(`${level}/${index}`))
  let loads = 0
  const withTiles = async <T>(run: () => T): Promise<T> => {
    for (;;) {
      try {
        return run()
      } catch (error) {
        if (!(error instanceof TileMissingError)) throw error
        const key = `${error.tileLevel}/${error.tileIndex}`
        loaded.set(key, await Promise.resolve(disk.get(key)!))
        loads++
      }
    }
  }
  const proof = await withTiles(() => inclusionProof(12345, 70000, read))
  verifyInclusion(12345, 70000, leaves[12345], proof, built.root)
  t.ok(loads <= 5, `loaded ${loads} tiles`)
})

t.test('appendLeaves rejects inputs of the wrong shape', async (t) => {
  const leaf = leafOf(0)
  t.throws(() => appendLeaves(-1, [], [leaf]), RangeError)
  t.throws(() => appendLeaves(3, [], [leaf]), RangeError, 'missing rightmost tile')
  t.throws(() => appendLeaves(3, [new Uint8Array(64)], [leaf]), RangeError, 'rightmost tile of the wrong width')
  t.throws(() => appendLeaves(0, [new Uint8Array(32)], [leaf]), RangeError, 'tile beyond the tree')
  t.throws(() => appendLeaves(0, [], [leaf.subarray(1)]), RangeError, 'short leaf hash')
  t.same(appendLeaves(0, [], []).root, sha256(new Uint8Array(0)))
  const result = appendLeaves(256, [undefined, appendLeaves(0, [], Array.from({ length: 256 }, (_, i) => leafOf(i))).rightmost[1]], [leaf])
  t.equal(result.size, 257, 'an undefined rightmost tile stands for an empty one')
})

t.test('a tile summary is its inner hashes at levels 5-7, and spares a reader all but 26 node hashes', async (t) => {
  const leaves = Array.from({ length: 512 }, (_, i) => leafOf(i))
  const built = appendLeaves(0, [], leaves)
  const tile = built.tiles.find((x) => x.level === 0 && x.index === 1)!.bytes
  const own = leaves.slice(256)
  const expected: Uint8Array[] = []
  for (const span of [32, 64, 128]) for (let at = 0; at < 256; at += span) expected.push(mth(own.slice(at, at + span)))
  const summary = tileSummary(tile)
  t.equal(summary.length, TILE_SUMMARY_BYTES)
  t.equal(toHex(summary), expected.map(toHex).join(''), 'from the append\'s memo')
  t.equal(toHex(tileSummary(tile.slice())), toHex(summary), 'from the hashes alone')

  // Count node hashes: a proof through a fresh copy of the tile hashes 247 nodes in it, with the summary at most 26.
  let hashes = 0
  const previous = useSha256Backend((data) => (hashes++, sha256Of(data)))
  const sha256Of = previous
  t.teardown(() => void useSha256Backend(previous))
  const upper = built.rightmost[1]
  const proofCost = (bytes: Uint8Array, index: number): number => {
    const read = hashReaderFromTiles((level, i) => (level === 1 && i === 0 ? upper : level === 0 && i === 1 ? bytes : built.tiles.find((x) => x.level === level && x.index === i)?.bytes))
    hashes = 0
    const proof = inclusionProof(index, 512, read)
    const cost = hashes
    t.same(hexList(proof), hexList(path(index, leaves)), `proof of ${index}`)
    return cost
  }
  t.equal(proofCost(tile.slice(), 300), 247, 'no summary: every sibling subtree hashed')
  for (const index of [256, 300, 383, 384, 511]) {
    const copy = tile.slice()
    adoptTileSummary(copy, summary)
    t.ok(proofCost(copy, index) <= 26, `with the summary, proof of ${index}`)
  }
  t.throws(() => tileSummary(tile.subarray(0, 255 * 32)), RangeError, 'a partial tile')
  t.throws(() => adoptTileSummary(tile.slice(), summary.subarray(32)), RangeError, 'a short summary')
  t.throws(() => adoptTileSummary(tile.subarray(32), summary), RangeError, 'a partial tile')
})
