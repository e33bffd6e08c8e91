// Hunt (time): the best-before day the consumer page shows is the one EVENT_AFTER_EXPIRY judges by. The node fixes
// a lot's best-before day by the event that first makes it in the log (best-before.ts); the page took the making
// event earliest by eventTime. A producer whose lot had expired could record a second making of it, back-dated
// before the first, with a later ILMD bestBeforeDate: the node still raised EVENT_AFTER_EXPIRY on the sale, while
// the page a consumer scans said 保质期至 2027年12月31日. Now the page takes the first making in the log's order too.

import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const GTIN = '06901234001037'
const RAW = 'https://id.gs1.org/01/06901234000115/10/R1'
const LOT = `https://id.gs1.org/01/${GTIN}/10/BB1`

t.test('a back-dated second making of a lot changes neither the best-before day nor the production day the page shows', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const maker = await node.register('maker', ['farm', 'processor', 'retailer'])
  const post = async (type: string, body: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor: 'maker', body }, [maker]) })
    t.equal(response.statusCode, 201, `${type}: ${response.body.slice(0, 200)}`)
    return response.json().seq as number
  }
  await post('food.product', { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } })
  const make = (eventTime: string, bestBeforeDate: string) =>
    post('food.event', {
      '@context': CONTEXT,
      type: 'TransformationEvent',
      eventTime,
      eventTimeZoneOffset: '+08:00',
      bizStep: 'commissioning',
      inputQuantityList: [{ epcClass: RAW, quantity: 10, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: LOT, quantity: 10, uom: 'KGM' }],
      ilmd: { 'cbvmda:bestBeforeDate': bestBeforeDate },
    })
  const first = await make('2026-06-01T08:00:00.000+08:00', '2026-06-03')
  await make('2026-05-01T08:00:00.000+08:00', '2027-12-31') // recorded later, dated a month before
  const sale = await post('food.event', {
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime: '2026-06-10T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'retail_selling',
    quantityList: [{ epcClass: LOT, quantity: 1, uom: 'KGM' }],
  })

  const expiry = (await app.inject('/v1/alerts?kind=EVENT_AFTER_EXPIRY')).json().alerts as { seqs: number[]; message: string }[]
  t.same(expiry.map((alert) => alert.seqs), [[sale]], 'the node judges the sale by the first making')
  t.match(expiry[0].message, `best before 2026-06-03, seq ${first}`)

  const page = await app.inject({ url: `/01/${GTIN}/10/BB1`, headers: { accept: 'text/html' } })
  t.equal(page.statusCode, 200)
  const fact = (name: string) => new RegExp(`data-fact="${name}">([^<]*)<`).exec(page.body)?.[1]
  t.equal(fact('best-before'), '2026年6月3日', 'the page shows the day the node judges by')
  t.equal(fact('made-on'), '2026年6月1日', 'and the day of the first making')

  // A lot first made by an ObjectEvent ADD (commissioning), which fixes the node's day as a transformation does.
  const commissioned = `https://id.gs1.org/01/${GTIN}/10/BB2`
  await post('food.event', {
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime: '2026-06-01T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    quantityList: [{ epcClass: commissioned, quantity: 10, uom: 'KGM' }],
    ilmd: { 'cbvmda:bestBeforeDate': '2026-06-03' },
  })
  await post('food.event', {
    '@context': CONTEXT,
    type: 'TransformationEvent',
    eventTime: '2026-06-02T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    bizStep: 'commissioning',
    inputQuantityList: [{ epcClass: RAW, quantity: 10, uom: 'KGM' }],
    outputQuantityList: [{ epcClass: commissioned, quantity: 10, uom: 'KGM' }],
    ilmd: { 'cbvmda:bestBeforeDate': '2027-12-31' },
  })
  const second = await app.inject({ url: `/01/${GTIN}/10/BB2`, headers: { accept: 'text/html' } })
  const secondFact = (name: string) => new RegExp(`data-fact="${name}">([^<]*)<`).exec(second.body)?.[1]
  t.equal(secondFact('best-before'), '2026年6月3日', 'a commissioning makes the lot on the page as on the node')
  t.equal(secondFact('made-on'), '2026年6月1日')
})
