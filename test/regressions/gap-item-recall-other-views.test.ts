// Gap hunt (food): the other answers an item of a recalled lot gets, held to its lot's recall. Found to agree
// already, kept so they stay so: the item's linkset and its recallStatus link, the standalone verifier's check
// of the item's path (the recall's entry among those it verifies), a proof bundle (made for lots only: an item is
// refused with a code, not answered without its recall), the EPCIS query the linkset points to, and the label.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { verifyLot } from '../../src/web/verify-lot.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { injectedSource } from '../helpers/log-source.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const LOT_LINK = `https://id.gs1.org/01/${ZONGZI}/10/Z260601X`
const ITEM = `/01/${ZONGZI}/10/Z260601X/21/1001`

t.test("an item's linkset, verifier, bundle, events and label agree with its lot's recall", async (t) => {
  const { node, app } = await seededDemoApp(t)
  const post = async (actor: string, type: string, body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor, body }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, `${actor} ${type}`)
    return res.json().seq as number
  }
  await post('factory-jiaxing-01', 'food.event', {
    type: 'ObjectEvent', eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', readPoint: { id: FACTORY },
    epcList: [`https://id.gs1.org${ITEM}`], quantityList: [{ epcClass: LOT_LINK, quantity: 100 }],
  })
  const recall = await post('regulator-hz', 'food.recall', { ids: [LOT_LINK], reason: 'Failed inspection', severity: 'class-i' })

  const linkset = (await app.inject(`${ITEM}?linkType=all`)).json() as { linkset: Record<string, { href: string; title: string }[]>[] }
  const status = linkset.linkset[0]['https://gs1.org/voc/recallStatus']
  t.match(status, [{ href: `http://127.0.0.1/v1/entries/${recall}`, title: /^Recalled: / }], "the linkset's recallStatus is the recall's entry")
  const redirect = await app.inject(`${ITEM}?linkType=gs1:recallStatus`)
  t.equal(redirect.statusCode, 307)
  t.equal(redirect.headers.location, `http://127.0.0.1/v1/entries/${recall}`)

  const keyId = logKeyIdOf(node.ledger.verifierKey)
  const verified = await verifyLot(injectedSource(app), nobleEd25519, { expectedKeyId: keyId, lot: `https://id.gs1.org${ITEM}` })
  t.ok(verified.ok, 'the standalone verifier verifies the item')
  t.ok(verified.listed.includes(recall) && verified.entries.some((e) => e.ok && e.statement?.type === 'food.recall'), 'with the recall among its entries')

  const bundle = await app.inject({ url: ITEM, headers: { accept: 'application/vnd.tracechain.bundle+json' } })
  t.equal(bundle.statusCode, 406)
  t.equal(bundle.json().code, 'BUNDLE_NOT_AVAILABLE', 'no bundle of an item, rather than one without its recall')

  const events = await app.inject(`/v1/events?MATCH_anyEPC=${encodeURIComponent(`https://id.gs1.org${ITEM}`)}`)
  t.equal(events.statusCode, 200, 'the EPCIS query the linkset points to answers (events carry no recall state)')
  t.equal(((await app.inject(`/v1/labels/${encodeURIComponent(`https://id.gs1.org${ITEM}`)}.svg`)).statusCode), 200, 'the label (it states no recall)')
})
