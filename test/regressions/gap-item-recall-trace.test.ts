// Gap (food): a serialised item answers to its lot's recall on the resolver's top level and on the consumer
// page, but the trace graph read the item's own recall mark, which no recall writes: the resolver's JSON for an
// item said "recalled": true beside a trace whose node for that very item said recalled: false, and so did
// /v1/trace/:id and `tracechain trace`. A trace node of an item now answers to its lot's recall too.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const ZONGZI = '06901234001037'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const LOT = 'Z260601X'
const LOT_LINK = `https://id.gs1.org/01/${ZONGZI}/10/${LOT}`
const ITEM = `/01/${ZONGZI}/10/${LOT}/21/1001`
const ITEM_URN = 'urn:epc:id:sgtin:6901234.000103.1001'
const CLEAN_ITEM = `/01/${ZONGZI}/10/Z260601Y/21/2001`

t.test("an item's trace node answers to its lot's recall, on the resolver and on /v1/trace", async (t) => {
  const { node, app } = await seededDemoApp(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const post = async (actor: string, type: string, body: Record<string, unknown>) => {
    const res = await fetch(`${base}/v1/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(node.statement({ type, actor, body }, [demoSigner(actor)])) })
    t.equal(res.status, 201, `${actor} ${type}`)
  }
  // The lot and its items, commissioned in one event: what a factory printing 2D labels records.
  await post('factory-jiaxing-01', 'food.event', {
    type: 'ObjectEvent', eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', readPoint: { id: FACTORY },
    epcList: [`https://id.gs1.org${ITEM}`, `https://id.gs1.org${CLEAN_ITEM}`],
    quantityList: [{ epcClass: LOT_LINK, quantity: 100 }],
  })
  await post('regulator-hz', 'food.recall', { ids: [LOT_LINK], reason: 'Failed inspection', severity: 'class-i' })

  type Trace = { root: string; nodes: { id: string; recalled: boolean }[] }
  const rootOf = (trace: Trace) => trace.nodes.find((n) => n.id === trace.root)
  const json = async (path: string) => (await fetch(`${base}${path}`, { headers: { accept: 'application/json' } })).json() as Promise<{ recalled: boolean; trace: Trace }>

  const item = await json(ITEM)
  t.equal(item.recalled, true, 'the resolver says the item is recalled')
  t.equal(item.trace.root, ITEM_URN)
  t.equal(rootOf(item.trace)?.recalled, true, "and so does its trace's node for the item")
  const clean = await json(CLEAN_ITEM)
  t.equal(clean.recalled, false)
  t.equal(rootOf(clean.trace)?.recalled, false, "an item of a lot nobody recalled is not recalled in its trace")

  for (const id of [`https://id.gs1.org${ITEM}`, ITEM_URN]) {
    const trace = (await (await fetch(`${base}/v1/trace/${encodeURIComponent(id)}`)).json()) as Trace
    t.equal(rootOf(trace)?.recalled, true, `/v1/trace of the item by ${id.startsWith('urn') ? 'its EPC URN' : 'its Digital Link'}`)
  }

  const page = await (await fetch(`${base}${ITEM}`, { headers: { accept: 'text/html' } })).text()
  t.match(page, /<section class="recall" role="alert" data-fact="recall">/, 'the consumer page shows the recall')
})
