// `tracechain mirror` closes on SIGTERM by stopping its follower (Follower.stop). A mirror in a long catch-up
// (a new one: a million entries take minutes) must stop between two chunks, each committed whole, rather than
// finish the whole catch-up first: a service manager kills a process that does not stop within its timeout
// (systemd's 90 s, docker's 10 s). The next start resumes from what was committed.

import t from 'tap'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { TILE_WIDTH } from '../../src/core/tile-paths.js'
import { servedNode } from '../helpers/served-node.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('stop() during a catch-up returns after the chunk being committed, not after the whole catch-up', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 12 * TILE_WIDTH))
  const source = httpResources(`${url}/tlog/`)
  // A slow copy: each bundle takes a while, as from a distant CDN.
  const slow: FetchResource = async (path) => {
    if (path.startsWith('tile/entries/')) await new Promise((resolve) => setTimeout(resolve, 150))
    return source(path)
  }
  const dir = join(root, 'mirror')
  const mirror = await openMirrorDir(dir, { verifierKey: node.ledger.verifierKey, source: url, primary: url })
  t.teardown(() => mirror.close())
  const follower = new Follower({ ledger: mirror.ledger, source: url, fetch: slow, ed: nodeEd25519, dir, chunkEntries: TILE_WIDTH })
  follower.start()
  while (mirror.ledger.size < 2 * TILE_WIDTH) await new Promise((resolve) => setTimeout(resolve, 10))
  await follower.stop()
  const stoppedAt = mirror.ledger.size
  t.ok(stoppedAt < node.ledger.size, `stopped at ${stoppedAt} of ${node.ledger.size}, not after the whole catch-up`)
  t.equal(stoppedAt % TILE_WIDTH, 0, 'at the end of a chunk')
  t.equal(follower.status.following, true, 'a stop is no finding')
  t.notOk(follower.status.sourceError, 'nor a source error')

  // Started again on the same directory, it resumes from there and catches up.
  const again = new Follower({ ledger: mirror.ledger, source: url, fetch: source, ed: nodeEd25519, dir })
  await again.poll()
  t.equal(mirror.ledger.size, node.ledger.size)
  t.equal(mirror.ledger.checkpoint, node.ledger.checkpoint)
})
