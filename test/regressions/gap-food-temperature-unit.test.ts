// Gap (food): a temperature sensorReport's uom is any string to GS1's schema, and a unit that was not CEL, FAH or
// KEL ("fah", "cel", "XYZ") was read as °C: 38 "fah" (3.3 °C, inside zongzi's 0..4 °C) raised TEMPERATURE_EXCURSION
// as 38 °C, and 50 "kel" passed as 50 °C would not. A new food.event whose temperature report has such a uom is
// now refused (400 EPCIS_INVALID, nothing written); a reading in one, in an old log, is judged by neither the
// node's alert nor the page's chart, which read units through one function (celsiusOf).

import { join } from 'node:path'
import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { foodKinds } from '../../src/food/kinds.js'
import { celsiusOf, temperatureReadings, type EpcisEvent } from '../../src/food/objects.js'
import { buildApp } from '../../src/http/app.js'
import type { StatementKind } from '../../src/ledger/kinds.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { commissioning } from '../helpers/food-events.js'
import { newSigner } from '../helpers/ledger.js'
import { injectedTiles, testMirror } from '../helpers/mirror.js'
import { testDir } from '../helpers/test-dir.js'
import { earlierRule } from '../helpers/old-log.js'

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

// The release before this one: food.event without the unit check, as a mirror's replay runs it.
const earlierEvent = earlierRule(foodKinds.find((kind) => kind.type === 'food.event') as StatementKind)

t.test('a mirror follows an old log holding a reading in "fah"', async (t) => {
  const root = testDir(t)
  const store = await LevelStore.open(join(root, 'node', 'db'))
  const operator = newSigner()
  const farm = newSigner()
  const ledger = await Ledger.initialise({ store, nodeSigner: newSigner(), origin: 'tracechain.test/old', ed: nodeEd25519, kinds: [...DOMAIN_KINDS, earlierEvent] }, operator)
  const app = await buildApp({ ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
    await store.close()
  })
  const sign = (type: string, actor: string, body: Record<string, unknown>, signer = farm) =>
    buildStatementEnvelope({ type, actor, id: `${type}-${actor}`, issuedAt: new Date().toISOString(), body }, [signer])
  await ledger.submit(sign('actor.register', 'operator', { id: 'farm-a', name: '甲农场', roles: ['farm'], publicKey: toBase64(farm.publicKey) }, operator))
  const reading = { sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', value: 50, uom: 'fah' }] }] }
  await ledger.submit(sign('food.event', 'farm-a', commissioning({ quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234001037/10/L1', quantity: 1, uom: 'KGM' }], ...reading })))

  const { mirror, follower } = await testMirror(t, join(root, 'mirror'), { verifierKey: ledger.verifierKey, fetch: injectedTiles(app) })
  await follower.poll()
  t.equal(follower.status.following, true, JSON.stringify(follower.status.failure))
  t.equal(mirror.ledger.size, ledger.size, 'the mirror holds the whole log')
})
