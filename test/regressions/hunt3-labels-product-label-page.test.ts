// Hunt 3 (labels): a registered product gets a label of its own (GTIN alone: "Labels exist only for what the
// ledger knows: a GTIN with a food.product statement"), and the product's linkset offers its page as gs1:pip and
// gs1:defaultLink. Before, that page answered 404 and told the shopper "此批次尚无记录 / No records for this lot yet
// … check the trace code on the pack, or ask the shop": the label the node printed, and the link its own linkset
// gave, led to a page saying the product was unknown. Now a registered product's page answers 200 and says it is
// the product's page, not a lot's; a lot the ledger does not know, and a product nobody registered, stay 404.

import t from 'tap'
import { demoApp, ZONGZI } from '../helpers/web.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'

const UNKNOWN_LOT = { zh: '此批次尚无记录', en: 'No records for this lot yet' }

t.test("a product's label and its linkset's page link open the product's page", async (t) => {
  const { app } = await demoApp(t)
  const label = await app.inject(`/v1/labels/${encodeURIComponent(`https://id.gs1.org/01/${ZONGZI}`)}.svg`)
  t.equal(label.statusCode, 200, 'the product has a label')
  const path = new URL(/https:\/\/trace\.example\.cn\/01\/[^#<]*/.exec(label.body)?.[0] as string).pathname
  t.equal(path, `/01/${ZONGZI}`)
  for (const lang of ['zh', 'en'] as const) {
    const page = await app.inject({ url: `${path}?lang=${lang}`, headers: { accept: 'text/html' } })
    t.equal(page.statusCode, 200, `${lang}: the label's page answers`)
    t.notMatch(page.body, UNKNOWN_LOT[lang], `${lang}: it does not call the product unknown`)
    t.match(page.body, /data-fact="product"/, `${lang}: it shows the product`)
  }
  const linkset = await app.inject({ url: path, headers: { accept: 'application/linkset+json' } })
  t.equal(linkset.statusCode, 200)
  const pip = linkset.json().linkset[0]['https://gs1.org/voc/pip'][0].href as string
  const followed = await app.inject({ url: new URL(pip).pathname + new URL(pip).search, headers: { accept: 'text/html' } })
  t.equal(followed.statusCode, 200, `the linkset's gs1:pip (${pip}) answers`)

  const unknownLot = await app.inject({ url: `/01/${ZONGZI}/10/NO-SUCH-LOT`, headers: { accept: 'text/html' } })
  t.equal(unknownLot.statusCode, 404, 'a lot the ledger does not know is still a 404 page')
  t.match(unknownLot.body, UNKNOWN_LOT.zh)
  const unregistered = await app.inject({ url: '/01/06901234009996', headers: { accept: 'text/html' } })
  t.equal(unregistered.statusCode, 404, 'a product nobody registered is still a 404 page')
})

if (haveChromium(t)) {
  t.test("the product's page verifies in the browser", async (t) => {
    await buildVerifierBundle()
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page } = await launchChromium(t)
    for (const lang of ['zh', 'en']) {
      const opened = await openVerifiedPage(page, `${baseUrl}/01/${ZONGZI}?lang=${lang}`)
      t.equal(opened.state, 'verified', `${lang}: ${opened.status}`)
    }
  })
}
