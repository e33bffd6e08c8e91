// Debian's Chromium for the page tests, driven by playwright-core: no browser is ever downloaded.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { LAZY_PARTS, type LazyPart } from '../../src/web/page-scripts.js'
import type { RewritingProxy } from './rewriting-proxy.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Headless, no sandbox (the tests run as root in CI), and nothing that reaches for Google's hosts:
 * this machine's network is closed, and Chromium's background connections are refused many at a time.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * True when Chromium is there. Where it is missing, CI fails (.ci/run installs it), and a developer's
 * machine skips the file with the reason and the command that installs it.
 */
export function haveChromium(t: Test): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.CI === 'true') t.fail(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`)
  else t.plan(0, `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk)`)
  return false
}

/**
 * Headless Chromium with a fresh profile, closed at teardown. `errors` collects page errors and, with
 * `console`, console errors and CSP violations too; `requests` every URL the page asked for.
 * `ignoreHTTPSErrors` accepts any certificate.
 */
export async function launchChromium(
  t: Test,
  locale = 'zh-CN',
  options: { console?: boolean; phone?: boolean; ignoreHTTPSErrors?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[]; requests: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'tracechain-chromium-'))
  const viewport = options.phone === false ? {} : { viewport: { width: 390, height: 844 } }
  // ignoreHTTPSErrors: a certificate a test made for itself (test/web/tls-front.test.ts).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...viewport,
    locale,
    ignoreHTTPSErrors: options.ignoreHTTPSErrors === true,
  })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  })
  if (options.console) {
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP ${event.effectiveDirective} ${event.blockedURI}`))
    })
  }
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  const requests: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  if (options.console) {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
  }
  page.on('request', (request) => requests.push(request.url()))
  return { context, page, errors, requests }
}

/** Loads `url` afresh and waits for the page's verification to end; its state and status text. */
export async function openVerifiedPage(page: Page, url: string, timeoutMs = 60_000): Promise<{ state: string | null; status: string }> {
  await page.goto('about:blank')
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: timeoutMs })
  return { state: await page.getAttribute('[data-verification]', 'data-verification'), status: (await page.textContent('[data-verification-status]')) ?? '' }
}

/** An axe-core finding as the tests report it: the rule, its impact, and where on the page. */
export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/**
 * Runs axe-core (a devDependency, its own source evaluated in the page: the page's CSP allows no inline
 * script, and DevTools evaluation is not a page script) against the page as it is now, with the WCAG 2.1
 * A and AA rules; returns the serious and critical violations.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(source)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`.slice(0, 300)) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/**
 * The page as it is now checked at phone (390 px) and desktop (1280 px) width with axe-core, and at 200%
 * zoom of a 1280-px window (a 640-px viewport) for a horizontal scroll; leaves it at phone width.
 */
export async function checkAccessibleAndZoomable(t: Test, page: Page, label: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 })
  t.same(await axeViolations(page), [], `axe: phone, ${label}`)
  await page.setViewportSize({ width: 1280, height: 900 })
  t.same(await axeViolations(page), [], `axe: desktop, ${label}`)
  await page.setViewportSize({ width: 640, height: 450 })
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), `${label}: no horizontal scroll at 200% zoom`)
  await page.setViewportSize({ width: 390, height: 844 })
}

/** A lazy script's path or URL (web/lazy-code.ts) in a path, a URL or a logged request: of `part`, or of any part. */
export function lazyScript(part?: LazyPart): RegExp {
  return new RegExp(`/web/(?:${part ?? LAZY_PARTS.join('|')})-[0-9a-f]{16}\\.js\\b`)
}

/**
 * The 'gs1' lazy script (web/lazy-code.ts) changed by one byte on its way through `proxy`: the page at `url`
 * (on the proxy) must not run it and must fail, saying why. The browser's cache is emptied first, so the
 * changed copy is the one fetched.
 */
export async function checkLazyScriptPinned(t: Test, context: BrowserContext, page: Page, proxy: RewritingProxy, url: string): Promise<void> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.clearBrowserCache')
  await cdp.detach()
  proxy.rewrite = undefined
  proxy.rewriteBytes = (bytes, path) => {
    if (!lazyScript('gs1').test(path)) return bytes
    const altered = Buffer.from(bytes)
    altered[100] ^= 0x01
    return altered
  }
  const pinned = await openVerifiedPage(page, url)
  t.equal(pinned.state, 'failed', pinned.status)
  t.match(pinned.status, 'the script with the code for uncommon lots')
}
