// Each object's edges in one record per direction (food/adjacency.ts): whatever events drew them, a
// hub past what a record holds, a correction, or a store written before the records existed and
// upgraded at open (also when that upgrade is stopped midway), an object's neighbours read from its
// adjacency record are exactly the rows of the edge space, in their order.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { compareCodePoints } from '../../src/core/bytes.js'
import type { Signer } from '../../src/core/keys.js'
import { ADJACENCY_INDEX_META, ADJACENCY_SPACES, ADJACENT_EDGES_HELD, buildAdjacencyIndex, neighboursOf, type AdjacencyRecord } from '../../src/food/adjacency.js'
import { SPACES, type EdgeRecord } from '../../src/food/records.js'
import { openNode } from '../../src/cli/node-dir.js'
import { buildApp } from '../../src/http/app.js'
import type { RecordReader } from '../../src/ledger/kinds.js'
import { SEP } from '../../src/store/keys.js'
import { LevelStore } from '../../src/store/level-store.js'
import { makeNode } from '../helpers/ledger.js'
import { storeReader, withoutIndex } from '../helpers/store-index.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const lot = (name: string) => `https://id.gs1.org/01/06901234001037/10/${name}`
const item = (serial: number) => `urn:epc:id:sgtin:6901234.100103.${serial}`
const pallet = (n: number) => `urn:epc:id:sscc:6901234.0${String(n).padStart(9, '0')}`
const at = (minute: number) => `2026-05-20T08:${String(minute).padStart(2, '0')}:00.000+08:00`
const HARVEST = { '@context': CONTEXT, type: 'ObjectEvent', eventTime: at(0), eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: lot('A'), quantity: 100, uom: 'KGM' }] }
const made = (output: string, minute: number) => ({
  '@context': CONTEXT,
  type: 'TransformationEvent',
  eventTime: at(minute),
  eventTimeZoneOffset: '+08:00',
  inputQuantityList: [{ epcClass: lot('A'), quantity: 10, uom: 'KGM' }],
  outputQuantityList: [{ epcClass: lot(output), quantity: 9, uom: 'KGM' }],
})
const packed = (parent: string, children: string[], minute: number) => ({ '@context': CONTEXT, type: 'AggregationEvent', eventTime: at(minute), eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'packing', parentID: parent, childEPCs: children })

/** The hub's pallet holds more items than an adjacency record does. */
const HUB_ITEMS = ADJACENT_EDGES_HELD + 6

async function scenario(t: Test) {
  const dir = testDir(t)
  const node = await makeNode(dir)
  const farm: Signer = await node.register('farm-a', ['farm', 'processor'])
  let counter = 0
  const submit = async (body: Record<string, unknown>) => node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-a', id: `adj-${++counter}`, body }, [farm]))
  await submit(HARVEST)
  const corrected = made('B', 1)
  await submit(corrected)
  await submit(made('C', 2))
  // Lot A into as many outputs as a record holds, and one more: A's forward record says "more".
  for (let i = 0; i < ADJACENT_EDGES_HELD - 1; i++) await submit(made(`X${i}`, 3 + (i % 50)))
  // One event, many edges to one object: the pallet's backward record passes the limit in one write.
  await submit(packed(pallet(1), Array.from({ length: HUB_ITEMS }, (_, i) => item(i)), 55))
  await submit(packed(pallet(2), [item(0), item(1), item(HUB_ITEMS)], 56))
  // Objects of other kinds: their keys sort apart from the items' in the edge space, and so in the record.
  await submit(packed(pallet(3), [item(5), 'urn:example:crate-b', 'urn:epc:id:grai:4012345.55555.987', 'urn:example:Crate-a'], 57))
  await submit({ ...corrected, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'incorrect_data' } })
  return { dir, node }
}

/** Every object with an edge, per direction, and its edges as the edge space holds them. */
async function edgeSpace(store: LevelStore): Promise<Map<string, { key: string; edge: EdgeRecord }[]>[]> {
  const out = []
  for (const space of [SPACES.forward, SPACES.backward]) {
    const byObject = new Map<string, { key: string; edge: EdgeRecord }[]>()
    for (const [key, edge] of await store.getRange<EdgeRecord>(space)) {
      const [own, other] = key.split(SEP) as [string, string]
      byObject.set(own, [...(byObject.get(own) ?? []), { key: other, edge }])
    }
    out.push(byObject)
  }
  return out
}

