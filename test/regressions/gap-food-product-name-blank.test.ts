// Gap (food): a food.product whose name showed nothing ("\u200b", " ", {"en": "\u2800"}, {"zh": "粽子", "en": " "}) was
// registered, since the schema's minLength 1 counts characters, not what shows, and the product then showed as
// nothing on the consumer page's goods lines and on the printed label. A new one is now refused as an actor's
// blank name is (400 NAME_BLANK, nothing written); an old log holding one still audits, and its page and label
// show the GTIN where the name would be.

import t from 'tap'
import { DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { toBase64 } from '../../src/core/bytes.js'
import type { Signer } from '../../src/core/keys.js'
import { foodKinds } from '../../src/food/kinds.js'
import { buildApp } from '../../src/http/app.js'
import type { StatementKind } from '../../src/ledger/kinds.js'
import { commissioning } from '../helpers/food-events.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { earlierRule, nodeOfOldLog } from '../helpers/old-log.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'

const GTIN = '06901234001037'

t.test('a new product whose name shows nothing is refused, nothing written', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const farm = newSigner()
  const registered = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'farm-a', name: '甲农场', roles: ['farm'], publicKey: toBase64(farm.publicKey) } }, [node.operator]) })
  t.equal(registered.statusCode, 201)
  const product = (name: unknown) => app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.product', actor: 'farm-a', body: { gtin: GTIN, name } }, [farm]) })
  const refused: [unknown, string][] = [['', 'SCHEMA_INVALID'], [{ zh: '' }, 'SCHEMA_INVALID'], [' ', 'NAME_BLANK'], ['\u200b', 'NAME_BLANK'], ['\u3000\ufeff', 'NAME_BLANK'], [{ en: '\u2800' }, 'NAME_BLANK'], [{ zh: '粽子', en: ' ' }, 'NAME_BLANK']]
  for (const [name, code] of refused) {
    const before = node.ledger.size
    const response = await product(name)
    t.equal(response.statusCode, 400, `${JSON.stringify(name)}: 400`)
    t.equal(response.json().code, code, `${JSON.stringify(name)}: ${code}`)
    t.equal(node.ledger.size, before, 'nothing written')
  }
  t.equal((await product({ zh: '粽子', en: 'Zongzi' })).statusCode, 201, 'a name that shows is taken')
})

// The release before this one: food.product without the name check, as a mirror's replay runs it.
const earlierProduct = earlierRule(foodKinds.find((kind) => kind.type === 'food.product') as StatementKind)

t.test('an old log holding a blank product name audits, and its page and label show the GTIN', async (t) => {
  const farm = newSigner()
  const sign = (type: string, actor: string, body: Record<string, unknown>, signer: Signer = farm) =>
    buildStatementEnvelope({ type, actor, id: `${type}-${actor}`, issuedAt: new Date().toISOString(), body }, [signer])
  const { node, app } = await nodeOfOldLog(t, [...DOMAIN_KINDS, earlierProduct], async (old, operator) => {
    await old.submit(sign('actor.register', 'operator', { id: 'farm-a', name: '甲农场', roles: ['farm'], publicKey: toBase64(farm.publicKey) }, operator))
    await old.submit(sign('food.product', 'farm-a', { gtin: GTIN, name: { zh: '\u200b' } }))
    await old.submit(sign('food.event', 'farm-a', commissioning({ quantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/L1`, quantity: 1, uom: 'KGM' }] })))
  })
  const audit = await app.inject(`/v1/verify?from=0&to=${node.ledger.size}`)
  t.equal(audit.json().ok, true, 'the audit replays the old product')
  for (const [lang, word] of [['zh', '商品条码'], ['en', 'GTIN']]) {
    const page = (await app.inject({ url: `/01/${GTIN}/10/L1?lang=${lang}`, headers: { accept: 'text/html' } })).body
    t.match(page, new RegExp(`<ul class="goods"><li[^>]*>${word} ${GTIN}`), `${lang}: the goods line shows the GTIN`)
  }
  const label = await app.inject(`/v1/labels/${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/10/L1`)}.svg`)
  t.equal(label.statusCode, 200)
  t.match(label.body, `GTIN ${GTIN}`, 'the label prints the GTIN')

  if (haveChromium(t)) {
    await buildVerifierBundle()
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const { page: browser } = await launchChromium(t)
    const verified = await openVerifiedPage(browser, `http://127.0.0.1:${port}/01/${GTIN}/10/L1`)
    t.equal(verified.state, 'verified', `the browser derives the same goods line: ${verified.status}`)
  }
})
