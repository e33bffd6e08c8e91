// The block docs/consumer-page.md gives operators for serving pages to phones, run as written: Debian's nginx
// with TLS (a certificate made for the test) and HTTP/2 in front of the node. Chromium loads a lot page over
// HTTP/2; the page, its script and its first requests come in brotli with their ETags, as the node sent them;
// the page verifies, and with WebCrypto hidden @noble comes by the page's hint over the same connection; an
// If-None-Match is answered 304 through the proxy; the console's alert stream carries a new alert through it.

import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { demoSigner } from '../../src/cli/demo.js'
import { NOBLE_HINT_SOURCE } from '../../src/http/html-reply.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, lazyScript, openVerifiedPage } from '../helpers/chromium.js'
import { documentedServerBlock, freePort, haveNginx, startNginxServers, substitute } from '../helpers/nginx.js'
import { testDir } from '../helpers/test-dir.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'

/** True when openssl is there to make the certificate: CI fails without it (.ci/run installs it), elsewhere the file is skipped. */
function haveOpenssl(t: Test): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    if (process.env.CI === 'true') t.fail('openssl is missing: .ci/run installs it')
    else t.plan(0, 'skipped: no openssl (apt-get install openssl)')
    return false
  }
}

/** Each resource the page loaded: its path, the protocol it came over and what started it. */
function resources(page: import('playwright-core').Page) {
  return page.evaluate(() => [
    { name: location.pathname, protocol: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol, initiator: 'navigation' },
    ...performance.getEntriesByType('resource').map((r) => ({ name: new URL(r.name).pathname, protocol: (r as PerformanceResourceTiming).nextHopProtocol, initiator: (r as PerformanceResourceTiming).initiatorType })),
  ])
}

if (haveChromium(t) && haveNginx(t) && haveOpenssl(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('the documented TLS and HTTP/2 front: pages in brotli over one connection, verified, 304s and the alert stream', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const dir = testDir(t)
    const key = join(dir, 'tls.key')
    const certificate = join(dir, 'tls.crt')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', certificate], { stdio: 'ignore' })
    const port = await freePort()
    const readyPort = await freePort()
    let block = documentedServerBlock('docs/consumer-page.md')
    block = substitute(block, /listen\s+443 ssl http2;/, `listen 127.0.0.1:${port} ssl http2;`)
    block = substitute(block, '/etc/tracechain/tls/fullchain.pem', certificate)
    block = substitute(block, '/etc/tracechain/tls/privkey.pem', key)
    block = substitute(block, 'proxy_pass http://127.0.0.1:3000;', `proxy_pass ${baseUrl};`)
    // Plain HTTP on another port, only for startNginxServers to see that nginx listens.
    const nginx = await startNginxServers(`${block}\nserver { listen 127.0.0.1:${readyPort}; return 204; }`, `http://127.0.0.1:${readyPort}`, join(dir, 'nginx'))
    t.teardown(() => nginx.stop())
    const front = `https://127.0.0.1:${port}`

    const phone = await launchChromium(t, 'zh-CN', { console: true, ignoreHTTPSErrors: true })
    const answers = new Map<string, Record<string, string>>()
    phone.page.on('response', (response) => answers.set(new URL(response.url()).pathname, response.headers()))
    const verdict = await openVerifiedPage(phone.page, `${front}${lotPath(FINE_LOT)}`)
    t.equal(verdict.state, 'verified', verdict.status)
    const loaded = await resources(phone.page)
    t.ok(loaded.length >= 7, `${loaded.length} requests`)
    t.same(loaded.filter((r) => r.protocol !== 'h2'), [], 'every one over HTTP/2')
    const page = answers.get(lotPath(FINE_LOT)) ?? {}
    t.equal(page['content-encoding'], 'br', 'the page in brotli, as the node compressed it')
    t.ok(page.etag, 'with its ETag')
    t.match(page['content-security-policy'], NOBLE_HINT_SOURCE, "the node's CSP, hint and all")
    for (const [path, headers] of answers) {
      if (/^\/web\/consumer-[0-9a-f]{16}\.js$/.test(path) || path === '/v1/proofs/entries') t.equal(headers['content-encoding'], 'br', `${path} in brotli`)
    }
    t.same(phone.errors, [], 'no script error or CSP violation')

    // A phone that already holds the page asks again with its ETag: 304 through the proxy, no body.
    const again = await phone.page.evaluate(async (path) => {
      const first = await fetch(path, { headers: { accept: 'text/html' } })
      const tag = first.headers.get('etag') ?? ''
      const second = await fetch(path, { headers: { accept: 'text/html', 'if-none-match': tag }, cache: 'no-store' })
      return { tag, status: second.status, body: (await second.text()).length }
    }, lotPath(FINE_LOT))
    t.match(again, { status: 304, body: 0 }, `If-None-Match ${again.tag}`)

    // No WebCrypto (a page outside a secure context, or Chromium before 137 with its Ed25519 refused): the
    // hint's preload fetches @noble over the same connection, once.
    const older = await launchChromium(t, 'zh-CN', { console: true, ignoreHTTPSErrors: true })
    await older.context.addInitScript(() => Object.defineProperty(globalThis.crypto, 'subtle', { get: () => undefined }))
    const olderVerdict = await openVerifiedPage(older.page, `${front}${lotPath(FINE_LOT)}`)
    t.equal(olderVerdict.state, 'verified', olderVerdict.status)
    const noble = (await resources(older.page)).filter((r) => lazyScript('noble').test(r.name))
    t.same(noble.map((r) => [r.initiator, r.protocol]), [['link', 'h2']], '@noble once, by the hint, over HTTP/2')
    t.same(older.errors, [])

    // The console's live alerts through the proxy: an application over its budget appears without a reload.
    const inspector = await launchChromium(t, 'zh-CN', { console: true, ignoreHTTPSErrors: true, phone: false })
    const consoleVerdict = await openVerifiedPage(inspector.page, `${front}/console`)
    t.equal(consoleVerdict.state, 'verified', consoleVerdict.status)
    await inspector.page.waitForSelector('[data-live-status][data-state="open"]', { timeout: 60_000 })
    const envelope = buildStatementEnvelope(
      {
        type: 'seal.apply',
        actor: 'yiqiao-bookkeeper',
        id: `tls-front-${process.pid}`,
        issuedAt: new Date().toISOString(),
        body: { applicationId: 'YQ-TLS-1', sealId: 'yiqiao-committee-seal', title: '经代理的预警', purpose: '测试', document: { name: 'tls.pdf', sha256: 'b'.repeat(64) }, copies: 1, amount: 9000, budget: 8000 },
      },
      [demoSigner('yiqiao-bookkeeper')],
    )
    await node.ledger.submit(envelope)
    const fresh = inspector.page.locator('li.alert.fresh')
    await fresh.first().waitFor({ timeout: 60_000 })
    t.match(await fresh.first().textContent(), /超出预算[\s\S]*YQ-TLS-1/, 'the new alert, live through nginx')
    t.same(inspector.errors, [])
  })
}
