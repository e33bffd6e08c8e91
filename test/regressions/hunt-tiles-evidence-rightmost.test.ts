// A copy that serves a tampered rightmost tile (the partial tile at the end of the tree, the one that changes
// with every commit) stops a mirror with TILE_INVALID; the evidence must keep that tile exactly as served, as
// docs/mirror.md promises for every tile that does not verify, not only for tiles checked against a parent.

import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { servedNode } from '../helpers/served-node.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a tampered rightmost tile is kept in the evidence, with the tiles checked against the root named', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 20))
  const source = httpResources(`${url}/tlog/`)
  let tampered: { path: string; bytes: Uint8Array } | undefined
  let tamper = false
  const copy: FetchResource = async (path) => {
    const bytes = await source(path)
    if (tamper && bytes && /^tile\/0\/000\.p\/\d+$/.test(path)) {
      const flipped = bytes.slice()
      flipped[5] ^= 1
      tampered = { path, bytes: flipped }
      return flipped
    }
    return bytes
  }
  const dir = join(root, 'mirror')
  const mirror = await openMirrorDir(dir, { verifierKey: node.ledger.verifierKey, source: url, primary: url })
  const follower = new Follower({ ledger: mirror.ledger, source: url, fetch: copy, ed: nodeEd25519, dir })
  t.teardown(async () => {
    await follower.stop()
    await mirror.close()
  })
  await follower.poll()
  t.equal(mirror.ledger.size, node.ledger.size)

  await node.ledger.submitMany(registrations(node.operator, 'b', 5))
  tamper = true
  await follower.poll()
  const failure = follower.status.failure
  t.match(failure, { code: 'TILE_INVALID' })
  t.ok(tampered, 'the copy served a tampered rightmost tile')
  const file = join(failure!.evidence, 'resources', tampered!.path)
  t.ok(existsSync(file), `the evidence keeps ${tampered!.path}`)
  if (existsSync(file)) t.same(new Uint8Array(readFileSync(file)), tampered!.bytes, 'exactly as served')
  t.match(failure!.path, tampered!.path, 'the finding names the tiles that did not give the root')
})
