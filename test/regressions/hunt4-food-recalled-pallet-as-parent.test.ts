// Hunt 4 (food): a pallet carrying a recalled lot is marked by the recall index, and shipping it in an
// ObjectEvent raised EVENT_AFTER_RECALL; but a distribution step that names the pallet as its parentID (a
// TransactionEvent shipping the pallet under a purchase order, an AggregationEvent OBSERVE loading it with
// another case) skipped parents, so the recalled pallet left with no alert, while EVENT_AFTER_EXPIRY on the
// same event looked into the same pallet. A parent the event moves now counts; one a DELETE empties does not.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const COLD_CHAIN = 'urn:epc:id:sgln:6901234.00004.0'
// The demo packs zongzi lot Z260526B, made from recalled pork lot P2605C, on pallet …0102; …0101 holds Z260526A.
const RECALLED_PALLET = 'urn:epc:id:sscc:6901234.0000000102'
const CLEAN_PALLET = 'urn:epc:id:sscc:6901234.0000000101'
const ORDER = { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:6901234000005:PO-HZ-9001' }

t.test('a distribution step naming a recalled pallet as its parent raises EVENT_AFTER_RECALL', async (t) => {
  const { node, app } = await seededDemoApp(t)
  let n = 0
  const post = async (body: Record<string, unknown>) => {
    const event = {
      eventTime: new Date(Date.now() - 60_000).toISOString(),
      eventTimeZoneOffset: '+08:00',
      eventID: `urn:uuid:7c1e0d3a-4b2f-4e6a-9d10-${String(++n).padStart(12, '0')}`,
      readPoint: { id: COLD_CHAIN },
      ...body,
    }
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'coldchain-zj-01', body: event }, [demoSigner('coldchain-zj-01')]) as never })
    t.equal(res.statusCode, 201, `${String(body.type)} ${String(body.action)} ${String(body.bizStep)}`)
    return res.json().seq as number
  }
  const recallAlertIds = async (seq: number) => {
    const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[]; ids: string[] }[]
    return alerts.find((alert) => alert.seqs.includes(seq))?.ids
  }

  const shippedUnderOrder = await post({ type: 'TransactionEvent', action: 'OBSERVE', bizStep: 'shipping', parentID: RECALLED_PALLET, epcList: [], bizTransactionList: [ORDER] })
  t.same(await recallAlertIds(shippedUnderOrder), [RECALLED_PALLET], 'a TransactionEvent shipping the recalled pallet')

  const loadedWithAnother = await post({ type: 'AggregationEvent', action: 'OBSERVE', bizStep: 'loading', parentID: RECALLED_PALLET, childEPCs: [CLEAN_PALLET] })
  t.same(await recallAlertIds(loadedWithAnother), [RECALLED_PALLET], 'an AggregationEvent loading it, naming a clean child')

  const cleanShipped = await post({ type: 'TransactionEvent', action: 'OBSERVE', bizStep: 'shipping', parentID: CLEAN_PALLET, epcList: [], bizTransactionList: [ORDER] })
  t.equal(await recallAlertIds(cleanShipped), undefined, 'a pallet of lots nobody recalled raises nothing')

  // Unpacking at shipping: the children leave the pallet, which is not what is shipped.
  const emptied = await post({ type: 'AggregationEvent', action: 'DELETE', bizStep: 'shipping', parentID: RECALLED_PALLET, childEPCs: [CLEAN_PALLET] })
  t.equal(await recallAlertIds(emptied), undefined, 'a DELETE taking a clean child off the recalled pallet names no recall')
})
