// Gap (food): selling a serialised item of a recalled lot after the recall raises EVENT_AFTER_RECALL naming the
// item, but the console's Recalls view matched those alerts against the lots the recall reached, by id: an item is
// none of them, so the regulator's view of the recall said nothing was sold after it while /v1/alerts said it was.
// Nor did its counts by step and by shop count the items' events. An alert's item now counts for the recall of its
// lot (the lot its record or its event's link names), and so do the events of the items of the lots it reached.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'
const LOT_LINK = `https://id.gs1.org/01/${ZONGZI}/10/Z260601X`
const ITEM = `https://id.gs1.org/01/${ZONGZI}/10/Z260601X/21/1001`
// Commissioned by its EPC URN, which names no lot: only the sale's link says which lot it is of.
const UNNAMED_ITEM_URN = 'urn:epc:id:sgtin:6901234.000103.1002'
const UNNAMED_ITEM = `https://id.gs1.org/01/${ZONGZI}/10/Z260601X/21/1002`

t.test("the Recalls view lists an item of the recalled lot sold after the recall", async (t) => {
  const { node, app } = await seededDemoApp(t)
  const post = async (actor: string, type: string, body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor, body }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, `${actor} ${type} ${String(body.bizStep ?? '')}`)
    return res.json().seq as number
  }
  const when = () => ({ eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00' })
  await post('factory-jiaxing-01', 'food.event', {
    type: 'ObjectEvent', ...when(), action: 'ADD', bizStep: 'commissioning', readPoint: { id: FACTORY },
    epcList: [ITEM, UNNAMED_ITEM_URN], quantityList: [{ epcClass: LOT_LINK, quantity: 100 }],
  })
  const recall = await post('regulator-hz', 'food.recall', { ids: [LOT_LINK], reason: 'Failed inspection', severity: 'class-i' })
  const sale = (epc: string) => ({ type: 'ObjectEvent', ...when(), action: 'OBSERVE', bizStep: 'retail_selling', readPoint: { id: MARKET }, bizLocation: { id: MARKET }, epcList: [epc] })
  const sold = await post('market-hz-01', 'food.event', sale(ITEM))
  const soldUnnamed = await post('market-hz-01', 'food.event', sale(UNNAMED_ITEM))

  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[] }[]
  t.ok(alerts.some((a) => a.seqs.includes(sold)), '/v1/alerts: the item was sold after the recall')
  t.ok(alerts.some((a) => a.seqs.includes(soldUnnamed)), 'and the one whose sale named its lot')

  const html = (await app.inject('/console/recalls?lang=en')).body
  const card = new RegExp(`<section class="card recall-card" aria-labelledby="recall-${recall}">[\\s\\S]*?</section>`).exec(html)?.[0] ?? ''
  t.ok(card, "the recall's card")
  t.notMatch(card, /Nothing moved or sold after the recall/, 'not "nothing sold after the recall"')
  t.match(card, /<caption>By shop<\/caption>[\s\S]*<td class="num">2<\/td>/, 'both sales counted by shop')
  t.notMatch(card, /No shop recorded it/)
  for (const seq of [sold, soldUnnamed]) t.match(card, new RegExp(`<li data-seq="${seq}" data-actor="market-hz-01" data-fact="entry">`), `the sale at seq ${seq}, to verify`)
})
