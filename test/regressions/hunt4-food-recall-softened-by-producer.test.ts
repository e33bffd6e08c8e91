// Hunt 4 (food): a lot's recall record was simply the latest recall naming it. So the pig farm whose pork lot
// the regulator recalled (class-i, veterinary drug residue) recalled the same lot again itself, class-iii,
// "precaution only, no risk", and that replaced the regulator's recall everywhere: the resolver's JSON, the
// consumer page's red banner (reason, class, issuer, and a recall date months later), the console, and the
// recall the sale alerts cite; the factory could do the same to its zongzi made from that pork, whose own recall
// replaced the ingredient's. The recall covering a lot now stands until a recall of a more serious class replaces it;
// the later, milder one is in the log but changes nothing.

import t, { type Test } from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const RECALLED_PORK = 'urn:epc:class:lgtin:6901234.000028.P2605C'
const CLEAN_PORK = 'urn:epc:class:lgtin:6901234.000028.P2605B'
const RESIDUE = /兽药残留超标/
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'

async function recallBy(t: Test, app: Awaited<ReturnType<typeof seededDemoApp>>['app'], node: Awaited<ReturnType<typeof seededDemoApp>>['node'], actor: string, id: string, severity: string, reason: string) {
  const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.recall', actor, body: { ids: [id], reason, severity } }, [demoSigner(actor)]) as never })
  t.equal(res.statusCode, 201, `${actor} recalls ${id} (${severity})`)
  return res.json().seq as number
}

const json = (app: Awaited<ReturnType<typeof seededDemoApp>>['app'], path: string) => app.inject({ url: path, headers: { accept: 'application/json' } }).then((r) => r.json())

t.test("the producer's milder recall of a lot the regulator recalled does not replace it", async (t) => {
  const { node, app } = await seededDemoApp(t)
  const regulatorSeq = 30 // the demo's class-i recall of P2605C (examples/statements/26-recall-pork-lot.json)
  await recallBy(t, app, node, 'farm-jinhua-02', RECALLED_PORK, 'class-iii', 'precaution only, no risk')

  for (const path of ['/01/06901234000283/10/P2605C', '/01/06901234001037/10/Z260526B']) {
    const { recall } = await json(app, path)
    t.same({ seq: recall.seq, by: recall.by, severity: recall.severity }, { seq: regulatorSeq, by: 'regulator-hz', severity: 'class-i' }, `${path}: the regulator's recall`)
    t.match(recall.reason, RESIDUE)
    const page = (await app.inject({ url: path, headers: { accept: 'text/html' } })).body
    const banner = /<section class="recall"[\s\S]*?<\/section>/.exec(page)?.[0] ?? ''
    t.match(banner, RESIDUE, `${path}: the page's banner gives the regulator's reason`)
    t.match(banner, /一级召回/, 'and its class')
    t.notMatch(banner, /precaution only/)
  }

  const sale = await app.inject({
    method: 'POST', url: '/v1/statements',
    payload: node.statement({ type: 'food.event', actor: 'market-hz-01', body: {
      type: 'ObjectEvent', eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', bizStep: 'retail_selling',
      readPoint: { id: MARKET }, bizLocation: { id: MARKET }, quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.000103.Z260526B', quantity: 1, uom: 'KGM' }],
    } }, [demoSigner('market-hz-01')]) as never,
  })
  const saleSeq = sale.json().seq as number
  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[]; message: string }[]
  t.match(alerts.find((alert) => alert.seqs.includes(saleSeq))?.message, new RegExp(`recalled at seq ${regulatorSeq}: .*兽药残留超标`), 'a sale afterwards cites the regulator\'s recall')
})

t.test("the maker's milder recall of a lot made from a recalled ingredient does not replace the ingredient's", async (t) => {
  const { node, app } = await seededDemoApp(t)
  await recallBy(t, app, node, 'factory-jiaxing-01', 'urn:epc:class:lgtin:6901234.000103.Z260526B', 'class-iii', 'packaging dented')
  const { recall } = await json(app, '/01/06901234001037/10/Z260526B')
  t.same({ id: recall.id, by: recall.by, severity: recall.severity }, { id: RECALLED_PORK, by: 'regulator-hz', severity: 'class-i' }, "Z260526B is still under its pork's class-i recall")
  t.match(recall.reason, RESIDUE)
})

t.test("a regulator's more serious recall replaces a producer's milder one", async (t) => {
  const { node, app } = await seededDemoApp(t)
  await recallBy(t, app, node, 'farm-jinhua-02', CLEAN_PORK, 'class-iii', 'label misprint')
  const regulatorSeq = await recallBy(t, app, node, 'regulator-hz', CLEAN_PORK, 'class-i', 'Listeria found in a sample')
  const { recall } = await json(app, '/01/06901234000283/10/P2605B')
  t.same({ seq: recall.seq, by: recall.by, severity: recall.severity, reason: recall.reason }, { seq: regulatorSeq, by: 'regulator-hz', severity: 'class-i', reason: 'Listeria found in a sample' })
  // Z260526A is made from P2605B: it answers with the recall in effect too.
  t.equal((await json(app, '/01/06901234001037/10/Z260526A')).recall?.severity, 'class-i')
})

t.test("the page's banner shows the recall that stands, as the JSON does, and its signer may revise it", async (t) => {
  const { node, app } = await seededDemoApp(t)
  const banner = async (path: string) => /<section class="recall"[\s\S]*?<\/section>/.exec((await app.inject({ url: path, headers: { accept: 'text/html' } })).body)?.[0] ?? ''
  await recallBy(t, app, node, 'farm-jinhua-02', CLEAN_PORK, 'class-iii', 'label misprint')
  await recallBy(t, app, node, 'regulator-hz', CLEAN_PORK, 'class-i', 'Listeria found in a sample')
  for (const path of ['/01/06901234000283/10/P2605B', '/01/06901234001037/10/Z260526A']) {
    const shown = await banner(path)
    t.match(shown, /Listeria found in a sample/, `${path}: the regulator's more serious recall, not the first`)
    t.match(shown, /一级召回/)
  }
  // The regulator lowers its own recall after its investigation: its word replaces its own.
  const revisedSeq = await recallBy(t, app, node, 'regulator-hz', CLEAN_PORK, 'class-ii', 'Listeria below the limit on retest')
  const { recall } = await json(app, '/01/06901234000283/10/P2605B')
  t.same({ seq: recall.seq, severity: recall.severity }, { seq: revisedSeq, severity: 'class-ii' }, 'the JSON gives the revised recall')
  const shown = await banner('/01/06901234000283/10/P2605B')
  t.match(shown, /Listeria below the limit on retest/, 'and so does the page')
  t.match(shown, /二级召回/)
  // The producer still cannot soften it.
  await recallBy(t, app, node, 'farm-jinhua-02', CLEAN_PORK, 'class-iii', 'no risk')
  t.equal((await json(app, '/01/06901234000283/10/P2605B')).recall.seq, revisedSeq)
  t.notMatch(await banner('/01/06901234000283/10/P2605B'), /no risk/)
})
