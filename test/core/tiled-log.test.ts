// The tlog-tiles reader authenticates every tile, bundle and proof against the signed checkpoint, where Go's
// TileHashReader leaves some tiles unchecked when subtree roots share a tile (docs/research/tiles-pitfall.md:
// 66,000 leaves, a byte flipped in level-0 tile 100, leaf 25,602).

import t from 'tap'
import { bytesEqual } from '../../src/core/bytes.js'
import { signCheckpoint } from '../../src/core/checkpoint.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { consistencyProof, leafHash, rootHash, verifyInclusion } from '../../src/core/merkle.js'
import { TILE_WIDTH, tilePath } from '../../src/core/tile-paths.js'
import { appendLeaves, hashReaderFromTiles } from '../../src/core/tiles.js'
import { TiledLog } from '../../src/core/tiled-log.js'
import { NOTE_SIGNER, ORIGIN, VERIFIER_KEY, buildStaticLog, fetchFrom, madeUpEntry, withFlippedByte } from '../helpers/static-log.js'

const open = (resources: Map<string, Uint8Array>, previous?: TiledLog, fetched?: string[]) =>
  TiledLog.open({ fetch: fetchFrom(resources, fetched), verifierKey: VERIFIER_KEY, ed: nodeEd25519 }, previous)

const SHARED = buildStaticLog(66_000)
const UNSHARED = buildStaticLog(65_792)
const LEAF = 25_602

t.test('66,000 leaves: subtree roots at levels 16, 8, 7, 6 and 4, the last three in one tile', async (t) => {
  t.equal(SHARED.resources.has('tile/0/257.p/208'), true)
  t.equal(Math.floor(LEAF / TILE_WIDTH), 100, 'leaf 25,602 is in level-0 tile 100')
  const log = await open(SHARED.resources)
  t.equal(log.size, 66_000)
  const { leafHash: leaf, proof } = await log.inclusionProof(LEAF)
  t.ok(bytesEqual(leaf, SHARED.leaves[LEAF]))
  verifyInclusion(LEAF, 66_000, leaf, proof, SHARED.root)
  const [entry] = await log.entries(LEAF, 1)
  t.ok(bytesEqual(entry, madeUpEntry(LEAF)))
})

for (const { name, log: staticLog } of [
  { name: '66,000 leaves (roots share a tile)', log: SHARED },
  { name: '65,792 leaves (no shared tile)', log: UNSHARED },
]) {
  t.test(`${name}: one flipped byte in level-0 tile 100 fails every read of leaf 25,602`, async (t) => {
    for (const at of [0, (LEAF % TILE_WIDTH) * 32 + 5, 8191]) {
      const tampered = withFlippedByte(staticLog.resources, 'tile/0/100', at)
      const log = await open(tampered) // the rightmost tiles and the root are untouched
      const expected = { code: 'TILE_INVALID', details: { path: 'tile/0/100', check: 'parent', parent: 'tile/1/000' } }
      await t.rejects(log.leafHashes(LEAF, 1), expected, `byte ${at}: leafHashes`)
      await t.rejects(log.inclusionProof(LEAF), expected, `byte ${at}: inclusionProof`)
      await t.rejects(log.entries(LEAF, 1), expected, `byte ${at}: entries`)
      await t.rejects(log.tile(0, 100), expected, `byte ${at}: tile`)
      // A proof for another leaf that passes through no hash of tile 100 still verifies.
      await log.inclusionProof(60_000)
    }
  })
}

