// Gap (time): an inspection's inspectedAt with an offset of hours alone ("2026-11-28T14:00:00+08"), which the schema's
// date-time format admits and core/date-time.ts reads, but Date.parse does not. The consumer lot page formatted it
// with Date and, failing, showed the raw text where every other time is formatted. Now it is read as the node reads
// it, on the node's render and in the browser's derivation of the bound area alike, and the page still verifies.

import t, { type Test } from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { FIXED_TIME } from '../helpers/ledger.js'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'

const INSPECTED_AT = '2026-11-28T14:00:00+08'
const SHOWN = { zh: '2026年11月28日 14:00', en: '28 Nov 2026, 14:00' }

async function inspectedLot(t: Test, listen: boolean) {
  const demo = await demoApp(t, { listen })
  const lab = await demo.node.register('lab-hours', ['lab'])
  const body = {
    lot: `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`,
    sampleId: 'LAB-H-1',
    method: 'GB 4789.2-2022',
    result: { outcome: 'pass' },
    certificate: { name: 'LAB-H-1.pdf', sha256: 'cd'.repeat(32) },
    inspectedAt: INSPECTED_AT,
  }
  const response = await demo.app.inject({ method: 'POST', url: '/v1/statements', payload: demo.node.statement({ type: 'food.inspection', actor: 'lab-hours', issuedAt: FIXED_TIME, body }, [lab]) })
  t.equal(response.statusCode, 201, `the inspection: ${response.body.slice(0, 200)}`)
  return demo
}

/** The <time> of the inspection signed by lab-hours, in a page's HTML. */
function inspectionTime(html: string): string | undefined {
  return /data-actor="lab-hours"[^>]*data-fact="inspection">.*?(<time[^>]*>[^<]*<\/time>)/s.exec(html)?.[1]
}

t.test("the node's render formats it as the other times", async (t) => {
  const { app } = await inspectedLot(t, false)
  for (const lang of ['zh', 'en'] as const) {
    const html = (await app.inject({ url: `${lotPath(FINE_LOT)}?lang=${lang}`, headers: { accept: 'text/html' } })).body
    t.equal(inspectionTime(html), `<time datetime="2026-11-28T06:00:00.000Z">${SHOWN[lang]}</time>`, lang)
  }
})

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('the browser derives the same area: the page says verified', async (t) => {
    const { baseUrl } = await inspectedLot(t, true)
    const { page, errors } = await launchChromium(t)
    for (const lang of ['zh', 'en'] as const) {
      const verdict = await openVerifiedPage(page, `${baseUrl}${lotPath(FINE_LOT)}?lang=${lang}`)
      t.equal(verdict.state, 'verified', `${lang}: ${verdict.status}`)
      t.equal(await page.textContent('[data-actor="lab-hours"][data-fact="inspection"] time'), SHOWN[lang], `${lang}: shown formatted`)
    }
    t.same(errors, [], 'no page errors')
  })
}
