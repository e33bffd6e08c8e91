// End to end as a shopper: decode the printed label's QR code, open its URI in headless Chromium
// against a real node on 127.0.0.1, and wait for the page's own verification; then tamper with what
// the node serves and watch the page say what failed. Debian's chromium driven by playwright-core:
// no browser is ever downloaded.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../helpers/chromium.js'
import { newSigner } from '../helpers/ledger.js'
import { decodeQr } from '../helpers/qr.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT, ZONGZI } from '../helpers/web.js'

const PHONE = { width: 390, height: 844 }
const VERIFY_TIMEOUT_MS = 30_000
const SCREENSHOTS = process.env.TRACECHAIN_SCREENSHOTS === '1'
const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })
  run()
}

async function launch(t: Test, locale: string): Promise<BrowserContext> {
  // A fresh profile outside tap's fixture dir: Chromium's helpers may still flush into it after
  // close, so it is removed here with retries rather than by tap's cleanup.
  const profile = mkdtempSync(join(tmpdir(), 'tracechain-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: PHONE,
    deviceScaleFactor: 1,
    locale,
  })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  })
  return context
}

/** Opens `url` and waits for the page's verdict; returns it with the time it took. */
async function open(page: Page, url: string): Promise<{ state: string | null; status: string; milliseconds: number; scriptMs: number }> {
  const started = Date.now()
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  const milliseconds = Date.now() - started
  return {
    state: await page.getAttribute('[data-verification]', 'data-verification'),
    status: (await page.textContent('[data-verification-status]')) ?? '',
    milliseconds,
    scriptMs: Number(await page.getAttribute('[data-verification]', 'data-verification-ms')),
  }
}

