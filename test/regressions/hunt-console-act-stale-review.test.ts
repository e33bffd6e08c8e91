// Hunt (console, acting): the review ("3. Check and sign") shows the statement, its type and the key id that will
// sign it. Before, it outlived what it showed: loading another key file after the preview left the review naming
// the first key while "Sign and submit" signed with the second, and editing the form after the preview (an
// approval turned into a rejection, a reason rewritten) left the button signing the old statement while the form
// showed the new one. Now any change to the key, the signer or the form takes the review down: what is signed is
// only ever the statement and key shown, previewed again.

import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { ROOT } from '../helpers/node-process.js'
import { demoApp, FINE_LOT, ZONGZI } from '../helpers/web.js'

const keyFile = (actor: string) => join(ROOT, 'keys/demo', `${actor}.json`)

async function loadKey(page: Page, actor: string): Promise<void> {
  await page.setInputFiles('[data-key-file]', keyFile(actor))
  await page.waitForFunction((id) => (document.querySelector('[data-key-status]')?.textContent ?? '').includes(id), actor, { timeout: 60_000 })
}

async function preview(page: Page): Promise<void> {
  await page.click('[data-preview]')
  await page.waitForSelector('[data-review]:not([hidden])', { timeout: 30_000 })
}

/** Whether the page offers to sign: its review shown and the button enabled. */
async function signOffered(page: Page): Promise<boolean> {
  return (await page.isVisible('[data-review]')) && (await page.isEnabled('[data-sign]'))
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('a key loaded or a field changed after the preview takes the review down', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const { page } = await launchChromium(t, 'en-GB')
    t.equal((await openVerifiedPage(page, `${baseUrl}/console/act?lang=en`)).state, 'verified')
    await loadKey(page, 'regulator-hz')
    await page.fill('[name=ids]', `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`)
    await page.fill('[name=reason]', 'stale review test')
    await preview(page)
    const shownKeyId = (await page.textContent('[data-review-keyid]')) as string

    // Another key file: the review named the first key.
    await loadKey(page, 'factory-jiaxing-01')
    const size = node.ledger.size
    if (await signOffered(page)) {
      await page.click('[data-sign]')
      await page.waitForSelector('[data-act-results] li[data-seq], [data-refusal]', { timeout: 60_000 })
      const posted = await node.ledger.size
      t.fail(`"Sign and submit" was offered under a review showing key ${shownKeyId}, and signed with the key loaded after it (ledger ${size} -> ${posted}; ${await page.textContent('[data-submit-status]')})`)
    }
    t.ok(await page.isHidden('[data-review]'), 'the review of the other key is gone once a new key is loaded')
    t.equal(node.ledger.size, size, 'nothing signed with a key the review did not show')

    // An edit after the preview.
    await loadKey(page, 'regulator-hz')
    await preview(page)
    await page.fill('[name=reason]', 'a different reason')
    t.ok(await page.isHidden('[data-review]'), 'an edited form takes the review down')
    await page.selectOption('[name=severity]', 'class-i')
    t.ok(await page.isHidden('[data-review]'))
    await preview(page)
    await page.fill('[data-actor]', 'someone-else')
    t.ok(await page.isHidden('[data-review]'), 'so does a changed signer')
    t.notOk(await signOffered(page), 'nothing to sign until previewed again')
    t.equal(node.ledger.size, size)
  })
}

if (haveChromium(t)) {
  t.test('a value committed with Enter in its field is previewed and signed: leaving the field does not take the review down', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const { page } = await launchChromium(t, 'en-GB')
    t.equal((await openVerifiedPage(page, `${baseUrl}/console/act?lang=en&action=revoke&seal=yiqiao-committee-seal`)).state, 'verified')
    await loadKey(page, 'regulator-hz')
    await page.fill('[name=reason]', 'lost')
    await page.focus('[name=sealId]')
    await page.keyboard.type('x')
    await page.keyboard.press('Backspace')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-review]:not([hidden])', { timeout: 30_000 })
    const size = node.ledger.size
    await page.click('[data-sign]')
    await page.waitForSelector('[data-refusal], [data-act-results] li[data-seq]', { timeout: 60_000 })
    t.equal(await page.getAttribute('[data-refusal]', 'data-refusal'), 'ROLE_FORBIDDEN', 'signed and submitted (and refused by the node: a regulator is no admin)')
    t.equal(node.ledger.size, size)
  })
}
