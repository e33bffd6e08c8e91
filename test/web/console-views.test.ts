// Every view of the console on the seeded demo, in Chromium at a phone's and a desktop's size, in Chinese:
// each loads, the verified ones verify, none scrolls sideways, no script error. With TRACECHAIN_SCREENSHOTS=1
// it also writes the screenshots in docs/screenshots/ (console-<view>-<size>.png) that docs/console.md shows.

import { fileURLToPath } from 'node:url'
import t from 'tap'
import { haveChromium, launchChromium } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const SCREENSHOTS = process.env.TRACECHAIN_SCREENSHOTS === '1'
const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))

const VIEWS = [
  { id: 'alerts', path: '/console', verified: true },
  { id: 'seals', path: '/console/seals', verified: true },
  { id: 'recalls', path: '/console/recalls', verified: true },
  { id: 'act', path: '/console/act', verified: false },
  { id: 'audit', path: '/console/audit', verified: false },
] as const

const SIZES = [
  { id: 'phone', width: 390, height: 844 },
  { id: 'desktop', width: 1280, height: 800 },
] as const

t.test('every console view at phone and desktop size', async (t) => {
  if (!haveChromium(t)) return
  const { app } = await seededDemoApp(t)
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const { page, errors } = await launchChromium(t, 'zh-CN', { console: true })
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height })
    for (const view of VIEWS) {
      const what = `${view.id} at ${size.id} size`
      await page.goto(`${base}${view.path}`)
      if (view.verified) {
        await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: 60_000 })
        t.equal(await page.getAttribute('[data-verification]', 'data-verification'), 'verified', what)
      } else {
        await page.waitForLoadState('load')
      }
      t.match(await page.textContent('nav ul.views [aria-current="page"]'), /\S/, `${what}: the navigation marks it`)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      t.ok(overflow <= 0, `${what}: no sideways scroll (${overflow} px)`)
      if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOT_DIR}console-${view.id}-${size.id}.png`, fullPage: size.id === 'desktop' })
    }
  }
  t.same(errors, [])
})
