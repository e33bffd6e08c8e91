// `tracechain verify --dir` audits a data directory "against the checkpoint the directory holds" (every
// signature, rule, leaf and the root). A mirror's directory holds more entries than its checkpoint covers
// whenever a catch-up was cut short (kill -9, a finding part way): the tree at the checkpoint's size must
// still be the one the checkpoint signs. Before, the root was compared only when the sizes were equal, so a
// directory whose signed checkpoint names another tree audited clean.

import t from 'tap'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { signCheckpoint } from '../../src/core/checkpoint.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { verifyDir } from '../../src/cli/verify.js'
import { LevelStore, type StoredHead } from '../../src/store/level-store.js'
import { servedNode } from '../helpers/served-node.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('verify --dir: a checkpoint smaller than the tree held is checked against the tree at its size', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 40))
  const dir = join(root, 'mirror')
  const mirror = await openMirrorDir(dir, { verifierKey: node.ledger.verifierKey, source: url, primary: url })
  const follower = new Follower({ ledger: mirror.ledger, source: url, fetch: httpResources(`${url}/tlog/`), ed: nodeEd25519, dir })
  await follower.poll()
  t.equal(mirror.ledger.size, node.ledger.size)
  await follower.stop()
  await mirror.close()
  t.match(await verifyDir(dir), { ok: true, size: node.ledger.size }, 'the directory as the mirror left it')

  // The head keeps a checkpoint of size 21, as after a catch-up cut short, but one signed by the log's key over a
  // root this tree does not have at 21 (a split view): nothing in the directory is the tree it signs.
  const other = signCheckpoint({ origin: node.config.origin, size: 21, rootHash: new Uint8Array(32).fill(9), extensions: [] }, {
    name: node.config.origin,
    publicKey: node.nodeSigner.publicKey,
    sign: (message) => node.nodeSigner.sign(message),
  })
  const store = await LevelStore.open(join(dir, 'db'))
  const head = (await store.getHead()) as StoredHead
  await store.putMeta('head', { ...head, checkpoint: other })
  await store.close()

  const outcome = await verifyDir(dir)
  t.equal(outcome.ok, false, 'the tree at the checkpoint’s size is not the one it signs')
  t.match(outcome.firstBad, { code: 'CHECKPOINT_MISMATCH' })
})