t.test('a flipped byte anywhere is caught where it is read', async (t) => {
  const cases: { path: string; read: (log: TiledLog) => Promise<unknown>; code: string; check?: string }[] = [
    { path: 'tile/0/257.p/208', read: async () => undefined, code: 'TILE_INVALID', check: 'root' },
    { path: 'tile/1/001.p/1', read: async () => undefined, code: 'TILE_INVALID', check: 'root' },
    { path: 'tile/2/000.p/1', read: async () => undefined, code: 'TILE_INVALID', check: 'root' },
    { path: 'tile/1/000', read: (log) => log.inclusionProof(7), code: 'TILE_INVALID', check: 'parent' },
    { path: 'tile/0/000', read: (log) => log.leafHashes(0, 1), code: 'TILE_INVALID', check: 'parent' },
    { path: 'tile/0/256', read: (log) => log.entries(65_600, 3), code: 'TILE_INVALID', check: 'parent' },
    { path: 'tile/entries/100', read: (log) => log.entries(LEAF - 2, 1), code: 'TILE_INVALID', check: 'entry' },
    { path: 'tile/entries/257.p/208', read: (log) => log.entries(65_999, 1), code: 'TILE_INVALID', check: 'entry' },
  ]
  for (const { path, read, code, check } of cases) {
    const resources = withFlippedByte(SHARED.resources, path, 40)
    await t.rejects(
      (async () => read(await open(resources)))(),
      { code, details: { check } },
      `${path}: ${check}`,
    )
  }
  // The checkpoint: its text and its signature.
  const note = new TextDecoder().decode(SHARED.resources.get('checkpoint'))
  for (const [what, at] of [['origin', 3], ['size', note.indexOf('\n') + 1], ['root', note.indexOf('\n', note.indexOf('\n') + 1) + 2], ['signature', note.length - 6]] as const) {
    await t.rejects(open(withFlippedByte(SHARED.resources, 'checkpoint', at)), { code: /^NOTE_/ }, `checkpoint ${what}`)
  }
})

t.test('malformed and missing resources', async (t) => {
  const short = new Map(SHARED.resources)
  short.set('tile/0/100', SHARED.resources.get('tile/0/100')!.subarray(0, 8160))
  await t.rejects((await open(short)).leafHashes(LEAF, 1), { code: 'TILE_INVALID', details: { check: 'length', path: 'tile/0/100' } })
  const missing = new Map(SHARED.resources)
  missing.delete('tile/0/100')
  await t.rejects((await open(missing)).leafHashes(LEAF, 1), { code: 'TILE_INVALID', details: { check: 'missing', path: 'tile/0/100' } })
  const noCheckpoint = new Map(SHARED.resources)
  noCheckpoint.delete('checkpoint')
  await t.rejects(open(noCheckpoint), { code: 'TILE_INVALID', details: { check: 'missing', path: 'checkpoint' } })
  const noPartial = new Map(SHARED.resources)
  noPartial.delete('tile/0/257.p/208')
  await t.rejects(open(noPartial), { code: 'TILE_INVALID', details: { check: 'missing', path: 'tile/0/257.p/208' } })

  const bundle = SHARED.resources.get('tile/entries/100')!
  const cut = new Map(SHARED.resources)
  cut.set('tile/entries/100', bundle.subarray(0, bundle.length - 1))
  await t.rejects((await open(cut)).entries(LEAF, 1), { code: 'TILE_INVALID', details: { check: 'bundle' } })
  const extra = new Map(SHARED.resources)
  extra.set('tile/entries/100', Uint8Array.from([...bundle, 0, 0]))
  await t.rejects((await open(extra)).entries(LEAF, 1), { code: 'TILE_INVALID', details: { check: 'bundle' } })

  const log = await open(SHARED.resources)
  await t.rejects(log.leafHashes(65_999, 2), { code: 'RANGE_INVALID' })
  await t.rejects(log.inclusionProof(66_000), { code: 'RANGE_INVALID' })
  await t.rejects(log.tile(0, 258), { code: 'RANGE_INVALID' })
  await t.rejects(log.tile(0, 257.5), RangeError)
})

t.test('a tile that fails once is fetched again on the next read', async (t) => {
  const resources = withFlippedByte(SHARED.resources, 'tile/0/100', 9)
  const log = await open(resources)
  await t.rejects(log.leafHashes(LEAF, 1), { code: 'TILE_INVALID' })
  resources.set('tile/0/100', SHARED.resources.get('tile/0/100')!)
  t.ok(bytesEqual((await log.leafHashes(LEAF, 1))[0], SHARED.leaves[LEAF]))
})

