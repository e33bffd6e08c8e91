// Gap (node directory lock): `tracechain serve --dir D` initialises D when it is new or empty. LevelDB's lock keeps
// two processes from opening one store, but init writes before the store is opened: the node's and the operator's
// keys, then it removes D/db (what an init killed half-way leaves) and opens it. Two serves started at once on a
// new D (a supervisor that started it twice, a unit file and a shell) both initialised it: each made its own keys,
// the second's key file replaced the first's, and one could remove the other's open store and make its own. The
// node that kept serving signed its checkpoints with a key no longer on disk: restarted, it came back under another
// log key, a log no mirror, witness or label knew. Now init takes a lock the kernel holds on D itself (flock on
// the directory, store/file-lock.ts) and keeps it while the node it made is open: one serves, the others are refused.

import { join } from 'node:path'
import t from 'tap'
import { startNode, type NodeProcess } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

/** Serves started at once on one new directory, each round. */
const RACERS = 4
const ROUNDS = 3

const logKeyOf = (node: NodeProcess) => /log key\s+(\S+)/.exec(node.output())?.[1]

t.test('serves started at once on a new directory: one serves, the others are refused, and its key is the one on disk', async (t) => {
  const root = testDir(t, {})
  for (let round = 0; round < ROUNDS; round++) {
    const dir = join(root, `node-${round}`)
    const started = await Promise.allSettled(Array.from({ length: RACERS }, () => startNode({ dir })))
    const serving = started.filter((result): result is PromiseFulfilledResult<NodeProcess> => result.status === 'fulfilled').map((result) => result.value)
    const refused = started.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => String((result.reason as Error).message))
    t.teardown(() => Promise.all(serving.map((node) => node.stop())))
    t.equal(serving.length, 1, `round ${round}: exactly one node serves the directory`)
    for (const reason of refused) t.match(reason, /DIRECTORY_IN_USE|ALREADY_INITIALISED/, `round ${round}: the others are refused: ${reason.slice(0, 300)}`)
    const keys = serving.map(logKeyOf)
    await Promise.all(serving.map((node) => node.stop()))
    const restarted = await startNode({ dir })
    t.teardown(() => restarted.stop())
    t.ok(keys.includes(logKeyOf(restarted)), `round ${round}: restarted, the node signs under the log key it served (${keys.join(', ')}), not ${logKeyOf(restarted)}`)
    await restarted.stop()
    if (serving.length !== 1 || !keys.includes(logKeyOf(restarted))) break
  }
})
