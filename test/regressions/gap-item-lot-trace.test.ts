// Gap (food): a serialised item is keyed by GTIN and serial, and no edge tied it to its lot. A forward trace of
// the lot did not show its items, nor the pallet that carried them; a backward trace of the pallet stopped at the
// items, short of their lot and the farms upstream of it; the item's own trace node said lot: null though its
// record knows the lot; and the pallet's page left out the lot's inspection, as its journey never walked from an
// item to its lot. The item-to-lot relation is now an edge of the trace (lot to item forward, item to lot backward)
// and a step of the journey backward, read from indexes the rules write at append (a mirror replays them) or
// build at open.

import t from 'tap'
import { join } from 'node:path'
import { demoSigner, seedLedger } from '../../src/cli/demo.js'
import { traceOf } from '../../src/cli/trace.js'
import { ITEM_OF_LOT_INDEX_META } from '../../src/food/recall-index.js'
import { SPACES } from '../../src/food/records.js'
import { traceGraph } from '../../src/food/trace.js'
import { openNode } from '../../src/cli/node-dir.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { buildApp } from '../../src/http/app.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { LevelStore } from '../../src/store/level-store.js'
import { withoutIndex } from '../helpers/store-index.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { makeNode } from '../helpers/ledger.js'
import { countingReader } from '../helpers/count-reads.js'
import { testDir } from '../helpers/test-dir.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const LOT = 'Z260526A'
const LOT_URN = `urn:epc:class:lgtin:6901234.000103.${LOT}`
const itemLink = (serial: string) => `https://id.gs1.org/01/${ZONGZI}/10/${LOT}/21/${serial}`
const itemUrn = (serial: string) => `urn:epc:id:sgtin:6901234.000103.${serial}`
const PALLET = 'urn:epc:id:sscc:6901234.0000000091'
const PALLET_PATH = '/00/069012340000000917'
const INSPECTION = 'HZ-S-2605-0142' // examples/statements/60-inspections.json: of the zongzi lot

interface Trace {
  root: string
  nodes: { id: string; lot: string | null; recalled: boolean }[]
  edges: { from: string; to: string; seq: number; eventType: string; bizStep: string | null }[]
  truncated: boolean
}

