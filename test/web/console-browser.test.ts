// The console in headless Chromium against the seeded demo on a real port: it loads and verifies every
// entry its alerts point at; an append that raises an alert puts a new card on the page without a reload,
// verified like the rest; axe-core finds no serious or critical violation (phone and desktop, zh and en);
// no CSP violation and no script error along the way.

import t from 'tap'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { demoSigner } from '../../src/cli/demo.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { axeViolations, haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { demoApp } from '../helpers/web.js'

const SEAL = 'yiqiao-committee-seal'

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('loads, verifies, shows a new alert live, and passes axe', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const { page, errors } = await launchChromium(t, 'zh-CN', { console: true })
    const { state, status } = await openVerifiedPage(page, `${baseUrl}/console`)
    t.equal(state, 'verified', status)
    const cards = await page.locator('li.alert').count()
    t.ok(cards >= 10, `${cards} alerts shown`)
    const marks = await page.locator('[data-bound="alert.entries"] [data-seq]').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-verified')))
    t.ok(marks.length >= cards - 1 && marks.every((mark) => mark === 'ok'), 'every entry an alert points at is verified')
    await page.waitForSelector('[data-live-status][data-state="open"]', { timeout: 60_000 })
    t.same(await axeViolations(page), [], 'axe: no serious or critical violation (phone, zh)')

    // An application over its budget, signed with the demo bookkeeper's key, raises OVER_BUDGET.
    const envelope = buildStatementEnvelope(
      {
        type: 'seal.apply',
        actor: 'yiqiao-bookkeeper',
        id: `console-live-${process.pid}`,
        issuedAt: new Date().toISOString(),
        body: { applicationId: 'YQ-LIVE-1', sealId: SEAL, title: '实时预警测试', purpose: '测试', document: { name: 'live.pdf', sha256: 'a'.repeat(64) }, copies: 1, amount: 9000, budget: 8000 },
      },
      [demoSigner('yiqiao-bookkeeper')],
    )
    const { seq } = await node.ledger.submit(envelope)
    const fresh = page.locator('li.alert.fresh')
    await fresh.first().waitFor({ timeout: 60_000 })
    t.equal(await fresh.count(), 1, 'one new card')
    t.match(await fresh.first().textContent(), /超出预算[\s\S]*YQ-LIVE-1/)
    t.equal(await page.locator('li.alert').first().getAttribute('class'), 'alert f-seal fresh', 'on top')
    await page.waitForSelector(`[data-seq="${seq}"][data-verified="ok"]`, { timeout: 30_000 })
    await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]')
    t.equal(await page.getAttribute('[data-verification]', 'data-verification'), 'verified', `the page verifies again with the new entry: ${await page.textContent('[data-verification-status]')}`)
    t.equal(await page.locator('li.alert').count(), cards + 1, 'nothing shown twice')
    t.match(await page.textContent('[data-live-status]'), /新预警 1 条/)

    await page.setViewportSize({ width: 1280, height: 900 })
    t.same(await axeViolations(page), [], 'axe: none at desktop size with a live card')
    t.same(errors, [], 'no script error or CSP violation')
  })

  t.test('English, filtered, and an older page without live updates: still verified and accessible', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page, errors } = await launchChromium(t, 'en-GB', { console: true })
    const filtered = await openVerifiedPage(page, `${baseUrl}/console?lang=en&kind=OVER_BUDGET&org=xiaoshan-yiqiao-village`)
    t.equal(filtered.state, 'verified', filtered.status)
    const shown = await page.locator('li.alert').count()
    t.ok(shown > 0 && shown === (await page.locator('li.alert[data-kind="OVER_BUDGET"]').count()), `${shown} over-budget alerts, nothing else`)
    t.equal(await page.getAttribute('select[name=kind]', 'name'), 'kind')
    t.same(await axeViolations(page), [], 'axe: none (phone, en)')
    const past = await openVerifiedPage(page, `${baseUrl}/console?lang=en&to=2020-01-01`)
    t.equal(past.state, 'verified', 'a page with no alert verifies the checkpoint')
    t.equal(await page.locator('[data-live-status]').count(), 0, 'no stream for a past range')
    t.same(await axeViolations(page), [], 'axe: none on an empty page')
    t.same(errors, [])
  })
}
