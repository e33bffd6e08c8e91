// Issue 12, "nobody speaks for another's food": the pork farm signed a TransformationEvent with its own
// new lot as input and the factory's zongzi lot as output, then recalled its own lot, and the factory's
// lot turned recalled "issued by" the farm. Making a lot of a registered product is now its brand
// owner's or a named maker's (NOT_PRODUCT_MAKER), a recall travels only along edges whose signer could
// make their output, and an actor bound to locations must say where (LOCATION_REQUIRED).

import t, { type Test } from 'tap'
import { demoSigner, seedLedger } from '../../src/cli/demo.js'
import { openNode } from '../../src/cli/node-dir.js'
import { buildApp } from '../../src/http/app.js'
import { joinKey, seqKey } from '../../src/store/keys.js'
import { SPACES } from '../../src/food/records.js'
import { RECALL_INDEX_META } from '../../src/food/recall-index.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { makeNode, type TestNode } from '../helpers/ledger.js'
import type { Signer } from '../../src/core/keys.js'
import { testDir } from '../helpers/test-dir.js'

const PORK = '06901234000283'
const ZONGZI = '06901234001037'
const FARM = 'farm-jinhua-02'
const FACTORY = 'factory-jiaxing-01'
const FARM_SITE = 'urn:epc:id:sgln:6901234.00002.0'
const FACTORY_SITE = 'urn:epc:id:sgln:6901234.00003.0'
const lot = (gtin: string, l: string) => `https://id.gs1.org/01/${gtin}/10/${l}`
const urn = (gtin: string, l: string) => `urn:epc:class:lgtin:6901234.${gtin.slice(0, 1)}${gtin.slice(8, 13)}.${l}`
const at = { eventTime: '2026-06-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00' }

/** A GTIN-14 with its GS1 check digit. */
function gtin(first13: string): string {
  const sum = [...first13].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0)
  return first13 + String((10 - (sum % 10)) % 10)
}

async function demo(t: Test) {
  const { node, app } = await seededDemoApp(t)
  return { node, app, ...helpers(node, app) }
}

function helpers(node: TestNode, app: Awaited<ReturnType<typeof buildApp>>) {
  const sign = (type: string, actor: string, body: Record<string, unknown>, signer: Signer = demoSigner(actor)) => node.statement({ type, actor, body }, [signer])
  const post = async (envelope: unknown) => {
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope as Record<string, unknown> })
    return { status: res.statusCode, body: res.json() as { code?: string; seq?: number } }
  }
  const resolve = async (link: string) => (await app.inject({ url: link.replace('https://id.gs1.org', ''), headers: { accept: 'application/json' } })).json()
  const traced = async (id: string) => (await app.inject(`/v1/trace/${encodeURIComponent(id)}?direction=both`)).json()
  return { sign, post, resolve, traced }
}

const commission = (site: string, ...lots: string[]) => ({
  type: 'ObjectEvent', ...at, action: 'ADD', bizStep: 'commissioning', readPoint: { id: site }, bizLocation: { id: site },
  quantityList: lots.map((epcClass) => ({ epcClass, quantity: 10, uom: 'KGM' })),
})
const transform = (site: string, inputs: string[], outputs: string[]) => ({
  type: 'TransformationEvent', ...at, bizStep: 'creating_class_instance', readPoint: { id: site }, bizLocation: { id: site },
  inputQuantityList: inputs.map((epcClass) => ({ epcClass, quantity: 1, uom: 'KGM' })),
  outputQuantityList: outputs.map((epcClass) => ({ epcClass, quantity: 1, uom: 'KGM' })),
})
const recall = (id: string) => ({ ids: [id], reason: 'test recall', severity: 'class-ii' })

