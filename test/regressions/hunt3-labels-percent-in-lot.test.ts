// Hunt 3 (labels): a lot or serial may hold "%" (GS1 character set 82 allows it), and its label's QR code
// carries it escaped, /10/A%25B. Before, the consumer page at that address answered 500 INTERNAL: the page's
// bound view read its path through decodeURI, which undoes %25, and the Digital Link parser then refused the
// stray "%" ("A%B"); a lot named "%2F" came out as "/" and the page was "of another lot". A shopper scanning the
// label got an error page, while the JSON view and the bundle of the same URI answered. Now the path is parsed
// as it was asked for (the parser reads escapes itself), and the label's URI opens the lot's page.

import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { encodeDigitalLinkValue } from '../../src/core/digital-link-path.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { commissioning } from '../helpers/food-events.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'

const GTIN = '06901234001037'

t.test("a label's URI with an escaped % opens the lot's or item's page, not a 500", async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const farm = await node.register('farm-pct', ['farm'])
  await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-pct', body: { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } } }, [farm]))
  const ids = [
    ...['A%B', '%2F', '50%', '%25'].map((lot) => `https://id.gs1.org/01/${GTIN}/10/${encodeDigitalLinkValue(lot)}`),
    `https://id.gs1.org/01/${GTIN}/21/${encodeDigitalLinkValue('S%41')}`,
  ]
  for (const id of ids) {
    const goods = id.includes('/21/') ? { epcList: [id] } : { quantityList: [{ epcClass: id, quantity: 10, uom: 'KGM' }] }
    await node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-pct', body: commissioning(goods) }, [farm]))
    const label = await app.inject(`/v1/labels/${encodeURIComponent(id)}.svg`)
    t.equal(label.statusCode, 200, `${id}: a label`)
    const uri = /https:\/\/trace\.example\.cn(\/01\/[^#<]*)#log=/.exec(label.body)?.[1]
    t.ok(uri, `${id}: the label prints its URI`)
    const page = await app.inject({ url: uri as string, headers: { accept: 'text/html' } })
    t.equal(page.statusCode, 200, `${uri}: the page answers (${page.statusCode === 200 ? '' : page.body.slice(0, 120)})`)
    t.match(page.body, 'data-bound', `${uri}: it is the lot's bound page`)
    const json = await app.inject({ url: uri as string, headers: { accept: 'application/json' } })
    t.equal(json.json().digitalLink, id, `${uri}: the JSON view names the same lot`)
  }
})

if (haveChromium(t)) {
  t.test('the page at a label URI holding %25 verifies in the browser', async (t) => {
    await buildVerifierBundle()
    const node = await makeNode(testDir(t))
    const farm = await node.register('farm-pct', ['farm'])
    await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-pct', body: { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } } }, [farm]))
    const lot = `https://id.gs1.org/01/${GTIN}/10/${encodeDigitalLinkValue('50%')}`
    await node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-pct', body: commissioning({ quantityList: [{ epcClass: lot, quantity: 10, uom: 'KGM' }] }) }, [farm]))
    const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
    t.teardown(async () => {
      await app.close()
      await node.close()
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const { page } = await launchChromium(t)
    const opened = await openVerifiedPage(page, `http://127.0.0.1:${port}/01/${GTIN}/10/50%25`)
    t.equal(opened.state, 'verified', opened.status)
  })
}
