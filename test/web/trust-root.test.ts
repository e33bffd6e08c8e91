// A trust root the server cannot swap, in headless Chromium against real nodes on 127.0.0.1: the label's
// URI carries the log's key id in its fragment; a page opened from it verifies on the node that holds that
// key and fails, naming both ids, on a node that serves another; the standalone verifier copied to a
// separate static origin checks a lot on the node across origins with its own copy of the script, and
// fails for a wrong key id.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { writeVerifyPage } from '../../src/cli/verify-page.js'
import { formatWitnessVerifierKey } from '../../src/core/cosignature.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { buildApp } from '../../src/http/app.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../helpers/chromium.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { decodeQr } from '../helpers/qr.js'
import { staticSite } from '../helpers/static-site.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const VERIFY_TIMEOUT_MS = 30_000
const LOT_URN = 'urn:epc:class:lgtin:6901234.000103.Z260526A'

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })
  run()
}

/** A seeded node (the zongzi demo, its own node key) listening on a free port, its labels on that port. */
async function listeningNode(t: Test, dir: string) {
  const node = await makeNode(dir)
  await seedLedger(node.ledger, node.operator)
  let app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  await app.close()
  const baseUrl = `http://127.0.0.1:${port}`
  app = await buildApp({ ledger: node.ledger, config: { baseUrl } })
  await app.listen({ host: '127.0.0.1', port })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { node, baseUrl, keyId: logKeyIdOf(node.ledger.verifierKey) }
}

async function launch(t: Test, locale = 'zh-CN'): Promise<{ context: BrowserContext; page: Page; errors: string[]; requests: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'tracechain-chromium-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 390, height: 844 }, locale })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP ${event.effectiveDirective} ${event.blockedURI}`))
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  const requests: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('request', (request) => requests.push(request.url()))
  return { context, page, errors, requests }
}

/** A fresh load each time: a URL that differs only in its fragment would otherwise not reload the page. */
async function openPage(page: Page, url: string): Promise<{ state: string | null; status: string }> {
  await page.goto('about:blank')
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return { state: await page.getAttribute('[data-verification]', 'data-verification'), status: (await page.textContent('[data-verification-status]')) ?? '' }
}

async function openStandalone(page: Page, url: string): Promise<{ state: string | null; status: string }> {
  await page.goto('about:blank')
  await page.goto(url)
  await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return { state: await page.getAttribute('[data-standalone-state]', 'data-standalone-state'), status: (await page.textContent('[data-standalone-status]')) ?? '' }
}

