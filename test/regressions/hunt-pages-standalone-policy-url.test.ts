// Hunt (pages): the standalone verifier's witness policy is the person's own, remembered so that a later check of
// the same log is held to the same witnesses. It was remembered per log URL: a link that names the same log (its
// key id) at another URL (a mirror, the host spelled otherwise, whatever url= a node writes into its consumer
// page's link to /verify) came without it, and the node's own witnesses decided instead. Now the policy is the
// log key's, whatever URL serves it.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { writeVerifyPage } from '../../src/cli/verify-page.js'
import { formatWitnessVerifierKey } from '../../src/core/cosignature.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium } from '../helpers/chromium.js'
import { newSigner } from '../helpers/ledger.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { staticSite } from '../helpers/static-site.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { witnessedNode } from '../helpers/witnessed-node.js'

const VERIFY_TIMEOUT_MS = 30_000

async function open(page: Page, url: string): Promise<{ state: string | null; status: string }> {
  await page.goto('about:blank')
  await page.goto(url)
  await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return { state: await page.getAttribute('[data-standalone-state]', 'data-standalone-state'), status: (await page.textContent('[data-standalone-status]')) ?? '' }
}

t.test("a link to the same log at another URL is held to the person's witness policy", async (t) => {
  if (!haveChromium(t)) return
  await buildVerifierBundle()
  // Two witnesses, one of them enough for the node.
  const node = await witnessedNode(t, 2, 1)
  const mirror = await startRewritingProxy(t, node.url)
  const dir = mkdtempSync(join(tmpdir(), 'tracechain-standalone-policy-url-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeVerifyPage({ out: join(dir, 'site') })
  const site = await staticSite(t, join(dir, 'site'))
  const { page } = await launchChromium(t, 'en-US')
  const link = (log: string) => `${site.url}/#log=${node.keyId}&url=${encodeURIComponent(log)}&lot=${encodeURIComponent(log + lotPath(FINE_LOT))}`

  t.equal((await open(page, link(node.url))).state, 'verified', "the node's own policy is met")
  // The person's own policy: a witness of theirs the node never asked.
  const stranger = formatWitnessVerifierKey('witness.test/consumers', newSigner().publicKey)
  await page.fill('textarea[name=witness]', stranger)
  await page.fill('input[name=witness-min]', '1')
  await page.evaluate(() => document.querySelector('[data-standalone-state]')?.setAttribute('data-standalone-state', 'idle'))
  await page.click('[data-standalone-form] button[type=submit]')
  await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  t.equal(await page.getAttribute('[data-standalone-state]', 'data-standalone-state'), 'failed', 'held to the person’s policy, the log fails')

  const again = await open(page, link(node.url))
  t.equal(again.state, 'failed', `a later link at the same URL keeps the policy: ${again.status}`)

  const elsewhere = await open(page, link(mirror.url))
  t.equal(await page.inputValue('textarea[name=witness]'), stranger, 'the policy comes with a link to the same log at another URL')
  t.equal(elsewhere.state, 'failed', `and holds it: ${elsewhere.status}`)
  t.match(elsewhere.status, /requires 1, 0 cosigned it/)
})
