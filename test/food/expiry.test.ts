// EVENT_AFTER_EXPIRY: a distribution step on a local day after the best-before day its lot's making event fixed
// (its ILMD date, else the product's shelf life from the local day it was made), for the lot itself or inside a
// pallet it was packed on. On its best-before day, or at a step that is no distribution, nothing. Real signatures,
// a real store; the day is the event's own local day, not UTC's.

import t from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { openNode } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { BEST_BEFORE_SPACE } from '../../src/food/best-before.js'
import { BEST_BEFORE_INDEX_META } from '../../src/food/best-before-index.js'
import { listAlerts } from '../../src/ledger/alerts.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { withoutIndex } from '../helpers/store-index.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const GTIN = '06901234001037'
const lot = (name: string) => `https://id.gs1.org/01/${GTIN}/10/${name}`
const PALLET = 'https://id.gs1.org/00/069012340000001013'

t.test('a distribution step after the best-before day raises EVENT_AFTER_EXPIRY; on the day, or a receiving, does not', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const farm = newSigner()
  await node.ledger.submit(
    node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'farm-x', name: 'farm-x', roles: ['farm', 'processor', 'logistics', 'retailer'], publicKey: toBase64(farm.publicKey) } }, [node.operator]),
  )
  let n = 0
  const submit = async (type: string, body: Record<string, unknown>) => {
    const { seq } = await node.ledger.submit(node.statement({ type, actor: 'farm-x', id: `expiry-${++n}`, body }, [farm]))
    return seq
  }
  await submit('food.product', { gtin: GTIN, name: { zh: '鲜肉粽', en: 'Pork zongzi' }, shelfLifeDays: 7 })
  const commission = (name: string, eventTime: string, ilmd?: Record<string, string>) =>
    submit('food.event', { '@context': CONTEXT, type: 'ObjectEvent', eventTime, eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: lot(name), quantity: 10, uom: 'KGM' }], ...(ilmd ? { ilmd } : {}) })
  const step = (bizStep: string, eventTime: string, epcClass: string) =>
    submit('food.event', { '@context': CONTEXT, type: 'ObjectEvent', eventTime, eventTimeZoneOffset: '+08:00', action: 'OBSERVE', bizStep, quantityList: [{ epcClass, quantity: 1, uom: 'KGM' }] })
  const expiryAlerts = async () => (await listAlerts(node.ledger, { kind: 'EVENT_AFTER_EXPIRY' }, [], new Date('2026-07-01T00:00:00.000Z'))).alerts

  // ILMD1 carries its own date, which wins over the product's shelf life; SHELF1 is good for 7 days from the day it was made.
  const madeIlmd = await commission('ILMD1', '2026-06-01T08:00:00.000+08:00', { 'cbvmda:bestBeforeDate': '2026-06-03' })
  const madeShelf = await commission('SHELF1', '2026-06-01T08:00:00.000+08:00')
  // Made again later: the first making fixed the date.
  await commission('ILMD1', '2026-06-02T08:00:00.000+08:00', { 'cbvmda:bestBeforeDate': '2026-12-31' })

  await step('shipping', '2026-06-03T20:00:00.000+08:00', lot('ILMD1')) // its best-before day: fine
  const lateShipping = await step('shipping', '2026-06-03T16:30:00.000Z', lot('ILMD1')) // 00:30 on 4 June in +08:00: after
  await step('retail_selling', '2026-06-08T10:00:00.000+08:00', lot('SHELF1')) // 1 June + 7 days: its last day
  const lateSale = await step('retail_selling', '2026-06-09T09:00:00.000+08:00', lot('SHELF1'))
  await step('receiving', '2026-06-09T10:00:00.000+08:00', lot('SHELF1')) // not a distribution step
  await submit('food.event', {
    '@context': CONTEXT,
    type: 'AggregationEvent',
    eventTime: '2026-06-09T11:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'packing',
    parentID: PALLET,
    childQuantityList: [{ epcClass: lot('SHELF1'), quantity: 2, uom: 'KGM' }],
  })
  const palletShipped = await submit('food.event', {
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime: '2026-06-10T07:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    epcList: [PALLET],
  })

  const alerts = await expiryAlerts()
  t.same(
    alerts.map((alert) => [alert.seqs, alert.ids]),
    [
      [[lateShipping], ['urn:epc:class:lgtin:6901234.000103.ILMD1']],
      [[lateSale], ['urn:epc:class:lgtin:6901234.000103.SHELF1']],
      [[palletShipped], ['urn:epc:class:lgtin:6901234.000103.SHELF1']],
    ],
    JSON.stringify(alerts, null, 1),
  )
  t.equal(alerts[0].message, `shipping on 2026-06-04 of urn:epc:class:lgtin:6901234.000103.ILMD1 (best before 2026-06-03, seq ${madeIlmd})`)
  t.equal(alerts[1].message, `retail_selling on 2026-06-09 of urn:epc:class:lgtin:6901234.000103.SHELF1 (best before 2026-06-08, seq ${madeShelf})`)
  t.match(alerts[2].message, /^shipping on 2026-06-10 of urn:epc:class:lgtin:6901234\.000103\.SHELF1 /, 'the lot on the pallet')
})

t.test('a store from before the index gets it at open, the same records the events wrote', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  await seedLedger(node.ledger, node.operator)
  const store = node.store
  const before = await store.getRange(BEST_BEFORE_SPACE)
  t.ok(before.length >= 4, `the demo's lots: ${before.map(([key, value]) => `${key} ${JSON.stringify(value)}`).join('; ')}`)
  t.equal(await withoutIndex(store, [BEST_BEFORE_SPACE], BEST_BEFORE_INDEX_META), before.length)
  await node.close()
  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.store.getRange(BEST_BEFORE_SPACE), before, 'built again at open, as the events wrote it')
  t.match(await reopened.store.getMeta(BEST_BEFORE_INDEX_META), { version: 1 })
})
