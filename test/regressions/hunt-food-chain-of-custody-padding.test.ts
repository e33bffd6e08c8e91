// Hunt (food): BROKEN_CHAIN_OF_CUSTODY runs in the sequencer at every receiving, arriving or accepting event, and
// looked for the received lot's latest shipment by reading every event that ever named the lot (and every event
// naming every container that ever carried it), newest first, until a shipping one. Any actor may name any lot at
// its own place: one who observed a lot 20,000 times after its shipment made each receiving of it read 20,000
// records while every other append waited, and the cost grew with every event. Shipments are now indexed per
// object (food.shipment: only those in effect, a correction takes its event out), so the latest is one short read
// whatever else names the lot, and the verdict is the one the whole history gives: padding neither hides a
// break nor raises a false one. The containers carrying a lot are read within a bound; past it the alert is
// raised, saying so, never left out.

import t, { type Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import { openNode } from '../../src/cli/node-dir.js'
import { SHIPMENT_INDEX_META } from '../../src/food/shipment-index.js'
import { SPACES } from '../../src/food/records.js'
import { MAX_CARRIER_EDGES } from '../../src/food/queries.js'
import type { Signer } from '../../src/core/keys.js'
import type { LevelStore } from '../../src/store/level-store.js'
import { makeNode } from '../helpers/ledger.js'
import { withoutIndex } from '../helpers/store-index.js'
import { testDir } from '../helpers/test-dir.js'

t.setTimeout(600_000)

const FARM = 'urn:epc:id:sgln:6901234.00001.0'
const DC = 'urn:epc:id:sgln:6901234.00002.0'
const MARKET = 'urn:epc:id:sgln:6901234.00003.0'
const MALLORY = 'urn:epc:id:sgln:6901234.00007.0'
const PADDING = 3_000
const lot = (name: string) => `urn:epc:class:lgtin:6901234.000011.${name}`
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString()
const at = (place: string, hours: number) => ({ eventTime: hoursAgo(hours), eventTimeZoneOffset: '+08:00', readPoint: { id: place }, bizLocation: { id: place } })
const moved = (bizStep: string, place: string, name: string, hours: number, extra: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent', ...at(place, hours), action: 'OBSERVE', bizStep, quantityList: [{ epcClass: lot(name), quantity: 10, uom: 'KGM' }], ...extra,
})
const to = (place: string) => ({ destinationList: [{ type: 'urn:epcglobal:cbv:sdt:location', destination: place }] })

async function scenario(t: Test) {
  const node = await makeNode(testDir(t))
  let app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  let current = node
  t.teardown(async () => {
    await app.close()
    await current.close()
  })
  const signers = new Map<string, Signer>()
  for (const [id, place] of [['farm-a', FARM], ['dc-a', DC], ['market-a', MARKET], ['mallory', MALLORY]] as const) {
    signers.set(id, await current.register(id, ['farm'], { locations: [place] }))
  }
  const envelope = (actor: string, body: Record<string, unknown>) => node.statement({ type: 'food.event', actor, body }, [signers.get(actor) as Signer])
  const submit = async (actor: string, body: Record<string, unknown>) => {
    const outcome = await current.ledger.submit(envelope(actor, body))
    if (!('seq' in outcome)) throw new Error(`not recorded: ${JSON.stringify(outcome)}`)
    return outcome.seq
  }
  const submitAll = async (actor: string, bodies: Record<string, unknown>[]) => {
    for (let i = 0; i < bodies.length; i += 500) {
      const outcomes = await current.ledger.submitMany(bodies.slice(i, i + 500).map((body) => envelope(actor, body)))
      t.equal(outcomes.filter((o) => 'seq' in o).length, Math.min(500, bodies.length - i))
    }
  }
  /** The records and rows one receiving's append reads, and the custody alert it raised (if any). */
  const receive = async (actor: string, body: Record<string, unknown>) => {
    const reads = countReads(current.store)
    const seq = await submit(actor, body)
    const count = reads.stop()
    const alerts = (await app.inject('/v1/alerts?kind=BROKEN_CHAIN_OF_CUSTODY')).json().alerts as { seqs: number[]; message: string }[]
    return { reads: count, alert: alerts.find((a) => a.seqs.includes(seq)) }
  }
  const reopen = async () => {
    await app.close()
    await current.close()
    const opened = await openNode(node.dir)
    current = { ...node, ...opened }
    app = await buildApp({ ledger: current.ledger, config: { baseUrl: 'http://127.0.0.1' } })
    return current
  }
  return { node: () => current, submit, submitAll, receive, reopen }
}

