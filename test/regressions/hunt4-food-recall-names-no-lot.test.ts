// Hunt 4 (food): a recall marks the lots it names and what is made from them or carries them. A regulator who
// recalled a whole product by the link on its label (https://id.gs1.org/01/{gtin}, or urn:epc:idpat:sgtin:CP.IR.*)
// got 201, and the recall covered nothing: every lot of the product still answered "recalled": false, and selling
// one afterwards raised no EVENT_AFTER_RECALL. So did a location's SGLN. Such a recall is now refused with 400
// IDENTIFIER_INVALID, saying to name the lots, and nothing is written.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

t.test('a recall naming a product or a place, not a lot, is refused', async (t) => {
  const { node, app } = await seededDemoApp(t)
  const size = async () => (await app.inject('/v1/checkpoint')).body.split('\n')[1]
  const before = await size()
  for (const id of ['https://id.gs1.org/01/06901234001037', 'urn:epc:idpat:sgtin:6901234.000103.*', 'urn:epc:id:sgln:6901234.00005.0']) {
    const res = await app.inject({
      method: 'POST', url: '/v1/statements',
      payload: node.statement({ type: 'food.recall', actor: 'regulator-hz', body: { ids: ['https://id.gs1.org/01/06901234000115/10/R2605A', id], reason: 'whole product', severity: 'class-i' } }, [demoSigner('regulator-hz')]) as never,
    })
    t.equal(res.statusCode, 400, id)
    t.equal(res.json().code, 'IDENTIFIER_INVALID')
    t.match(res.json().message, /name (its|the) lots/)
  }
  t.equal(await size(), before, 'nothing written')
  t.equal((await app.inject({ url: '/01/06901234000115/10/R2605A', headers: { accept: 'application/json' } })).json().recalled, false, 'not even the lot named beside it')

  const lot = await app.inject({
    method: 'POST', url: '/v1/statements',
    payload: node.statement({ type: 'food.recall', actor: 'regulator-hz', body: { ids: ['https://id.gs1.org/01/06901234001037/10/Z260526A'], reason: 'one lot', severity: 'class-ii' } }, [demoSigner('regulator-hz')]) as never,
  })
  t.equal(lot.statusCode, 201, 'a lot is recalled as before')
})

t.test('a mirror follows an old log holding a recall of a whole product', async (t) => {
  const { Ledger } = await import('../../src/ledger/ledger.js')
  const { DOMAIN_KINDS } = await import('../../src/cli/node-dir.js')
  const { LevelStore } = await import('../../src/store/level-store.js')
  const { nodeEd25519 } = await import('../../src/core/ed25519-node.js')
  const { buildStatementEnvelope } = await import('../../src/core/dsse.js')
  const { buildApp } = await import('../../src/http/app.js')
  const { injectedTiles, testMirror } = await import('../helpers/mirror.js')
  const { earlierKinds, earlierRule } = await import('../helpers/old-log.js')
  const { newSigner } = await import('../helpers/ledger.js')
  const { testDir } = await import('../helpers/test-dir.js')
  const { join } = await import('node:path')
  const root = testDir(t)
  // The earlier release's rule: a recall of a GTIN alone was taken (and covered nothing).
  const kinds = earlierKinds(earlierRule(DOMAIN_KINDS.find((kind) => kind.type === 'food.recall') as (typeof DOMAIN_KINDS)[number]))
  const store = await LevelStore.open(join(root, 'node', 'db'))
  const operator = newSigner()
  const regulator = newSigner()
  const ledger = await Ledger.initialise({ store, nodeSigner: newSigner(), origin: 'tracechain.test/old', ed: nodeEd25519, kinds }, operator)
  const app = await buildApp({ ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
    await store.close()
  })
  const sign = (type: string, actor: string, id: string, body: Record<string, unknown>, signer: typeof operator) =>
    buildStatementEnvelope({ type, actor, id, issuedAt: new Date().toISOString(), body }, [signer])
  const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
  await ledger.submit(sign('actor.register', 'operator', 'reg', { id: 'regulator-x', name: '市场监管局', roles: ['regulator'], publicKey: toBase64(regulator.publicKey) }, operator))
  const recall = await ledger.submit(sign('food.recall', 'regulator-x', 'whole', { ids: ['https://id.gs1.org/01/06901234001037'], reason: 'whole product', severity: 'class-i' }, regulator))
  t.equal(recall.created, true, 'the old release took it')

  const { mirror, follower } = await testMirror(t, join(root, 'mirror'), { verifierKey: ledger.verifierKey, fetch: injectedTiles(app) })
  await follower.poll()
  t.equal(follower.status.following, true, JSON.stringify(follower.status.failure))
  t.equal(mirror.ledger.size, ledger.size, 'the mirror holds the whole log')
})
