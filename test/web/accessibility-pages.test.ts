// The public pages besides the console's and the seal page's (which their own tests hold to the same): the
// consumer page of a fine and of a recalled lot, the explorer, a search and the standalone verifier, in
// Chinese and English. axe-core finds no serious or critical violation at phone and desktop width, nothing
// scrolls sideways at 200% zoom, and the keyboard alone reaches the language switch and follows it (on the
// standalone verifier, bilingual on one page, its form's button).

import t from 'tap'
import { checkAccessibleAndZoomable, haveChromium, launchChromium } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { FINE_LOT, lotPath, RECALLED_LOT } from '../helpers/web.js'

const PAGES: { name: string; path: string; verified: boolean; target?: RegExp }[] = [
  { name: 'the consumer page of a fine lot', path: lotPath(FINE_LOT), verified: true },
  { name: 'the consumer page of a recalled lot', path: lotPath(RECALLED_LOT), verified: true },
  { name: 'the explorer', path: '/', verified: true },
  { name: 'a search', path: `/search?q=${FINE_LOT}`, verified: false },
  // One page in both languages, static: no switch; the keyboard reaches its form's button instead.
  { name: 'the standalone verifier', path: '/verify', verified: false, target: /^核验 · Verify$/ },
]

t.test('the public pages: axe, 200% zoom and the keyboard, in zh and en', async (t) => {
  if (!haveChromium(t)) return
  const { app } = await seededDemoApp(t)
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const { page, errors } = await launchChromium(t, 'zh-CN', { console: true })
  for (const { name, path, verified, target = /^English$/ } of PAGES) {
    for (const lang of ['zh', 'en'] as const) {
      const url = `${base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`
      await page.goto(url)
      if (verified) await page.waitForSelector('[data-verification="verified"]', { timeout: 60_000 })
      await checkAccessibleAndZoomable(t, page, `${name}, ${lang}`)
    }
    // From the top of the Chinese page, Tab until the English switch has the focus, then Enter follows it.
    await page.goto(`${base}${path}`)
    if (verified) await page.waitForSelector('[data-verification="verified"]', { timeout: 60_000 })
    let reached = false
    for (let presses = 0; presses < 30 && !reached; presses++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate((source) => new RegExp(source).test(document.activeElement?.textContent?.trim() ?? ''), target.source)
    }
    t.ok(reached, `${name}: ${target.source} is reached by Tab`)
    if (!reached || path === '/verify') continue
    await Promise.all([page.waitForURL(/lang=en/), page.keyboard.press('Enter')])
    t.match(await page.getAttribute('html', 'lang'), /^en/, `${name}: Enter on it opens the English page`)
  }
  t.same(errors, [])
})