/** Counts what the rules read of the committed store (what the sequencer's context reads through): records got, rows ranged. */
function countReads(store: LevelStore): { stop(): number } {
  let reads = 0
  const getRange = store.getRange.bind(store)
  const getRecordSync = store.getRecordSync.bind(store)
  store.getRange = (async (space, options) => {
    const rows = await getRange(space, options)
    reads += Math.max(1, rows.length)
    return rows
  }) as typeof store.getRange
  store.getRecordSync = ((space, key) => (reads++, getRecordSync(space, key))) as typeof store.getRecordSync
  return {
    stop() {
      store.getRange = getRange
      store.getRecordSync = getRecordSync
      return reads
    },
  }
}

t.test('a lot observed thousands of times after its shipment: its receiving reads a few records, and the verdict stands', async (t) => {
  const { submit, submitAll, receive } = await scenario(t)
  await submit('farm-a', moved('shipping', FARM, 'BASE', 30, to(DC)))
  const baseline = await receive('dc-a', moved('receiving', DC, 'BASE', 29))
  t.notOk(baseline.alert, 'an unpadded lot shipped here, received here: no alert')

  await submit('farm-a', moved('shipping', FARM, 'L1', 30, to(DC)))
  // Mallory observes the lot at its own place, again and again, after the shipment.
  await submitAll('mallory', Array.from({ length: PADDING }, (_, i) => moved('storing', MALLORY, 'L1', 20, { quantityList: [{ epcClass: lot('L1'), quantity: i + 1, uom: 'KGM' }] })))

  const honest = await receive('dc-a', moved('receiving', DC, 'L1', 10))
  t.notOk(honest.alert, `received where it was shipped: no alert (${honest.alert?.message ?? ''})`)
  t.ok(honest.reads <= baseline.reads + 20, `the padded lot's receiving read ${honest.reads} records and rows, an unpadded one ${baseline.reads}`)

  const broken = await receive('market-a', moved('receiving', MARKET, 'L1', 9))
  t.match(broken.alert?.message ?? '', /was shipped \(seq \d+\) to .* not here/, 'received elsewhere: the break is still raised')
  t.ok(broken.reads <= baseline.reads + 20, `the break's receiving read ${broken.reads}`)

  // A lot Mallory pads and never saw shipped: still never shipped.
  await submitAll('mallory', Array.from({ length: 500 }, (_, i) => moved('storing', MALLORY, 'L2', 20, { quantityList: [{ epcClass: lot('L2'), quantity: i + 1, uom: 'KGM' }] })))
  const never = await receive('dc-a', moved('receiving', DC, 'L2', 9))
  t.match(never.alert?.message ?? '', /was never shipped/)
  t.ok(never.reads <= baseline.reads + 20, `and read ${never.reads}`)
})

t.test('shipments struck by corrections leave the index: the latest in effect is read at once', async (t) => {
  const { submit, submitAll, receive } = await scenario(t)
  await submit('farm-a', moved('shipping', FARM, 'BASE', 30, to(DC)))
  const baseline = await receive('dc-a', moved('receiving', DC, 'BASE', 29))
  await submit('farm-a', moved('shipping', FARM, 'L3', 30, to(DC)))
  // Mallory ships the lot to the market 300 times, then declares every one in error.
  const shipments = Array.from({ length: 300 }, (_, i) => moved('shipping', MALLORY, 'L3', 20, { ...to(MARKET), quantityList: [{ epcClass: lot('L3'), quantity: i + 1, uom: 'KGM' }] }))
  await submitAll('mallory', shipments)
  const misled = await receive('dc-a', moved('receiving', DC, 'L3', 12))
  t.match(misled.alert?.message ?? '', /to .* not here/, 'while they stand, the latest shipment went to the market')
  await submitAll('mallory', shipments.map((event) => ({ ...event, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'did_not_occur' } })))
  const honest = await receive('dc-a', moved('receiving', DC, 'L3', 10))
  t.notOk(honest.alert, `corrected, they are no shipments: the farm's to the DC is the latest (${honest.alert?.message ?? ''})`)
  t.ok(honest.reads <= baseline.reads + 20, `read ${honest.reads} records and rows, an unpadded receiving ${baseline.reads}`)
  const broken = await receive('market-a', moved('receiving', MARKET, 'L3', 9))
  t.match(broken.alert?.message ?? '', /to .* not here/, 'and the market, where they said, still breaks the chain')
})