async function sameAsEdgeSpace(t: Test, store: LevelStore, label: string) {
  const reader = storeReader(store)
  const [forward, backward] = await edgeSpace(store)
  let objects = 0
  for (const [direction, byObject] of [['forward', forward], ['backward', backward]] as const) {
    for (const [own, edges] of byObject) {
      objects++
      t.same(await neighboursOf(reader, own, direction), edges, `${label}: ${direction} of ${own}`)
      t.same(await neighboursOf(reader, own, direction, 2), edges.slice(0, 2), `${label}: the first two ${direction} of ${own}`)
    }
    const held = (await store.getRange<AdjacencyRecord>(ADJACENCY_SPACES[direction])).map(([key]) => key)
    t.same(held.sort(), [...byObject.keys()].sort(), `${label}: a ${direction} record for each object with such edges, and for nothing else`)
  }
  return objects
}

t.test('adjacency records answer as the edge spaces do, through appends, a hub, a correction and the upgrade', async (t) => {
  const { dir, node } = await scenario(t)
  const objects = await sameAsEdgeSpace(t, node.store, 'appended')
  const records = storeReader(node.store)
  t.same(await records.get(ADJACENCY_SPACES.forward, '01/06901234001037/10/A'), { more: true }, "lot A's outputs are past what a record holds")
  t.equal(await records.get(ADJACENCY_SPACES.backward, '01/06901234001037/10/A'), undefined, 'no record for a direction an object has no edges in')
  const stamped = (await neighboursOf(records, '01/06901234001037/10/B', 'backward'))[0]?.edge
  t.type(stamped?.correctedBy, 'number', 'the corrected edge carries its declaration in the record too')

  // The trace of the hub reads it from the edge space: every item, nothing cut.
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const trace = (await app.inject(`/v1/trace/${encodeURIComponent(pallet(1))}?direction=backward&depth=1`)).json() as { nodes: unknown[]; truncated: boolean }
  t.equal(trace.nodes.length, HUB_ITEMS + 1)
  t.equal(trace.truncated, false)
  const fromLot = (await app.inject(`/v1/trace/${encodeURIComponent(lot('A'))}?direction=forward&depth=1`)).json() as { nodes: { id: string }[] }
  t.equal(fromLot.nodes.length, ADJACENT_EDGES_HELD + 1, 'the outputs of lot A but B, whose edge was corrected, from the edge space')
  await app.close()
  await node.close()

  // A store as an earlier release left it: the same edges, no adjacency records, no meta.
  const store = await LevelStore.open(join(dir, 'db'))
  t.equal(await withoutIndex(store, Object.values(ADJACENCY_SPACES), ADJACENCY_INDEX_META), objects)

  // Stopped after each of its first commits (one record a batch), as a node killed there: the next
  // open's upgrade finishes it.
  const commit = store.commit.bind(store)
  let commits = 0
  store.commit = async (batch) => {
    if (++commits > 3) throw new Error('killed')
    return commit(batch)
  }
  await t.rejects(buildAdjacencyIndex(store, { batch: 1 }), /killed/)
  t.equal(await store.getMeta(ADJACENCY_INDEX_META), undefined, 'not marked built')
  await store.close()

  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.store.getMeta(ADJACENCY_INDEX_META), { version: 1, objects })
  await sameAsEdgeSpace(t, reopened.store, 'upgraded')
})

t.test("the records' order, code point order, is LevelDB's order of the keys' bytes", async (t) => {
  const texts = ['a', 'ab', 'a\u0000', '\u007f', '\u0080', '\uD7FF', '\uE000', '\uFF21', '\u{1F600}', '\u{10000}', 'z\u{1F600}', 'z\uFFFF', '']
  const byBytes = [...texts].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  t.same([...texts].sort(compareCodePoints), byBytes)
})

t.test('an object never named by an edge reads as none, with or without a limit', async (t) => {
  const reader: RecordReader = { get: async () => undefined, range: async () => t.fail('no range for an object without a record') as never }
  t.same(await neighboursOf(reader, 'nothing', 'forward'), [])
  t.same(await neighboursOf(reader, 'nothing', 'backward', 3), [])
})

