// A mirror whose own store cannot be read back (a level-0 tile garbled in its LevelDB) stopped following, as it
// must, but as if the log had misbehaved: a STORE_CORRUPT from its own reads went to the evidence directory and
// to mirror.failure, accusing an honest log. Now it stops following, writes no evidence, and says that its own
// store is at fault and that its data directory must be rebuilt: /healthz, /metrics and the explorer.

import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Level } from 'level'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { TILE_WIDTH } from '../../src/core/tile-paths.js'
import { buildApp } from '../../src/http/app.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { servedNode } from '../helpers/served-node.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test("a garbled tile in the mirror's own store: following stops, no evidence against the log, STORE_CORRUPT said as its own", async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  // A checkpoint inside level-0 tile 1, kept as a stale CDN copy would keep it; then the log grows past tile 1.
  await node.ledger.submitMany(registrations(node.operator, 'a', TILE_WIDTH + 40 - node.ledger.size))
  const stale = node.ledger.checkpoint
  const staleSize = node.ledger.size
  await node.ledger.submitMany(registrations(node.operator, 'b', 2 * TILE_WIDTH))
  const honest = httpResources(`${url}/tlog/`)

  // The mirror catches up over HTTP, and stops.
  const dir = join(root, 'mirror')
  const config = { verifierKey: node.ledger.verifierKey, source: `${url}/tlog/`, primary: url }
  const first = await openMirrorDir(dir, config)
  await new Follower({ ledger: first.ledger, source: config.source, fetch: honest, ed: nodeEd25519, dir }).poll()
  t.equal(first.ledger.size, node.ledger.size, 'caught up')
  await first.close()

  // One record of its LevelDB garbled while it was stopped: level-0 tile 1, a full tile no longer the rightmost.
  const db = new Level<string, Uint8Array>(join(dir, 'db'), { valueEncoding: 'view' })
  const tiles = db.sublevel<string, Uint8Array>('tiles', { valueEncoding: 'view' })
  const key = `00/${(1).toString(16).padStart(12, '0')}`
  const tile = await tiles.get(key)
  t.equal(tile?.length, 32 * TILE_WIDTH, 'the record garbled is the tile')
  await tiles.put(key, tile!.subarray(0, 100))
  await db.close()

  // Started again, it is served the stale copy of the checkpoint (a CDN's), which it checks against its own tree.
  const mirror = await openMirrorDir(dir, config)
  let show = stale
  const follower = new Follower({
    ledger: mirror.ledger,
    source: config.source,
    fetch: async (path) => (path === 'checkpoint' ? new TextEncoder().encode(show) : honest(path)),
    ed: nodeEd25519,
    dir,
  })
  const app = await buildApp({ ledger: mirror.ledger, config: { baseUrl: 'http://127.0.0.1' }, mirror: follower })
  t.teardown(async () => {
    await follower.stop()
    await app.close()
    await mirror.close()
  })
  const sizeBefore = mirror.ledger.size
  await follower.poll()

  const status = follower.status
  t.equal(status.sourceSize, staleSize, 'the stale checkpoint was read and verified')
  t.equal(status.following, false, 'replicating onto a store that cannot be read back is unsafe: following stopped')
  t.notOk(status.failure, 'no finding against the log')
  t.notOk(existsSync(join(dir, 'evidence')), 'no evidence written against the log')
  t.match(status.storeFailure, { code: 'STORE_CORRUPT', reason: /own store.*tile 0\/1\b.*rebuild the mirror's data directory/is })

  const health = await app.inject('/healthz')
  t.equal(health.statusCode, 503)
  t.match(health.json(), { ok: false, mirror: { following: false, storeFailure: { code: 'STORE_CORRUPT', reason: /own store/ } } })
  t.notOk(health.json().mirror.failure, '/healthz accuses no one')
  const metrics = (await app.inject('/metrics')).body
  t.match(metrics, /^tracechain_mirror_following 0$/m)
  t.match(metrics, /^tracechain_mirror_store_corrupt 1$/m)
  const explorer = (await app.inject('/?lang=en')).body
  t.match(explorer, /This mirror stopped following the log: its own store cannot be read back \(STORE_CORRUPT: /)
  t.notMatch(explorer, /did not verify/)
  t.equal((await app.inject('/v1/checkpoint')).body, mirror.ledger.checkpoint, 'it goes on serving what it can')

  // The honest checkpoint again: a stopped mirror follows no more, and still accuses no one.
  show = node.ledger.checkpoint
  await node.ledger.submitMany(registrations(node.operator, 'c', 5))
  show = node.ledger.checkpoint
  await follower.poll()
  t.equal(mirror.ledger.size, sizeBefore, 'nothing replicated onto the corrupt store')
  t.notOk(existsSync(join(dir, 'evidence')))
})
