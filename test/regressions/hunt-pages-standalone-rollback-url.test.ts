// Hunt (pages): the standalone verifier remembers the largest checkpoint it saw of a log so that a log rolled
// back is caught on the next check. It kept that memory per log URL: the same log (the key id the person pins)
// read at another URL, a mirror's, a CDN's, the host spelled otherwise, or whatever `url=` the node writes into
// its link to the page, started from nothing, and a rolled-back log verified there. Now the memory is the
// pinned log key's, whatever URL serves it. And a log that failed that check is no longer described, above the
// failure, as "consistent with what this browser saw before".

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { writeVerifyPage } from '../../src/cli/verify-page.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { startRewritingProxy, type RewritingProxy } from '../helpers/rewriting-proxy.js'
import { staticSite } from '../helpers/static-site.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'

async function check(page: Page, site: string, keyId: string, log: string): Promise<{ state: string | null; status: string }> {
  await page.goto('about:blank')
  await page.goto(`${site}/#log=${keyId}&url=${encodeURIComponent(log)}&lot=${encodeURIComponent(log + lotPath(FINE_LOT))}`)
  await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: 30_000 })
  return { state: await page.getAttribute('[data-standalone-state]', 'data-standalone-state'), status: (await page.textContent('[data-standalone-status]')) ?? '' }
}

/** Serves `old` as the log's checkpoint and refuses the API's proofs, so the log reads as it was at that size. */
function rollBack(proxy: RewritingProxy, old: Buffer): void {
  proxy.rewriteBytes = (bytes, path) => (path.startsWith('/tlog/checkpoint') ? old : bytes)
  proxy.refuse = (path) => path.startsWith('/v1/proofs/')
}

if (haveChromium(t)) {
  t.test('a log rolled back is caught at any URL that serves it', async (t) => {
    await buildVerifierBundle()
    const { app, node } = await seededDemoApp(t)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const keyId = logKeyIdOf(node.ledger.verifierKey)
    const old = Buffer.from(node.ledger.checkpoint)
    // The log grows by one entry after that checkpoint.
    await node.register('late-farm', ['farm'])
    const log = await startRewritingProxy(t, `http://127.0.0.1:${port}`)
    const mirror = await startRewritingProxy(t, `http://127.0.0.1:${port}`)

    const dir = mkdtempSync(join(tmpdir(), 'tracechain-standalone-rollback-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    writeVerifyPage({ out: join(dir, 'site') })
    const site = await staticSite(t, join(dir, 'site'))
    const { page } = await launchChromium(t, 'en-US')

    const seen = await check(page, site.url, keyId, log.url)
    t.equal(seen.state, 'verified', `the log as it is: ${seen.status}`)

    rollBack(log, old)
    const there = await check(page, site.url, keyId, log.url)
    t.equal(there.state, 'failed', `rolled back at the URL it was seen at: ${there.status}`)
    t.match(there.status, /rolled back/)
    t.notMatch(there.status, /consistent with what this browser saw before/, 'and does not say the log is consistent with it')

    rollBack(mirror, old)
    const elsewhere = await check(page, site.url, keyId, mirror.url)
    t.equal(elsewhere.state, 'failed', `rolled back at another URL of the same log: ${elsewhere.status}`)
    t.match(elsewhere.status, /rolled back/)
  })
}
