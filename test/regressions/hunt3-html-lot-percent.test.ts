// Hunt 3 (html): a lot number may hold "%" (GS1 AI 10, character set 82), which its Digital Link path carries as
// %25. The consumer page's bound view checked the page's path against its subject after decodeURI, which turns %25
// back into a bare "%" that no Digital Link parser takes: the view threw, and the node answered 500 "internal
// error" for the lot's page, where a recalled lot's page should say RECALLED. Now the path is read as served, its
// escapes decoded once by the Digital Link parser, and the page renders and verifies.

import t, { type Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const GTIN = '06901234001037'
const LOTS = ['50%OFF', `"<i>'&%:;=?`]
const link = (lot: string) => `https://id.gs1.org/01/${GTIN}/10/${encodeURIComponent(lot)}`
const path = (lot: string) => `/01/${GTIN}/10/${encodeURIComponent(lot)}`

async function recalledLots(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const maker = await node.register('maker', ['farm', 'processor', 'regulator'])
  const post = async (type: string, body: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor: 'maker', body }, [maker]) })
    t.equal(response.statusCode, 201, `${type}: ${response.body.slice(0, 200)}`)
  }
  await post('food.product', { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } })
  for (const lot of LOTS) {
    await post('food.event', {
      '@context': CONTEXT,
      type: 'ObjectEvent',
      eventTime: '2026-06-01T08:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: link(lot), quantity: 10, uom: 'KGM' }],
    })
    await post('food.recall', { ids: [link(lot)], reason: '召回测试 / A test recall', severity: 'class-i' })
  }
  return app
}

t.test('the page of a lot whose number holds "%" shows it, and its recall', async (t) => {
  const app = await recalledLots(t)
  for (const lot of LOTS) {
    const json = await app.inject({ url: path(lot), headers: { accept: 'application/json' } })
    t.equal(json.statusCode, 200, `${lot}: the JSON answer`)
    t.equal(json.json().lot, lot)
    const page = await app.inject({ url: path(lot), headers: { accept: 'text/html' } })
    t.equal(page.statusCode, 200, `${lot}: the page, not ${page.statusCode}`)
    t.match(page.body, '<section class="recall" role="alert" data-fact="recall">', `${lot}: the recall banner`)
    t.equal(/data-fact="lot"><span class="code">([^<]*)</.exec(page.body)?.[1], lot.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'), `${lot}: the lot, escaped`)
  }
})

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('the pages verify in the browser', async (t) => {
    const app = await recalledLots(t)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const { page } = await launchChromium(t)
    for (const lot of LOTS) {
      const opened = await openVerifiedPage(page, `http://127.0.0.1:${port}${path(lot)}`, 30_000)
      t.equal(opened.state, 'verified', `${lot}: ${opened.status}`)
      t.equal(await page.locator('[data-fact="recall"]').count(), 1, `${lot}: the recall banner is shown`)
    }
  })
}
