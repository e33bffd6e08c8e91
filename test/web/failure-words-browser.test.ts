// The consumer script leaves out the words for what failed (web/failure-words-on-demand.ts): in Chromium, a lot
// page that verifies fetches no lazy script; one that fails (here a page that names another signer on an
// entry than the one who signed it) loads it once and says why in the reader's language; and with the lazy
// script unreachable as well, the page still fails, naming the check by its code with its detail.

import t from 'tap'
import { haveChromium, launchChromium, lazyScript, openVerifiedPage } from '../helpers/chromium.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'

if (haveChromium(t)) {
  t.test('the words for what failed come on demand, and a page fails without them all the same', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page, requests } = await launchChromium(t, 'zh-CN', { console: true })
    const url = `${baseUrl}${lotPath(FINE_LOT)}`

    const verified = await openVerifiedPage(page, url)
    t.equal(verified.state, 'verified', verified.status)
    t.notOk(requests.some((request) => lazyScript().test(request)), 'a page that verifies fetches no words for failures')

    // The first entry's signer, as the page names it, swapped for another actor the page also names.
    let signer = ''
    await page.route(`${url}*`, async (route) => {
      const response = await route.fetch()
      const html = await response.text()
      const actors = [...html.matchAll(/data-seq="\d+" data-actor="([^"]+)"/g)].map((match) => match[1])
      const other = actors.find((actor) => actor !== actors[0]) as string
      signer = actors[0]
      await route.fulfill({ response, body: html.replace(`data-actor="${actors[0]}"`, `data-actor="${other}"`) })
    })
    requests.length = 0
    const swapped = await openVerifiedPage(page, url)
    t.equal(swapped.state, 'failed', swapped.status)
    t.match(swapped.status, /第 \d+ 条：页面显示的签名者与记录不符/, "said in Chinese, with the words the 'words' lazy script brought")
    t.same(requests.filter((request) => lazyScript().test(request)).map((request) => lazyScript('words').test(request)), [true], "the 'words' lazy script, fetched once, and no other")
    t.ok(signer, 'the page named a signer')

    await page.route(lazyScript('words'), (route) => route.abort())
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.clearBrowserCache')
    await cdp.detach()
    const wordless = await openVerifiedPage(page, url)
    t.equal(wordless.state, 'failed', wordless.status)
    t.match(wordless.status, new RegExp(`page-mismatch: \\S+ != ${signer}`), 'without its words, the check by its code, with its detail')
  })
}
