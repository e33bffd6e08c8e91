#!/usr/bin/env node
// What a consumer waits for on a cheap phone: the demo's lot page opened in headless Chromium with the
// CPU slowed down and the network shaped as DevTools does, beside the same page on this machine unslowed
// (the peer), and a browser without WebCrypto's Ed25519 (as in-app browsers built on an older Chromium are),
// which verifies with @noble from its lazy script. For each: when the page was loaded and first painted, when
// it said "verified" (and the verifier's own share), its requests and the bytes they took. A node with the demo data runs in its own
// process; every run starts from an empty browser cache. Prints figures; asserts nothing.
//
//   node bench/phone.mjs [--runs 3] [--cpu 6] [--lot /01/06901234001037/10/Z260526A]
//
// Needs Chromium (Debian's /usr/bin/chromium, or CHROMIUM=path), as the page tests do.

import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { dist, flags, fmt, machine, startNode, table } from './lib.mjs'

const opts = flags({ runs: 3, cpu: 6, lot: '/01/06901234001037/10/Z260526A' })
const { seedOverHttp } = await dist('cli/demo.js')

const G4 = { latency: 170, downloadThroughput: 9e6 / 8, uploadThroughput: 1.5e6 / 8 }
const G3 = { latency: 560, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 }
/** name, CPU slowdown, network, whether the browser lacks WebCrypto (crypto.subtle hidden, as outside a secure context) */
const PROFILES = [
  ['this machine, unslowed (peer)', 1, undefined, false],
  [`CPU x${opts.cpu}, 4G-like (9 Mbps, 170 ms)`, opts.cpu, G4, false],
  [`CPU x${opts.cpu}, 3G-like (1.6 Mbps, 560 ms)`, opts.cpu, G3, false],
  [`CPU x${opts.cpu}, 3G-like, no WebCrypto`, opts.cpu, G3, true],
]

const dir = mkdtempSync(join(os.tmpdir(), 'tracechain-phone-'))
const node = await startNode(dir)
await seedOverHttp(node.url, join(dir, 'keys', 'operator.json'))
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
console.log(`phone: ${machine()}; ${node.url}${opts.lot}, ${opts.runs} runs each (medians)`)

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const rows = [['profile', 'first paint ms', 'loaded ms', 'verified ms', 'verifier ms', 'requests', 'bytes', 'outcome']]
for (const [name, cpu, network, noWebCrypto] of PROFILES) {
  const runs = []
  for (let run = 0; run < opts.runs; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    if (noWebCrypto) await context.addInitScript(() => Object.defineProperty(globalThis.crypto, 'subtle', { get: () => undefined }))
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu })
    if (network) {
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network })
    }
    const started = Date.now()
    await page.goto(node.url + opts.lot)
    const loaded = Date.now() - started
    await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: 120_000 })
    const verified = Date.now() - started
    runs.push({
      loaded,
      verified,
      state: await page.getAttribute('[data-verification]', 'data-verification'),
      verifier: Number(await page.getAttribute('[data-verification]', 'data-verification-ms')),
      ...(await page.evaluate(() => {
        const resources = performance.getEntriesByType('resource')
        return {
          paint: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN),
          requests: resources.length + 1,
          bytes: resources.reduce((sum, r) => sum + r.transferSize, 0) + performance.getEntriesByType('navigation')[0].transferSize,
        }
      })),
    })
    await context.close()
  }
  const states = [...new Set(runs.map((r) => r.state))].join(', ')
  rows.push([name, fmt.int(median(runs.map((r) => r.paint))), fmt.int(median(runs.map((r) => r.loaded))), fmt.int(median(runs.map((r) => r.verified))), fmt.int(median(runs.map((r) => r.verifier))), String(median(runs.map((r) => r.requests))), fmt.int(median(runs.map((r) => r.bytes))), states])
}
console.log(table(rows))
console.log('(requests and bytes: the page, its script and label image, and what the verifier fetched, in brotli where the node compresses)')

await browser.close()
await node.stop()
rmSync(dir, { recursive: true, force: true })
