// Gap (food): a serialised item that was only commissioned (an ObjectEvent ADD naming `…/10/LOT/21/SERIAL`, never
// packed or shipped) was missing from its lot's forward trace, though a trace from the item reached the lot: the
// walk read the lot's items from `food.item-of-lot`, which holds only items that went into something. It now
// holds, within the trace's read budget even for a lot of 20,000 commissioned items, and a mirror draws the same.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { demoSigner, seedLedger } from '../../src/cli/demo.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { MAX_TRACE_NODES, MAX_TRACE_READS, traceGraph } from '../../src/food/trace.js'
import { buildApp } from '../../src/http/app.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { makeNode, type TestNode } from '../helpers/ledger.js'
import { runCli } from '../helpers/node-process.js'
import { countingReader } from '../helpers/count-reads.js'
import { testDir } from '../helpers/test-dir.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const LOT = 'Z260526A'
const LOT_URN = `urn:epc:class:lgtin:6901234.000103.${LOT}`
const itemLink = (serial: string) => `https://id.gs1.org/01/${ZONGZI}/10/${LOT}/21/${serial}`
const itemUrn = (serial: string) => `urn:epc:id:sgtin:6901234.000103.${serial}`
const PALLET = 'urn:epc:id:sscc:6901234.0000000091'
const RICE = 'https://id.gs1.org/01/06901234000115/10/R2605A' // examples/epcis/23.*: the factory's rice
const OTHER_PALLET = 'urn:epc:id:sscc:6901234.0000000092'

interface Trace {
  root: string
  nodes: { id: string; lot: string | null }[]
  edges: { from: string; to: string; seq: number; eventType: string; bizStep: string | null }[]
  truncated: boolean
}

/** Appends one food event of the zongzi factory straight to `node`'s ledger; its seq. */
async function factoryEvent(t: Test, node: TestNode, body: Record<string, unknown>): Promise<number> {
  const at = { eventTime: '2026-06-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', readPoint: { id: FACTORY } }
  const result = await node.ledger.submit(node.statement({ type: 'food.event', actor: 'factory-jiaxing-01', body: { ...at, ...body } }, [demoSigner('factory-jiaxing-01')]))
  if (!('seq' in result)) throw new Error(`${String(body.bizStep)} refused: ${JSON.stringify(result)}`)
  t.pass(String(body.bizStep))
  return result.seq
}