function run() {
  t.test('scan the label, open the page, verified in the browser', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const label = await fetch(`${baseUrl}/v1/labels/${encodeURIComponent('urn:epc:class:lgtin:6901234.000103.Z260526A')}.png`)
    t.equal(label.status, 200)
    const uri = decodeQr(Buffer.from(await label.arrayBuffer()))
    const [link, fragment] = (uri as string).split('#')
    t.equal(link, `${baseUrl}${lotPath(FINE_LOT)}`, 'the QR code is the Digital Link URI on the node')
    t.match(fragment, /^log=[0-9a-f]{8}$/, "with the log's key id in the fragment")

    const context = await launch(t, 'zh-CN')
    const page = context.pages()[0] ?? (await context.newPage())
    const errors: string[] = []
    const labelsAsked: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/labels/')) labelsAsked.push(request.url())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text()) // a CSP violation or a failed load shows here
    })
    const first = await open(page, uri as string)
    t.equal(first.state, 'verified', first.status)
    t.match(first.status, /已核验/)
    t.comment(`time to verified: ${first.milliseconds} ms from navigation (${first.scriptMs} ms in the verifier)`)
    t.same(errors, [])
    t.equal(await page.getAttribute('html', 'lang'), 'zh-CN')
    const steps = await page.locator('[data-seq]').count()
    t.ok(steps >= 8)
    t.equal(await page.locator('[data-seq][data-verified="ok"]').count(), steps, 'every step is marked verified')
    // The label image sits below the journey: fetched when the phone scrolls to it, not before.
    t.same(labelsAsked, [], 'the label image is not fetched while it is out of view')
    const labelImage = page.locator('section.label img')
    await labelImage.scrollIntoViewIfNeeded()
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('section.label img')
      return image !== null && image.complete && image.naturalWidth > 0
    })
    t.equal(labelsAsked.length, 1, 'and fetched once it is scrolled into view')
    await page.evaluate(() => window.scrollTo(0, 0))

    const weight = await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.initiatorType !== 'img' && r.initiatorType !== 'fetch')
      return { html: navigation.transferSize, other: resources.reduce((sum, r) => sum + r.transferSize, 0), names: resources.map((r) => r.name) }
    })
    t.ok(weight.html + weight.other < 100 * 1024, `over the wire before images: ${weight.html} + ${weight.other} bytes (${weight.names.join(', ')})`)
    t.comment(`page weight over the wire: ${weight.html + weight.other} bytes`)
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true })
      await page.screenshot({ path: `${SCREENSHOT_DIR}zongzi-zh.png` })
    }

    const remembered = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)))
    t.match(remembered, /tracechain:checkpoint:tracechain\.test\/node/, 'the checkpoint is remembered per log origin')
    const second = await open(page, `${link}?lang=en#${fragment}`)
    t.equal(second.state, 'verified', 'the next scan verifies consistency with the remembered checkpoint')
    t.match(second.status, /Verified/)
  })

  t.test('English where the browser asks for it; the recalled lot shows the red banner', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const context = await launch(t, 'en-US')
    const page = context.pages()[0] ?? (await context.newPage())
    const fine = await open(page, `${baseUrl}${lotPath(FINE_LOT)}`)
    t.equal(fine.state, 'verified', fine.status)
    t.equal(await page.getAttribute('html', 'lang'), 'en')
    t.match(await page.textContent('h1'), 'Jiaxing pork zongzi')
    t.equal(await page.locator('.recall').count(), 0)
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOT_DIR}zongzi-en.png` })

    const recalled = await open(page, `${baseUrl}${lotPath(RECALLED_LOT)}`)
    t.equal(recalled.state, 'verified', 'a recall is verified like any other entry')
    const banner = page.locator('.recall')
    t.ok(await banner.isVisible())
    t.match(await banner.textContent(), /召回 \/ Recalled.*Failed inspection: veterinary drug residue above limit.*29 May 2026/s)
    t.equal(await banner.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(198, 40, 40)', 'red')
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOT_DIR}recalled-en.png` })

    const zh = await open(page, `${baseUrl}${lotPath(RECALLED_LOT)}?lang=zh`)
    t.equal(zh.state, 'verified')
    t.match(await page.locator('.recall').textContent(), /召回 \/ Recalled.*抽检不合格：兽药残留超标.*2026年5月29日/s)
    if (SCREENSHOTS) {
      await page.screenshot({ path: `${SCREENSHOT_DIR}recalled-zh.png` })
      await page.locator('.chart .warn').scrollIntoViewIfNeeded()
      await page.evaluate(() => window.scrollBy(0, 200))
      await page.screenshot({ path: `${SCREENSHOT_DIR}recalled-cold-chain-zh.png` })
    }

    const bad = await page.goto(`${baseUrl}/01/${ZONGZI.slice(0, 13)}6/10/${FINE_LOT}`)
    t.equal(bad?.status(), 400)
    t.match(await page.textContent('main'), /wrong check digit: the last digit should be 7/)
  })

  t.test('a tampered tile or key chain: the page says failed and names what', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const url = `${baseUrl}${lotPath(FINE_LOT)}`
    const context = await launch(t, 'zh-CN')
    const page = context.pages()[0] ?? (await context.newPage())
    const seqs = (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as { events: { seq: number; actor: { id: string } }[] }
    const target = seqs.events[2]

    // The page reads each entry and its proof from the API: the target's entry altered there is not in the
    // signed tree, and the page says so at that seq. (Playwright's routing bypasses the browser cache.)
    await page.route('**/v1/proofs/entries?*', async (route) => {
      const response = await route.fetch()
      const answer = (await response.json()) as { entries: { seq: number; entry: { recordedAt: string } }[] }
      for (const item of answer.entries) if (item.seq === target.seq) item.entry.recordedAt = '2020-01-01T00:00:00.000Z'
      await route.fulfill({ response, json: answer })
    })
    const altered = await open(page, url)
    t.equal(altered.state, 'failed')
    t.match(altered.status, `第 ${target.seq} 条记录不在已签名的账本树中`, altered.status)
    t.equal(await page.getAttribute(`[data-seq="${target.seq}"]`, 'data-verified'), 'failed')
    await page.unrouteAll()

    // The page asks for payloads as text (core/payload-text.ts): one word of the target's statement changed
    // there is a payload no one signed, and no leaf of the signed tree.
    let asText = 0
    await page.route('**/v1/proofs/entries?*', async (route) => {
      const response = await route.fetch()
      const answer = (await response.json()) as { entries: { seq: number; entry: { envelope: { payloadText?: string } } }[] }
      for (const item of answer.entries) {
        if (typeof item.entry.envelope.payloadText === 'string') asText++
        if (item.seq === target.seq) item.entry.envelope.payloadText = item.entry.envelope.payloadText?.replace('"actor":"', '"actor":"x')
      }
      await route.fulfill({ response, json: answer })
    })
    const reworded = await open(page, url)
    t.ok(asText > 0, `${asText} payloads came as text`)
    t.equal(reworded.state, 'failed')
    t.match(reworded.status, `第 ${target.seq} 条记录不在已签名的账本树中`, reworded.status)
    await page.unrouteAll()

    // Where the API gives no entries, the page reads them from the tiles: one byte of the target's entry in
    // its bundle, and the copy of the log is caught, the page naming the bundle.
    await page.route('**/v1/proofs/entries?*', (route) => route.fulfill({ status: 404, json: { code: 'NOT_FOUND' } }))
    let bundlePath = ''
    await page.route('**/tlog/tile/entries/**', async (route) => {
      const response = await route.fetch()
      const bytes = Buffer.from(await response.body())
      let at = 0
      for (let seq = Math.floor(target.seq / 256) * 256; seq < target.seq; seq++) at += 2 + bytes.readUInt16BE(at)
      bytes[at + 2 + 40] ^= 0x01
      bundlePath = new URL(route.request().url()).pathname.replace(/^\/tlog\//, '')
      await route.fulfill({ response, body: bytes })
    })
    const bundle = await open(page, url)
    t.equal(bundle.state, 'failed')
    t.match(bundle.status, `账本分片 ${bundlePath} 与已签名的检查点不符`, bundle.status)
    t.equal(await page.getAttribute(`[data-seq="${target.seq}"]`, 'data-verified'), 'failed')
    t.match(await page.getAttribute(`[data-seq="${target.seq}"]`, 'title'), bundlePath, "the step's title names the bundle")
    await page.unrouteAll()

    // The signer's keys come from its registry entries in the log: naming another entry as its
    // registration breaks the chain, and the page names the actor and the entry.
    const actor = target.actor.id
    await page.route('**/v1/actors?ids=*', async (route) => {
      const response = await route.fetch()
      const answer = (await response.json()) as { actors: { id: string; seqs: number[] }[] }
      for (const listed of answer.actors) if (listed.id === actor) listed.seqs[0] = 0
      await route.fulfill({ response, json: answer })
    })
    const chain = await open(page, `${url}?lang=en`)
    t.equal(chain.state, 'failed')
    t.match(chain.status, new RegExp(`${actor}'s key registration \\(entry 0\\) does not check out`), chain.status)
    await page.unrouteAll()

    t.equal((await open(page, url)).state, 'verified', 'untampered again, it verifies')
    await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('tracechain:checkpoint:')) as string
      const seen = JSON.parse(localStorage.getItem(key) as string) as { root: string }
      seen.root = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))
      localStorage.setItem(key, JSON.stringify(seen))
    })
    await node.register('late-farm', ['farm'])
    const rewritten = await open(page, url)
    t.equal(rewritten.state, 'failed', 'a node whose history differs from the remembered checkpoint is caught')
    t.match(rewritten.status, /账本与您上次看到的检查点（\d+ 条）不一致：历史被改写/)
  })
}
