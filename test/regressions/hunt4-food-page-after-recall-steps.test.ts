// Hunt 4 (food): EVENT_AFTER_RECALL is raised by every distribution step (shipping, departing, loading,
// transporting, staging_outbound, retail_selling, dispensing), but the consumer page marked a step "after the
// recall" by its own list of stage kinds, which knew neither dispensing (food service selling to the consumer)
// nor staging_outbound: the node alerted a regulator while the shopper's page showed the step as an ordinary,
// untranslated "dispensing". The page now marks the steps the node's rule names, from one list, and names them.

import t, { type Test } from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'
// Z260526B is made from pork lot P2605C, which the demo's regulator recalls.
const RECALLED = 'https://id.gs1.org/01/06901234001037/10/Z260526B'
const PAGE = '/01/06901234001037/10/Z260526B'

async function afterRecallSteps(t: Test) {
  const { node, app } = await seededDemoApp(t)
  let n = 0
  const post = async (actor: string, where: string, bizStep: string) => {
    const body = {
      type: 'ObjectEvent', action: 'OBSERVE', bizStep, eventTimeZoneOffset: '+08:00',
      eventTime: new Date(Date.now() - 60_000).toISOString(), eventID: `urn:uuid:5d2a7e90-1c3b-4f8e-a6d4-${String(++n).padStart(12, '0')}`,
      readPoint: { id: where }, bizLocation: { id: where }, quantityList: [{ epcClass: RECALLED, quantity: 1, uom: 'KGM' }],
    }
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor, body }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, bizStep)
    return res.json().seq as number
  }
  return { app, staged: await post('factory-jiaxing-01', FACTORY, 'staging_outbound'), dispensed: await post('market-hz-01', MARKET, 'dispensing') }
}

t.test('a step the node alerts on as after the recall is marked so on the page', async (t) => {
  const { app, staged, dispensed } = await afterRecallSteps(t)
  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[] }[]
  for (const seq of [staged, dispensed]) t.ok(alerts.some((alert) => alert.seqs.includes(seq)), `the node raises EVENT_AFTER_RECALL for seq ${seq}`)

  const stepOf = (html: string, seq: number) => new RegExp(`<li class="step[^"]*" data-seq="${seq}"[\\s\\S]*?</li>\\s*(?=<li class="step|</ol>)`).exec(html)?.[0] ?? ''
  const zh = (await app.inject({ url: PAGE, headers: { accept: 'text/html', 'accept-language': 'zh-CN' } })).body
  t.match(stepOf(zh, dispensed), /召回发布后售出/, 'dispensing is a sale after the recall')
  t.match(stepOf(zh, staged), /召回发布后运输/, 'staging outbound is a shipment after the recall')
  t.notMatch(stepOf(zh, dispensed), /<h3 data-fact="stage">dispensing</, 'named in Chinese, not as the bare CBV word')
  const en = (await app.inject({ url: PAGE, headers: { accept: 'text/html', 'accept-language': 'en' } })).body
  t.match(stepOf(en, dispensed), /Sold after the recall was issued/)
})

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('the browser derives the same marks from the entries', async (t) => {
    const { app } = await afterRecallSteps(t)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const { page } = await launchChromium(t)
    const verified = await openVerifiedPage(page, `http://127.0.0.1:${port}${PAGE}`)
    t.equal(verified.state, 'verified', verified.status)
  })
}
