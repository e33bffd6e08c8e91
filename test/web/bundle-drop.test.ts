// Issue 15: a proof bundle verified in real headless Chromium with no log to reach. The standalone page,
// written by `tracechain verify-page` onto a separate static origin, takes a lot's bundle downloaded from a node
// that is then stopped, chosen with the file input or dropped on the card, and says in Chinese or English what it
// proves; a tampered file, a wrong key id, a file that is no bundle and a key that is none each fail, named.
// The page makes no request after it loaded: the check is local.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { writeVerifyPage } from '../../src/cli/verify-page.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { BUNDLE_MEDIA_TYPE, type ProofBundle } from '../../src/core/proof-bundle.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium } from '../helpers/chromium.js'
import { staticSite } from '../helpers/static-site.js'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'

// As the other browser tests wait: a run of the whole suite shares two cores with Chromium.
const VERIFY_TIMEOUT_MS = 60_000

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })
  run()
}

/** A lot's bundle from a listening node, which is then closed; the log key id; a static copy of the page. */
async function setUp(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tracechain-bundle-drop-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { app, node, baseUrl } = await demoApp(t, { listen: true })
  const response = await fetch(`${baseUrl}${lotPath(FINE_LOT)}`, { headers: { accept: BUNDLE_MEDIA_TYPE } })
  const text = await response.text()
  const keyId = logKeyIdOf(node.ledger.verifierKey)
  await app.close()
  writeVerifyPage({ out: join(dir, 'site') })
  const site = await staticSite(t, join(dir, 'site'))
  const file = (name: string, content: string) => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }
  return { text, bundle: JSON.parse(text) as ProofBundle, keyId, site, file }
}

const launch = (t: Test, locale: string) => launchChromium(t, locale, { console: true })

/** Waits for the card's outcome after `act`, which changes the file or the key. */
async function outcomeOf(page: Page, act: () => Promise<void>): Promise<{ state: string | null; status: string }> {
  await page.evaluate(() => document.querySelector('[data-bundle-state]')?.setAttribute('data-bundle-state', 'idle'))
  await act()
  // The attribute is the outcome, whatever the box looks like; a timeout says where the card stood.
  await page.waitForSelector('[data-bundle-state="verified"],[data-bundle-state="failed"]', { state: 'attached', timeout: VERIFY_TIMEOUT_MS }).catch(async (error: Error) => {
    const state = await page.getAttribute('[data-bundle-state]', 'data-bundle-state')
    const status = await page.textContent('[data-bundle-status]')
    throw new Error(`${error.message}\nthe card's state: ${state}; its status: ${status}`)
  })
  return { state: await page.getAttribute('[data-bundle-state]', 'data-bundle-state'), status: (await page.textContent('[data-bundle-status]')) ?? '' }
}

function run() {
  t.test('chosen with the file input (zh): verified locally, saying which lot, which entries, by whom', async (t) => {
    const { text, keyId, site, file } = await setUp(t)
    const { page, errors, requests } = await launch(t, 'zh-CN')
    // Opened as a label's link would open it: the key id comes from the fragment.
    await page.goto(`${site.url}/#log=${keyId}`)
    t.equal(await page.inputValue('[data-bundle-form] input[name="key"]'), keyId, 'the label\'s key id fills the key')
    const loaded = requests.length
    const good = await outcomeOf(page, () => page.setInputFiles('[data-bundle-form] input[name="file"]', file('lot.json', text)))
    t.equal(good.state, 'verified', good.status)
    t.match(good.status, /^已核验/)
    t.match(good.status, `证明对象：批次 ${FINE_LOT}（商品条码 GTIN ${ZONGZI}）`)
    t.match(good.status, `公钥 ${keyId}（与您给出的一致）`)
    t.match(good.status, /#16 ✓ food\.event · ObjectEvent · commissioning .*安吉稻米合作社 \(farm-anji-01\)/)
    t.match(good.status, /一直追溯到第 0 条得出/)
    t.match(good.status, /包含证明无法证明节点没有遗漏记录/)
    t.same(requests.slice(loaded), [], 'no request left the page: the log was not contacted')
    t.same(errors, [])
  })

  t.test('dropped on the card (en); every kind of bad file or key fails, named', async (t) => {
    const { text, bundle, keyId, site } = await setUp(t)
    const { page, errors, requests } = await launch(t, 'en-US')
    await page.goto(`${site.url}/`)
    await page.fill('[data-bundle-form] input[name="key"]', keyId)
    const loaded = requests.length
    const drop = (content: string) =>
      outcomeOf(page, async () => {
        const dataTransfer = await page.evaluateHandle((body) => {
          const transfer = new DataTransfer()
          transfer.items.add(new File([body], 'lot.tracechain-bundle.json', { type: 'application/json' }))
          return transfer
        }, content)
        await page.dispatchEvent('[data-bundle-drop]', 'drop', { dataTransfer })
      })

    const good = await drop(text)
    t.equal(good.state, 'verified', good.status)
    t.match(good.status, `What it proves: lot ${FINE_LOT} of GTIN ${ZONGZI}`)
    t.match(good.status, /These \d+ entries are in the signed log/)
    t.match(good.status, /Anji Rice Cooperative \(farm-anji-01\)/)

    const tampered = JSON.parse(text) as ProofBundle
    const target = tampered.entries.find((e) => e.seq === bundle.about.seqs[0])!
    const entry = JSON.parse(Buffer.from(target.leaf, 'base64').toString('utf8')) as { recordedAt: string }
    entry.recordedAt = '2020-01-01T00:00:00.000Z'
    target.leaf = Buffer.from(JSON.stringify(entry)).toString('base64')
    const back = await drop(JSON.stringify(tampered))
    t.equal(back.state, 'failed')
    t.match(back.status, `entry ${target.seq}: the inclusion proof does not lead to the signed root`)
    t.match(back.status, new RegExp(`#${target.seq} ✗`))

    t.match((await drop('{"format":"tracechain.bundle/v1"}')).status, /the proof file is not a tracechain proof bundle: BUNDLE_INVALID/)
    t.match((await drop('hello')).status, /the proof file is not a tracechain proof bundle: lot\.tracechain-bundle\.json: /)

    await page.fill('[data-bundle-form] input[name="key"]', 'deadbeef')
    const wrong = await drop(text)
    t.equal(wrong.state, 'failed')
    t.match(wrong.status, `the proof file is of another log key (${keyId}), not the one you gave (deadbeef)`)
    await page.fill('[data-bundle-form] input[name="key"]', 'not a key')
    t.match((await drop(text)).status, /give the log's verifier key, or the 8 to 64 hex digits/)
    t.same(requests.slice(loaded), [], 'no request left the page')
    t.same(errors, [])
  })

  t.test("the node's own /verify carries the card as well", async (t) => {
    const { app } = await demoApp(t)
    const page = await app.inject('/verify')
    t.match(page.body, /<section class="card" data-bundle-verifier><h2>核验证明文件 · Verify a proof file<\/h2>/)
    t.match(readFileSync(join(process.cwd(), 'dist/public/verify.js'), 'utf8'), /data-bundle-verifier/, 'the built script starts it')
  })
}
