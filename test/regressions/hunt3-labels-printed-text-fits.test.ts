// Hunt 3 (labels): the label prints, under the QR code, the lot and serial beside their caption and the URI
// the code carries, in small print, for a shopper who cannot scan. Before, each was shrunk to fit a width with
// a floor of 8 units (0.8 mm) and otherwise drawn past the label: an item's URI of 85 characters (a lot of 10
// and a serial of 12, an ordinary item) ran off both sides of the 40 mm label, so the printed URI lost its
// "https" and the last digits of the log's key id (#log=), the trust root a reader types in; and "lot · serial"
// ran over its caption "批次/序列 Lot/SN", the first characters of the lot struck through. Now the URI wraps onto
// as many lines as it needs and the lot and serial go on two lines beside a caption they never reach. Measured
// with the real fonts: each text is rendered alone by resvg and its drawn box read back.

import t from 'tap'
import { Resvg } from '@resvg/resvg-js'
import { buildApp } from '../../src/http/app.js'
import { encodeDigitalLinkValue } from '../../src/core/digital-link-path.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { commissioning } from '../helpers/food-events.js'
import { decodeQr } from '../helpers/qr.js'

const GTIN = '06901234001037'
/** The label's drawing is 400 units wide with a border at 5; text must stay inside it. */
const INSIDE = { left: 8, right: 392 }
/** Pixels per drawing unit when measuring. */
const SCALE = 2

interface DrawnText {
  content: string
  box: { x: number; y: number; width: number; height: number }
}

const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&')

/** Each <text> of the label SVG, with the box resvg draws it in (drawing units), alone on the label's canvas. */
function drawnTexts(svg: string): DrawnText[] {
  const open = /^<svg[^>]*>/.exec(svg)?.[0] as string
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => {
    const resvg = new Resvg(`${open}${match[0]}</svg>`, {
      fitTo: { mode: 'width', value: 400 * SCALE },
      font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC', sansSerifFamily: 'Noto Sans CJK SC', monospaceFamily: 'DejaVu Sans Mono' },
    })
    const image = resvg.render()
    const pixels = image.pixels
    // The box of the pixels the text inks (alpha above zero), in drawing units.
    let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity]
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (pixels[(y * image.width + x) * 4 + 3] === 0) continue
        left = Math.min(left, x)
        right = Math.max(right, x + 1)
        top = Math.min(top, y)
        bottom = Math.max(bottom, y + 1)
      }
    }
    return { content: unescape(match[1]), box: { x: left / SCALE, y: top / SCALE, width: (right - left) / SCALE, height: (bottom - top) / SCALE } }
  })
}

t.test('the lot, the serial and the URI printed under the code stay on the label and say what the code carries', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const farm = await node.register('farm-fit', ['farm'])
  await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-fit', body: { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } } }, [farm]))
  const cases = [
    { lot: 'Z260526A' },
    { lot: 'ABCDEFGHIJKLMNOPQRST' },
    { serial: 'SN-000000000000012' },
    { lot: 'ABCDEFGHIJ', serial: 'ABCDEFGHIJKL' },
    { lot: 'ABCDEFGHIJKLMNOPQRST', serial: 'ABCDEFGHIJKLMNOPQRST' },
    { lot: '!!!!!!!!!!!!!!!!!!!!', serial: '!!!!!!!!!!!!!!!!!!!!' },
  ]
  for (const { lot, serial } of cases) {
    const id = `https://id.gs1.org/01/${GTIN}${lot !== undefined ? `/10/${encodeDigitalLinkValue(lot)}` : ''}${serial !== undefined ? `/21/${encodeDigitalLinkValue(serial)}` : ''}`
    const goods = serial !== undefined ? { epcList: [id] } : { quantityList: [{ epcClass: id, quantity: 10, uom: 'KGM' }] }
    await node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-fit', body: commissioning(goods) }, [farm]))
    const svg = await app.inject(`/v1/labels/${encodeURIComponent(id)}.svg`)
    t.equal(svg.statusCode, 200, id)
    const png = await app.inject(`/v1/labels/${encodeURIComponent(id)}.png`)
    const carried = decodeQr(png.rawPayload) as string
    t.match(carried, /^https:\/\/trace\.example\.cn\/01\/.*#log=[0-9a-f]{8}$/, `${id}: the code carries the URI`)

    const texts = drawnTexts(svg.body)
    const uriLines = texts.filter(({ box }) => box.y > 540)
    t.equal(uriLines.map(({ content }) => content).join(''), carried, `${id}: the small print is the URI the code carries`)
    for (const { content, box } of uriLines) {
      t.ok(box.x >= INSIDE.left && box.x + box.width <= INSIDE.right, `${id}: "${content}" is drawn inside the label (${box.x.toFixed(1)}..${(box.x + box.width).toFixed(1)})`)
      t.ok(box.height >= 5, `${id}: "${content}" is not shrunk out of sight (${box.height.toFixed(1)} units high)`)
    }
    const caption = texts.find(({ content }) => /Lot|Serial/.test(content)) as DrawnText
    const values = texts.filter(({ box }) => box.y > 455 && box.y < 505 && box.x > caption.box.x + 10)
    t.equal(values.map(({ content }) => content).join(' · '), [lot, serial].filter((v) => v !== undefined).join(' · '), `${id}: the lot and serial are printed`)
    for (const { content, box } of values) {
      t.ok(box.x >= caption.box.x + caption.box.width + 4, `${id}: "${content}" starts after its caption ends (${box.x.toFixed(1)} vs ${(caption.box.x + caption.box.width).toFixed(1)})`)
      t.ok(box.x + box.width <= INSIDE.right, `${id}: "${content}" ends inside the label`)
      t.ok(box.height >= 8, `${id}: "${content}" is legible (${box.height.toFixed(1)} units high)`)
    }
  }
})
