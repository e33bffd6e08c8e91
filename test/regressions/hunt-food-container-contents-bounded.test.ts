// Hunt (food): TEMPERATURE_EXCURSION and EVENT_AFTER_EXPIRY look inside the containers an event names, and
// read what a pallet holds at append time, inside the sequencer. That read had no bound: any producer can
// pack tens of thousands of lots onto one SSCC (a few hundred per event), and then every 100-byte event
// naming that pallet read every edge and every product record beneath it while all other appends waited
// (20,000 contents: about a second each). The contents an event's alerts read are now bounded, like every
// other walk: past MAX_CONTAINED_EDGES edges they stop, and the alert says the contents were cut.

import t from 'tap'
import { MAX_CONTAINED_EDGES } from '../../src/food/queries.js'
import { millNode } from '../helpers/food-events.js'

t.setTimeout(300_000)

const SITE = 'urn:epc:id:sgln:6901234.00009.0'
const RICE = '06901234000115'
const PALLET = 'urn:epc:id:sscc:6901234.0000000001'
const EVENTS = 50
const PER_EVENT = 400 // 20,000 lots on one pallet

t.test('an event naming a pallet of 20,000 lots reads a bounded part of it, and its alert says so', async (t) => {
  const { node, app, sign } = await millNode(t, SITE)
  await node.ledger.submit(sign('food.product', { gtin: RICE, name: 'rice', storage: { minC: 0, maxC: 4 }, companyPrefixLength: 7 }))
  const when = { eventTime: new Date(Date.now() - 3_600_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: SITE } }
  const packed = await node.ledger.submitMany(
    Array.from({ length: EVENTS }, (_, e) =>
      sign('food.event', {
        type: 'AggregationEvent', ...when, action: 'ADD', bizStep: 'packing', parentID: PALLET,
        childQuantityList: Array.from({ length: PER_EVENT }, (_, i) => ({ epcClass: `urn:epc:class:lgtin:6901234.000011.L${e}x${i}`, quantity: 1, uom: 'KGM' })),
      }),
    ),
  )
  t.equal(packed.filter((o) => 'seq' in o).length, EVENTS, 'the pallet is packed')

  // Count what an append reads (LevelStore is what the rules read through): records got, rows ranged.
  const store = node.store
  let reads = 0
  const getRange = store.getRange.bind(store)
  const getRecordSync = store.getRecordSync.bind(store)
  store.getRange = (async (space, options) => {
    const rows = await getRange(space, options)
    reads += rows.length
    return rows
  }) as typeof store.getRange
  store.getRecordSync = ((space, key) => (reads++, getRecordSync(space, key))) as typeof store.getRecordSync
  const restore = () => {
    store.getRange = getRange
    store.getRecordSync = getRecordSync
  }
  t.teardown(restore)
  const warm = await node.ledger.submit(
    sign('food.event', { type: 'ObjectEvent', ...when, action: 'OBSERVE', bizStep: 'shipping', epcList: [PALLET], sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', value: 9, uom: 'CEL' }] }] }),
  )
  restore()
  t.ok('seq' in warm, 'the event is appended')
  t.ok(reads <= 4 * MAX_CONTAINED_EDGES, `the append read ${reads} records and rows (contents bound ${MAX_CONTAINED_EDGES})`)

  const alerts = (await app.inject('/v1/alerts?kind=TEMPERATURE_EXCURSION')).json().alerts as { seqs: number[]; ids: string[]; message: string }[]
  const alert = alerts.find((a) => 'seq' in warm && a.seqs.includes(warm.seq))
  t.ok(alert, 'the pallet\'s contents out of range still raise TEMPERATURE_EXCURSION')
  t.ok(alert && alert.ids.length > 0 && alert.ids.length <= MAX_CONTAINED_EDGES, `it names ${alert?.ids.length} lots`)
  t.match(alert?.message ?? '', /contents of .* cut at/, 'and says the contents were cut')
})
