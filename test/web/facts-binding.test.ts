// Issue 13: every fact on the consumer page is bound to a signed entry. A proxy between Chromium and a
// real node rewrites one fact at a time, as a compromised CDN or network would; each rewrite must make
// the page say it failed and name the fact, and the untouched page through the same proxy verifies.

import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../helpers/chromium.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT } from '../helpers/web.js'

const VERIFY_TIMEOUT_MS = 30_000

async function launch(t: Test): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'tracechain-chromium-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, locale: 'zh-CN' })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  })
  return context
}

async function verdict(page: Page, url: string): Promise<{ state: string | null; status: string }> {
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return { state: await page.getAttribute('[data-verification]', 'data-verification'), status: (await page.textContent('[data-verification-status]')) ?? '' }
}

/** Replaces the first match of `pattern` in `html`; fails the test when there is none (the case would prove nothing). */
function once(t: Test, html: string, pattern: RegExp | string, replacement: string | ((match: string, ...groups: string[]) => string)): string {
  const found = typeof pattern === 'string' ? html.includes(pattern) : pattern.test(html)
  if (!found) t.fail(`the page has no ${String(pattern)} to rewrite`)
  return typeof replacement === 'string' ? html.replace(pattern, replacement) : html.replace(pattern, replacement)
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('a proxy that rewrites one fact at a time: each makes the page fail and names the fact', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const proxy = await startRewritingProxy(t, baseUrl)
    const page = (await launch(t)).pages()[0]
    const fine = `${proxy.url}${lotPath(FINE_LOT)}`
    const recalled = `${proxy.url}${lotPath(RECALLED_LOT)}`
    const recall = ((await (await fetch(`${baseUrl}${lotPath(RECALLED_LOT)}`, { headers: { accept: 'application/json' } })).json()) as { recall: { seq: number } }).recall

    const untouched = await verdict(page, fine)
    t.equal(untouched.state, 'verified', `through the proxy, untouched: ${untouched.status}`)
    t.match(untouched.status, /每一项内容均由这些记录在您的浏览器中重新得出/)

    const cases: { name: string; url: string; fact: string; rewrite: (html: string) => string }[] = [
      { name: 'a place', url: fine, fact: '地点', rewrite: (html) => once(t, html, '浙江 · 湖州 · 安吉', '浙江 · 嘉兴 · 南湖') },
      { name: 'a quantity', url: fine, fact: '数量', rewrite: (html) => once(t, html, '>2000 kg<', '>200 kg<') },
      { name: 'the product name', url: fine, fact: '产品名称', rewrite: (html) => once(t, html, /(<h1 data-fact="product">)[^<]+/, '$1安吉鲜肉粽') },
      { name: 'a temperature reading', url: recalled, fact: '温度记录', rewrite: (html) => once(t, html, '9.5 °C', '3.1 °C') },
      { name: 'the recall reason', url: recalled, fact: '召回', rewrite: (html) => once(t, html, '兽药残留超标', '包装破损') },
      { name: 'the recall banner removed', url: recalled, fact: '召回', rewrite: (html) => once(t, html, /<section class="recall"[^>]*>.*?<\/section>/s, '') },
      {
        name: 'the recall entry dropped from the evidence, its banner left',
        url: recalled,
        fact: '召回',
        rewrite: (html) => once(t, html, /data-evidence="([^"]*)"/, (_match, seqs) => `data-evidence="${seqs.split(' ').filter((s) => Number(s) !== recall.seq).join(' ')}"`),
      },
      { name: 'a step removed', url: fine, fact: '流转环节', rewrite: (html) => once(t, html, /<li class="step k-sale"[^>]*>.*?<\/li>(?=<\/ol>)/s, '') },
      { name: 'a shop renamed', url: fine, fact: '经营者', rewrite: (html) => once(t, html, '<p class="who" data-fact="actor">杭州西湖生鲜超市', '<p class="who" data-fact="actor">杭州某某超市') },
      { name: 'where a shipment went', url: fine, fact: '发往', rewrite: (html) => once(t, html, /(<p class="where" data-fact="destination">[^<]*?)杭州西湖生鲜超市/, '$1杭州某某超市') },
    ]
    for (const { name, url, fact, rewrite } of cases) {
      proxy.rewrite = rewrite
      const outcome = await verdict(page, url)
      t.equal(outcome.state, 'failed', `${name}: ${outcome.status}`)
      t.match(outcome.status, `页面所示的「${fact}」与已签名的记录不符`, name)
    }

    // A page that drops its bound area's marking altogether is not a page of a lot.
    proxy.rewrite = (html) => once(t, html, 'data-bound="food.provenance"', 'data-unbound="food.provenance"')
    const stripped = await verdict(page, fine)
    t.equal(stripped.state, 'failed')
    t.match(stripped.status, /the page has no "food.provenance" area/)

    // Another lot's page served at this lot's address.
    proxy.rewrite = (html) => once(t, html, /(data-bound-params="[^"]*&quot;path&quot;:&quot;)[^&]*/, `$1${lotPath('Z999')}`)
    const moved = await verdict(page, fine)
    t.equal(moved.state, 'failed', moved.status)

    // A Chinese page relabelled English: its script has the Chinese words alone (web/one-language.ts), and says
    // in them that the page is not what it claims, rather than failing in words it does not have.
    proxy.rewrite = (html) => once(t, html, '<html lang="zh-CN">', '<html lang="en">')
    const relabelled = await verdict(page, fine)
    t.equal(relabelled.state, 'failed', relabelled.status)
    t.match(relabelled.status, /^核验失败/, 'in the words the script has')
    t.match(relabelled.status, /the page says it is in English, and its script has the words of Chinese pages/)

    proxy.rewrite = undefined
    t.equal((await verdict(page, recalled)).state, 'verified', 'untouched again, the recalled lot verifies with its banner')
  })
}

if (existsSync(CHROMIUM)) {
  t.test('the explorer: its recent entries are derived from the entries the browser verified', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const proxy = await startRewritingProxy(t, baseUrl)
    const page = (await launch(t)).pages()[0]
    const untouched = await verdict(page, `${proxy.url}/`)
    t.equal(untouched.state, 'verified', untouched.status)
    t.ok((await page.locator('[data-bound="log.entries"] tr[data-seq]').count()) >= 10, 'the recent entries are listed')

    proxy.rewrite = (html) => once(t, html, /(<tr data-seq="\d+" data-actor="[^"]+" data-fact="entry">(?:<td>.*?<\/td>){2}<td>)[^<]+/, '$1某某食品公司')
    const renamed = await verdict(page, `${proxy.url}/`)
    t.equal(renamed.state, 'failed', renamed.status)
    t.match(renamed.status, '页面所示的「账本记录」与已签名的记录不符')

    proxy.rewrite = (html) => once(t, html, /(<tr data-seq="\d+" data-actor="[^"]+" data-fact="entry"><td>.*?<\/td><td>)[^<]+/, '$1food.recall')
    t.equal((await verdict(page, `${proxy.url}/`)).state, 'failed', 'an entry shown as another type')
  })
}
