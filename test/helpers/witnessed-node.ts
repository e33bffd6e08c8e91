// A seeded node on a real port whose checkpoints real witnesses (the witness's own server, each on a real
// port) cosign, for the page and standalone-page tests of witness policies.

import { join } from 'node:path'
import type { Test } from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { witnessKeyOf } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { buildApp } from '../../src/http/app.js'
import { CheckpointCosigning, type WitnessEndpoint } from '../../src/publish/cosigning.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { makeNode, newSigner } from './ledger.js'
import { testDir } from './test-dir.js'

export const WITNESS_NAMES = ['witness.test/hz-amr', 'witness.test/zj-agri']

let made = 0
const roots = new WeakMap<Test, string>()
/** A fresh directory in the test's own (testDir(t) empties it at each call: once per test). */
const freshDir = (t: Test, what: string) => {
  if (!roots.has(t)) roots.set(t, testDir(t))
  return join(roots.get(t) as string, `${what}-${++made}`)
}

/** A witness of `logKey` on a real port, named `name`, on its own `clock` (ms) if given. */
export async function startWitness(t: Test, name: string, logKey: string, clock?: () => number): Promise<WitnessEndpoint> {
  const signer = newSigner()
  const witness = new Witness({
    cosigner: { name, publicKey: signer.publicKey, sign: (m) => signer.sign(m) },
    logs: [logKey],
    state: new WitnessState(freshDir(t, 'witness')),
    ed: nodeEd25519,
    ...(clock ? { clock } : {}),
  })
  const app = buildWitnessApp({ witness })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { url, key: witnessKeyOf(name, signer.publicKey) }
}

/**
 * A node with the two witnesses of WITNESS_NAMES, the first `witnessesUp` of them reachable, `min` required,
 * one round done; the witnesses on `witnessClock` (ms) if given.
 */
export async function witnessedNode(t: Test, witnessesUp: number, min: number, options: { witnessClock?: () => number } = {}) {
  const node = await makeNode(freshDir(t, 'node'))
  await seedLedger(node.ledger, node.operator)
  const witnesses: WitnessEndpoint[] = []
  for (const name of WITNESS_NAMES) {
    const endpoint = await startWitness(t, name, node.ledger.verifierKey, options.witnessClock)
    witnesses.push(witnesses.length < witnessesUp ? endpoint : { ...endpoint, url: 'http://127.0.0.1:9' })
  }
  const cosigning = await CheckpointCosigning.open(node.ledger, { witnesses, min }, { ed: nodeEd25519 })
  await cosigning.round()
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, witnessing: cosigning })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await app.close()
    await cosigning.close()
    await node.close()
  })
  return { url, pin: `#log=${logKeyIdOf(node.ledger.verifierKey)}`, keyId: logKeyIdOf(node.ledger.verifierKey), cosigning, node, witnesses }
}

