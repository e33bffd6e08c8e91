// A log that forks: a second history of a test node's log, signed with the node's own key and origin, its tiles
// served on a real port of 127.0.0.1, as an operator who shows one history to some and another to others would.

import type { Test } from 'tap'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { buildApp } from '../../src/http/app.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { httpResources } from '../../src/mirror/follower.js'
import type { TestNode } from './ledger.js'
import { testMirror } from './mirror.js'
import { registrations } from './node-process.js'
import { servedNode } from './served-node.js'

/** The other history, of `size` entries, in `root`/fork-<size>; its tiles under `${url}/tlog/`. Closed in teardown. */
export async function forkedLog(t: Test, root: string, node: TestNode, size: number): Promise<{ url: string; ledger: Ledger }> {
  const store = await LevelStore.open(join(root, `fork-${size}`))
  const ledger = await Ledger.initialise({ store, nodeSigner: node.nodeSigner, origin: node.config.origin, ed: nodeEd25519, kinds: DOMAIN_KINDS }, node.operator)
  await ledger.submitMany(registrations(node.operator, `f${size}`, size - 1))
  const app = await buildApp({ ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
    await store.close()
  })
  return { url, ledger }
}

/**
 * A mirror's evidence of a fork: a node in `root`/node with `accepted` entries followed by a mirror (a Follower
 * over the node's tiles on its port), which is then shown the node's key signing another history of `offered`
 * entries. The evidence directory it wrote, and the node.
 */
export async function forkEvidence(t: Test, root: string, sizes: { accepted: number; offered: number }): Promise<{ evidence: string; node: TestNode; url: string }> {
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', sizes.accepted - 1))
  const fork = await forkedLog(t, root, node, sizes.offered)
  let source = httpResources(`${url}/tlog/`)
  const dir = join(root, 'mirror')
  const { follower } = await testMirror(t, dir, { verifierKey: node.ledger.verifierKey, source: url, primary: url, fetch: (path) => source(path) })
  await follower.poll()
  source = httpResources(`${fork.url}/tlog/`)
  await follower.poll()
  const evidence = follower.status.failure?.evidence
  if (evidence === undefined) throw new Error(`the mirror found no fork: ${JSON.stringify(follower.status)}`)
  return { evidence, node, url }
}