t.test('containers: a shipped pallet still vouches for its lot; a lot packed into many containers is read within a bound, and says so', async (t) => {
  const { submit, submitAll, receive } = await scenario(t)
  await submit('farm-a', moved('shipping', FARM, 'BASE', 30, to(DC)))
  const baseline = await receive('dc-a', moved('receiving', DC, 'BASE', 29))
  const PALLET = 'urn:epc:id:sscc:6901234.0000000001'
  await submit('farm-a', { type: 'AggregationEvent', ...at(FARM, 30), action: 'ADD', bizStep: 'packing', parentID: PALLET, childQuantityList: [{ epcClass: lot('L4'), quantity: 10, uom: 'KGM' }] })
  await submit('farm-a', { type: 'ObjectEvent', ...at(FARM, 29), action: 'OBSERVE', bizStep: 'shipping', epcList: [PALLET], ...to(DC) })
  await submitAll('mallory', Array.from({ length: 500 }, (_, i) => moved('storing', MALLORY, 'L4', 20, { quantityList: [{ epcClass: lot('L4'), quantity: i + 1, uom: 'KGM' }] })))
  await submitAll('mallory', Array.from({ length: 500 }, () => ({ type: 'ObjectEvent', ...at(MALLORY, 20), action: 'OBSERVE', bizStep: 'storing', epcList: [PALLET] })).map((e, i) => ({ ...e, eventTime: hoursAgo(20 + i / 1000) })))
  const honest = await receive('dc-a', moved('receiving', DC, 'L4', 10))
  t.notOk(honest.alert, `the pallet carrying it was shipped here (${honest.alert?.message ?? ''})`)
  t.ok(honest.reads <= baseline.reads + 20, `read ${honest.reads}, an unpadded receiving ${baseline.reads}`)
  const broken = await receive('market-a', moved('receiving', MARKET, 'L4', 9))
  t.match(broken.alert?.message ?? '', /to .* not here/)

  // Mallory packs the lot into containers of its own. A few hundred, as a large honest lot spreads over pallets, are
  // all read: each its edge, what carries it in turn (a case on a pallet) and its latest shipment; past the bound (MAX_CARRIER_EDGES) what the rule reads stays bounded, and the
  // receiving is not judged sound on part of its containers.
  const packed = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      type: 'AggregationEvent', ...at(MALLORY, 8), action: 'ADD', bizStep: 'packing', parentID: `urn:epc:id:sscc:6901234.1${String(from + i).padStart(9, '0')}`,
      childQuantityList: [{ epcClass: lot('L4'), quantity: 1, uom: 'KGM' }],
    }))
  await submitAll('mallory', packed(0, 200))
  const spread = await receive('dc-a', moved('receiving', DC, 'L4', 7))
  t.notOk(spread.alert, `a lot in 200 containers is judged on all of them (${spread.alert?.message ?? ''})`)
  t.ok(spread.reads <= baseline.reads + 3 * 200 + 10, `a lot in 200 containers: the receiving read ${spread.reads}`)
  await submitAll('mallory', packed(200, MAX_CARRIER_EDGES + 1 - 200))
  const crowded = await receive('dc-a', moved('receiving', DC, 'L4', 6))
  t.ok(crowded.reads <= baseline.reads + 2 * (MAX_CARRIER_EDGES + 1) + 10, `a lot in ${MAX_CARRIER_EDGES + 1} containers: the receiving read ${crowded.reads}`)
  t.match(crowded.alert?.message ?? '', /containers .* not checked/, 'the alert says the containers were not all checked')
})

t.test('a store from before the shipment index gets it at open, as its events wrote it', async (t) => {
  const { node, submit, submitAll, receive, reopen } = await scenario(t)
  await submit('farm-a', moved('shipping', FARM, 'L5', 30, to(DC)))
  const shipments = Array.from({ length: 3 }, (_, i) => moved('shipping', MALLORY, 'L5', 20, { ...to(MARKET), quantityList: [{ epcClass: lot('L5'), quantity: i + 1, uom: 'KGM' }] }))
  await submitAll('mallory', shipments)
  await submitAll('mallory', shipments.slice(1).map((event) => ({ ...event, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'did_not_occur' } })))
  const written = await node().store.getRange(SPACES.shipment)
  t.equal(written.length, 2, "the farm's shipment and Mallory's one in effect")
  t.equal(await withoutIndex(node().store, [SPACES.shipment], SHIPMENT_INDEX_META), 2)
  const reopened = await reopen()
  t.same(await reopened.store.getRange(SPACES.shipment), written, 'built again at open')
  t.ok(await reopened.store.getMeta(SHIPMENT_INDEX_META))
  const misled = await receive('dc-a', moved('receiving', DC, 'L5', 10))
  t.match(misled.alert?.message ?? '', /to .* not here/, "Mallory's shipment in effect is the latest")
})