t.test('rebuild and compare: the entries from the bundles rebuild every tile the copy serves, byte for byte', async (t) => {
  const log = await open(SHARED.resources)
  const entries: Uint8Array[] = []
  for (let from = 0; from < log.size; from += 4096) entries.push(...(await log.entries(from, Math.min(4096, log.size - from))))
  t.equal(entries.length, 66_000)
  const leaves = entries.map(leafHash)
  const tiled = await log.leafHashes(0, log.size)
  t.ok(leaves.every((leaf, i) => bytesEqual(leaf, tiled[i])), 'every entry hashes to its leaf in the level-0 tiles')
  const rebuilt = appendLeaves(0, [], leaves)
  t.ok(bytesEqual(rebuilt.root, log.root), 'the rebuilt root is the signed one')
  let compared = 0
  for (const tile of rebuilt.tiles) {
    const served = SHARED.resources.get(tilePath(tile.level, tile.index, tile.width))
    t.ok(served && bytesEqual(served, tile.bytes), tilePath(tile.level, tile.index, tile.width))
    compared++
  }
  t.equal(compared, 257 + 1 + 1 + 1 + 1, '257 full level-0 tiles, tile/0/257.p/208, tile/1/000, tile/1/001.p/1, tile/2/000.p/1')
})

t.test('consistency with an older checkpoint, built from the tiles', async (t) => {
  const older = buildStaticLog(65_700)
  const first = await open(older.resources)
  const fetched: string[] = []
  const later = await open(SHARED.resources, first, fetched)
  t.ok(!fetched.includes('tile/0/100'), 'full tiles authenticated before are not fetched again')
  const proof = await later.verifyExtends(first.checkpoint)
  const reader = hashReaderFromTiles((level, index) => {
    for (const width of [256, 208, 1]) {
      const bytes = SHARED.resources.get(tilePath(level, index, width))
      if (bytes) return bytes
    }
    return undefined
  })
  t.same(proof, consistencyProof(65_700, 66_000, reader))
  t.ok(bytesEqual(rootHash(65_700, reader), older.root))

  // A fork: the same size with other entries.
  const forked = buildStaticLog(65_700, Array.from({ length: 65_700 }, (_, i) => madeUpEntry(i === 65_000 ? 1_000_000 : i)))
  await t.rejects(open(SHARED.resources, await open(forked.resources)), { code: 'PROOF_INVALID' })
  // A rollback.
  await t.rejects(open(older.resources, later), { code: 'CHECKPOINT_MISMATCH' })
  await t.rejects(later.verifyExtends({ ...first.checkpoint, origin: 'elsewhere' }), { code: 'CHECKPOINT_MISMATCH' })
})

t.test('a copy that deleted partial tiles and bundles, once full, serves them from the full ones', async (t) => {
  // A checkpoint at 65,700 (tile/0/256.p/164) over a copy that has since grown to 66,000 and pruned that partial.
  const older = buildStaticLog(65_700)
  const resources = new Map(SHARED.resources)
  resources.set('checkpoint', older.resources.get('checkpoint')!)
  t.notOk(resources.has('tile/0/256.p/164'))
  t.notOk(resources.has('tile/entries/256.p/164'))
  const fetched: string[] = []
  const log = await open(resources, undefined, fetched)
  t.ok(fetched.includes('tile/0/256.p/164') && fetched.includes('tile/0/256'), 'asked for the partial, then the full tile')
  t.same((await log.entries(65_600, 100)).map((e) => new TextDecoder().decode(e)), older.entries.slice(65_600).map((e) => new TextDecoder().decode(e)))
  await log.inclusionProof(65_699)
})

t.test('the empty tree and a tree of one full tile', async (t) => {
  const one = buildStaticLog(256)
  t.ok(one.resources.has('tile/0/000') && one.resources.has('tile/1/000.p/1'))
  const log = await open(one.resources)
  t.equal((await log.entries(0, 256)).length, 256)
  await log.inclusionProof(255)
  const empty = new Map([['checkpoint', new TextEncoder().encode(signCheckpoint({ origin: ORIGIN, size: 0, rootHash: rootHash(0, () => new Uint8Array(32)), extensions: [] }, NOTE_SIGNER))]])
  const none = await open(empty)
  t.equal(none.size, 0)
  t.same(await none.entries(0, 0), [])
  await none.verifyExtends(none.checkpoint)
})
