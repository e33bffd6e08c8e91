// A split-contract group whose titles are partly in traditional characters, on the seal page (/seals/:id) and
// the console's seals view (/console/seals) in headless Chromium, against a real node on 127.0.0.1 behind a
// rewriting proxy. The browser checks the group again with the titles folded to simplified characters (seal/
// simplified.ts), with OpenCC's table from the 'hanzi' lazy script (web/lazy-code.ts): a page with such a group
// fetches it and verifies; a page with no group fetches nothing; the group's alert removed fails the page; the
// table's script refused fails it too, naming the script. Skipped with a reason where Chromium is missing,
// outside CI.

import { chromium, type Browser, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { LAZY_PARTS } from '../../src/web/page-scripts.js'
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, lazyScript } from '../helpers/chromium.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { SEAL, SHA, village } from '../helpers/seal.js'

const VERIFY_TIMEOUT_MS = 30_000

/** The lazy scripts fetched among these paths, by part. */
const lazyAsked = (paths: readonly string[]) => LAZY_PARTS.filter((part) => paths.some((path) => lazyScript(part).test(path)))

async function verdict(page: Page, url: string) {
  await page.goto('about:blank')
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return { state: await page.getAttribute('main', 'data-verification'), status: (await page.textContent('[data-verification-status]')) ?? '' }
}

const road = (applicationId: string, title: string, amount: number) => ({
  title,
  amount,
  budget: amount,
  purpose: '道路硬化施工合同盖章',
  document: { name: `${applicationId}.pdf`, sha256: SHA('d') },
})

let browser: Browser | undefined

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  })
  t.teardown(() => browser?.close())
  run()
}

function run() {
  t.test('a split group in traditional and simplified titles: the seal page and the console verify it, with the table loaded on demand', async (t: Test) => {
    const v = await village(t)
    await v.apply('tc-1', road('tc-1', '义桥村北段道路硬化工程合同', 28000))
    await v.apply('tc-2', road('tc-2', '義橋村南段道路硬化工程合同', 27000))
    await v.apply('tc-3', road('tc-3', '义桥村道路硬化（三期）', 26000))
    await v.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = v.app.server.address() as { port: number }
    const proxy = await startRewritingProxy(t, `http://127.0.0.1:${port}`)
    const errors: string[] = []
    // A browser of its own each time: the scripts' immutable answers are cached, and each case counts its fetches.
    const newPage = async () => {
      const context = await (browser as Browser).newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await page.clock.setFixedTime(new Date(v.now()))
      page.on('pageerror', (error) => errors.push(error.message))
      return page
    }
    const page = await newPage()
    const sealUrl = `${proxy.url}/seals/${SEAL}`
    const consoleUrl = `${proxy.url}/console/seals`

    // Three applications, under the threshold together: no group, so no title to compare and no table fetched.
    const before = await verdict(page, sealUrl)
    t.equal(before.state, 'verified', before.status)
    t.same(lazyAsked(proxy.asked), [], 'no group: no lazy script')

    await v.apply('tc-4', road('tc-4', '義橋村中段道路硬化施工合同', 25000))
    const alerts = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
    t.same(alerts[0]?.applicationIds, ['tc-1', 'tc-2', 'tc-3', 'tc-4'], 'the node names the split')

    let mark = proxy.asked.length
    const good = await verdict(page, sealUrl)
    t.equal(good.state, 'verified', good.status)
    t.equal(await page.locator('li.alert[data-kind="SPLIT_CONTRACT"]').count(), 4, 'each application shows the split')
    t.same(lazyAsked(proxy.asked.slice(mark)), ['hanzi'], "OpenCC's table, with the 'hanzi' lazy script")

    mark = proxy.asked.length
    const consolePage = await newPage()
    const table = await verdict(consolePage, consoleUrl)
    t.equal(table.state, 'verified', table.status)
    t.equal(await consolePage.locator('section.split[data-fact="split"] li[data-seq]').count(), 4, "the console's split group lists the four")
    t.same(lazyAsked(proxy.asked.slice(mark)), ['hanzi'], 'the console fetches the table too')
    t.same(errors, [])

    // The browser derives the group itself: one application's split alert removed fails the page.
    proxy.rewrite = (html) => html.replace(/<li class="alert" data-fact="alert" data-kind="SPLIT_CONTRACT">.*?<\/li>/, '')
    const forged = await verdict(page, sealUrl)
    t.equal(forged.state, 'failed', 'an alert removed')
    t.match(forged.status, /「预警」/)
    proxy.rewrite = undefined

    // The table's script refused on the way: the page cannot compare the titles and fails, naming the script.
    const fresh = await newPage()
    proxy.refuse = (path) => lazyScript('hanzi').test(path)
    const refused = await verdict(fresh, sealUrl)
    t.equal(refused.state, 'failed', 'without the table')
    t.match(refused.status, /titles in traditional Chinese \(hanzi-[0-9a-f]{16}\.js\) did not load/)
    proxy.refuse = undefined
  })
}
