// LedgerTree over a real LevelStore: proofs from a freshly opened tree (level-0 tiles read from the store,
// before and after the warm-up that summarises them) equal the naive RFC 9162 ones; a missing or short
// tile is STORE_CORRUPT; a cold proof after the warm-up hashes a few dozen nodes, not a tile's 254.
import t, { type Test } from 'tap'
import { toHex } from '../../src/core/bytes.js'
import { useSha256Backend } from '../../src/core/hash.js'
import { leafHash } from '../../src/core/merkle.js'
import { TILE_WIDTH } from '../../src/core/tile-paths.js'
import { LedgerTree } from '../../src/ledger/tree.js'
import { LevelStore } from '../../src/store/level-store.js'
import { mth, path, subproof } from '../helpers/naive-merkle.js'
import { testDir } from '../helpers/test-dir.js'

const SIZE = 5 * TILE_WIDTH + 37
const leaves = Array.from({ length: SIZE }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)))
const hexList = (hashes: Uint8Array[]) => hashes.map(toHex)

/** A store holding the tiles of SIZE leaves, appended in uneven batches through draft/adopt as the ledger does. */
async function filledStore(t: Test, skip: (level: number, index: number) => boolean = () => false) {
  const store = await LevelStore.open(testDir(t))
  t.teardown(() => store.close().catch(() => undefined)) // one test closes it itself
  const tree = await LedgerTree.load(store, 0)
  for (let at = 0; at < SIZE; ) {
    const count = Math.min(SIZE - at, 1 + ((at * 7919) % 300))
    const draft = tree.draft(leaves.slice(at, at + count))
    await store.commit({ entries: [], records: [], tiles: draft.tiles.filter((tile) => !skip(tile.level, tile.index)) })
    tree.adopt(draft)
    at += count
  }
  return { store, tree }
}

async function checkProofs(t: Test, tree: LedgerTree, what: string): Promise<void> {
  for (let seq = 0; seq < SIZE; seq += 7) {
    t.same(hexList(await tree.inclusionProof(seq, SIZE)), hexList(path(seq, leaves)), `${what}: inclusion of ${seq}`)
    const older = seq + 1 + ((seq * 31) % (SIZE - seq))
    t.same(hexList(await tree.inclusionProof(seq, older)), hexList(path(seq, leaves.slice(0, older))), `${what}: inclusion of ${seq} in ${older}`)
    t.same(hexList(await tree.consistencyProof(seq + 1, SIZE)), hexList(subproof(seq + 1, leaves, true)), `${what}: consistency ${seq + 1}..${SIZE}`)
    t.equal(toHex(await tree.rootAt(older)), toHex(mth(leaves.slice(0, older))), `${what}: root at ${older}`)
  }
}

t.test('proofs from a freshly opened tree, before and after its warm-up, equal the naive ones', async (t) => {
  const { store, tree } = await filledStore(t)
  t.equal(tree.summarisedTiles, 5, 'the appends summarised each tile they filled')
  await checkProofs(t, tree, 'the appending tree')

  const cold = await LedgerTree.load(store, SIZE)
  t.equal(toHex(cold.root()), toHex(mth(leaves)))
  await checkProofs(t, cold, 'fresh, warm-up not awaited')

  const warmed = await LedgerTree.load(store, SIZE)
  await warmed.warmedUp()
  t.equal(warmed.summarisedTiles, 5, 'every full level-0 tile summarised')
  await checkProofs(t, warmed, 'fresh, after the warm-up')
})

t.test('after the warm-up, a proof that reads its tile from the store hashes a few dozen nodes', async (t) => {
  const { store } = await filledStore(t)
  const tree = await LedgerTree.load(store, SIZE)
  await tree.warmedUp()
  let hashes = 0
  const previous = useSha256Backend((data) => (hashes++, previous(data)))
  t.teardown(() => void useSha256Backend(previous))
  for (const seq of [3, 300, 700, 1000]) {
    hashes = 0
    const proof = await tree.inclusionProof(seq, SIZE)
    const cost = hashes
    t.same(hexList(proof), hexList(path(seq, leaves)))
    // 26 in the level-0 tile at most, plus folding the right edge of size 1317 (4 parts): 254 without a summary
    t.ok(cost <= 32, `proof of ${seq} hashed ${cost} nodes`)
  }
  // A tile proofs come back to keeps its inner hashes from the second proof on: the third hashes nothing.
  for (const round of [2, 3]) {
    hashes = 0
    const proof = await tree.inclusionProof(300, SIZE)
    if (round === 3) t.equal(hashes, 0, 'a third proof through the same tile')
    t.same(hexList(proof), hexList(path(300, leaves)))
  }
})

t.test('proofs at the current size stay right as the tree grows, and handing them out exposes no cached bytes', async (t) => {
  const store = await LevelStore.open(testDir(t))
  t.teardown(() => store.close())
  const tree = await LedgerTree.load(store, 0)
  for (let size = 0; size < 600; ) {
    const count = 1 + (size % 5)
    const draft = tree.draft(leaves.slice(size, size + count))
    await store.commit({ entries: [], records: [], tiles: draft.tiles })
    tree.adopt(draft)
    size += count
    const d = leaves.slice(0, size)
    for (const seq of [0, size >> 1, size - 1]) {
      const proof = await tree.inclusionProof(seq, size)
      t.same(hexList(proof), hexList(path(seq, d)), `inclusion of ${seq} in ${size}`)
      for (const hash of proof) hash.fill(0xff) // a caller scribbling on its proof
      t.same(hexList(await tree.inclusionProof(seq, size)), hexList(path(seq, d)), `again, ${seq} in ${size}`)
    }
    t.same(hexList(await tree.consistencyProof(1 + (size >> 2), size)), hexList(subproof(1 + (size >> 2), d, true)), `consistency to ${size}`)
  }
})

t.test('a missing or short level-0 tile is STORE_CORRUPT, and the warm-up passes over it', async (t) => {
  const { store } = await filledStore(t, (level, index) => level === 0 && index === 2)
  await store.commit({ entries: [], records: [], tiles: [{ level: 0, index: 1, bytes: new Uint8Array(100 * 32) }] })
  const tree = await LedgerTree.load(store, SIZE)
  await tree.warmedUp()
  t.equal(tree.summarisedTiles, 3, 'tiles 0, 3 and 4')
  await t.rejects(tree.inclusionProof(2 * TILE_WIDTH + 5, SIZE), { code: 'STORE_CORRUPT' }, 'missing')
  await t.rejects(tree.inclusionProof(TILE_WIDTH + 200, SIZE), { code: 'STORE_CORRUPT' }, 'short')
  await t.rejects(tree.inclusionProof(TILE_WIDTH + 200, SIZE), { code: 'STORE_CORRUPT' }, 'short, again')
  await t.rejects(tree.leafHash(2 * TILE_WIDTH), { code: 'STORE_CORRUPT' })
  t.same(hexList(await tree.inclusionProof(3 * TILE_WIDTH + 1, SIZE)), hexList(path(3 * TILE_WIDTH + 1, leaves)), 'other tiles still serve')
})

t.test('the warm-up ends quietly when the store closes under it', async (t) => {
  const { store } = await filledStore(t)
  const tree = await LedgerTree.load(store, SIZE)
  await store.close()
  await t.resolves(tree.warmedUp())
  t.ok(tree.summarisedTiles <= 5)
})
