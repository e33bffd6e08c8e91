// A mirror serves the alert stream too: an entry that raises an alert on the node reaches the mirror's
// stream when the mirror has verified and applied it, with the same event id as on the node's stream, so
// a client can resume on either with the id it has.

import { join } from 'node:path'
import t from 'tap'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { demoSigner, seedLedger } from '../../src/cli/demo.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { buildApp } from '../../src/http/app.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { makeNode } from '../helpers/ledger.js'
import { openEventStream } from '../helpers/sse.js'
import { testDir } from '../helpers/test-dir.js'

const overBudget = (applicationId: string) =>
  buildStatementEnvelope(
    {
      type: 'seal.apply',
      actor: 'yiqiao-bookkeeper',
      id: `mirror-stream-${applicationId}`,
      issuedAt: new Date().toISOString(),
      body: { applicationId, sealId: 'yiqiao-committee-seal', title: '镜像预警测试', purpose: '测试', document: { name: 'm.pdf', sha256: 'b'.repeat(64) }, copies: 1, amount: 9000, budget: 8000 },
    },
    [demoSigner('yiqiao-bookkeeper')],
  )

t.test("the mirror's stream tells what the node's does, with the same ids", async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  await seedLedger(node.ledger, node.operator)
  const nodeApp = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const nodeUrl = await nodeApp.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await nodeApp.close()
    await node.close()
  })
  const source = `${nodeUrl}/tlog/`
  const mirror = await openMirrorDir(join(root, 'mirror'), { verifierKey: node.ledger.verifierKey, source, primary: nodeUrl })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch: httpResources(source), ed: nodeEd25519, dir: join(root, 'mirror'), chunkEntries: 300 })
  const mirrorApp = await buildApp({ ledger: mirror.ledger, config: { baseUrl: 'http://127.0.0.1' }, mirror: follower })
  const mirrorUrl = await mirrorApp.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await follower.stop()
    await mirrorApp.close()
    await mirror.close()
  })
  await follower.poll()
  t.equal(mirror.ledger.size, node.ledger.size)

  const onNode = await openEventStream(t, `${nodeUrl}/v1/alerts/stream?kind=OVER_BUDGET`)
  const onMirror = await openEventStream(t, `${mirrorUrl}/v1/alerts/stream?kind=OVER_BUDGET`)
  const { seq } = await node.ledger.submit(overBudget('YQ-MIRROR-1'))
  const told = await onNode.next()
  t.same(await onMirror.collect(200), [], 'not before the mirror has it')
  await follower.poll()
  const mirrored = await onMirror.next()
  t.equal(mirrored.id, told.id, 'the same id: a client resumes on either')
  t.same(JSON.parse(mirrored.data), JSON.parse(told.data))
  t.match(JSON.parse(mirrored.data), { kind: 'OVER_BUDGET', seqs: [seq], applicationIds: ['YQ-MIRROR-1'] })

  // Resuming on the mirror with the node's id: what the mirror has after it, nothing before.
  await node.ledger.submit(overBudget('YQ-MIRROR-2'))
  await follower.poll()
  const resumed = await openEventStream(t, `${mirrorUrl}/v1/alerts/stream?kind=OVER_BUDGET`, { 'last-event-id': told.id as string })
  t.same(JSON.parse((await resumed.next()).data).applicationIds, ['YQ-MIRROR-2'])
  t.same(await resumed.collect(200), [])
})
