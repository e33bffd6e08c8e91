// C2SP tlog-tiles paths read back (attacker-controlled, from a URL) and the width of a tile in a tree.
import t from 'tap'
import { formatEntryBundle, parseEntryBundle } from '../../src/core/entry-bundle.js'
import { entryBundlePath, newTileResources, parseTilePath, tilePath, tileResourcePath, tileWidthAt } from '../../src/core/tile-paths.js'

t.test('parseTilePath reads back what tilePath and entryBundlePath write', async (t) => {
  for (const [level, index, width] of [[0, 0, 256], [0, 1234067, 256], [1, 5, 17], [63, 999, 1], [2, 1000, 255], [0, Number.MAX_SAFE_INTEGER, 3]]) {
    t.same(parseTilePath(tilePath(level, index, width)), { kind: 'tile', level, index, width }, tilePath(level, index, width))
    t.same(parseTilePath(entryBundlePath(index, width)), { kind: 'entries', index, width }, entryBundlePath(index, width))
  }
})

t.test('parseTilePath refuses every other spelling with BAD_REQUEST', async (t) => {
  const bad = [
    '', 'tile', 'tile/0', 'tile/0/', 'tile/0/1', 'tile/0/0000', 'tile/00/000', 'tile/01/000', 'tile/64/000', 'tile/-1/000',
    'tile/0/x000/001', 'tile/0/x001', 'tile/0/001/x002', 'tile/0/X001/002', 'tile/0/000.p/0', 'tile/0/000.p/256',
    'tile/0/000.p/01', 'tile/0/000.p/', 'tile/0/000.p', 'tile/0/000/', '/tile/0/000', 'tile//0/000', 'tile/0/000?x=1',
    'tile/data/000', 'tile/entries/000.p/1000', 'tile/entries', 'tile/8/0/000', 'tile/0/x009/x007/x199/x254/x740/x992/000',
    'tile/0/٠٠٠', 'tile/0/000 ', ' tile/0/000', 'tile/0/000\n', `tile/0/${'x001/'.repeat(20)}000`,
  ]
  for (const path of bad) t.throws(() => parseTilePath(path), { code: 'BAD_REQUEST' }, JSON.stringify(path))
  t.throws(() => parseTilePath(42 as unknown as string), { code: 'BAD_REQUEST' })
})

t.test('tileWidthAt: full, partial, none (the spec\'s tree of 70,000)', async (t) => {
  t.equal(tileWidthAt(70_000, 0, 272), 256)
  t.equal(tileWidthAt(70_000, 0, 273), 112)
  t.equal(tileWidthAt(70_000, 0, 274), 0)
  t.equal(tileWidthAt(70_000, 1, 0), 256)
  t.equal(tileWidthAt(70_000, 1, 1), 17)
  t.equal(tileWidthAt(70_000, 2, 0), 1)
  t.equal(tileWidthAt(70_000, 3, 0), 0)
  t.equal(tileWidthAt(256, 1, 0), 1)
  t.equal(tileWidthAt(0, 0, 0), 0)
  t.throws(() => tileWidthAt(1, 64, 0), RangeError)
  t.throws(() => tileWidthAt(-1, 0, 0), RangeError)
})

t.test('entry bundles: uint16 big-endian lengths, exactly the count asked for', async (t) => {
  const entries = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(0xffff).fill(9)]
  const bundle = formatEntryBundle(entries)
  t.same([...bundle.subarray(0, 7)], [0, 0, 0, 3, 1, 2, 3])
  t.same([...bundle.subarray(7, 9)], [0xff, 0xff])
  t.equal(bundle.length, 2 + 5 + 2 + 0xffff)
  t.same(parseEntryBundle(bundle, 3).map((e) => e.length), [0, 3, 0xffff])
  t.throws(() => parseEntryBundle(bundle, 2), { code: 'TILE_INVALID', details: { check: 'bundle' } })
  t.throws(() => parseEntryBundle(bundle, 4), { code: 'TILE_INVALID', details: { check: 'bundle' } })
  t.throws(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1), 3), { code: 'TILE_INVALID' })
  t.throws(() => parseEntryBundle(Uint8Array.of(0), 1), { code: 'TILE_INVALID' })
  t.same(parseEntryBundle(new Uint8Array(0), 0), [])
  t.throws(() => formatEntryBundle([new Uint8Array(0x10000)]), RangeError)
  t.throws(() => formatEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(0))), RangeError)
})

/** Every resource a copy at `size` serves (full and rightmost partial tiles and bundles), by path. */
function resourcesAt(size: number): Set<string> {
  const paths = new Set<string>()
  for (let level = 0; Math.floor(size / 256 ** level) >= 1; level++) {
    for (let index = 0; tileWidthAt(size, level, index) > 0; index++) {
      const width = tileWidthAt(size, level, index)
      paths.add(tilePath(level, index, width))
      if (level === 0) paths.add(entryBundlePath(index, width))
    }
  }
  return paths
}

t.test('newTileResources: what a copy at one size lacks for another, full ones first', async (t) => {
  const sizes = [0, 1, 2, 255, 256, 257, 511, 512, 513, 65_535, 65_536, 65_537, 66_000, 70_000]
  for (const from of sizes) {
    for (const to of sizes) {
      if (from > to) continue
      const resources = newTileResources(from, to)
      const paths = resources.map(tileResourcePath)
      const expected = [...resourcesAt(to)].filter((path) => !resourcesAt(from).has(path))
      t.same(new Set(paths), new Set(expected), `${from} -> ${to}`)
      t.equal(paths.length, new Set(paths).size, `${from} -> ${to}: no repeats`)
      const firstPartial = resources.findIndex((r) => r.width < 256)
      t.ok(firstPartial === -1 || resources.slice(firstPartial).every((r) => r.width < 256), `${from} -> ${to}: full ones first`)
    }
  }
  t.throws(() => newTileResources(2, 1), RangeError)
})
