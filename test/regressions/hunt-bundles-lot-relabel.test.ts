// Hunt (bundles): a lot's proof bundle relabelled as another lot. `about` is the bundle maker's word, not a
// signed fact; before, `verify --bundle` checked only that about.digitalLink matched about.gtin and about.lot,
// so anyone could take the genuine bundle of one lot, write another lot into `about` and have it print
// "VERIFIED: proof bundle of lot <theirs>" over the first lot's signed events. Now a lot's bundle verifies only
// when one of its signed entries names that lot (an event's goods, an inspection's lot, a recall's ids).

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildDigitalLink, gtinElements } from '../../src/core/digital-link-path.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { BUNDLE_MEDIA_TYPE } from '../../src/core/proof-bundle.js'
import { verifyBundle } from '../../src/web/verify-bundle.js'
import { buildApp } from '../../src/http/app.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { makeNode } from '../helpers/ledger.js'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { commissioning } from '../helpers/food-events.js'

const ZONGZI = '06901234001037'

t.test('a lot bundle relabelled as another lot does not verify', async (t) => {
  const { app } = await seededDemoApp(t)
  const key = (await app.inject({ url: '/v1/log/key' })).body.trim()
  const response = await app.inject({ url: `/01/${ZONGZI}/10/Z260526A`, headers: { accept: BUNDLE_MEDIA_TYPE } })
  t.equal(response.statusCode, 200)
  const genuine = response.json()
  t.ok((await verifyBundle(genuine, nodeEd25519, { verifierKey: key })).ok, 'the genuine bundle verifies')

  const dir = testDir(t)
  const cases: [string, string, string][] = [
    ['a lot the log never saw', ZONGZI, 'FAKE0001'],
    ['another product', '06901234000115', 'Z260526A'],
  ]
  for (const [name, gtin, lot] of cases) {
    const relabelled = structuredClone(genuine)
    relabelled.about = { ...relabelled.about, gtin, lot, digitalLink: buildDigitalLink(gtinElements({ gtin, lot })) }
    const result = await verifyBundle(relabelled, nodeEd25519, { verifierKey: key })
    t.equal(result.ok, false, `${name}: not verified`)
    t.ok(result.failures.some((f) => f.check === 'about'), `${name}: the about check names it`)

    const file = join(dir, `${lot}-${gtin}.json`)
    writeFileSync(file, JSON.stringify(relabelled))
    const cli = await runCli(['verify', '--bundle', file, '--key', key])
    t.equal(cli.code, 1, `${name}: verify --bundle exits 1`)
    t.match(cli.stdout, /^FAILED: proof bundle of lot /)
    t.match(cli.stdout, /what failed:\n.*about/)
  }
})

t.test("a lot named by its EPC URN still proves itself when its lot holds ' : ; = (escaped one way in a URN, another in a Digital Link)", async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const farm = await node.register('farm-odd', ['farm'])
  await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-odd', body: { gtin: ZONGZI, name: { zh: '粽子', en: 'Zongzi' } } }, [farm]))
  const lot = "it's:1;a=b"
  await node.ledger.submit(
    node.statement(
      {
        type: 'food.event',
        actor: 'farm-odd',
        body: commissioning({ quantityList: [{ epcClass: `urn:epc:class:lgtin:6901234.000103.${lot}`, quantity: 10, uom: 'KGM' }] }),
      },
      [farm],
    ),
  )
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(() => app.close())
  const path = new URL(buildDigitalLink(gtinElements({ gtin: ZONGZI, lot }))).pathname
  const response = await app.inject({ url: path, headers: { accept: BUNDLE_MEDIA_TYPE } })
  t.equal(response.statusCode, 200, response.body.slice(0, 200))
  const outcome = await verifyBundle(response.json(), nodeEd25519, { verifierKey: node.ledger.verifierKey })
  t.same(outcome.failures, [])
})
