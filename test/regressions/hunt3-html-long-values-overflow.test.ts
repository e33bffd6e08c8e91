// Hunt 3 (html): a signed value with no place to break (a recall reason that cites a long URL, a product or
// business name, a method, a report's file name, an application's title) ran off the page: on a 390 px phone the
// consumer page grew to more than 1,000 px wide, the recall banner's reason past the screen's edge, and on the seal
// page's printed notice sheet the title was cut at the paper's edge, its tail not on the notice at all. Now the
// pages break such values wherever they must, and every fact stays within the page.

import t from 'tap'
import type { Page } from 'playwright-core'
import { toBase64 } from '../../src/core/bytes.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { newSigner } from '../helpers/ledger.js'
import { SEAL, SHA, village } from '../helpers/seal.js'

const GTIN = '06912345678902'
const LOT = `https://id.gs1.org/01/${GTIN}/10/LONG1`
const URL_IN_REASON = `详见 https://www.samr.gov.cn/zw/zfxxgk/fdzdgknr/recalls/${'announcement-2026-0601-'.repeat(4)}index.html`
const unbroken = (word: string) => `${word}-${'x'.repeat(100)}-END`

/** Text nodes whose box ends past `width`, and how wide the document is. */
async function overflowing(page: Page, width: number): Promise<{ texts: string[]; scrollWidth: number }> {
  return page.evaluate((width) => {
    const texts: string[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange()
      range.selectNodeContents(node)
      if (range.getBoundingClientRect().right > width + 1 && (node.textContent ?? '').trim() !== '') texts.push((node.textContent ?? '').slice(0, 24))
    }
    return { texts, scrollWidth: document.documentElement.scrollWidth }
  }, width)
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('long unbroken values stay within the consumer page on a phone and within the printed seal sheet', async (t) => {
    const v = await village(t, { now: new Date().toISOString() })
    const maker = newSigner()
    v.signers.set('maker', maker)
    await v.accept('actor.register', 'operator', { id: 'maker', name: unbroken('BUSINESS'), roles: ['farm', 'processor', 'lab', 'regulator'], publicKey: toBase64(maker.publicKey) })
    await v.accept('food.product', 'maker', { gtin: GTIN, name: unbroken('PRODUCT') })
    await v.accept('food.event', 'maker', {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'ObjectEvent',
      eventTime: '2026-05-30T08:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: LOT, quantity: 10, uom: 'KGM' }],
    })
    await v.accept('food.inspection', 'maker', {
      lot: LOT,
      sampleId: unbroken('SAMPLE'),
      method: unbroken('METHOD'),
      result: { outcome: 'fail', measurements: [{ analyte: unbroken('ANALYTE'), value: 5, unit: 'mg/kg', limit: 1 }] },
      certificate: { name: unbroken('REPORT'), sha256: SHA('a') },
      inspectedAt: '2026-05-31T08:00:00.000+08:00',
    })
    await v.accept('food.recall', 'maker', { ids: [LOT], reason: URL_IN_REASON, severity: 'class-i' })
    await v.apply('p-1', { title: unbroken('TITLE'), purpose: unbroken('PURPOSE'), document: { name: unbroken('DOCUMENT'), sha256: SHA('b') }, amount: 100, budget: 1000 })

    await v.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = v.app.server.address() as { port: number }
    const { page } = await launchChromium(t)

    t.equal((await openVerifiedPage(page, `http://127.0.0.1:${port}/01/${GTIN}/10/LONG1`)).state, 'verified')
    const phone = await overflowing(page, 390)
    t.same(phone.texts, [], 'no fact of the consumer page runs past a 390 px phone screen')
    t.ok(phone.scrollWidth <= 390, `the consumer page is no wider than the phone (${phone.scrollWidth} px)`)

    t.equal((await openVerifiedPage(page, `http://127.0.0.1:${port}/seals/${SEAL}`)).state, 'verified')
    // A4 at its print margins (14 mm each side: 182 mm) is some 688 CSS px.
    await page.setViewportSize({ width: 688, height: 1000 })
    await page.emulateMedia({ media: 'print' })
    const sheet = await overflowing(page, 688)
    t.same(sheet.texts, [], 'no fact of the printed seal sheet is cut at the paper edge')
  })
}
