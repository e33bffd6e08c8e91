// Gap (food): a pallet that carries a recalled lot's cases (a quantity of the lot aggregated onto it) carries
// the recall: shipping it raises EVENT_AFTER_RECALL and its trace says recalled. A pallet that carries that
// lot's serialised items did not: an item has no recall mark of its own (it answers to its lot's), so neither the
// recall's walk downstream nor a later packing carried the mark from the items to the pallet, and the pallet
// left the factory after the recall with no alert. What carries an item of a recalled lot now carries its recall,
// whether it was packed before the recall or after.

import t from 'tap'
import { join } from 'node:path'
import { demoSigner, seedLedger } from '../../src/cli/demo.js'
import { openNode } from '../../src/cli/node-dir.js'
import { keyOrText } from '../../src/food/objects.js'
import { ITEM_OF_LOT_INDEX_META, recallMarkOf } from '../../src/food/recall-index.js'
import { SPACES } from '../../src/food/records.js'
import { LevelStore } from '../../src/store/level-store.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { makeNode } from '../helpers/ledger.js'
import { withoutIndex } from '../helpers/store-index.js'
import { testDir } from '../helpers/test-dir.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const LOT_LINK = `https://id.gs1.org/01/${ZONGZI}/10/Z260601X`
const item = (serial: string) => `https://id.gs1.org/01/${ZONGZI}/10/Z260601X/21/${serial}`
const pallet = (n: number) => `urn:epc:id:sscc:6901234.000000000${n}`

t.test('a pallet of items of a recalled lot carries the recall, packed before or after it', async (t) => {
  const { node, app } = await seededDemoApp(t)
  const post = async (actor: string, type: string, body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor, body }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, `${actor} ${type} ${String(body.bizStep ?? '')} ${res.statusCode === 201 ? '' : res.body}`)
    return res.json().seq as number
  }
  const when = () => ({ eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00' })
  const factory = (body: Record<string, unknown>) => post('factory-jiaxing-01', 'food.event', { ...when(), readPoint: { id: FACTORY }, bizLocation: { id: FACTORY }, ...body })
  const pack = (n: number, children: Record<string, unknown>) => factory({ type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: pallet(n), ...children })
  const ship = (n: number) => factory({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [pallet(n)] })

  await factory({ type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', epcList: [item('1'), item('2'), item('3')], quantityList: [{ epcClass: LOT_LINK, quantity: 100 }] })
  await pack(1, { childQuantityList: [{ epcClass: LOT_LINK, quantity: 10 }] })
  await pack(2, { childEPCs: [item('1')] })
  await post('regulator-hz', 'food.recall', { ids: [LOT_LINK], reason: 'Failed inspection', severity: 'class-i' })
  await pack(3, { childEPCs: [item('2')] })

  const shipped = { cases: await ship(1), itemsBefore: await ship(2), itemsAfter: await ship(3) }
  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[] }[]
  const raised = (seq: number) => alerts.some((a) => a.seqs.includes(seq))
  t.ok(raised(shipped.cases), 'shipping the pallet of the lot\'s cases raises EVENT_AFTER_RECALL')
  t.ok(raised(shipped.itemsBefore), 'so does shipping a pallet of its items packed before the recall')
  t.ok(raised(shipped.itemsAfter), 'and one packed after it')

  for (const n of [1, 2, 3]) {
    const trace = (await app.inject(`/v1/trace/${encodeURIComponent(pallet(n))}`)).json() as { root: string; nodes: { id: string; recalled: boolean }[] }
    t.equal(trace.nodes.find((node) => node.id === trace.root)?.recalled, true, `pallet ${n} is recalled in its trace`)
  }
  // The consumer page derives the recall from the entries it lists, for the pallet of items as for the lot's: the
  // packing names each item by a link that names its lot, and the recall names that lot.
  for (const path of ['/00/069012340000000016', '/00/069012340000000023']) {
    t.equal((await app.inject({ url: path, headers: { accept: 'application/json' } })).json().recalled, true, `${path} is recalled`)
    const page = (await app.inject({ url: path, headers: { accept: 'text/html' } })).body
    t.match(page, /<section class="recall" role="alert" data-fact="recall">/, `${path}: the page shows the recall, derived from its entries`)
    t.notMatch(page, /由节点报告/, `${path}: not merely as the node reports it`)
  }
})

t.test('items packed under an earlier release are indexed at the next open, so a recall then walks on from them', async (t) => {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  const submit = async (actor: string, type: string, body: Record<string, unknown>) => {
    const result = await node.ledger.submit(node.statement({ type, actor, body }, [demoSigner(actor)]))
    t.ok('seq' in result, `${actor} ${type}`)
  }
  const when = { eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: FACTORY } }
  await submit('factory-jiaxing-01', 'food.event', { type: 'ObjectEvent', ...when, action: 'ADD', bizStep: 'commissioning', epcList: [item('1')], quantityList: [{ epcClass: LOT_LINK, quantity: 100 }] })
  await submit('factory-jiaxing-01', 'food.event', { type: 'AggregationEvent', ...when, action: 'ADD', bizStep: 'packing', parentID: pallet(2), childEPCs: [item('1')] })
  await node.close()

  // As an earlier release left the store: the edges, no item index, no meta.
  const store = await LevelStore.open(join(node.dir, 'db'))
  t.equal(await withoutIndex(store, [SPACES.itemOfLot], ITEM_OF_LOT_INDEX_META), 1)
  await store.close()
  const reopened = await openNode(node.dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.store.getMeta(ITEM_OF_LOT_INDEX_META), { version: 1, items: 1 })
  const result = await reopened.ledger.submit(node.statement({ type: 'food.recall', actor: 'regulator-hz', body: { ids: [LOT_LINK], reason: 'Failed inspection', severity: 'class-i' } }, [demoSigner('regulator-hz')]))
  t.ok('seq' in result, 'the recall')
  t.ok(await recallMarkOf(reopened.ledger.records, keyOrText(pallet(2))), 'the pallet of its item is marked')
})