function run() {
  t.test("(a) the label's URI with its #log verifies, says so, and the pin travels with the page's links", async (t) => {
    const first = await listeningNode(t, testDir(t))
    const label = await fetch(`${first.baseUrl}/v1/labels/${encodeURIComponent(LOT_URN)}.png?size=screen`)
    const uri = decodeQr(Buffer.from(await label.arrayBuffer())) as string
    t.equal(uri, `${first.baseUrl}${lotPath(FINE_LOT)}#log=${first.keyId}`, 'the screen label decodes with its fragment')

    const { page, errors, requests } = await launch(t)
    const opened = await openPage(page, uri)
    t.equal(opened.state, 'verified', opened.status)
    t.match(opened.status, `账本公钥 ${first.keyId} 与标签上的一致`)
    t.notOk(requests.some((url) => url.includes('#') || url.includes('log=')), 'the fragment is never sent')
    t.same(errors, [])

    const link = page.locator('a[data-independent-verifier]')
    t.equal(await link.evaluate((a) => a.closest('[data-bound]')), null, 'the link is outside every bound area')
    t.match(await page.getAttribute('a.lang', 'href'), `#log=${first.keyId}`, 'the language switch keeps the pin')

    // Followed, the link opens the node's own standalone page with the label's pin and the lot.
    await link.click()
    await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: VERIFY_TIMEOUT_MS })
    t.equal(await page.getAttribute('[data-standalone-state]', 'data-standalone-state'), 'verified', (await page.textContent('[data-standalone-status]')) ?? '')
    t.match(new URL(page.url()).pathname, '/verify')
    t.match(await page.textContent('[data-standalone-status]'), new RegExp(`${first.keyId}`))
    t.same(errors, [])
  })

  t.test('(b) a node with another key serving the same lot: the label-key failure, naming both ids', async (t) => {
    const dir = testDir(t)
    const first = await listeningNode(t, join(dir, 'first'))
    const second = await listeningNode(t, join(dir, 'second'))
    t.not(first.keyId, second.keyId)
    const { page, errors } = await launch(t)
    const swapped = await openPage(page, `${second.baseUrl}${lotPath(FINE_LOT)}#log=${first.keyId}`)
    t.equal(swapped.state, 'failed', swapped.status)
    t.match(swapped.status, '账本公钥与标签上的不符')
    t.match(swapped.status, `标签为 ${first.keyId}，节点提供的是 ${second.keyId}`)
    t.equal(await page.locator('[data-seq][data-verified="ok"]').count(), 0, 'no step is marked verified')
    t.match(await page.getAttribute('a[data-independent-verifier]', 'href'), `log=${first.keyId}`, "the link carries the label's id, not the node's")

    const en = await openPage(page, `${second.baseUrl}${lotPath(FINE_LOT)}?lang=en#log=${first.keyId}`)
    t.equal(en.state, 'failed')
    t.match(en.status, 'the log key differs from the one printed on the label')
    t.match(en.status, `the label says ${first.keyId}, the node serves ${second.keyId}`)

    const own = await openPage(page, `${second.baseUrl}${lotPath(FINE_LOT)}#log=${second.keyId}`)
    t.equal(own.state, 'verified', "the second node's own label verifies there")
    t.same(errors, [])
  })

  t.test('(c) the standalone page on a separate static origin verifies the lot across origins, and refuses a wrong key id', async (t) => {
    const dir = testDir(t)
    const first = await listeningNode(t, join(dir, 'node'))
    const site = join(dir, 'site')
    const written = writeVerifyPage({ out: site })
    const host = await staticSite(t, site)
    const { page, errors, requests } = await launch(t, 'en-US')
    const lot = `${first.baseUrl}${lotPath(FINE_LOT)}`

    const good = await openStandalone(page, `${host.url}/#log=${first.keyId}&lot=${encodeURIComponent(lot)}`)
    t.equal(good.state, 'verified', good.status)
    t.match(good.status, `key ${first.keyId} (the one you gave)`)
    t.match(good.status, /The node lists \d+ entries for the lot/)
    t.match(good.status, /#29 ✓ food\.event · retail_selling/, 'the sale, read from the verified statement')
    t.match(good.status, 'inclusion proofs cannot show that it left none out')
    const script = requests.find((url) => /verify-[0-9a-f]{16}\.js$/.test(url))
    t.ok(script?.startsWith(host.url), `the script came from the static origin: ${script}`)
    t.notOk(requests.some((url) => url.startsWith(first.baseUrl) && !/^\/(v1|01|tlog)\//.test(new URL(url).pathname)), 'only reads of the API and the tiles go to the node')
    t.ok(requests.some((url) => url.startsWith(`${first.baseUrl}/v1/proofs/entries?`)), 'the entries and their proofs come from the node, in one request')
    t.ok(requests.includes(`${first.baseUrl}/tlog/checkpoint`), 'and the checkpoint from its tiles')
    t.equal(await page.getAttribute('script', 'integrity'), written.integrity)
    t.same(errors, [])

    // The same page, a key id the node does not hold.
    const wrong = await openStandalone(page, `${host.url}/#log=deadbeef&lot=${encodeURIComponent(lot)}`)
    t.equal(wrong.state, 'failed', wrong.status)
    t.match(wrong.status, `the label says deadbeef, the node serves ${first.keyId}`)
    t.notMatch(wrong.status, /✓/, 'no entry shown as verified')

    // A witness policy this node's checkpoint does not meet (it has no witnesses) fails; the policy is enforced.
    await page.fill('textarea[name=witness]', formatWitnessVerifierKey('witness.example', newSigner().publicKey))
    await page.fill('input[name=log]', first.keyId)
    await page.click('button[type=submit]')
    await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: VERIFY_TIMEOUT_MS })
    t.equal(await page.getAttribute('[data-standalone-state]', 'data-standalone-state'), 'failed')
    t.match(await page.textContent('[data-standalone-status]'), 'requires 1, 0 cosigned it')
    await page.fill('textarea[name=witness]', '')

    // Bytes other than the pinned ones under the script's name are refused by the browser.
    await page.route(`${host.url}/${written.files[1].split('/').pop()}`, (route) => route.fulfill({ contentType: 'text/javascript', body: 'document.body.dataset.tampered = "yes"' }))
    errors.length = 0
    await page.goto('about:blank')
    await page.goto(`${host.url}/#log=${first.keyId}&lot=${encodeURIComponent(lot)}`)
    await page.waitForLoadState('networkidle')
    t.equal(await page.getAttribute('body', 'data-tampered'), null, 'SRI: a swapped script does not run')
    t.equal(await page.getAttribute('[data-standalone-state]', 'data-standalone-state'), 'idle', 'and nothing claims a result')
    t.match(errors.join('\n'), /integrity/i, 'the browser says why')
  })
}
