// Gap (food): a regulator follows a recalled lot through its alerts with `lot=` (the lot number, its trace code, its
// link): /v1/alerts, the console and the alert stream. The EVENT_AFTER_RECALL of a serialised item of that lot names
// the item, and the filter matched only the ids it was given: the lot's own sales after the recall showed, its items'
// did not. The lot's filter now takes in the items the ledger first knew under that lot.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'
const LOT_LINK = `https://id.gs1.org/01/${ZONGZI}/10/Z260601X`
const ITEM = `https://id.gs1.org/01/${ZONGZI}/10/Z260601X/21/1001`

t.test("the alerts of a lot include its items' alerts", async (t) => {
  const { node, app } = await seededDemoApp(t)
  const post = async (actor: string, type: string, body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor, body }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, `${actor} ${type}`)
    return res.json().seq as number
  }
  const when = () => ({ eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00' })
  await post('factory-jiaxing-01', 'food.event', {
    type: 'ObjectEvent', ...when(), action: 'ADD', bizStep: 'commissioning', readPoint: { id: FACTORY }, epcList: [ITEM], quantityList: [{ epcClass: LOT_LINK, quantity: 100 }],
  })
  await post('regulator-hz', 'food.recall', { ids: [LOT_LINK], reason: 'Failed inspection', severity: 'class-i' })
  const sale = (goods: Record<string, unknown>) => post('market-hz-01', 'food.event', { type: 'ObjectEvent', ...when(), action: 'OBSERVE', bizStep: 'retail_selling', readPoint: { id: MARKET }, bizLocation: { id: MARKET }, ...goods })
  const lotSold = await sale({ quantityList: [{ epcClass: LOT_LINK, quantity: 1 }] })
  const itemSold = await sale({ epcList: [ITEM] })

  for (const lot of ['Z260601X', LOT_LINK, 'urn:epc:class:lgtin:6901234.000103.Z260601X']) {
    const alerts = (await app.inject(`/v1/alerts?kind=EVENT_AFTER_RECALL&lot=${encodeURIComponent(lot)}`)).json().alerts as { seqs: number[] }[]
    const seqs = alerts.flatMap((a) => a.seqs)
    t.ok(seqs.includes(lotSold), `lot=${lot}: the lot's sale after the recall`)
    t.ok(seqs.includes(itemSold), `lot=${lot}: and its item's`)
  }
  const itemOnly = (await app.inject(`/v1/alerts?kind=EVENT_AFTER_RECALL&lot=${encodeURIComponent(ITEM)}`)).json().alerts as { seqs: number[] }[]
  t.same(itemOnly.flatMap((a) => a.seqs), [itemSold], "the item's filter is the item's alone")
  const console = (await app.inject(`/console?kind=EVENT_AFTER_RECALL&lot=Z260601X&lang=en`)).body
  t.match(console, new RegExp(`#${itemSold}\\b`), "the console's lot filter shows the item's sale")
})
