// Gap: a name someone registered (an actor's, a product's) with a bidi control that it does not close, U+202E
// RIGHT-TO-LEFT OVERRIDE or U+2067 RIGHT-TO-LEFT ISOLATE, reordered the rest of its line on the pages: the words
// the node wrote after it (a goods line's "Lot L1 · 12 kg") were drawn reversed, and isolating the name's element
// (<bdi>, unicode-bidi: isolate) would not hold, since a U+2069 in the name ends that isolate in Chromium. Now the
// pages close the controls within each name, lot and free text (core/display-text.ts bidiClosed), in the node's
// rendering and the browser's alike, and the label, which resvg draws with the controls applied, prints names
// without them.

import t from 'tap'
import type { Page } from 'playwright-core'
import { buildApp } from '../../src/http/app.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { commissioning } from '../helpers/food-events.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const GTIN = '06901234001037'

/** Whether each character of `text`, found in a text node under `selector`, is drawn right of the one before. */
async function drawnInOrder(page: Page, selector: string, text: string): Promise<boolean | string> {
  return page.evaluate(
    ({ selector, text }) => {
      for (const element of Array.from(document.querySelectorAll(selector))) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = (node.textContent ?? '').indexOf(text)
          if (at < 0) continue
          const xs = Array.from({ length: text.length }, (_, i) => {
            const range = document.createRange()
            range.setStart(node, at + i)
            range.setEnd(node, at + i + 1)
            return range.getBoundingClientRect().left
          })
          return xs.every((x, i) => i === 0 || x > xs[i - 1]) || `${(node.parentElement as Element).outerHTML.slice(0, 200)} ${xs.join(",")}`
        }
      }
      return `no "${text}" under ${selector}`
    },
    { selector, text },
  )
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  for (const [label, control] of [
    ['U+202E RIGHT-TO-LEFT OVERRIDE', '\u202e'],
    ['U+2067 RIGHT-TO-LEFT ISOLATE', '\u2067'],
    // What ends an isolate the page puts around the name (<bdi>, unicode-bidi: isolate), then an override.
    ['U+2069 POP DIRECTIONAL ISOLATE then U+202E', '\u2069\u202e'],
  ]) {
    t.test(`a name with ${label} left open does not reorder the text the node writes after it`, async (t) => {
      const node = await makeNode(testDir(t))
      let app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
      t.teardown(async () => {
        await app.close()
        await node.close()
      })
      const farm = await node.register('farm-01', ['farm'], { name: { zh: `农场${control}甲`, en: `Farm ${control}one` } })
      await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-01', body: { gtin: GTIN, name: { zh: `粽子${control}甲`, en: `Zongzi ${control}one` } } }, [farm]))
      const lot = `https://id.gs1.org/01/${GTIN}/10/L1`
      await node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-01', body: commissioning({ quantityList: [{ epcClass: lot, quantity: 12, uom: 'KGM' }] }) }, [farm]))
      await app.listen({ host: '127.0.0.1', port: 0 })
      const { port } = app.server.address() as { port: number }

      const { page } = await launchChromium(t, 'en-GB')
      const { state } = await openVerifiedPage(page, `http://127.0.0.1:${port}/01/${GTIN}/10/L1?lang=en`)
      t.equal(state, 'verified', 'the page verifies')
      for (const [selector, text] of [
        ['[data-fact=goods]', 'Lot'],
        ['[data-fact=goods] .code', 'L1'],
        ['[data-fact=quantity]', '12 kg'],
      ]) {
        const drawn = await drawnInOrder(page, selector, text)
        t.ok(drawn === true, `"${text}" in ${selector} reads left to right${drawn === true ? '' : `: ${drawn}`}`)
      }
      // The goods line is "name · Lot L1 · 12 kg": the lot before the quantity, as written.
      const [lotAt, quantityAt] = await page.evaluate(() =>
        ['[data-fact=goods] .code', '[data-fact=quantity]'].map((selector) => (document.querySelector(selector) as Element).getBoundingClientRect().left),
      )
      t.ok(lotAt < quantityAt, `the lot (x=${lotAt}) is drawn before the quantity (x=${quantityAt})`)

      // resvg applies the controls too: the label prints the names without them, in the order they were written.
      const svg = await (await fetch(`http://127.0.0.1:${port}/v1/labels/${encodeURIComponent(lot)}.svg`)).text()
      t.notMatch(svg, /[\u202a-\u202e\u2066-\u2069]/, 'the label holds no bidi control')
      t.match(svg, />粽子甲</, 'the Chinese name is printed in its order')
      t.match(svg, />Zongzi one</, 'the English name is printed in its order')
    })
  }
}
