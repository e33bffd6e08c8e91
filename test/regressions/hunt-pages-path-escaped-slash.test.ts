// Hunt (pages): the consumer page's path must be the one the browser asked for, so that another lot's or item's
// page cannot be served at this lot's address. The check compared the two paths with decodeURIComponent, which
// also undoes an escaped "/" (%2F): a lot whose name holds "/21/" (GS1's character set 82 allows "/"), asked for
// as /01/{gtin}/10/P%2F21%2F3, matched the page of item 3 of lot P, /01/{gtin}/10/P/21/3, and that page verified
// at the lot's address. Now the paths are compared with the reserved characters' escapes kept (decodeURI).

import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { makeNode } from '../helpers/ledger.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { testDir } from '../helpers/test-dir.js'
import { commissioning } from '../helpers/food-events.js'

const GTIN = '06901234001037'

if (haveChromium(t)) {
  t.test("an item's page served at the address of a lot whose name holds /21/ does not verify", async (t) => {
    await buildVerifierBundle()
    const node = await makeNode(testDir(t))
    const farm = await node.register('farm-slash', ['farm'])
    await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-slash', body: { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } } }, [farm]))
    await node.ledger.submit(
      node.statement(
        {
          type: 'food.event',
          actor: 'farm-slash',
          body: commissioning({ epcList: ['urn:epc:id:sgtin:6901234.000103.3'] }),
        },
        [farm],
      ),
    )
    const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
    t.teardown(async () => {
      await app.close()
      await node.close()
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const proxy = await startRewritingProxy(t, `http://127.0.0.1:${port}`)
    const { page } = await launchChromium(t)

    const item = `/01/${GTIN}/10/P/21/3`
    const lot = `/01/${GTIN}/10/P%2F21%2F3`
    t.equal((await openVerifiedPage(page, `${proxy.url}${item}`)).state, 'verified', "the item's own page verifies")
    const itemPage = await (await fetch(`${proxy.url}${item}`, { headers: { accept: 'text/html' } })).text()
    // The lot's address answered with the item's page, as a hostile copy would.
    proxy.rewrite = (html, path) => (path === lot ? itemPage : html)
    const moved = await openVerifiedPage(page, `${proxy.url}${lot}`)
    t.equal(moved.state, 'failed', `the item's page at the lot's address: ${moved.status}`)
  })
}
