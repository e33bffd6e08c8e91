// The consumer page enforces the node's witness policy in the browser: a checkpoint cosigned by the witnesses
// the node names says who witnessed it and when; one that lacks them fails, naming how many are required.
// Real witnesses (the witness's own server on a real port), a real node, headless Chromium.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { seedLedger } from '../../src/cli/demo.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { buildApp } from '../../src/http/app.js'
import { CheckpointCosigning, type WitnessEndpoint } from '../../src/publish/cosigning.js'
import { witnessKeyOf } from '../../src/core/cosignature.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { Witness } from '../../src/witness/witness.js'
import { WitnessState } from '../../src/witness/state.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'

let made = 0
const roots = new WeakMap<Test, string>()
/** A fresh directory in the test's own (t.testdir() empties it at each call: once per test). */
const freshDir = (t: Test, what: string) => {
  if (!roots.has(t)) roots.set(t, t.testdir())
  return join(roots.get(t) as string, `${what}-${++made}`)
}

/** A witness of `logKey` on a real port, named `name`. */
async function startWitness(t: Test, name: string, logKey: string): Promise<WitnessEndpoint> {
  const signer = newSigner()
  const witness = new Witness({ cosigner: { name, publicKey: signer.publicKey, sign: (m) => signer.sign(m) }, logs: [logKey], state: new WitnessState(freshDir(t, 'witness')), ed: nodeEd25519 })
  const app = buildWitnessApp({ witness })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { url, key: witnessKeyOf(name, signer.publicKey) }
}

async function witnessedNode(t: Test, witnessesUp: number, min: number) {
  const node = await makeNode(freshDir(t, 'node'))
  await seedLedger(node.ledger, node.operator)
  const witnesses: WitnessEndpoint[] = []
  for (const name of ['witness.test/hz-amr', 'witness.test/zj-agri']) {
    const endpoint = await startWitness(t, name, node.ledger.verifierKey)
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
  return { url, pin: `#log=${logKeyIdOf(node.ledger.verifierKey)}`, cosigning }
}

t.test('a lot page names its witnesses when the policy is met, and fails when it is not', async (t) => {
  if (!haveChromium(t)) return
  const { page, errors } = await launchChromium(t)

  const met = await witnessedNode(t, 2, 2)
  t.equal(met.cosigning.cosignatures.length, 2, JSON.stringify(met.cosigning.witnesses))
  const zh = await openVerifiedPage(page, `${met.url}${lotPath(FINE_LOT)}${met.pin}`)
  t.equal(zh.state, 'verified', zh.status)
  t.match(zh.status, /由 witness\.test\/hz-amr、witness\.test\/zj-agri 2 方见证，最新见证于 /)
  const en = await openVerifiedPage(page, `${met.url}${lotPath(FINE_LOT)}?lang=en${met.pin}`)
  t.match(en.status, /Witnessed by witness\.test\/hz-amr, witness\.test\/zj-agri \(2\), the newest cosignature at /)

  const unmet = await witnessedNode(t, 1, 2)
  t.equal(unmet.cosigning.checkpoint, undefined, 'one witness of two: no checkpoint meets the policy')
  const failed = await openVerifiedPage(page, `${unmet.url}${lotPath(FINE_LOT)}${unmet.pin}`)
  t.equal(failed.state, 'failed')
  t.match(failed.status, /检查点的见证不足：本页要求 2 方见证，有效见证 0 方/)

  const lenient = await witnessedNode(t, 1, 1)
  const one = await openVerifiedPage(page, `${lenient.url}${lotPath(FINE_LOT)}?lang=en${lenient.pin}`)
  t.equal(one.state, 'verified', one.status)
  t.match(one.status, /Witnessed by witness\.test\/hz-amr \(1\)/)
  t.same(errors, [])
})
