// Hunt 4 (food): a recall marks the lots it names and what is made from them or carries them. A regulator who
// recalled a whole product by the link on its label (https://id.gs1.org/01/{gtin}, or urn:epc:idpat:sgtin:CP.IR.*)
// got 201, and the recall covered nothing: every lot of the product still answered "recalled": false, and selling
// one afterwards raised no EVENT_AFTER_RECALL. So did a location's SGLN. Such a recall is now refused with 400
// IDENTIFIER_INVALID, saying to name the lots, and nothing is written.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

t.test('a recall naming a product or a place, not a lot, is refused', async (t) => {
  const { node, app } = await seededDemoApp(t)
  const size = async () => (await app.inject('/v1/checkpoint')).body.split('\n')[1]
  const before = await size()
  for (const id of ['https://id.gs1.org/01/06901234001037', 'urn:epc:idpat:sgtin:6901234.000103.*', 'urn:epc:id:sgln:6901234.00005.0']) {
    const res = await app.inject({
      method: 'POST', url: '/v1/statements',
      payload: node.statement({ type: 'food.recall', actor: 'regulator-hz', body: { ids: ['https://id.gs1.org/01/06901234000115/10/R2605A', id], reason: 'whole product', severity: 'class-i' } }, [demoSigner('regulator-hz')]) as never,
    })
    t.equal(res.statusCode, 400, id)
    t.equal(res.json().code, 'IDENTIFIER_INVALID')
    t.match(res.json().message, /name (its|the) lots/)
  }
  t.equal(await size(), before, 'nothing written')
  t.equal((await app.inject({ url: '/01/06901234000115/10/R2605A', headers: { accept: 'application/json' } })).json().recalled, false, 'not even the lot named beside it')

  const lot = await app.inject({
    method: 'POST', url: '/v1/statements',
    payload: node.statement({ type: 'food.recall', actor: 'regulator-hz', body: { ids: ['https://id.gs1.org/01/06901234001037/10/Z260526A'], reason: 'one lot', severity: 'class-ii' } }, [demoSigner('regulator-hz')]) as never,
  })
  t.equal(lot.statusCode, 201, 'a lot is recalled as before')
})
