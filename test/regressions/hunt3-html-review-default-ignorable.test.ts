// Hunt 3 (html): the console's review of a statement before signing writes each character that draws nothing or
// draws as a blank as its JSON escape (hunt-console-act-review-invisible). It took those to be the controls, the
// format characters and the separators, and let through the other default-ignorable code points: a combining
// grapheme joiner (U+034F), variation selectors (U+FE00, U+E0100), Khmer and Mongolian invisibles, and the Hangul
// fillers that draw as a wide blank (U+3164, U+115F). In Chromium each of those drew nothing or a blank in the
// review, yet each is in the bytes signed (SPLIT_CONTRACT's title comparison already treats them as unseen). Now the
// review escapes every default-ignorable code point, and the braille blank (U+2800), too.

import { join } from 'node:path'
import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { ROOT } from '../helpers/node-process.js'
import { demoApp } from '../helpers/web.js'

const HIDDEN = ['\u034f', '\ufe00', '\u{e0100}', '\u17b4', '\u180b', '\u3164', '\u115f', '\u1160', '\uffa0', '\u2800']
const escapeOf = (char: string) => Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('characters that draw nothing or a blank are shown as escapes in the review', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page } = await launchChromium(t, 'en-GB')
    t.equal((await openVerifiedPage(page, `${baseUrl}/console/act?lang=en&action=revoke&seal=yiqiao-committee-seal`)).state, 'verified')

    await page.setInputFiles('[data-key-file]', join(ROOT, 'keys/demo', 'regulator-hz.json'))
    await page.waitForFunction(() => (document.querySelector('[data-key-status]')?.textContent ?? '').includes('regulator-hz'), undefined, { timeout: 60_000 })
    const reason = `seal ${HIDDEN.join('x')} lost`
    await page.fill('[name=reason]', reason)
    await page.click('[data-preview]')
    await page.waitForSelector('[data-review]:not([hidden])', { timeout: 30_000 })
    const shown = (await page.textContent('[data-review-json]')) as string
    // Each draws no ink in the review's font: nothing, or a blank (drawn alone on a canvas, no pixel is set).
    const inked = await page.evaluate((chars) => {
      const font = getComputedStyle(document.querySelector('[data-review-json]') as HTMLElement).font
      return chars.map((c) => {
        const canvas = document.createElement('canvas')
        canvas.width = 64
        canvas.height = 64
        const context = canvas.getContext('2d') as CanvasRenderingContext2D
        context.font = font
        context.fillText(`${c}`, 16, 40)
        return { code: c.codePointAt(0)?.toString(16), pixels: context.getImageData(0, 0, 64, 64).data.filter((v, i) => i % 4 === 3 && v > 0).length }
      })
    }, [...HIDDEN, 'x'])
    const control = inked.pop()
    t.ok((control?.pixels ?? 0) > 0, 'a letter does draw ink: the measure sees it')
    for (const { code, pixels } of inked) t.equal(pixels, 0, `U+${code} draws no ink in the review`)
    for (const char of HIDDEN) {
      const code = char.codePointAt(0)?.toString(16).toUpperCase()
      t.notOk(shown.includes(char), `U+${code} is not drawn as itself`)
      t.ok(shown.includes(escapeOf(char)), `it is shown as ${escapeOf(char)}`)
    }
    t.same((JSON.parse(shown) as { body: { reason: string } }).body.reason, reason, 'the review is the same JSON')
  })
}
