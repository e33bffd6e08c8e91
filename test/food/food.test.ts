// The zongzi scenario end to end through HTTP: products, EPCIS events, trace, recall, alerts, and
// refusals that write nothing.

import t, { type Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import { seedLedger, demoSigner } from '../../src/cli/demo.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const RICE = '06901234000115'
const ZONGZI = '06901234001037'
const lot = (gtin: string, l: string) => `https://id.gs1.org/01/${gtin}/10/${l}`
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'

async function demoNode(t: Test) {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const event = (actor: string, id: string, body: Record<string, unknown>) =>
    node.statement({ type: 'food.event', actor, id, issuedAt: '2026-06-01T00:00:00.000Z', body }, [demoSigner(actor)])
  return { node, app, event }
}

const at = { eventTime: '2026-06-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00' }

t.test('trace backward to the farms and forward to the pallets', async (t) => {
  const { app } = await demoNode(t)
  const back = await app.inject(`/v1/trace/${encodeURIComponent(lot(ZONGZI, 'Z260526A'))}?direction=backward`)
  t.equal(back.statusCode, 200)
  const graph = back.json()
  t.equal(graph.root, 'urn:epc:class:lgtin:6901234.000103.Z260526A')
  const ids = graph.nodes.map((n: { id: string }) => n.id).sort()
  t.same(ids, ['urn:epc:class:lgtin:6901234.000011.R2605A', 'urn:epc:class:lgtin:6901234.000028.P2605B', 'urn:epc:class:lgtin:6901234.000103.Z260526A'])
  t.ok(graph.edges.every((e: { eventType: string; seq: number }) => e.eventType === 'TransformationEvent' && e.seq > 0))
  const rice = graph.nodes.find((n: { id: string }) => n.id.includes('R2605A'))
  t.same(rice.product, { gtin: RICE, name: { zh: '安吉糯米', en: 'Anji glutinous rice' } })
  t.equal(rice.lot, 'R2605A')
  t.equal(rice.digitalLink, lot(RICE, 'R2605A'))

  const forward = (await app.inject(`/v1/trace/${encodeURIComponent('urn:epc:class:lgtin:6901234.000028.P2605C')}?direction=forward`)).json()
  t.same(forward.nodes.map((n: { id: string }) => n.id).sort(), [
    'urn:epc:class:lgtin:6901234.000028.P2605C',
    'urn:epc:class:lgtin:6901234.000103.Z260526B',
    'urn:epc:id:sscc:6901234.0000000102',
  ])
  t.ok(forward.nodes.every((n: { recalled: boolean }) => n.recalled), 'the recalled pork lot marks everything downstream')

  const depth1 = (await app.inject(`/v1/trace/${encodeURIComponent('urn:epc:class:lgtin:6901234.000028.P2605C')}?direction=forward&depth=1`)).json()
  t.equal(depth1.nodes.length, 2)

  for (const [url, code] of [
    ['/v1/trace/not-an-id', 'IDENTIFIER_INVALID'],
    [`/v1/trace/${encodeURIComponent('https://id.gs1.org/01/06901234000116/10/X')}`, 'CHECK_DIGIT_INVALID'],
    [`/v1/trace/${encodeURIComponent(lot(RICE, 'R2605A'))}?direction=up`, 'BAD_REQUEST'],
    [`/v1/trace/${encodeURIComponent(lot(RICE, 'R2605A'))}?depth=0`, 'BAD_REQUEST'],
  ]) {
    const response = await app.inject(url)
    t.equal(response.statusCode, 400, url)
    t.equal(response.json().code, code, url)
  }
})

t.test('recall: the resolver says so, with the reason and seq', async (t) => {
  const { app, node } = await demoNode(t)
  const recalled = (await app.inject({ url: `/01/${ZONGZI}/10/Z260526B`, headers: { accept: 'application/json' } })).json()
  t.equal(recalled.recalled, true)
  t.match(recalled.recall.reason, /veterinary drug residue/)
  t.equal(recalled.recall.id, 'urn:epc:class:lgtin:6901234.000028.P2605C')
  t.type(recalled.recall.seq, 'number')
  const { entry } = await node.ledger.getEntry(recalled.recall.seq)
  t.match(Buffer.from(entry.envelope.payload, 'base64').toString(), /food\.recall/)

  const fine = (await app.inject({ url: `/01/${ZONGZI}/10/Z260526A`, headers: { accept: 'application/json' } })).json()
  t.equal(fine.recalled, false)
  t.notOk(fine.recall)
  t.equal(fine.product.gtin, ZONGZI)
  t.equal(fine.lot, 'Z260526A')
  const steps = fine.events.map((e: { bizStep: string }) => e.bizStep)
  for (const step of ['commissioning', 'shipping', 'receiving', 'creating_class_instance', 'packing', 'transporting', 'retail_selling']) {
    t.ok(steps.includes(step), `journey includes ${step}`)
  }
  t.equal(fine.proofs.inclusion.length, fine.events.length + fine.inspections.length, 'a proof for every event and inspection')
  t.match(fine.checkpoint, /^tracechain\.test\/node\n/)

  const bad = await app.inject({ url: `/01/${ZONGZI.slice(0, 13)}9/10/Z`, headers: { accept: 'application/json' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'CHECK_DIGIT_INVALID')
})

t.test('food alerts from the scenario', async (t) => {
  const { app } = await demoNode(t)
  const alerts = (await app.inject('/v1/alerts')).json().alerts as { kind: string; ids: string[]; seqs: number[]; message: string }[]
  const kinds = alerts.map((a) => a.kind)
  const excursion = alerts.find((a) => a.kind === 'TEMPERATURE_EXCURSION')
  t.ok(excursion, 'the 9.5 °C reading on pallet 102 raises an excursion')
  t.same(excursion?.ids, ['urn:epc:class:lgtin:6901234.000103.Z260526B'])
  const afterRecall = alerts.find((a) => a.kind === 'EVENT_AFTER_RECALL')
  t.ok(afterRecall, 'selling the recalled zongzi lot raises EVENT_AFTER_RECALL')
  t.same(afterRecall?.ids, ['urn:epc:class:lgtin:6901234.000103.Z260526B'])
  t.notOk(kinds.includes('BROKEN_CHAIN_OF_CUSTODY'), 'every receipt was shipped there')
  t.notOk(kinds.includes('MASS_BALANCE'))
  const onlyExcursions = (await app.inject('/v1/alerts?kind=TEMPERATURE_EXCURSION')).json().alerts
  t.equal(onlyExcursions.length, 1)
  t.same((await app.inject('/v1/alerts?since=2099-01-01T00:00:00Z')).json().alerts, [])
  t.equal((await app.inject('/v1/alerts?since=yesterday')).json().code, 'BAD_REQUEST')
})

t.test('MASS_BALANCE and BROKEN_CHAIN_OF_CUSTODY', async (t) => {
  const { app, event } = await demoNode(t)
  const transform = event('factory-jiaxing-01', 'mb-1', {
    type: 'TransformationEvent',
    ...at,
    bizStep: 'creating_class_instance',
    inputQuantityList: [{ epcClass: lot(RICE, 'R2605A'), quantity: 40, uom: 'KGM' }],
    outputQuantityList: [{ epcClass: lot(ZONGZI, 'Z260601X'), quantity: 90, uom: 'KGM' }],
    readPoint: { id: FACTORY },
  })
  t.equal((await app.inject({ method: 'POST', url: '/v1/statements', payload: transform })).statusCode, 201)
  const receive = event('market-hz-01', 'bc-1', {
    type: 'ObjectEvent',
    ...at,
    action: 'OBSERVE',
    bizStep: 'receiving',
    quantityList: [{ epcClass: lot(RICE, 'R2605A'), quantity: 5, uom: 'KGM' }],
    readPoint: { id: MARKET },
    bizLocation: { id: MARKET },
  })
  t.equal((await app.inject({ method: 'POST', url: '/v1/statements', payload: receive })).statusCode, 201)
  const alerts = (await app.inject('/v1/alerts')).json().alerts as { kind: string; message: string }[]
  t.match(alerts.find((a) => a.kind === 'MASS_BALANCE')?.message, /90 kg from 40 kg/)
  t.match(alerts.find((a) => a.kind === 'BROKEN_CHAIN_OF_CUSTODY')?.message, /shipped .* not here/)
})

t.test('refusals: wrong location, bad check digit, invalid EPCIS, recall and product rules; nothing written', async (t) => {
  const { app, node, event } = await demoNode(t)
  const size = node.ledger.size
  const post = async (payload: object) => {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload })
    return { status: response.statusCode, code: response.json().code as string }
  }
  t.same(
    await post(event('farm-anji-01', 'r1', { type: 'ObjectEvent', ...at, action: 'OBSERVE', bizStep: 'shipping', epcList: ['urn:epc:id:sgtin:6901234.000011.1'], readPoint: { id: FACTORY } })),
    { status: 403, code: 'LOCATION_NOT_ALLOWED' },
  )
  t.same(
    await post(event('farm-anji-01', 'r2', { type: 'ObjectEvent', ...at, action: 'OBSERVE', epcList: ['https://id.gs1.org/01/06901234000116/21/1'] })),
    { status: 400, code: 'CHECK_DIGIT_INVALID' },
  )
  t.same(await post(event('farm-anji-01', 'r3', { type: 'ObjectEvent', eventTime: 'yesterday', action: 'OBSERVE', epcList: [] })), {
    status: 400,
    code: 'EPCIS_INVALID',
  })
  t.same(
    await post(node.statement({ type: 'food.recall', actor: 'market-hz-01', body: { ids: [lot(RICE, 'R2605A')], reason: 'x', severity: 'class-ii' } }, [demoSigner('market-hz-01')])),
    { status: 403, code: 'RECALL_FORBIDDEN' },
  )
  t.same(
    await post(node.statement({ type: 'food.product', actor: 'factory-jiaxing-01', body: { gtin: RICE, name: 'Rice' } }, [demoSigner('factory-jiaxing-01')])),
    { status: 409, code: 'PRODUCT_OWNED' },
  )
  t.same(
    await post(node.statement({ type: 'food.product', actor: 'market-hz-01', body: { gtin: '06901234009996', name: 'X' } }, [demoSigner('market-hz-01')])),
    { status: 403, code: 'ROLE_FORBIDDEN' },
  )
  t.equal(node.ledger.size, size)
  t.same(
    await post(node.statement({ type: 'food.recall', actor: 'farm-anji-01', body: { ids: [lot(RICE, 'R2605A')], reason: 'moisture', severity: 'class-iii' } }, [demoSigner('farm-anji-01')])),
    { status: 201, code: undefined },
  )
})
