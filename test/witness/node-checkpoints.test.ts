// A real node's own checkpoints (Ledger.checkpoint, its consistency proofs) are accepted and cosigned by a
// witness on a real port, through the client a node uses; the cosigned note still verifies with the
// node's key alone.
import { join } from 'node:path'
import t from 'tap'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import { verifyCosignatures } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { addCheckpoint } from '../../src/witness/client.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { makeNode } from '../helpers/ledger.js'
import { testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

t.test("a node's checkpoints, from genesis on, are cosigned as the log grows", async (t) => {
  const node = await makeNode(join(testDir(t, {}), 'node'), { origin: 'tracechain.test/witnessed' })
  t.teardown(() => node.close())
  const cosigner = testCosigner('witness.test/regulator')
  const witness = new Witness({ cosigner, logs: [node.ledger.verifierKey], state: new WitnessState(join(testDir(t, {}), 'logs')), ed: nodeEd25519 })
  const app = buildWitnessApp({ witness })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  let witnessed = 0
  for (const grow of [0, 1, 3, 1, 9]) {
    for (let i = 0; i < grow; i++) await node.register(`farm-${witnessed}-${i}`, ['farm'])
    const checkpoint = node.ledger.checkpoint
    const size = node.ledger.size
    const proof = witnessed === 0 ? [] : await node.ledger.consistencyProof(witnessed, size)
    const result = await addCheckpoint(url, cosigner.key, { oldSize: witnessed, proof, checkpoint })
    if (result.status !== 'cosigned') throw new Error(`size ${size}: ${JSON.stringify(result)}`)
    t.equal(verifyCheckpoint(nodeEd25519, result.note, node.ledger.verifierKey).size, size, `size ${size}: the node key alone accepts the cosigned note`)
    t.same(verifyCosignatures(nodeEd25519, result.note, [cosigner.key]).cosignatures.map((c) => c.name), [cosigner.name])
    t.equal(witness.latestSize(node.ledger.origin), size)
    witnessed = size
  }
  t.equal(witnessed, 15)

  // A node that lost track of the witness (a restart) learns its size from the 409 and catches up.
  await node.register('farm-late', ['farm'])
  const conflict = await addCheckpoint(url, cosigner.key, { oldSize: 0, proof: [], checkpoint: node.ledger.checkpoint })
  t.same(conflict, { status: 'conflict', size: 15 })
  const caughtUp = await addCheckpoint(url, cosigner.key, { oldSize: 15, proof: await node.ledger.consistencyProof(15, 16), checkpoint: node.ledger.checkpoint })
  t.equal(caughtUp.status, 'cosigned')
})