t.test("a lot's serialised items are edges of its trace, both ways, and of its pallet's journey", async (t) => {
  const { node, app } = await seededDemoApp(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const post = async (body: Record<string, unknown>) => {
    const statement = node.statement({ type: 'food.event', actor: 'factory-jiaxing-01', body: { eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: FACTORY }, ...body } }, [demoSigner('factory-jiaxing-01')])
    const res = await fetch(`${base}/v1/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(statement) })
    t.equal(res.status, 201, String(body.bizStep))
    return ((await res.json()) as { seq: number }).seq
  }
  // Items commissioned by their Digital Link (which names the lot), packed by their EPC URN (which does not).
  const commissioned = await post({ type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', epcList: [itemLink('9001'), itemLink('9002')] })
  await post({ type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: PALLET, childEPCs: [itemUrn('9001'), itemUrn('9002')] })
  await post({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [PALLET] })
  const trace = async (id: string, direction: string) => (await (await fetch(`${base}/v1/trace/${encodeURIComponent(id)}?direction=${direction}`)).json()) as Trace
  const ids = (graph: Trace) => graph.nodes.map((n) => n.id)

  const forward = await trace(LOT_URN, 'forward')
  for (const serial of ['9001', '9002']) {
    t.ok(ids(forward).includes(itemUrn(serial)), `forward of the lot shows item ${serial}`)
    t.match(forward.edges.find((e) => e.from === LOT_URN && e.to === itemUrn(serial)), { seq: commissioned, eventType: 'ObjectEvent', bizStep: 'commissioning' }, `lot -> item ${serial}, proved by the commissioning`)
  }
  t.ok(ids(forward).includes(PALLET), 'forward of the lot reaches the pallet that carries its items')
  t.equal(forward.truncated, false)

  const backward = await trace(PALLET, 'backward')
  const lotBackward = await trace(LOT_URN, 'backward')
  t.ok(lotBackward.nodes.length > 1, 'the lot has farms upstream')
  for (const id of ids(lotBackward)) t.ok(ids(backward).includes(id), `backward of the pallet reaches ${id}`)
  t.ok(backward.edges.some((e) => e.from === LOT_URN && e.to === itemUrn('9001') && e.seq === commissioned), 'through the edge lot -> item')

  const item = await trace(itemUrn('9001'), 'both')
  t.equal(item.nodes.find((n) => n.id === item.root)?.lot, LOT, "the item's node names its lot, from its record")
  t.ok(ids(item).includes(LOT_URN), "the item's trace reaches its lot")
  t.same(await traceOf({ url: base, id: itemUrn('9001'), direction: 'both' }), item, '`tracechain trace` says the same')

  const json = (await (await fetch(`${base}${PALLET_PATH}`, { headers: { accept: 'application/json' } })).json()) as { inspections: { sampleId: string }[]; trace: Trace }
  t.ok(json.inspections.some((i) => i.sampleId === INSPECTION), "the pallet's resolver JSON lists its items' lot's inspection")
  t.ok(ids(json.trace).includes(LOT_URN), "and its trace the items' lot")
  const page = await (await fetch(`${base}${PALLET_PATH}`, { headers: { accept: 'text/html' } })).text()
  t.match(page, INSPECTION, "the pallet's page, derived from the entries, shows that inspection")
})

t.test("the walk from a lot to its items stays within the trace's read budget", async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await seedLedger(node.ledger, node.operator)
  const at = { eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: FACTORY } }
  const serials = Array.from({ length: 40 }, (_, i) => String(7000 + i))
  for (const body of [
    { type: 'ObjectEvent', ...at, action: 'ADD', bizStep: 'commissioning', epcList: serials.map(itemLink) },
    { type: 'AggregationEvent', ...at, action: 'ADD', bizStep: 'packing', parentID: PALLET, childEPCs: serials.map(itemUrn) },
  ]) {
    t.ok('seq' in (await node.ledger.submit(node.statement({ type: 'food.event', actor: 'factory-jiaxing-01', body }, [demoSigner('factory-jiaxing-01')]))), body.bizStep)
  }
  const whole = await traceGraph(node.ledger.records, LOT_URN, 'forward')
  t.equal(whole.truncated, false)
  t.equal(whole.nodes.filter((n) => n.id.startsWith('urn:epc:id:sgtin:')).length, serials.length, 'every item of the lot')

  // Records the store returns: each read a BoundedReader counts.
  const { reader: counting, reads } = countingReader(node.ledger.records)
  const maxReads = 30
  const cut = await traceGraph(counting, LOT_URN, 'forward', 10, { maxReads })
  t.equal(cut.truncated, true, 'a budget short of the items says truncated')
  t.ok(cut.nodes.length < whole.nodes.length)
  // The walk and the nodes' details each have the budget; a hop may finish the reads it started.
  t.ok(reads() <= 2 * maxReads + 10, `${reads()} reads for two budgets of ${maxReads}`)
})

t.test('a store from a release before the item index traces a lot to its items once reopened', async (t) => {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  const at = { eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: FACTORY } }
  for (const body of [
    { type: 'ObjectEvent', ...at, action: 'ADD', bizStep: 'commissioning', epcList: [itemLink('9001')] },
    { type: 'AggregationEvent', ...at, action: 'ADD', bizStep: 'packing', parentID: PALLET, childEPCs: [itemUrn('9001')] },
  ]) {
    t.ok('seq' in (await node.ledger.submit(node.statement({ type: 'food.event', actor: 'factory-jiaxing-01', body }, [demoSigner('factory-jiaxing-01')]))), body.bizStep)
  }
  await node.close()
  const store = await LevelStore.open(join(node.dir, 'db'))
  t.equal(await withoutIndex(store, [SPACES.itemOfLot], ITEM_OF_LOT_INDEX_META), 1, 'as an earlier release left it')
  await store.close()
  const reopened = await openNode(node.dir)
  t.teardown(() => reopened.close())
  const forward = await traceGraph(reopened.ledger.records, LOT_URN, 'forward')
  t.ok(forward.nodes.some((n) => n.id === itemUrn('9001')), 'the item')
  t.ok(forward.nodes.some((n) => n.id === PALLET), 'and its pallet')
})

t.test('a mirror, replaying the log, draws the same item-to-lot edges', async (t) => {
  const root = testDir(t)
  const { node, app } = await seededDemoApp(t)
  const at = { eventTime: '2026-06-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', readPoint: { id: FACTORY } }
  for (const body of [
    { type: 'ObjectEvent', ...at, action: 'ADD', bizStep: 'commissioning', epcList: [itemLink('9001'), itemLink('9002')] },
    { type: 'AggregationEvent', ...at, action: 'ADD', bizStep: 'packing', parentID: PALLET, childEPCs: [itemUrn('9001'), itemUrn('9002')] },
  ]) {
    t.ok('seq' in (await node.ledger.submit(node.statement({ type: 'food.event', actor: 'factory-jiaxing-01', body }, [demoSigner('factory-jiaxing-01')]))), body.bizStep)
  }
  const source = `${await app.listen({ host: '127.0.0.1', port: 0 })}/tlog/`
  const mirror = await openMirrorDir(join(root, 'mirror'), { verifierKey: node.ledger.verifierKey, source, primary: 'http://primary.example' })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch: httpResources(source), ed: nodeEd25519, dir: join(root, 'mirror') })
  const mirrorApp = await buildApp({ ledger: mirror.ledger, config: { baseUrl: 'http://127.0.0.1' }, mirror: follower })
  t.teardown(async () => {
    await follower.stop()
    await mirrorApp.close()
    await mirror.close()
  })
  await follower.poll()
  t.equal(mirror.ledger.size, node.ledger.size)
  for (const url of [`/v1/trace/${encodeURIComponent(LOT_URN)}?direction=forward`, `/v1/trace/${encodeURIComponent(PALLET)}?direction=backward`, `/v1/trace/${encodeURIComponent(itemUrn('9001'))}`]) {
    const [mine, its] = await Promise.all([mirrorApp.inject(url), app.inject(url)])
    t.equal(mine.body, its.body, url)
  }
  t.ok(((await app.inject(`/v1/trace/${encodeURIComponent(LOT_URN)}?direction=forward`)).json() as Trace).nodes.some((n) => n.id === PALLET), 'the lot reaches the pallet')
})
