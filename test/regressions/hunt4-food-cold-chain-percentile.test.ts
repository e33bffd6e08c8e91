// Hunt 4 (food): an EPCIS 2.0 sensor report may summarise a logger's readings as a percentile (percRank, and
// percValue, the reading at that rank) instead of single values. A percentile is one of the readings, so one
// outside the product's storage range is an excursion; TEMPERATURE_EXCURSION read value, minValue, maxValue and
// meanValue only, and a cold chain reporting "the 90th percentile was 12 °C" for pork kept at 0..4 °C raised
// nothing. It is read now, with the other values, on the node and on the consumer page's chart alike.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { temperatureReadings, type EpcisEvent } from '../../src/food/objects.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const COLD_CHAIN = 'urn:epc:id:sgln:6901234.00004.0'
// The demo's pallet …0102 carries zongzi lot Z260526B, stored at 0..4 °C.
const PALLET = 'urn:epc:id:sscc:6901234.0000000102'

t.test('a percentile reading outside the storage range is an excursion', async (t) => {
  const { node, app } = await seededDemoApp(t)
  let n = 0
  const transported = async (report: Record<string, unknown>) => {
    const body = {
      type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'transporting', eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00',
      eventID: `urn:uuid:2b8d6f14-0a9e-4c37-b5e1-${String(++n).padStart(12, '0')}`, readPoint: { id: COLD_CHAIN }, epcList: [PALLET],
      sensorElementList: [{ sensorMetadata: { deviceID: 'urn:epc:id:giai:6901234.TL-0042' }, sensorReport: [{ type: 'gs1:Temperature', uom: 'CEL', ...report }] }],
    }
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'coldchain-zj-01', body }, [demoSigner('coldchain-zj-01')]) as never })
    t.equal(res.statusCode, 201)
    const seq = res.json().seq as number
    const alerts = (await app.inject('/v1/alerts?kind=TEMPERATURE_EXCURSION')).json().alerts as { seqs: number[]; ids: string[]; message: string }[]
    return alerts.find((alert) => alert.seqs.includes(seq))
  }
  const warm = await transported({ percRank: 90, percValue: 12 })
  t.same(warm?.ids, ['urn:epc:class:lgtin:6901234.000103.Z260526B'], 'the 90th percentile at 12 °C breaks 0..4 °C')
  t.match(warm?.message, /12 °C/)
  t.notOk(await transported({ percRank: 90, percValue: 3.5 }), 'a percentile inside the range raises nothing')

  const page = (await app.inject({ url: '/01/06901234001037/10/Z260526B', headers: { accept: 'text/html' } })).body
  t.match(page, /12 °C/, "the consumer page's chart shows the reading too")

  if (haveChromium(t)) {
    await buildVerifierBundle()
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const { page: browser } = await launchChromium(t)
    const verified = await openVerifiedPage(browser, `http://127.0.0.1:${port}/01/06901234001037/10/Z260526B`)
    t.equal(verified.state, 'verified', `the browser derives the same chart from the entries: ${verified.status}`)
  }
})

t.test('the readings the node and the page judge include a percentile value', async (t) => {
  const event = { sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', percRank: 50, percValue: 41, uom: 'FAH' }] }] } as unknown as EpcisEvent
  t.same(temperatureReadings(event).map((r) => r.celsius), [5])
})
