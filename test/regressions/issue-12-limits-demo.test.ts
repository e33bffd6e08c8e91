// Issue 12: a node started with --seed trusts the demo actors, whose private keys are in the repository,
// and said so nowhere. Now /v1/actors marks them `demo: true` and every HTML page shows a banner, also
// after a restart without --seed; a node without them shows neither.

import t from 'tap'
import { readDemoKeys, seedLedger } from '../../src/cli/demo.js'
import { buildApp } from '../../src/http/app.js'
import { openNode } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { FIXED_TIME, makeNode, newSigner } from '../helpers/ledger.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const PAGES = ['/', '/?lang=en', lotPath(FINE_LOT), `${lotPath(FINE_LOT)}?lang=en`, '/01/123/10/X', '/search?q=nothing-like-it', '/seals/yiqiao-committee-seal']

t.test('demo actors are marked and every page carries the banner, after a restart too', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  const before = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', demoKeys: readDemoKeys() } })
  t.notMatch((await before.inject({ url: '/', headers: { accept: 'text/html' } })).body, /data-demo-node/, 'no banner before any demo actor')
  await before.close()
  await seedLedger(node.ledger, node.operator)
  await node.close()

  const reopened = await openNode(dir)
  const app = await buildApp({ ledger: reopened.ledger, config: { baseUrl: 'http://127.0.0.1', demoKeys: readDemoKeys() } })
  t.teardown(async () => {
    await app.close()
    await reopened.close()
  })
  const { actors } = (await app.inject('/v1/actors')).json() as { actors: { id: string; demo?: boolean }[] }
  t.ok(actors.length > 5)
  t.same(actors.filter((actor) => actor.demo !== true).map((actor) => actor.id), ['operator'], 'every seeded actor but the node operator holds a demo key')
  t.equal((await app.inject('/v1/actors/farm-anji-01')).json().actor.demo, true)
  const farm = { id: 'real-farm', name: 'real farm', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) }
  await reopened.ledger.submit(buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: 'register-real-farm', issuedAt: FIXED_TIME, body: farm }, [node.operator]))
  t.equal((await app.inject('/v1/actors/real-farm')).json().actor.demo, undefined, 'an actor with its own key is not marked')
  for (const url of PAGES) {
    const page = await app.inject({ url, headers: { accept: 'text/html' } })
    t.match(page.headers['content-type'], /^text\/html/, url)
    t.match(page.body, /<body[^>]*><div class="demo-banner" role="alert" data-demo-node/, `${url} (${page.statusCode}) opens with the banner`)
    t.match(page.body, /演示节点.*Demo node/s, url)
  }
  t.notMatch((await app.inject('/v1/checkpoint')).body, /demo-banner/, 'only HTML pages')
})

t.test('a node without demo keys configured shows no banner and marks no actor', async (t) => {
  const { app } = await seededDemoApp(t)
  t.notMatch((await app.inject('/')).body, /data-demo-node/)
  t.equal((await app.inject('/v1/actors/farm-anji-01')).json().actor.demo, undefined)
})