/** Two items merely commissioned, two more packed onto PALLET, which is shipped. */
async function itemsOfTheLot(t: Test, node: TestNode) {
  const commissioned = await factoryEvent(t, node, { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', epcList: ['9101', '9102'].map(itemLink) })
  await factoryEvent(t, node, { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', epcList: ['9001', '9002'].map(itemLink) })
  const packed = await factoryEvent(t, node, { type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: PALLET, childEPCs: ['9001', '9002'].map(itemUrn) })
  const shipped = await factoryEvent(t, node, { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [PALLET] })
  // An item first named as a transformation's output is of its lot all the same: its pallet is downstream of the lot.
  await factoryEvent(t, node, { type: 'TransformationEvent', bizStep: 'commissioning', inputQuantityList: [{ epcClass: RICE, quantity: 1, uom: 'KGM' }], outputEPCList: [itemLink('9201')] })
  await factoryEvent(t, node, { type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: OTHER_PALLET, childEPCs: [itemUrn('9201')] })
  const otherShipped = await factoryEvent(t, node, { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [OTHER_PALLET] })
  return { commissioned, packed, shipped, otherShipped }
}

t.test("a lot's forward trace holds its items merely commissioned", async (t) => {
  const { node, app } = await seededDemoApp(t)
  const { commissioned } = await itemsOfTheLot(t, node)
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const forward = (await (await fetch(`${base}/v1/trace/${encodeURIComponent(LOT_URN)}?direction=forward`)).json()) as Trace
  for (const serial of ['9101', '9102']) {
    t.ok(forward.nodes.some((n) => n.id === itemUrn(serial) && n.lot === LOT), `forward of the lot shows item ${serial}, of the lot`)
    t.match(forward.edges.find((e) => e.from === LOT_URN && e.to === itemUrn(serial)), { seq: commissioned, eventType: 'ObjectEvent', bizStep: 'commissioning' }, `lot -> item ${serial}`)
  }
  t.ok(forward.nodes.some((n) => n.id === PALLET), 'and the pallet of its packed items')
  t.ok(forward.nodes.some((n) => n.id === OTHER_PALLET), 'and the pallet of the item a transformation made')
  t.equal(forward.truncated, false, 'whole')

  const cli = await runCli(['trace', '--id', LOT_URN, '--url', base, '--direction', 'forward', '--json'])
  t.equal(cli.code, 0, `tracechain trace exits 0 ${cli.stderr}`)
  t.same(JSON.parse(cli.stdout), forward, '`tracechain trace` draws the same graph')
})

t.test('a lot of 20,000 commissioned items reaches the pallet of two of them within the read budget', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await seedLedger(node.ledger, node.operator)
  const serials = Array.from({ length: 20_000 }, (_, i) => String(100_000 + i))
  for (let at = 0; at < serials.length; at += 500) {
    await node.ledger.submit(node.statement({ type: 'food.event', actor: 'factory-jiaxing-01', body: { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', eventTime: '2026-06-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', readPoint: { id: FACTORY }, epcList: serials.slice(at, at + 500).map(itemLink) } }, [demoSigner('factory-jiaxing-01')]))
  }
  // Packed serials that sort after every commissioned one: a walk that reads the lot's items in key order first
  // spends its budget long before them.
  const carried = ['999990', '999991']
  await factoryEvent(t, node, { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', epcList: carried.map(itemLink) })
  await factoryEvent(t, node, { type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: PALLET, childEPCs: carried.map(itemUrn) })
  await factoryEvent(t, node, { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [PALLET] })

  const { reader: counting, reads } = countingReader(node.ledger.records)
  const forward = await traceGraph(counting, LOT_URN, 'forward')
  t.ok(forward.nodes.some((n) => n.id === PALLET), 'the pallet')
  for (const serial of carried) t.ok(forward.nodes.some((n) => n.id === itemUrn(serial)), `the packed item ${serial}`)
  t.ok(forward.nodes.some((n) => n.id === itemUrn(serials[0])), 'some of the merely commissioned items')
  t.equal(forward.truncated, true, 'not every item fits: the trace says so')
  t.ok(forward.nodes.length <= MAX_TRACE_NODES, `${forward.nodes.length} nodes`)
  t.ok(reads() <= 2 * MAX_TRACE_READS + 100, `${reads()} reads for two budgets of ${MAX_TRACE_READS}`)

  // The lot's page and the FSMA 204 export leave the merely commissioned items out: they lead nowhere, and the
  // page would say "only part of the journey" of every lot with some thousand serialised items.
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(() => app.close())
  const page = await app.inject({ url: `/01/${ZONGZI}/10/${LOT}`, headers: { accept: 'application/json' } })
  t.equal(page.statusCode, 200)
  t.equal(page.json().truncated, undefined, "the lot's answer is whole")
  t.ok(page.json().trace.nodes.some((n: { id: string }) => n.id === PALLET), 'its trace reaches the pallet')
  t.notOk(page.json().trace.nodes.some((n: { id: string }) => n.id === itemUrn(serials[0])), 'without the items that went into nothing')
  const csv = await app.inject({ url: `/v1/export/fsma204?lot=${encodeURIComponent(LOT_URN)}` })
  t.equal(csv.statusCode, 200)
  t.notMatch(String(csv.headers['tracechain-truncated'] ?? ''), /true/, 'the FSMA 204 export is not cut short')
})

t.test("a mirror draws the lot's items as the node does", async (t) => {
  const root = testDir(t)
  const { node, app } = await seededDemoApp(t)
  await itemsOfTheLot(t, node)
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
  t.equal(mirror.ledger.size, node.ledger.size, 'the mirror holds the whole log')
  for (const url of [`/v1/trace/${encodeURIComponent(LOT_URN)}?direction=forward`, `/v1/trace/${encodeURIComponent(LOT_URN)}`]) {
    const [mine, its] = await Promise.all([mirrorApp.inject({ url, headers: { accept: 'application/json' } }), app.inject({ url, headers: { accept: 'application/json' } })])
    t.equal(mine.body, its.body, url)
  }
  t.ok(((await app.inject(`/v1/trace/${encodeURIComponent(LOT_URN)}?direction=forward`)).json() as Trace).nodes.some((n) => n.id === itemUrn('9101')), 'the commissioned item is drawn')
})
