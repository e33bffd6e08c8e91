// Hunt 3 (labels): a product's name is the producer's text, up to 200 characters in each language (the
// food.product schema), and the label prints it under the QR code, shrunk to fit with a floor of 0.8 mm. Before, a
// name longer than the label holds at that size (about 45 Chinese or 70 Latin characters) was drawn past both
// edges of the 40 mm label, through its border, its start and end cut off: the name a shopper reads was a middle
// slice of it. Now a name that does not fit at the smallest size is cut where it fits and ends in "…", inside the
// label; names that fit are drawn as before. Measured with the real fonts, each text rendered alone by resvg.

import t from 'tap'
import { Resvg } from '@resvg/resvg-js'
import { buildApp } from '../../src/http/app.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { commissioning } from '../helpers/food-events.js'

const INSIDE = { left: 8, right: 392 }
const SCALE = 2

/** The horizontal extent resvg inks for one <text> of the label, in drawing units. */
function drawnExtent(svg: string, element: string): { left: number; right: number } {
  const open = /^<svg[^>]*>/.exec(svg)?.[0] as string
  const image = new Resvg(`${open}${element}</svg>`, {
    fitTo: { mode: 'width', value: 400 * SCALE },
    font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC', sansSerifFamily: 'Noto Sans CJK SC', monospaceFamily: 'DejaVu Sans Mono' },
  }).render()
  const pixels = image.pixels
  let [left, right] = [Infinity, -Infinity]
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (pixels[(y * image.width + x) * 4 + 3] === 0) continue
      left = Math.min(left, x)
      right = Math.max(right, x + 1)
    }
  }
  return { left: left / SCALE, right: right / SCALE }
}

t.test("a product's name of the longest the schema takes is printed inside the label", async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const farm = await node.register('farm-name', ['farm'])
  const names = [
    { gtin: '06901234001037', name: { zh: '嘉兴五芳斋鲜肉粽'.repeat(25), en: 'Jiaxing pork zongzi, vacuum packed, '.repeat(6).slice(0, 200) } },
    { gtin: '06901234001044', name: 'W'.repeat(200) },
    { gtin: '06901234001051', name: { zh: '嘉兴鲜肉粽', en: 'Jiaxing pork zongzi' } },
  ]
  for (const { gtin, name } of names) {
    await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-name', body: { gtin, name } }, [farm]))
    const lot = `https://id.gs1.org/01/${gtin}/10/L1`
    await node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-name', body: commissioning({ quantityList: [{ epcClass: lot, quantity: 1, uom: 'KGM' }] }) }, [farm]))
    const svg = (await app.inject(`/v1/labels/${encodeURIComponent(lot)}.svg`)).body
    const shown = typeof name === 'string' ? [name] : [name.zh, name.en]
    // The name's texts: the ones drawn between the QR code and the rule at y=448.
    const texts = [...svg.matchAll(/<text x="[^"]*" y="(\d+(?:\.\d+)?)"[^>]*>([^<]*)<\/text>/g)].filter((m) => Number(m[1]) > 360 && Number(m[1]) < 448)
    t.equal(texts.length, shown.length, `${gtin}: one text per language`)
    for (const [at, match] of texts.entries()) {
      const { left, right } = drawnExtent(svg, match[0])
      t.ok(left >= INSIDE.left && right <= INSIDE.right, `${gtin}: "${match[2].slice(0, 20)}…" drawn inside the label (${left}..${right})`)
      const full = shown[at]
      if (match[2] !== full) {
        t.ok(match[2].endsWith('…') && full.startsWith(match[2].slice(0, -1)), `${gtin}: a cut name is the start of the name and ends in "…"`)
      }
    }
    if (gtin === '06901234001051') t.same(texts.map((m) => m[2]), shown, 'a name that fits is printed whole')
  }
})
