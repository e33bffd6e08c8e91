// Hunt (pages): a bound area whose data-evidence names one seq twice. The browser took such an area's evidence
// as "not all verified" and skipped comparing it, counting on the entries' own failures to fail the page; but
// every entry had verified, so no failure was recorded and the page said "verified" over an area it never
// derived: a proxy that repeated one seq could then drop the recall banner, or any fact of a seal page. Now an
// area's evidence is its seqs once each, and an area that cannot be compared fails the page.

import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { seededDemoBehindProxy } from '../helpers/demo-app.js'
import { lotPath, RECALLED_LOT } from '../helpers/web.js'

/** `html` with the first data-evidence list's first seq repeated. */
function repeatFirstSeq(html: string): string {
  return html.replace(/data-evidence="(\d+)/, (_, seq: string) => `data-evidence="${seq} ${seq}`)
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('a repeated evidence seq does not let a rewritten area verify', async (t) => {
    const proxy = await seededDemoBehindProxy(t)
    const { page } = await launchChromium(t)
    const recalled = `${proxy.url}${lotPath(RECALLED_LOT)}`
    t.equal((await openVerifiedPage(page, recalled)).state, 'verified', 'untouched, the recalled lot verifies')

    proxy.rewrite = (html) => repeatFirstSeq(html)
    const repeated = await openVerifiedPage(page, recalled)
    t.equal(repeated.state, 'verified', `a seq repeated alone changes no fact: ${repeated.status}`)

    proxy.rewrite = (html) => {
      const page = repeatFirstSeq(html).replace(/<section class="recall"[^>]*>.*?<\/section>/s, '')
      if (page.includes('class="recall"')) t.fail('the banner is still there')
      return page
    }
    const dropped = await openVerifiedPage(page, recalled)
    t.equal(dropped.state, 'failed', `the recall banner dropped: ${dropped.status}`)
    t.match(dropped.status, '页面所示的「召回」与已签名的记录不符')

    const seal = `${proxy.url}/seals/yiqiao-committee-seal`
    t.equal((await openVerifiedPage(page, seal)).state, 'verified', 'untouched, the seal page verifies')
    proxy.rewrite = (html) => repeatFirstSeq(html).replace(/<li class="alert" data-fact="alert" data-kind="SPLIT_CONTRACT">.*?<\/li>/, '')
    const sealed = await openVerifiedPage(page, seal)
    t.equal(sealed.state, 'failed', `the seal page's split alert dropped: ${sealed.status}`)
  })
}
