// A superseded partial tile stays in DIR for the grace period "so a client holding a checkpoint a CDN cached
// for a few seconds still finds the partial tiles it names" (docs/static-log.md). A publication that failed
// part way (a full disk: the small hash tile fitted, the bundle did not) leaves a wider partial tile in DIR
// that no checkpoint names. Before, the grace was counted from that file's write: when space came back after
// the grace, the next publication removed the partial tile the checkpoint DIR had held until that moment,
// and every reader still holding that checkpoint (a CDN's copy, a page just loaded) found its rightmost tile
// gone, with no full tile to fall back to: "the log tile does not check out". The grace runs from the moment
// a partial tile stops being named by the checkpoint in DIR.

import t from 'tap'
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, rmSync, utimesSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { TiledLog, type FetchResource } from '../../src/core/tiled-log.js'
import { Publisher } from '../../src/publish/publisher.js'
import { fetchDirectory, filesOf } from '../helpers/static-log.js'
import { makeNode } from '../helpers/ledger.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { mountTmpfs } from '../helpers/tmpfs.js'

/** Fills the filesystem of `path` to the last byte, then frees `pages` pages: room for a small file, not a large one. */
function fillLeaving(path: string, pages: number): void {
  const fd = openSync(path, 'w')
  const block = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) writeSync(fd, block)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  }
  try {
    for (;;) writeSync(fd, block, 0, 1)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  }
  ftruncateSync(fd, Math.max(0, fstatSync(fd).size - pages * 4096))
  closeSync(fd)
}

t.test('a publication cut short by a full disk: the partial tile the previous checkpoint names outlives the next publication', async (t) => {
  const disk = mountTmpfs(t, 1)
  if (!disk) return
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  const dir = join(disk.path, 'published')
  const graceMs = 3_600_000
  const publisher = await Publisher.open(node.ledger, dir, { partialGraceMs: graceMs })
  const next = () => node.ledger.submitMany(registrations(node.operator, `f${node.ledger.size}`, 10))

  await next()
  await publisher.publish()
  const heldSize = node.ledger.size
  const named = `tile/0/000.p/${heldSize}`
  t.ok(existsSync(join(dir, named)), `DIR's checkpoint names ${named}`)

  // The disk fills: the next publication writes its hash tile (one page), not its bundle (several).
  const filler = join(disk.path, 'filler')
  fillLeaving(filler, 1)
  await next()
  await t.rejects(publisher.publish(), { code: 'ENOSPC' })
  t.ok(existsSync(join(dir, `tile/0/000.p/${node.ledger.size}`)), 'the cut-short publication left its wider hash tile')
  t.equal(publisher.publishedSize, heldSize, `DIR's checkpoint is still the one naming ${named}`)

  // Space comes back, well past the grace after those writes (their times set back by two graces: the story's
  // hours); the node has appended meanwhile.
  rmSync(filler)
  const then = new Date(Date.now() - 2 * graceMs)
  for (const path of filesOf(dir).keys()) utimesSync(join(dir, path), then, then)
  const cached = readFileSync(join(dir, 'checkpoint'))
  await next()
  await publisher.publish()
  t.equal(publisher.publishedSize, node.ledger.size)

  // A CDN serving the checkpoint it cached just before this publication (it keeps it for seconds), with DIR's tiles.
  t.ok(existsSync(join(dir, named)), `${named}, named by the checkpoint DIR held a moment ago, is still there`)
  const files = fetchDirectory(dir)
  const cdn: FetchResource = async (path) => (path === 'checkpoint' ? cached : files(path))
  const read = await TiledLog.open({ fetch: cdn, verifierKey: node.ledger.verifierKey, ed: nodeEd25519 }).then(
    async (log) => (await log.entries(0, log.size)).length,
    (error: Error) => error.message,
  )
  t.equal(read, heldSize, 'a reader given that checkpoint reads the tree it names')
})
