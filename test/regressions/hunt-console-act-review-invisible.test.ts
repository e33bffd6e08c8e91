// Hunt (console, acting): the review shows the statement that will be signed. Before, it showed the JSON as text,
// and characters that draw nothing or reorder what follows went through as they were: a title pasted with a
// right-to-left override (U+202E) read reversed after it, a zero-width space (U+200B) or a word joiner was not
// there to see, though each is in the bytes signed and in every later reading of the entry. Now the review writes
// every such character as its JSON escape (\u202e), still the same JSON, so what is looked at is what is signed.

import { join } from 'node:path'
import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { ROOT } from '../helpers/node-process.js'
import { demoApp } from '../helpers/web.js'

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('bidi controls and invisible characters are shown as escapes in the review', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page } = await launchChromium(t, 'en-GB')
    t.equal((await openVerifiedPage(page, `${baseUrl}/console/act?lang=en&action=revoke&seal=yiqiao-committee-seal`)).state, 'verified')
    await page.setInputFiles('[data-key-file]', join(ROOT, 'keys/demo', 'regulator-hz.json'))
    await page.waitForFunction(() => (document.querySelector('[data-key-status]')?.textContent ?? '').includes('regulator-hz'), undefined, { timeout: 60_000 })
    const reason = 'lost \u202e000,05\u202c, found\u200b again\u2060 \u2028next\u00a0line\u0085'
    await page.fill('[name=reason]', reason)
    await page.click('[data-preview]')
    await page.waitForSelector('[data-review]:not([hidden])', { timeout: 30_000 })
    const shown = (await page.textContent('[data-review-json]')) as string
    for (const char of ['\u202e', '\u202c', '\u200b', '\u2060', '\u2028', '\u00a0', '\u0085']) {
      const escape = `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
      t.notOk(shown.includes(char), `U+${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} is not drawn as itself`)
      t.ok(shown.includes(escape), `it is shown as ${escape}`)
    }
    t.same((JSON.parse(shown) as { body: { reason: string } }).body.reason, reason, 'the review is the same JSON')
  })
}