t.test('the pork farm cannot make the factory\'s zongzi lot, and its recall stays with its own lot', async (t) => {
  const { node, post, sign, resolve } = await demo(t)
  const size = node.ledger.size
  const fake = await post(sign('food.event', FARM, transform(FARM_SITE, [lot(PORK, 'P2606X')], [lot(ZONGZI, 'Z260526A')])))
  t.equal(fake.status, 403)
  t.equal(fake.body.code, 'NOT_PRODUCT_MAKER')
  t.equal(node.ledger.size, size, 'nothing written')
  t.equal(await node.ledger.records.get(SPACES.object, `01/${PORK}/10/P2606X`), undefined, 'not even the input lot')

  t.equal((await post(sign('food.event', FARM, commission(FARM_SITE, lot(PORK, 'P2606X'))))).status, 201)
  t.equal((await post(sign('food.recall', FARM, recall(lot(PORK, 'P2606X'))))).status, 201)
  const zongzi = await resolve(lot(ZONGZI, 'Z260526A'))
  t.equal(zongzi.recalled, false, 'the factory\'s lot is not recalled')
  t.notOk(zongzi.recall)
})

t.test('an edge drawn before the rule (an open GTIN, or old data) does not carry the farm\'s recall', async (t) => {
  const { node, app, post, sign, resolve, traced } = await demo(t)
  // A GTIN nobody registered stays open: the farm's transformation is recorded, but the factory made the lot first.
  const open = gtin('0690123400999')
  t.equal((await post(sign('food.event', FACTORY, commission(FACTORY_SITE, lot(open, 'F1'))))).status, 201)
  const edge = await post(sign('food.event', FARM, transform(FARM_SITE, [lot(PORK, 'P2606Y')], [lot(open, 'F1')])))
  t.equal(edge.status, 201, 'open GTINs take events from anyone')
  const made = await post(sign('food.event', FARM, commission(FARM_SITE, lot(PORK, 'P2606Z'))))
  // Old data: an edge into the zongzi lot in the shape written before makers, naming the farm's event.
  await node.store.commit({
    entries: [],
    tiles: [],
    records: [
      {
        space: SPACES.forward,
        key: joinKey(`01/${PORK}/10/P2606Z`, `01/${ZONGZI}/10/Z260526A`, seqKey(made.body.seq as number)),
        value: { from: urn(PORK, 'P2606Z'), to: urn(ZONGZI, 'Z260526A'), seq: made.body.seq, eventType: 'TransformationEvent', eventTime: '2026-06-01T00:00:00.000Z' },
      },
    ],
  })
  for (const id of ['P2606Y', 'P2606Z']) t.equal((await post(sign('food.recall', FARM, recall(lot(PORK, id))))).status, 201)
  t.equal((await resolve(lot(open, 'F1'))).recalled, false, 'the factory\'s open-GTIN lot')
  t.equal((await resolve(lot(ZONGZI, 'Z260526A'))).recalled, false, 'the zongzi lot behind an old edge')
  const graph = await traced(lot(PORK, 'P2606Y'))
  t.same(graph.nodes.filter((n: { recalled: boolean }) => n.recalled).map((n: { id: string }) => n.id), [urn(PORK, 'P2606Y')])
  const ship = { type: 'ObjectEvent', ...at, action: 'OBSERVE', bizStep: 'shipping', readPoint: { id: FACTORY_SITE }, quantityList: [{ epcClass: lot(open, 'F1') }] }
  const shipped = await post(sign('food.event', FACTORY, ship))
  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[] }[]
  t.notOk(alerts.some((a) => a.seqs.includes(shipped.body.seq as number)), 'the factory shipping its lot raises no EVENT_AFTER_RECALL')
})

