// The standalone verifier holds a log to the witness policy its user types, not to the one the node names:
// the page copied to a separate static origin checks a witnessed node's lot, and its proof bundle dropped on
// the same page, against the witnesses' verifier keys given in the form. Met, it names who cosigned; a policy
// the checkpoint does not meet, or a key the node never used, fails though the node's own policy is met.
// Real witnesses, a real node, headless Chromium.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { writeVerifyPage } from '../../src/cli/verify-page.js'
import { formatWitnessVerifierKey } from '../../src/core/cosignature.js'
import { BUNDLE_MEDIA_TYPE } from '../../src/core/proof-bundle.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium } from '../helpers/chromium.js'
import { newSigner } from '../helpers/ledger.js'
import { staticSite } from '../helpers/static-site.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { witnessedNode } from '../helpers/witnessed-node.js'

const VERIFY_TIMEOUT_MS = 30_000

async function outcome(page: Page, state: string, act: () => Promise<unknown>): Promise<{ state: string | null; status: string }> {
  await page.evaluate((attribute) => document.querySelector(`[${attribute}]`)?.setAttribute(attribute, 'idle'), state)
  await act()
  await page.waitForSelector(`[${state}="verified"],[${state}="failed"]`, { timeout: VERIFY_TIMEOUT_MS })
  const box = await page.$(`[${state}]`)
  return { state: (await box?.getAttribute(state)) ?? null, status: (await box?.textContent()) ?? '' }
}

t.test("the user's witness policy, not the node's, holds the lot check and the proof file", async (t) => {
  if (!haveChromium(t)) return
  await buildVerifierBundle()
  const node = await witnessedNode(t, 2, 1)
  const keys = node.witnesses.map(({ key }) => formatWitnessVerifierKey(key.name, key.publicKey))
  const dir = mkdtempSync(join(tmpdir(), 'tracechain-standalone-policy-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeVerifyPage({ out: join(dir, 'site') })
  const site = await staticSite(t, join(dir, 'site'))
  const bundleFile = join(dir, 'lot.json')
  writeFileSync(bundleFile, await (await fetch(`${node.url}${lotPath(FINE_LOT)}`, { headers: { accept: BUNDLE_MEDIA_TYPE } })).text())
  const { page, errors } = await launchChromium(t, 'en-US', { console: true })
  await page.goto(`${site.url}/#log=${node.keyId}&url=${encodeURIComponent(node.url)}&lot=${encodeURIComponent(node.url + lotPath(FINE_LOT))}`)
  await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  const check = (witness: string, min: string) =>
    outcome(page, 'data-standalone-state', async () => {
      await page.fill('textarea[name=witness]', witness)
      await page.fill('input[name=witness-min]', min)
      await page.click('[data-standalone-form] button[type=submit]')
    })
  // Cleared first: choosing the same file again fires no change.
  const drop = () =>
    outcome(page, 'data-bundle-state', async () => {
      await page.setInputFiles('[data-bundle-form] input[name="file"]', [])
      await page.setInputFiles('[data-bundle-form] input[name="file"]', bundleFile)
    })

  const both = await check(keys.join('\n'), '')
  t.equal(both.state, 'verified', both.status)
  t.match(both.status, /cosigned by witness\.test\/hz-amr, witness\.test\/zj-agri \(2; your policy asks for at least 2\)/)
  const file = await drop()
  t.equal(file.state, 'verified', file.status)
  t.match(file.status, /cosigned by witness\.test\/hz-amr, witness\.test\/zj-agri \(2; your policy asks for at least 2\)/)

  // A witness of the user's own that never cosigned: the node's policy (1 of its 2) is met, the user's is not.
  const stranger = formatWitnessVerifierKey('witness.test/consumers', newSigner().publicKey)
  const strict = await check([stranger, keys[0]].join('\n'), '2')
  t.equal(strict.state, 'failed', strict.status)
  t.match(strict.status, /requires 2, 1 cosigned it/)
  const strictFile = await drop()
  t.equal(strictFile.state, 'failed', strictFile.status)
  t.match(strictFile.status, /requires 2, 1 cosigned it/)
  const onlyStranger = await check(stranger, '')
  t.equal(onlyStranger.state, 'failed', onlyStranger.status)
  t.match(onlyStranger.status, /requires 1, 0 cosigned it/)

  // A policy that does not read is refused, naming the line; nothing is checked against it.
  const garbled = await check(`${keys[0]}\nnot a key`, '')
  t.equal(garbled.state, 'failed')
  t.match(garbled.status, /the witness policy does not read: line 2/)
  const tooMany = await check(keys[0], '2')
  t.match(tooMany.status, /at least 1 and at most 1 witnesses must cosign, not 2/)

  // The policy is remembered for this log: a later visit holds it to the same witnesses.
  await page.fill('textarea[name=witness]', keys.join('\n'))
  await page.fill('input[name=witness-min]', '2')
  await page.click('[data-standalone-form] button[type=submit]')
  await page.waitForSelector('[data-standalone-state="verified"]', { timeout: VERIFY_TIMEOUT_MS })
  await page.goto('about:blank')
  await page.goto(`${site.url}/#log=${node.keyId}&url=${encodeURIComponent(node.url)}`)
  await page.waitForSelector('[data-standalone-state="verified"],[data-standalone-state="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  t.equal(await page.inputValue('textarea[name=witness]'), keys.join('\n'))
  t.equal(await page.inputValue('input[name=witness-min]'), '2')
  t.same(errors, [])
})
