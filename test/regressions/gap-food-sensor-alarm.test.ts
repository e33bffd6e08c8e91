// Gap (food): a temperature sensorReport with exception ALARM_CONDITION and no value (the logger saying itself
// that the goods left its thresholds) was not judged: no TEMPERATURE_EXCURSION, and the consumer page showed no
// mark. It now counts as an excursion for each product the event names (or its containers hold), its alert
// naming the sensor's alarm; the page marks the step and says so, and the browser, deriving the page again from
// the entries, agrees. ERROR_CONDITION (the sensor failed) says nothing about the goods and raises nothing.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const COLD_CHAIN = 'urn:epc:id:sgln:6901234.00004.0'
// The demo's pallet …0102 carries zongzi lot Z260526B, stored at 0..4 °C.
const PALLET = 'urn:epc:id:sscc:6901234.0000000102'
const LOT = 'urn:epc:class:lgtin:6901234.000103.Z260526B'
const PAGE = '/01/06901234001037/10/Z260526B'

t.test("a sensor's own alarm is an excursion, on the node and on the page alike", async (t) => {
  const { node, app } = await seededDemoApp(t)
  let n = 0
  const transported = async (report: Record<string, unknown>) => {
    const body = {
      type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'transporting', eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00',
      eventID: `urn:uuid:7e2a9c31-6d4b-4f0e-8a21-${String(++n).padStart(12, '0')}`, readPoint: { id: COLD_CHAIN }, epcList: [PALLET],
      sensorElementList: [{ sensorMetadata: { time: new Date(Date.now() - 120_000).toISOString() }, sensorReport: [{ type: 'gs1:Temperature', ...report }] }],
    }
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'coldchain-zj-01', body }, [demoSigner('coldchain-zj-01')]) as never })
    t.equal(res.statusCode, 201)
    const seq = res.json().seq as number
    const alerts = (await app.inject('/v1/alerts?kind=TEMPERATURE_EXCURSION')).json().alerts as { seqs: number[]; ids: string[]; message: string }[]
    return alerts.find((alert) => alert.seqs.includes(seq))
  }
  t.notOk(await transported({ exception: 'ERROR_CONDITION' }), 'a failed sensor says nothing about the goods')
  const uri = await transported({ exception: 'https://ref.gs1.org/cbv/SensorAlertType-ALARM_CONDITION', value: 3, uom: 'CEL' })
  t.same(uri?.ids, [LOT], "CBV's URI of the alarm counts, whatever the value says")
  const alarm = await transported({ exception: 'ALARM_CONDITION' })
  t.same(alarm?.ids, [LOT], 'an alarm with no value is an excursion')
  t.match(alarm?.message, /ALARM_CONDITION/, "the alert names the sensor's alarm")

  const page = (await app.inject({ url: `${PAGE}?lang=en`, headers: { accept: 'text/html' } })).body
  t.match(page, /data-fact="sensor-alarm">the temperature logger raised an alarm/, 'the page says so')

  if (haveChromium(t)) {
    await buildVerifierBundle()
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const { page: browser } = await launchChromium(t)
    for (const lang of ['zh', 'en']) {
      const verified = await openVerifiedPage(browser, `http://127.0.0.1:${port}${PAGE}?lang=${lang}`)
      t.equal(verified.state, 'verified', `${lang}: the browser derives the same marks from the entries: ${verified.status}`)
    }
  }
})
