// Hunt (time): LATE_RECORD by witnessed time is raised when the node keeps a witnessed checkpoint, but it was placed
// at the witnesses' time (`at` = when the policy was met, whole seconds of the witnesses' clocks), which trails the
// node's own clock by the round trip, the truncation to a second and any skew within the 10-minute slack. An alert
// the node had stored meanwhile, and a webhook had delivered, sorted after it: the webhook, which reads the alerts
// after its cursor, never delivered the late records the witnesses exposed (after an outage of theirs, all of them).
// Now such an alert is placed no earlier than the node's clock when it is raised.

import { join } from 'node:path'
import t from 'tap'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { verifyAlertDelivery } from '../../src/ledger/alert-envelope.js'
import { listAlerts } from '../../src/ledger/alerts.js'
import { CheckpointCosigning } from '../../src/publish/cosigning.js'
import { WebhookDispatcher } from '../../src/publish/webhooks.js'
import { newSigner } from '../helpers/ledger.js'
import { startWitness } from '../helpers/witnessed-node.js'
import { testDir } from '../helpers/test-dir.js'
import { webhookReceiver } from '../helpers/webhook-receiver.js'

const SIGNED = Date.parse('2026-09-01T04:00:00.000Z')
const HOUR = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString()

t.test('a late record the witnesses expose is delivered by a webhook already past their time', async (t) => {
  const dir = testDir(t)
  let nodeNow = SIGNED
  let witnessNow = SIGNED
  const clock = () => new Date(nodeNow)
  const node = await initialiseNode(join(dir, 'node'), { clock, genesisAt: new Date(SIGNED - 100 * HOUR) })
  t.teardown(() => node.close())
  const operator = readKeyFile(join(dir, 'node', 'keys', 'operator.json'))
  const witness = await startWitness(t, 'witness.test/township', node.ledger.verifierKey, () => witnessNow)
  const cosigning = await CheckpointCosigning.open(node.ledger, { witnesses: [witness], min: 1 }, { ed: nodeEd25519 })
  t.teardown(() => cosigning.close())
  await cosigning.round()

  const { received, url: hookUrl } = await webhookReceiver(t)
  const hooks = new WebhookDispatcher({
    ledger: node.ledger,
    store: node.store,
    nodeSigner: node.nodeSigner,
    origin: node.config.origin,
    targets: [{ kind: 'LATE_RECORD', url: hookUrl }],
    timing: { idleCheckMs: 50 },
    clock,
  })
  t.teardown(() => hooks.close())
  await hooks.start()
  const waitFor = async (count: number) => {
    const end = Date.now() + 5000
    while (received.length < count && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const register = (id: string, issuedAt: number) =>
    node.ledger.submit(
      buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id, issuedAt: iso(issuedAt), body: { id, name: id, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } }, [operator]),
    )

  // Signed and recorded at once; then the witnesses are away for 25 hours.
  const { seq } = await register('on-time', SIGNED)
  nodeNow = SIGNED + 25 * HOUR
  // A registration signed 30 hours before it is recorded: LATE_RECORD by the node's clock, delivered.
  await register('signed-long-ago', SIGNED - 5 * HOUR)
  await waitFor(1)
  t.equal(received.length, 1, 'the late record by recordedAt is delivered')

  // The witnesses come back, their clocks five minutes behind the node's (within the 10-minute slack).
  witnessNow = SIGNED + 25 * HOUR - 5 * 60_000
  nodeNow += 1000
  await cosigning.round()
  const late = (await listAlerts(node.ledger, { kind: 'LATE_RECORD' }, [], clock())).alerts
  t.equal(late.length, 2, 'two late records')
  const byWitnessed = late.find((a) => a.seqs[0] === seq)
  t.match(byWitnessed?.message, /first witnessed 2026-09-02T04:55:00.000Z: 1 days after signing by witnessed time/, 'the on-time entry, late by witnessed time')
  t.equal(byWitnessed?.at, iso(SIGNED + 25 * HOUR + 1000), "placed at the node's clock when raised, not before alerts it already had")
  await waitFor(2)
  t.equal(received.length, 2, 'and the webhook delivers it too')
  if (received.length > 1) t.match(verifyAlertDelivery(JSON.parse(received[1]), node.ledger.verifierKey).alert, { kind: 'LATE_RECORD', seqs: [seq] })
})
