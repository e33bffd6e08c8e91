// Issue 12, "bounded work": one producer wrote 200 lots each made from the same 200 inputs, and the
// EVENT_AFTER_RECALL check walked that graph inside the sequencer. Recall state is now an index written
// with the recall and with each event: appends read a bounded number of records, and a later shipping
// of an output of a recalled input still raises EVENT_AFTER_RECALL.

import t from 'tap'
import type { Envelope } from '../../src/core/dsse.js'
import { millNode } from '../helpers/food-events.js'

// Building the graph is 200 signed transformations of 200 lots each: minutes on a loaded machine.
t.setTimeout(600_000)

const N = 200
const SITE = 'urn:epc:id:sgln:6901234.00009.0'
const INPUT = '06901234000115'
const OUTPUT = '06901234001037'
const at = (i: number) => ({ eventTime: new Date(Date.parse('2026-06-01T00:00:00.000Z') + i * 60_000).toISOString(), eventTimeZoneOffset: '+08:00' })
const lot = (gtin: string, l: string) => `https://id.gs1.org/01/${gtin}/10/${l}`
const inputs = Array.from({ length: N }, (_, i) => lot(INPUT, `IN${i}`))

t.test('200 lots from the same 200 inputs: appends stay bounded, and the recall still reaches the outputs', async (t) => {
  const { node, app, sign } = await millNode(t, SITE)
  await node.ledger.submit(sign('food.event', { type: 'ObjectEvent', ...at(0), action: 'ADD', bizStep: 'commissioning', readPoint: { id: SITE }, quantityList: inputs.map((epcClass) => ({ epcClass })) }))
  const made: Envelope[] = []
  for (let i = 0; i < N; i++) {
    made.push(
      sign('food.event', {
        type: 'TransformationEvent', ...at(1 + i), bizStep: 'creating_class_instance', readPoint: { id: SITE },
        inputQuantityList: inputs.map((epcClass) => ({ epcClass })),
        outputQuantityList: [{ epcClass: lot(OUTPUT, `OUT${i}`) }],
      }),
    )
  }
  // In small requests: a group's later statements read through its pending writes, which is not what this measures.
  let appended = 0
  for (let i = 0; i < N; i += 4) appended += (await node.ledger.submitMany(made.slice(i, i + 4))).filter((o) => 'seq' in o).length
  t.equal(appended, N, 'the 200 transformations are appended')

  // Count the store reads each append makes (LevelStore is what the rules read through).
  const store = node.store
  const counted = { range: 0, get: 0 }
  const getRange = store.getRange.bind(store)
  const getRecordSync = store.getRecordSync.bind(store)
  store.getRange = ((space, options) => (counted.range++, getRange(space, options))) as typeof store.getRange
  store.getRecordSync = ((space, key) => (counted.get++, getRecordSync(space, key))) as typeof store.getRecordSync
  t.teardown(() => {
    store.getRange = getRange
    store.getRecordSync = getRecordSync
  })
  const measure = async (envelope: Envelope) => {
    counted.range = 0
    counted.get = 0
    const started = performance.now()
    const { seq } = await node.ledger.submit(envelope)
    return { seq, reads: counted.range + counted.get, ms: performance.now() - started }
  }

  // IN99 is the last input in key order, so a walk upstream from an output meets it last.
  const recall = await measure(sign('food.recall', { ids: [inputs[99]], reason: 'foreign matter', severity: 'class-ii' }))
  // The recall marks the input and its 200 outputs: one edge range per lot it reaches, a read per mark.
  t.ok(recall.reads <= 4 * (N + 1) + 20, `the recall read ${recall.reads} records`)
  t.ok(recall.ms < 5_000, `the recall took ${Math.round(recall.ms)} ms`)

  const shipping = (i: number) =>
    sign('food.event', { type: 'ObjectEvent', ...at(1000 + i), action: 'OBSERVE', bizStep: 'shipping', readPoint: { id: SITE }, quantityList: [{ epcClass: lot(OUTPUT, `OUT${i}`) }] })
  const shipped = await measure(shipping(7))
  t.ok(shipped.reads <= 20, `the shipping's rules read ${shipped.reads} records, not the graph`)
  t.ok(shipped.ms < 1_000, `the shipping took ${Math.round(shipped.ms)} ms`)
  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[]; ids: string[] }[]
  t.same(alerts.find((a) => a.seqs.includes(shipped.seq))?.ids, ['urn:epc:class:lgtin:6901234.000103.OUT7'], 'EVENT_AFTER_RECALL on the output')

  // A lot made after the recall from the recalled input is marked when it is appended, from its own inputs.
  const late = await measure(
    sign('food.event', {
      type: 'TransformationEvent', ...at(2000), bizStep: 'creating_class_instance', readPoint: { id: SITE },
      inputQuantityList: inputs.map((epcClass) => ({ epcClass })),
      outputQuantityList: [{ epcClass: lot(OUTPUT, 'LATE') }],
    }),
  )
  t.ok(late.reads <= 8 * N, `a transformation of ${N} inputs read ${late.reads} records`)
  const resolved = (await app.inject({ url: `/01/${OUTPUT}/10/LATE`, headers: { accept: 'application/json' } })).json()
  t.equal(resolved.recalled, true)
  t.equal(resolved.recall.id, 'urn:epc:class:lgtin:6901234.000011.IN99', 'the banner names the recalled input')
})
