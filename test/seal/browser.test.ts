// The seal page in headless Chromium against a real node on 127.0.0.1, through a rewriting proxy on a
// port of its own: untouched, the page verifies every entry and derives every fact again; each case
// rewrites one fact (an amount, a title, an approver's name, a state, an alert removed, an entry dropped
// from the evidence with or without the line it backs, the page's time, the seal's name, another seal's
// page served at this one's path, the area itself) and the page must say failed and name the fact. Skipped with a reason where Chromium is
// missing, outside CI.

import { chromium, type Browser, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { LAZY_PARTS } from '../../src/web/page-scripts.js'
import { CHROMIUM, CHROMIUM_ARGS, checkAccessibleAndZoomable, haveChromium, lazyScript } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { decodeQr } from '../helpers/qr.js'
import { SEAL, SHA, village, type Village } from '../helpers/seal.js'

const VERIFY_TIMEOUT_MS = 30_000

type Rewrite = (html: string) => string

/** `html` with `from` replaced once; throws when it is not there, so no case passes by changing nothing. */
function replaceOnce(html: string, from: string | RegExp, to: string | ((match: string, ...groups: string[]) => string)): string {
  const found = typeof from === 'string' ? html.includes(from) : from.test(html)
  if (!found) throw new Error(`the page has no ${String(from)}`)
  return html.replace(from, to as string)
}

/** The seal area's evidence without `seq`. */
const dropEvidence = (html: string, seq: number) =>
  replaceOnce(html, /(data-bound="seal" data-evidence=")([^"]*)"/, (_m, head: string, seqs: string) => `${head}${seqs.split(' ').filter((s) => s !== String(seq)).join(' ')}"`)

/** The seal area's `now` param moved by `hours`. */
const shiftNow = (html: string, hours: number) =>
  replaceOnce(html, /&quot;now&quot;:&quot;([^&]+)&quot;/, (_m, now: string) => `&quot;now&quot;:&quot;${new Date(Date.parse(now) + hours * 3_600_000).toISOString()}&quot;`)

async function verdict(page: Page, url: string) {
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return {
    state: await page.getAttribute('main', 'data-verification'),
    status: (await page.textContent('[data-verification-status]')) ?? '',
    milliseconds: Number(await page.getAttribute('main', 'data-verification-ms')),
    marks: await page.locator('[data-seq]').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-verified'))),
  }
}

let browser: Browser | undefined

/** The lazy scripts (web/lazy-code.ts) the seal page's script fetched among these paths, by part. */
const lazyAsked = (paths: readonly string[]) => LAZY_PARTS.filter((part) => paths.some((path) => lazyScript(part).test(path)))

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  })
  t.teardown(() => browser?.close())
  run()
}

/** A page whose clock is the village's (the page's time must be within a day of the browser's), in a Chinese browser. */
async function pageAt(t: Test, now: string | undefined): Promise<{ page: Page; errors: string[] }> {
  const context = await (browser as Browser).newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
  t.teardown(() => context.close())
  const page = await context.newPage()
  if (now) await page.clock.setFixedTime(new Date(now))
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  return { page, errors }
}

/** The village's app listening on 127.0.0.1 behind a rewriting proxy, and a page at the village's time to read its seal page with. */
async function sealPageBehindProxy(t: Test, v: Village) {
  await v.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = v.app.server.address() as { port: number }
  const proxy = await startRewritingProxy(t, `http://127.0.0.1:${port}`)
  return { proxy, url: `${proxy.url}/seals/${SEAL}`, ...(await pageAt(t, v.now())) }
}

