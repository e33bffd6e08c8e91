// The whole log audited in headless Chromium (/console/audit) against the seeded demo on a real port: the Web
// Worker runs under the page's CSP (worker-src 'self', which refuses a blob: worker), the progress bar fills,
// the rate is shown, the audit passes; through a proxy that flips one byte of the entry bundle, the page names
// the bad seq in words.
// axe-core finds no serious or critical violation; no CSP violation or script error.

import t from 'tap'
import { buildAuditWorkerBundle, buildVerifierBundle } from '../../src/web/bundle.js'
import { axeViolations, haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { demoApp } from '../helpers/web.js'

/** The offset in an entry bundle (each entry a 16-bit big-endian length, then its bytes) of the middle of entry `k`. */
function middleOfEntry(bundle: Uint8Array, k: number): number {
  let at = 0
  for (let i = 0; i < k; i++) at += 2 + ((bundle[at] << 8) | bundle[at + 1])
  return at + 2 + Math.floor(((bundle[at] << 8) | bundle[at + 1]) / 2)
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildAuditWorkerBundle()
    await buildVerifierBundle()
  })

  t.test('the demo log audits clean in a worker, under the CSP', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const { page, errors, requests } = await launchChromium(t, 'zh-CN', { console: true })
    const opened = await openVerifiedPage(page, `${baseUrl}/console/audit`)
    t.equal(opened.state, 'verified', opened.status)
    t.same(await axeViolations(page), [], 'axe: none before the audit (phone, zh)')
    await page.focus('[data-audit-start]')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-audit-state="ok"],[data-audit-state="failed"]', { timeout: 60_000 })
    const size = node.ledger.size
    t.equal(await page.getAttribute('[data-audit]', 'data-audit-state'), 'ok', (await page.textContent('[data-audit-result]')) ?? '')
    t.match(await page.textContent('[data-audit-result]'), new RegExp(`审计通过：第 0–${size - 1} 条共 ${size} 条全部核验无误`))
    t.match(await page.textContent('[data-audit-rate]'), new RegExp(`已核验 ${size} / ${size} 条.*每秒 \\d+ 条`))
    t.equal(await page.evaluate(() => { const bar = document.querySelector('progress') as HTMLProgressElement; return bar.value === bar.max }), true, 'the bar is full')
    t.ok(requests.some((url) => /\/console\/audit\/audit-worker-[0-9a-f]{16}\.js$/.test(url)), 'the worker script, versioned')
    t.ok(requests.some((url) => url.includes('/tlog/tile/entries/')), 'the entries read from the tiles')

    // A range, in English.
    await openVerifiedPage(page, `${baseUrl}/console/audit?lang=en`)
    await page.fill('#audit-from', '10')
    await page.fill('#audit-to', '20')
    await page.click('[data-audit-start]')
    await page.waitForSelector('[data-audit-state="ok"],[data-audit-state="failed"]', { timeout: 60_000 })
    t.match(await page.textContent('[data-audit-result]'), /Audit passed: entries 10–19, 10 in all, verified/)
    await page.setViewportSize({ width: 1280, height: 900 })
    t.same(await axeViolations(page), [], 'axe: none after an audit (desktop, en)')
    t.same(errors, [], 'no script error or CSP violation, the worker included')

    // worker-src 'self': a worker from anywhere else (here a blob: an injected script could make) is refused.
    const directive = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective), { once: true })
          try {
            new Worker(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' })))
          } catch (error) {
            resolve(String(error))
          }
        }),
    )
    t.equal(directive, 'worker-src', 'a blob: worker is a worker-src violation')
  })

  t.test('one byte flipped in the entry bundle on the way: the page names the bad seq', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const proxy = await startRewritingProxy(t, baseUrl)
    const size = node.ledger.size
    const bad = 23
    proxy.rewriteBytes = (bytes, path) => {
      if (path !== `/tlog/tile/entries/000.p/${size}`) return bytes
      const flipped = Buffer.from(bytes)
      flipped[middleOfEntry(bytes, bad)] ^= 0x01
      return flipped
    }
    const { page, errors } = await launchChromium(t, 'zh-CN', { console: true })
    await page.goto(`${proxy.url}/console/audit`)
    await page.click('[data-audit-start]')
    await page.waitForSelector('[data-audit-state="ok"],[data-audit-state="failed"]', { timeout: 60_000 })
    t.equal(await page.getAttribute('[data-audit]', 'data-audit-state'), 'failed')
    t.equal(await page.getAttribute('[data-audit]', 'data-first-bad-seq'), String(bad))
    t.match(await page.textContent('[data-audit-result]'), new RegExp(`第 ${bad} 条记录有问题：账本分片 tile/entries/000.p/${size} 与已签名的检查点不符`))
    t.same(await axeViolations(page), [], 'axe: none with a failure shown')
    t.same(errors, [])
  })
}
