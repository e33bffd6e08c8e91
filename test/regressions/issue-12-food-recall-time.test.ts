// Issue 12, "time that counts is the node's": a regulator's recall signed with an issuedAt a month in
// the past turned an earlier-recorded shipping into one "after the recall". A recall takes effect at
// its entry's recordedAt; what is after it is judged in the log's order, and the signer's time is
// shown beside the node's where they are more than a day apart.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const ZONGZI = '06901234001037'
const FACTORY_SITE = 'urn:epc:id:sgln:6901234.00003.0'
const HTML = { accept: 'text/html' }
const DAY = 24 * 60 * 60 * 1000

t.test('a back-dated recall does not reach back over shippings recorded before it', async (t) => {
  const { node, app } = await seededDemoApp(t)
  const now = Date.now()
  const iso = (ms: number) => new Date(ms).toISOString()
  const post = async (type: string, actor: string, body: Record<string, unknown>, issuedAt: string) => {
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor, issuedAt, body }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, type)
    return res.json().seq as number
  }
  const shipping = (hoursAgo: number) => ({
    type: 'ObjectEvent',
    eventTime: iso(now - hoursAgo * 3_600_000),
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    readPoint: { id: FACTORY_SITE },
    quantityList: [{ epcClass: `https://id.gs1.org/01/${ZONGZI}/10/Z260526A`, quantity: 10, uom: 'KGM' }],
  })

  const earlier = await post('food.event', 'factory-jiaxing-01', shipping(2), iso(now - 2 * 3_600_000))
  const backDated = iso(now - 30 * DAY)
  const recallSeq = await post('food.recall', 'regulator-hz', { ids: [`https://id.gs1.org/01/${ZONGZI}/10/Z260526A`], reason: '抽检不合格 / Failed inspection', severity: 'class-i' }, backDated)
  const alertsFor = async (seq: number) =>
    ((await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[] }[]).filter((a) => a.seqs.includes(seq))
  t.same(await alertsFor(earlier), [], 'the shipping recorded before the recall raises nothing')

  const json = (await app.inject({ url: `/01/${ZONGZI}/10/Z260526A`, headers: { accept: 'application/json' } })).json()
  const recordedAt = (await node.ledger.getEntry(recallSeq)).entry.recordedAt
  t.match(json.recall, { seq: recallSeq, at: recordedAt, recordedAt, issuedAt: backDated }, 'took effect when recorded; the signer\'s time beside it')
  const shipped = json.events.find((e: { seq: number }) => e.seq === earlier)
  t.equal(shipped.recordedAt, (await node.ledger.getEntry(earlier)).entry.recordedAt)
  t.notOk('issuedAt' in shipped, 'signed within a day of being recorded: no second time')
  const page = (await app.inject({ url: `/01/${ZONGZI}/10/Z260526A`, headers: HTML })).body
  t.notMatch(page, /召回发布后运输/, 'the earlier shipping is not marked as after the recall')
  t.match(page, /召回日期<\/dt><dd>[^<]*（签署时间 [^<]*）/, 'the page shows the regulator\'s date beside the node\'s')
  const en = (await app.inject({ url: `/01/${ZONGZI}/10/Z260526A?lang=en`, headers: HTML })).body
  t.match(en, /Recalled on<\/dt><dd>[^<]* \(signed [^<]*\)/)

  const later = await post('food.event', 'factory-jiaxing-01', shipping(1), iso(now))
  t.equal((await alertsFor(later)).length, 1, 'a shipping recorded after the recall raises EVENT_AFTER_RECALL')
  t.match((await app.inject({ url: `/01/${ZONGZI}/10/Z260526A`, headers: HTML })).body, /召回发布后运输/)
})
