#!/usr/bin/env node
// What a consumer waits for on a cheap phone: the demo's lot page opened in headless Chromium with the
// CPU slowed down and the network shaped as DevTools does, beside the same page on this machine unslowed
// (the peer), and a browser without WebCrypto's Ed25519 (as in-app browsers built on an older Chromium are),
// which verifies with @noble from its lazy script. For each: when the page was loaded and first painted, when
// it said "verified" (and the verifier's own share), its requests and the bytes they took. A node with the demo data runs in its own
// process; every run starts from an empty browser cache. Prints figures; asserts nothing.
//
//   node bench/phone.mjs [--runs 3] [--cpu 6] [--lot /01/06901234001037/10/Z260526A] [--over http1|h2]
//
// --over h2 puts the node behind nginx with TLS and HTTP/2, with the block docs/consumer-page.md gives
// operators (a self-signed certificate the browser is told to accept): one connection, so no request waits
// for one of HTTP/1.1's six. Needs Chromium (Debian's /usr/bin/chromium, or CHROMIUM=path), as the page tests
// do, and for h2 nginx and openssl.

import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { dist, flags, fmt, machine, startNode, table } from './lib.mjs'

const opts = flags({ runs: 3, cpu: 6, lot: '/01/06901234001037/10/Z260526A', over: 'http1' })
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
const front = opts.over === 'h2' ? await tlsFront(node.url, dir) : undefined
const base = front?.url ?? node.url
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
console.log(`phone: ${machine()}; ${base}${opts.lot}${front ? ' (nginx, TLS, HTTP/2)' : ' (HTTP/1.1)'}, ${opts.runs} runs each (medians)`)

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const rows = [['profile', 'first paint ms', 'loaded ms', 'verified ms', 'verifier ms', 'requests', 'bytes', 'outcome']]
for (const [name, cpu, network, noWebCrypto] of PROFILES) {
  const runs = []
  for (let run = 0; run < opts.runs; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', ignoreHTTPSErrors: front !== undefined })
    if (noWebCrypto) await context.addInitScript(() => Object.defineProperty(globalThis.crypto, 'subtle', { get: () => undefined }))
    // The moment the page says its outcome, on the page's own clock: waiting for goto() first would count the
    // label image, which the load event waits for and the verifier does not.
    await context.addInitScript(() => {
      new MutationObserver((changes, observer) => {
        const state = document.documentElement.querySelector('[data-verification]')?.getAttribute('data-verification')
        if (state !== 'verified' && state !== 'failed') return
        globalThis.__outcomeAt = performance.now()
        observer.disconnect()
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-verification'] })
    })
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu })
    if (network) {
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network })
    }
    await page.goto(base + opts.lot)
    await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: 120_000 })
    runs.push({
      state: await page.getAttribute('[data-verification]', 'data-verification'),
      verifier: Number(await page.getAttribute('[data-verification]', 'data-verification-ms')),
      ...(await page.evaluate(() => {
        const resources = performance.getEntriesByType('resource')
        return {
          loaded: Math.round(performance.getEntriesByType('navigation')[0].loadEventEnd),
          verified: Math.round(globalThis.__outcomeAt),
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
console.log('(requests and bytes: the page, its script and what the verifier fetched (the label image comes only when scrolled to), in brotli where the node compresses)')

await browser.close()
front?.stop()
await node.stop()

/**
 * nginx on a free port in front of `upstream` with the block docs/consumer-page.md gives operators (TLS and
 * HTTP/2), a self-signed certificate in its place.
 */
async function tlsFront(upstream, workDir) {
  const port = await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', join(workDir, 'tls.key'), '-out', join(workDir, 'tls.crt')], { stdio: 'ignore' })
  const documented = /```nginx\n([\s\S]*?)```/.exec(readFileSync(new URL('../docs/consumer-page.md', import.meta.url), 'utf8'))?.[1]
  if (!documented) throw new Error('docs/consumer-page.md has no ```nginx block')
  const block = documented
    .replace(/listen\s+443 ssl http2;/, `listen 127.0.0.1:${port} ssl http2;`)
    .replace('/etc/tracechain/tls/fullchain.pem', join(workDir, 'tls.crt'))
    .replace('/etc/tracechain/tls/privkey.pem', join(workDir, 'tls.key'))
    .replace('proxy_pass http://127.0.0.1:3000;', `proxy_pass ${upstream};`)
  const config = `daemon off; master_process off; worker_processes 1; pid ${workDir}/nginx.pid; error_log ${workDir}/nginx.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${workDir}/client_body; proxy_temp_path ${workDir}/proxy;
${block}
}`
  writeFileSync(join(workDir, 'nginx.conf'), config)
  const child = spawn(process.env.NGINX_PATH ?? '/usr/sbin/nginx', ['-p', workDir, '-c', join(workDir, 'nginx.conf'), '-e', join(workDir, 'nginx.log')], { stdio: 'ignore' })
  for (let attempt = 0; ; attempt++) {
    const open = await new Promise((resolve) => net.connect(port, '127.0.0.1').on('connect', function () { this.destroy(); resolve(true) }).on('error', () => resolve(false)))
    if (open) break
    if (attempt > 200 || child.exitCode !== null) throw new Error(`nginx did not listen on ${port}: see ${workDir}/nginx.log`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return { url: `https://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }
}
rmSync(dir, { recursive: true, force: true })
