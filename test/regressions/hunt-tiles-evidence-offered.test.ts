// A copy that answers the checkpoint with a body longer than any checkpoint (endless) stops a mirror with
// BODY_TOO_LARGE. Its evidence's offered-checkpoint is "the one that failed" (docs/mirror.md): a checkpoint the
// copy served on an earlier poll, which verified, is not that one, and must not be filed as such.

import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { servedNode } from '../helpers/served-node.js'
import { registrations } from '../helpers/node-process.js'
import { hostileServer } from '../helpers/hostile-server.js'
import { testDir } from '../helpers/test-dir.js'

t.test('an endless checkpoint: the evidence files no earlier, verified checkpoint as the one offered', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 20))
  let endless = false
  const copy = await hostileServer(t, (path) => `${url}/tlog${path}`, (path) => (endless && path === '/checkpoint' ? 'endless' : undefined), 8 * 1024 * 1024)
  const dir = join(root, 'mirror')
  const mirror = await openMirrorDir(dir, { verifierKey: node.ledger.verifierKey, source: copy.url, primary: url })
  const follower = new Follower({ ledger: mirror.ledger, source: copy.url, fetch: httpResources(`${copy.url}/`), ed: nodeEd25519, dir })
  t.teardown(async () => {
    await follower.stop()
    await mirror.close()
  })
  await follower.poll()
  t.equal(mirror.ledger.size, node.ledger.size)
  const accepted = mirror.ledger.checkpoint

  endless = true
  await follower.poll()
  const failure = follower.status.failure
  t.match(failure, { code: 'BODY_TOO_LARGE' })
  t.equal(readFileSync(join(failure!.evidence, 'accepted-checkpoint'), 'utf8'), accepted)
  const offered = join(failure!.evidence, 'offered-checkpoint')
  const filed = existsSync(offered) ? readFileSync(offered, 'utf8') : undefined
  t.not(filed, accepted, 'the checkpoint verified on the poll before is not filed as the one that failed')
})