t.test('makers: the brand owner names contract manufacturers; others are refused', async (t) => {
  const { node, post, sign, resolve } = await demo(t)
  const copackerSite = 'urn:epc:id:sgln:6901234.00007.0'
  const copacker = await node.register('copacker-01', ['processor'], { locations: [copackerSite] })
  const rival = await node.register('rival-01', ['processor'], { locations: ['urn:epc:id:sgln:6901234.00008.0'] })
  const product = { gtin: ZONGZI, name: { zh: '嘉兴鲜肉粽', en: 'Jiaxing pork zongzi' }, companyPrefixLength: 7 }

  const unknown = await post(sign('food.product', FACTORY, { ...product, makers: ['nobody-yet'] }))
  t.same([unknown.status, unknown.body.code], [409, 'RULE_VIOLATION'], 'a maker must be a registered actor')
  const duplicate = await post(sign('food.product', FACTORY, { ...product, makers: ['copacker-01', 'copacker-01'] }))
  t.same([duplicate.status, duplicate.body.code], [400, 'SCHEMA_INVALID'])
  const before = await post(sign('food.event', 'copacker-01', commission(copackerSite, lot(ZONGZI, 'C1')), copacker))
  t.same([before.status, before.body.code], [403, 'NOT_PRODUCT_MAKER'], 'not yet named')

  t.equal((await post(sign('food.product', FACTORY, { ...product, makers: ['copacker-01'] }))).status, 201)
  const commissioned = await post(sign('food.event', 'copacker-01', commission(copackerSite, lot(ZONGZI, 'C1')), copacker))
  t.equal(commissioned.status, 201, 'a contract manufacturer named in makers may commission')
  t.equal((await node.ledger.records.get<{ producer: string }>(SPACES.object, `01/${ZONGZI}/10/C1`))?.producer, 'copacker-01')
  t.equal((await post(sign('food.event', 'copacker-01', transform(copackerSite, [lot(PORK, 'P2605B')], [lot(ZONGZI, 'C2')]), copacker))).status, 201, 'and output')

  const size = node.ledger.size
  const rivalSite = 'urn:epc:id:sgln:6901234.00008.0'
  for (const body of [
    commission(rivalSite, lot(ZONGZI, 'R1')),
    transform(rivalSite, [lot(PORK, 'P2605B')], [lot(ZONGZI, 'R2')]),
    { type: 'AggregationEvent', ...at, action: 'ADD', bizStep: 'packing', readPoint: { id: rivalSite }, parentID: `https://id.gs1.org/01/${ZONGZI}/21/CASE1`, childQuantityList: [{ epcClass: lot(PORK, 'P2605B') }] },
  ]) {
    const refused = await post(sign('food.event', 'rival-01', body, rival))
    t.same([refused.status, refused.body.code], [403, 'NOT_PRODUCT_MAKER'], body.type)
  }
  t.equal(node.ledger.size, size, 'nothing written')
  // The brand owner may recall a lot its contract manufacturer made.
  t.equal((await post(sign('food.recall', FACTORY, recall(lot(ZONGZI, 'C1'))))).status, 201)
  t.equal((await resolve(lot(ZONGZI, 'C1'))).recall.by, FACTORY)
})

t.test('an actor with registered locations must name one: LOCATION_REQUIRED', async (t) => {
  const { node, post, sign } = await demo(t)
  const size = node.ledger.size
  const observe = { type: 'ObjectEvent', ...at, action: 'OBSERVE', bizStep: 'shipping', quantityList: [{ epcClass: lot(ZONGZI, 'Z260526A') }] }
  const refused = await post(sign('food.event', FACTORY, observe))
  t.same([refused.status, refused.body.code], [403, 'LOCATION_REQUIRED'])
  t.equal(node.ledger.size, size, 'nothing written')
  t.equal((await post(sign('food.event', FACTORY, { ...observe, bizLocation: { id: FACTORY_SITE } }))).status, 201, 'bizLocation alone is enough')
  t.equal((await post(sign('food.event', 'regulator-hz', { ...observe, bizStep: 'inspecting' }))).status, 201, 'an actor bound to no location need not name one')
})

t.test('a store written before the recall index gets it built once at open', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  await seedLedger(node.ledger, node.operator)
  const marks = await node.ledger.records.range(SPACES.recalled, {})
  t.ok(marks.length >= 3, 'the demo recall marks the pork lot, the zongzi lot and its pallet')
  await node.store.commit({ entries: [], tiles: [], records: marks.map(([key]) => ({ space: SPACES.recalled, key, value: null })) })
  t.equal(await node.store.getMeta(RECALL_INDEX_META), undefined)
  await node.close()

  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.ledger.records.range(SPACES.recalled, {}), marks, 'the same marks, rebuilt')
  t.match(await reopened.store.getMeta(RECALL_INDEX_META), { version: 1, recalls: 1 })
})