function run() {
  t.test('the seal page verifies; each rewritten fact fails it and is named', async (t) => {
    const v = await village(t)
    await v.apply('b-1', { amount: 52000, budget: 45000 })
    await v.accept('seal.approve', 'director', { applicationId: 'b-1', comment: '同意' })
    const used = await v.accept('seal.use', 'custodian', { applicationId: 'b-1', copies: 2, stamped: { sha256: SHA('f') } })
    await v.apply('b-2', { dueDate: '2026-05-30' })
    await v.accept('seal.reject', 'deputy', { applicationId: 'b-2' })
    await v.apply('b-3', { dueDate: '2026-05-30' })
    await v.post(v.statement('seal.use', 'custodian', { applicationId: 'b-3', copies: 1, stamped: { sha256: SHA('e') } }))
    await v.accept('seal.register', 'operator', { sealId: 'other-seal', org: 'yiqiao-village', name: { zh: '义桥村财务专用章' }, custodian: 'custodian', approvers: ['director'] })
    const otherPage = (await v.get('/seals/other-seal')).body
    const { proxy, url, page, errors } = await sealPageBehindProxy(t, v)

    const good = await verdict(page, url)
    t.equal(good.state, 'verified', good.status)
    t.equal(good.marks.length, 7, 'register, apply, approve, use, apply, reject, apply')
    t.ok(good.marks.every((mark) => mark === 'ok'), 'each entry marked')
    t.match(good.status, /每一项内容均由这些记录在您的浏览器中重新得出/)
    t.same(errors, [])

    const cases: [string, Rewrite, RegExp][] = [
      ['an amount', (html) => replaceOnce(html, '<span data-fact="amount">52,000 元</span>', '<span data-fact="amount">5,200 元</span>'), /「金额」/],
      ["a bar's amount", (html) => replaceOnce(html, '<rect class="fill over" width="240"', '<rect class="fill" width="180"'), /「金额与预算图」/],
      ["a bar's budget mark", (html) => replaceOnce(html, /<rect class="mark" x="[\d.]+"/, '<rect class="mark" x="239"'), /「金额与预算图」/],
      ["a timeline step's time", (html) => replaceOnce(html, new RegExp(`(data-seq="${used}"[^]*?<time data-fact="time" datetime="[^"]+">)[^<]+`), (_m, head: string) => `${head}2026-01-01 09:00`), /「时间」/],
      ["a timeline step's actor", (html) => replaceOnce(html, '<p class="who" data-fact="custodian">custodian（中文名）</p>', '<p class="who" data-fact="custodian">director（中文名）</p>'), /「印章管理员」/],
      ['a step still to come made done', (html) => replaceOnce(html, /<li class="step todo">.*?<\/li>/, ''), /「办理经过」/],
      ['the overdue mark removed', (html) => replaceOnce(html, ' <span class="tag" data-fact="overdue">逾期</span>', ''), /「逾期」|「办结期限」|「用印申请」/],
      ['a title', (html) => replaceOnce(html, '<span data-fact="title">申请 b-1</span>', '<span data-fact="title">申请 b-9</span>'), /「标题」/],
      ["an approver's name", (html) => replaceOnce(html, '<dd data-fact="approvers">director（中文名）', '<dd data-fact="approvers">mallory（中文名）'), /「审批人」/],
      ["an approver's name on the approval", (html) => replaceOnce(html, '<p class="who" data-fact="approver">director（中文名）</p>', '<p class="who" data-fact="approver">deputy（中文名）</p>'), /「审批人」/],
      ['a state', (html) => replaceOnce(html, '>已用印</span>', '>已办结</span>'), /「状态」/],
      ['an alert removed', (html) => replaceOnce(html, /<li class="alert" data-fact="alert" data-kind="OVER_BUDGET">.*?<\/li>/, ''), /「预警」/],
      ['an OVERDUE alert removed', (html) => replaceOnce(html, /<li class="alert" data-fact="alert" data-kind="OVERDUE">.*?<\/li>/, ''), /「预警」/],
      ['an entry dropped from the evidence', (html) => dropEvidence(html, used), /「状态」/],
      [
        'an entry dropped from the evidence with the line it backs',
        (html) => replaceOnce(dropEvidence(html, used), new RegExp(`<li class="step done" data-seq="${used}".*?</li>`), ''),
        /「状态」/,
      ],
      ["the seal's name", (html) => replaceOnce(html, '<h1 data-fact="sealName">义桥村村民委员会公章</h1>', '<h1 data-fact="sealName">义桥镇人民政府公章</h1>'), /「印章名称」/],
      ['the page time moved three days on', (html) => shiftNow(html, 72), /比您设备的时钟快 72 小时/],
      ['the page time before its entries', (html) => shiftNow(html, -1), /无法由已签名的记录得出.*before its newest entry/],
      ['the area made plain', (html) => replaceOnce(html, 'data-bound="seal" ', ''), /the page has no "seal" area/],
      ["another seal's page served as this one's", () => otherPage, /the page is for \/seals\/other-seal, not \/seals\/yiqiao-seal/],
      ['a fact added to the area', (html) => replaceOnce(html, '<dt>用途</dt>', '<dt>审计结论</dt><dd>无问题</dd><dt>用途</dt>'), /「用印申请」/],
      // The Chinese pages' script has the Chinese words alone (web/one-language.ts): it says the page is not what it claims, in them.
      ['an English page with a Chinese state', (html) => replaceOnce(html, '<html lang="zh-CN">', '<html lang="en">'), /^核验失败.*the page says it is in English, and its script has the words of Chinese pages/],
    ]
    for (const [what, rewrite, named] of cases) {
      proxy.rewrite = rewrite
      const forged = await verdict(page, url)
      t.equal(forged.state, 'failed', `${what}: failed`)
      t.match(forged.status, named, `${what}: ${forged.status}`)
    }

    // The same page through the same proxy, untouched once more: nothing above stuck.
    proxy.rewrite = undefined
    const again = await verdict(page, url)
    t.equal(again.state, 'verified', again.status)

    // A page that names the wrong signer for an entry is caught (the node serving it is the one lying).
    proxy.rewrite = (html) => replaceOnce(html, 'data-actor="custodian"', 'data-actor="director"')
    t.equal((await verdict(page, url)).state, 'failed')
  })

  t.test('settings that took effect mid-log: the seal page says from which entry, and a changed seq fails it', async (t) => {
    const v = await village(t, { domainConfigs: { seal: { collectiveThreshold: 50_000, settingsSince: { seq: 3, at: '2026-05-01T01:00:00.000Z' } } } })
    await v.apply('c-1', { amount: 1000, budget: 2000 })
    const { proxy, url, page, errors } = await sealPageBehindProxy(t, v)
    const good = await verdict(page, url)
    t.equal(good.state, 'verified', good.status)
    t.match(await page.textContent('[data-fact="settings"]'), '集体决策金额 50,000 元')
    t.match(await page.textContent('[data-fact="settings"]'), '以上设置自第 #3 条记录（2026-05-01 09:00）起适用，此前记录的预警按当时的设置产生。')
    t.same(errors, [])
    proxy.rewrite = (html) => replaceOnce(html, '以上设置自第 #3 条记录', '以上设置自第 #1 条记录')
    const forged = await verdict(page, url)
    t.equal(forged.state, 'failed', forged.status)
    t.match(forged.status, /「规则设置」/)
  })

  t.test('the demo seal page verifies in Chromium; its split alert is bound', async (t) => {
    const { app } = await seededDemoApp(t)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const proxy = await startRewritingProxy(t, `http://127.0.0.1:${port}`)
    const url = `${proxy.url}/seals/yiqiao-committee-seal`
    const { page, errors } = await pageAt(t, undefined)
    const timings: number[] = []
    for (let i = 0; i < 3; i++) {
      const good = await verdict(page, url)
      t.equal(good.state, 'verified', good.status)
      timings.push(good.milliseconds)
    }
    t.comment(`the demo seal page verified in ${timings.join(', ')} ms (the first with an empty cache)`)
    t.same(errors, [])
    // The split group's titles are compared again folded to simplified characters (seal/simplified.ts): OpenCC's table comes with 'hanzi'.
    t.same(lazyAsked(proxy.asked), ['hanzi'], "verified with Chromium's WebCrypto and the API's proofs: no lazy script fetched but the table for the split group's titles")
    proxy.rewrite = (html) => replaceOnce(html, /<li class="alert" data-fact="alert" data-kind="SPLIT_CONTRACT">.*?<\/li>/, '')
    const forged = await verdict(page, url)
    t.equal(forged.state, 'failed')
    t.match(forged.status, /「预警」/)
    t.same(lazyAsked(proxy.asked), ['words', 'hanzi'], "the words for what failed, with the 'words' lazy script")
    proxy.rewrite = undefined

    // No WebCrypto (a page outside a secure context): @noble comes with the lazy script, and the page verifies.
    const { page: plain } = await pageAt(t, undefined)
    await plain.addInitScript(() => Object.defineProperty(globalThis.crypto, 'subtle', { get: () => undefined }))
    const mark = proxy.asked.length
    const noble = await verdict(plain, url)
    t.equal(noble.state, 'verified', noble.status)
    t.same(lazyAsked(proxy.asked.slice(mark)), ['noble', 'hanzi'], "@noble, with the 'noble' lazy script")

    // The stamping recorded three days late: a page whose claimed window is raised to ten days (or turned off)
    // and whose late marks are gone still fails, as the browser holds the page to the default window at most.
    const served = await (await fetch(url)).text()
    t.match(served, /&quot;lateRecordAfterMs&quot;:&quot;86400000&quot;/, 'the page claims the default window')
    t.match(served, /<span class="tag" data-fact="late">补录 · 签署 3 天后才记录<\/span>/, 'and marks the stamping recorded three days late')
    for (const window of ['864000000', '0']) {
      proxy.rewrite = (html) => {
        const raised = replaceOnce(html, /&quot;lateRecordAfterMs&quot;:&quot;\d+&quot;/, `&quot;lateRecordAfterMs&quot;:&quot;${window}&quot;`)
        return raised.replace(/ ?<span class="tag" data-fact="late">补录 · 签署 \d+ 天后才记录<\/span>/g, '').replace(/<li class="alert" data-fact="alert" data-kind="LATE_RECORD">.*?<\/li>/g, '')
      }
      const hidden = await verdict(page, url)
      t.equal(hidden.state, 'failed', `late marks hidden behind a window of ${window} ms`)
    }
    proxy.rewrite = undefined
  })

  t.test('the demo seal page in Chinese and English: axe, keyboard, 200% zoom, and the printed sheet with its QR code', async (t) => {
    const { app } = await seededDemoApp(t)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const url = `http://127.0.0.1:${port}/seals/yiqiao-committee-seal`
    const { page, errors } = await pageAt(t, undefined)
    for (const [lang, query] of [['zh', '?lang=zh'], ['en', '?lang=en']] as const) {
      const good = await verdict(page, `${url}${query}`)
      t.equal(good.state, 'verified', `${lang}: ${good.status}`)
      t.equal(await page.getAttribute('html', 'lang'), lang === 'zh' ? 'zh-CN' : 'en')
      t.ok((await page.locator('.application svg.meter').count()) > 0, `${lang}: amounts against budgets as bars`)
      t.ok((await page.locator('.application .timeline .step.done').count()) >= 4, `${lang}: timelines`)
      await checkAccessibleAndZoomable(t, page, lang)
    }
    t.match(await page.textContent('.application h2'), /Stamped|Closed|Approved|Awaiting approval|Rejected/, 'the states in English')

    // By keyboard: the first stops are the header's links, then the page's; each shows its focus.
    await verdict(page, url)
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.className), 'brand')
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.getAttribute('hreflang')), 'en', 'the language switch')
    await page.keyboard.press('Enter')
    await page.waitForSelector('html[lang="en"]')
    t.match(page.url(), /\?lang=en$/)

    // Printed for the notice board: no header or links bar, the QR code of the page's own URL.
    await verdict(page, url)
    await page.emulateMedia({ media: 'print' })
    t.equal(await page.locator('header.bar').isVisible(), false, 'no header on paper')
    t.ok(await page.locator('figure.qr').isVisible(), 'the QR code on paper')
    t.match(await page.textContent('.print-head'), /村务公开 · 印章使用记录 · 打印时间/)
    const png = await page.locator('svg.qr-code').screenshot()
    t.equal(decodeQr(png), 'http://127.0.0.1/seals/yiqiao-committee-seal', 'it opens this page')
    await page.emulateMedia({ media: 'screen' })
    t.equal(await page.locator('figure.qr').isVisible(), false, 'not on screen')
    t.same(errors, [])
  })
}
