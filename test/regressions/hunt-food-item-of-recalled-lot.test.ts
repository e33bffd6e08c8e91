// Hunt (food): a serialised item's Digital Link names its lot (/01/{gtin}/10/{lot}/21/{serial}, the link a
// GS1 2D label carries), but an item is keyed by GTIN and serial alone, and the recall index marks lots and
// what is made from or carries them. So an item of a recalled lot was "recalled": false on the resolver,
// the consumer page said no recall was seen, and selling it after the recall raised no EVENT_AFTER_RECALL.
// An item now answers to the recall of the lot it belongs to: the lot its link names, or the lot the
// ledger first knew it under.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'
const PORK_LOT = 'urn:epc:class:lgtin:6901234.000028.P2605C'
// Z260526B is made from pork lot P2605C, which the demo's regulator recalls; Z260526A is not recalled.
const RECALLED_ITEM = `/01/${ZONGZI}/10/Z260526B/21/0001`
const CLEAN_ITEM = `/01/${ZONGZI}/10/Z260526A/21/0002`

t.test('an item of a recalled lot is recalled: resolver, page, and a sale after the recall', async (t) => {
  const { node, app } = await seededDemoApp(t)
  const when = () => ({ eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00' })
  const post = async (actor: string, body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor, body }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, `${actor} ${String(body.bizStep)}`)
    return res.json().seq as number
  }
  await post('factory-jiaxing-01', {
    type: 'ObjectEvent', ...when(), action: 'ADD', bizStep: 'commissioning', readPoint: { id: FACTORY },
    epcList: [`https://id.gs1.org${RECALLED_ITEM}`, `https://id.gs1.org${CLEAN_ITEM}`],
  })
  const sale = (epc: string) => ({ type: 'ObjectEvent', ...when(), action: 'OBSERVE', bizStep: 'retail_selling', readPoint: { id: MARKET }, bizLocation: { id: MARKET }, epcList: [epc] })
  const soldByLink = await post('market-hz-01', sale(`https://id.gs1.org${RECALLED_ITEM}`))
  // The same item by its EPC URN, which carries no lot: the ledger knows its lot from its commissioning.
  const soldByUrn = await post('market-hz-01', sale('urn:epc:id:sgtin:6901234.000103.0001'))
  const soldClean = await post('market-hz-01', sale(`https://id.gs1.org${CLEAN_ITEM}`))

  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[]; ids: string[] }[]
  const alertOf = (seq: number) => alerts.find((a) => a.seqs.includes(seq))
  t.same(alertOf(soldByLink)?.ids, ['urn:epc:id:sgtin:6901234.000103.0001'], 'selling the item of the recalled lot raises EVENT_AFTER_RECALL')
  t.same(alertOf(soldByUrn)?.ids, ['urn:epc:id:sgtin:6901234.000103.0001'], 'so does selling it by its EPC URN')
  t.notOk(alertOf(soldClean), 'an item of a lot nobody recalled raises nothing')

  const json = (path: string) => app.inject({ url: path, headers: { accept: 'application/json' } }).then((r) => r.json())
  const recalled = await json(RECALLED_ITEM)
  t.equal(recalled.recalled, true, 'the resolver says the item is recalled')
  t.equal(recalled.recall?.id, PORK_LOT, 'naming the recall that covers its lot')
  t.equal((await json(CLEAN_ITEM)).recalled, false)

  const page = (await app.inject({ url: RECALLED_ITEM, headers: { accept: 'text/html' } })).body
  t.match(page, /<section class="recall" role="alert" data-fact="recall">/, 'the consumer page shows the recall, derived from the entries it lists')
  t.notMatch(page, /由节点报告/, 'not merely as the node reports it')
  t.notMatch((await app.inject({ url: CLEAN_ITEM, headers: { accept: 'text/html' } })).body, /class="recall"/)
})
