// Every HTML page in headless Chromium under the node's Content-Security-Policy: no violation is
// reported (securitypolicyviolation events), and the pages the script checks still reach "verified".

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../helpers/chromium.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT } from '../helpers/web.js'

const VERIFY_TIMEOUT_MS = 30_000

/** Path → whether the page runs the verifier (and so must end "verified"). */
const PAGES: [string, boolean][] = [
  ['/', true],
  ['/?lang=en', true],
  [lotPath(FINE_LOT), true],
  [`${lotPath(RECALLED_LOT)}?lang=en`, true],
  ['/seals/yiqiao-committee-seal', true],
  ['/console', true],
  ['/console?lang=en&kind=OVER_BUDGET', true],
  ['/console/act', true],
  ['/console/act?action=apply&lang=en', true],
  ['/console/audit', true],
  ['/search?q=nothing-like-it', true],
  ['/01/123/10/X', false],
  ['/01/06901234999990/10/X', false],
  ['/docs', false],
  ['/verify', false],
]

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })
  t.test('no CSP violation on any page; verification still completes', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const profile = mkdtempSync(join(tmpdir(), 'tracechain-chromium-'))
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    t.teardown(async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
    })
    // Recorded from the first script on, before any of the page's own.
    await context.addInitScript(() => {
      const seen: string[] = []
      ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`))
    })
    const page = context.pages()[0] ?? (await context.newPage())
    for (const [path, verifies] of PAGES) {
      const response = await page.goto(`${baseUrl}${path}`)
      t.match(response?.headers()['content-security-policy'], /script-src 'self'/, path)
      if (verifies) {
        await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
        t.equal(await page.getAttribute('[data-verification]', 'data-verification'), 'verified', `${path} verified`)
      } else {
        await page.waitForLoadState('networkidle')
      }
      t.same(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), [], `${path}: no CSP violation`)
    }
  })
}
