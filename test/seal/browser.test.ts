// The seal page in headless Chromium against a real node on 127.0.0.1: /web/verify.js checks every
// entry the page shows and the page says verified; an entry attributed to the wrong actor fails.
// Skipped with a reason where Chromium is missing, outside CI.

import { chromium, type Page } from 'playwright-core'
import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../helpers/chromium.js'
import { SEAL, SHA, village } from '../helpers/seal.js'

const VERIFY_TIMEOUT_MS = 30_000

async function verdict(page: Page, url: string) {
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return {
    state: await page.getAttribute('main', 'data-verification'),
    status: (await page.textContent('[data-verification-status]')) ?? '',
    marks: await page.locator('[data-seq]').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-verified'))),
  }
}

t.test('the seal page verifies its entries in the browser', async (t) => {
  if (!haveChromium(t)) return
  const v = await village(t)
  await v.apply('b-1', { amount: 52000, budget: 45000 })
  await v.accept('seal.approve', 'director', { applicationId: 'b-1', comment: '同意' })
  await v.accept('seal.use', 'custodian', { applicationId: 'b-1', copies: 2, stamped: { sha256: SHA('f') } })
  await v.apply('b-2')
  await v.accept('seal.reject', 'deputy', { applicationId: 'b-2' })
  await v.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = v.app.server.address() as { port: number }
  const base = `http://127.0.0.1:${port}`
  await buildVerifierBundle()
  t.equal((await fetch(`${base}/web/verify.js`)).status, 200, 'the node serves the verifier')

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  const good = await verdict(page, `${base}/seals/${SEAL}`)
  t.equal(good.state, 'verified', good.status)
  t.equal(good.marks.length, 6, 'register, apply, approve, use, apply, reject')
  t.ok(good.marks.every((mark) => mark === 'ok'), 'each entry marked')
  t.same(errors, [])

  // A page that names the wrong signer for an entry is caught (the node serving it is the one lying).
  await page.route(`${base}/seals/${SEAL}`, async (route) => {
    const response = await route.fetch()
    const body = (await response.text()).replace('data-actor="custodian"', 'data-actor="director"')
    await route.fulfill({ response, body })
  })
  const forged = await verdict(page, `${base}/seals/${SEAL}`)
  t.equal(forged.state, 'failed', forged.status)
})
