// Gap (food): a temperature sensorReport's uom is any string to GS1's schema, and a unit that was not CEL, FAH or
// KEL ("fah", "cel", "XYZ") was read as °C: 38 "fah" (3.3 °C, inside zongzi's 0..4 °C) raised TEMPERATURE_EXCURSION
// as 38 °C, and 50 "kel" passed as 50 °C would not. A new food.event whose temperature report has such a uom is
// now refused (400 EPCIS_INVALID, nothing written); a reading in one, in an old log, is judged by neither the
// node's alert nor the page's chart, which read units through one function (celsiusOf).

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { celsiusOf, temperatureReadings, type EpcisEvent } from '../../src/food/objects.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const COLD_CHAIN = 'urn:epc:id:sgln:6901234.00004.0'
// The demo's pallet …0102 carries zongzi lot Z260526B, stored at 0..4 °C.
const PALLET = 'urn:epc:id:sscc:6901234.0000000102'

t.test('a temperature reading in a unit that is no temperature is refused, nothing written', async (t) => {
  const { node, app } = await seededDemoApp(t)
  let n = 0
  const transported = async (report: Record<string, unknown>) => {
    const body = {
      type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'transporting', eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00',
      eventID: `urn:uuid:5c1d2e7a-3b4f-4a18-9c0d-${String(++n).padStart(12, '0')}`, readPoint: { id: COLD_CHAIN }, epcList: [PALLET],
      sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', ...report }] }],
    }
    return app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'coldchain-zj-01', body }, [demoSigner('coldchain-zj-01')]) as never })
  }
  const excursions = async () => (await app.inject('/v1/alerts?kind=TEMPERATURE_EXCURSION')).json().alerts.length as number
  const alertsBefore = await excursions()
  for (const uom of ['fah', 'cel', 'XYZ', 'KGM', '']) {
    const before = node.ledger.size
    const res = await transported({ value: 38, uom })
    t.equal(res.statusCode, 400, `${JSON.stringify(uom)}: 400`)
    t.equal(res.json().code, 'EPCIS_INVALID', `${JSON.stringify(uom)}: EPCIS_INVALID`)
    t.match(res.json().message, /CEL, FAH or KEL/)
    t.equal(node.ledger.size, before, 'nothing written')
  }
  t.equal(await excursions(), alertsBefore, 'no alert from a refused reading')
  t.equal((await transported({ value: 38, uom: 'FAH' })).statusCode, 201, '38 FAH is taken')
  t.equal(await excursions(), alertsBefore, '38 °F is 3.3 °C, inside 0..4 °C')
  t.equal((await transported({ value: 3, uom: 'CEL' })).statusCode, 201)
  t.equal((await transported({ value: 3 })).statusCode, 201, 'a reading with no uom is °C, as before')
  t.equal((await transported({ value: 40, uom: 'fah', type: 'gs1:Humidity' })).statusCode, 201, 'a report of another measure keeps its own units')
  t.equal(await excursions(), alertsBefore)
})

t.test('the node and the page read units by one function: a foreign unit gives no reading', async (t) => {
  t.equal(celsiusOf(50, 'FAH'), 10)
  t.equal(celsiusOf(283.15, 'KEL'), 10)
  t.equal(celsiusOf(10, 'CEL'), 10)
  t.equal(celsiusOf(10, undefined), 10)
  for (const uom of ['fah', 'cel', 'XYZ', 'toString', '__proto__']) t.equal(celsiusOf(50, uom), undefined, uom)
  const event = { sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', value: 50, uom: 'fah' }, { type: 'gs1:Temperature', value: 50, uom: 'FAH' }] }] } as unknown as EpcisEvent
  t.same(temperatureReadings(event).map((r) => r.celsius), [10], "an old log's 50 \"fah\" is not read as 50 °C")
})
