// Gap (food): the alerts' `lot=` filter (GET /v1/alerts, its stream, the console) takes in the alerts of the lot's
// serialised items, found through the index of items under their lot, 20,000 read at most. For a lot with more
// items than that, the answer covered only the first 20,000 items' alerts and did not say so: a regulator following
// a recalled lot saw a complete-looking list without the sales of its later items. Every answer with that filter now
// says it was cut: `"truncated": true` on each page, a `truncated` event first on the stream, a notice on the console.

import t from 'tap'
import { millNode } from '../helpers/food-events.js'
import { openEventStream } from '../helpers/sse.js'

t.setTimeout(300_000)

const SITE = 'urn:epc:id:sgln:6901234.00009.0'
const GTIN = '06901234000115'
const BIG = 'BIG1'
const SMALL = 'SMALL1'
const linkOf = (lot: string) => `https://id.gs1.org/01/${GTIN}/10/${lot}`
const itemOf = (lot: string, n: number) => `${linkOf(lot)}/21/${lot}-${String(n).padStart(5, '0')}`
/** Items of the big lot: more than the filter reads, in 51 events of 400 (the hunt2 lot-search test's pace). */
const ITEMS = 20_400
const PER_EVENT = 400

t.test("a lot with more items than the filter reads says every answer is cut", async (t) => {
  const { node, app, sign } = await millNode(t, SITE)
  const regulator = await node.register('regulator-01', ['regulator'])
  await node.ledger.submit(sign('food.product', { gtin: GTIN, name: 'rice', companyPrefixLength: 7 }))
  const when = () => ({ eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: SITE } })
  const commission = (epcList: string[]) => sign('food.event', { type: 'ObjectEvent', ...when(), action: 'ADD', bizStep: 'commissioning', epcList })
  // The lots themselves, so their numbers find them as the console's form is filled in.
  const lots = sign('food.event', { type: 'ObjectEvent', ...when(), action: 'ADD', bizStep: 'commissioning', quantityList: [BIG, SMALL].map((lot) => ({ epcClass: linkOf(lot), quantity: 100, uom: 'KGM' })) })
  t.ok('seq' in (await node.ledger.submit(lots)), 'the lots are made')
  const flood = await node.ledger.submitMany(
    Array.from({ length: ITEMS / PER_EVENT }, (_, e) => commission(Array.from({ length: PER_EVENT }, (_, i) => itemOf(BIG, e * PER_EVENT + i)))),
  )
  t.equal(flood.filter((o) => 'seq' in o).length, ITEMS / PER_EVENT, `${ITEMS} items commissioned under ${BIG}`)
  t.ok('seq' in (await node.ledger.submit(commission([itemOf(SMALL, 0)]))), `one item under ${SMALL}`)

  for (const lot of [BIG, SMALL]) {
    const recall = node.statement({ type: 'food.recall', actor: 'regulator-01', body: { ids: [linkOf(lot)], reason: 'failed inspection', severity: 'class-i' } }, [regulator])
    t.ok('seq' in (await node.ledger.submit(recall)), `${lot} recalled`)
  }
  const ship = async (id: string) => {
    const result = await node.ledger.submit(sign('food.event', { type: 'ObjectEvent', ...when(), action: 'OBSERVE', bizStep: 'shipping', bizLocation: { id: SITE }, epcList: [id] }))
    t.ok('seq' in result, `${id} shipped after the recall`)
    return (result as { seq: number }).seq
  }
  const early = await ship(itemOf(BIG, 0))
  const second = await ship(itemOf(BIG, 1))
  const late = await ship(itemOf(BIG, ITEMS - 1))
  const small = await ship(itemOf(SMALL, 0))
  const all = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[] }[]
  t.same(all.flatMap((a) => a.seqs).sort((a, b) => a - b), [early, second, late, small], 'each shipment raised EVENT_AFTER_RECALL')

  // GET /v1/alerts: the big lot's answer says it is cut, on every page; the small lot's carries no such field.
  for (const lot of [BIG, linkOf(BIG)]) {
    const res = await app.inject(`/v1/alerts?kind=EVENT_AFTER_RECALL&lot=${encodeURIComponent(lot)}`)
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.ok(body.alerts.some((a: { seqs: number[] }) => a.seqs.includes(early)), `lot=${lot}: an item read is matched`)
    t.notOk(body.alerts.some((a: { seqs: number[] }) => a.seqs.includes(late)), `lot=${lot}: an item past the bound is not`)
    t.equal(body.truncated, true, `lot=${lot}: the answer says the items were cut`)
  }
  let pageToken: string | undefined
  let pages = 0
  do {
    const res = await app.inject(`/v1/alerts?lot=${BIG}&limit=1${pageToken ? `&pageToken=${pageToken}` : ''}`)
    t.equal(res.json().truncated, true, `page ${++pages} says so too`)
    pageToken = res.json().nextPageToken
  } while (pageToken !== undefined && pages < 10)
  t.equal(pages, 2, 'a page for each of the two items read')
  const whole = (await app.inject(`/v1/alerts?kind=EVENT_AFTER_RECALL&lot=${SMALL}`)).json()
  t.same(whole.alerts.flatMap((a: { seqs: number[] }) => a.seqs), [small], "the small lot's item alert")
  t.notOk('truncated' in whole, 'a lot whose items were all read carries no truncated field')

  // The stream says so once, first, before any alert, and never with an id a resume would go on from.
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const base = `http://127.0.0.1:${port}`
  const stream = await openEventStream(t, `${base}/v1/alerts/stream?lot=${BIG}&since=2020-01-01T00:00:00Z`)
  t.equal(stream.status, 200)
  const first = await stream.next()
  t.equal(first.event, 'truncated', 'the first event says the filter is cut')
  t.equal(first.id, undefined, 'with no id')
  t.match(JSON.parse(first.data), { truncated: true, message: String })
  const replayed = await stream.next()
  t.equal(replayed.event, 'alert', 'then the alerts')
  t.same(JSON.parse(replayed.data).seqs, [early])
  stream.close()
  const resumed = await openEventStream(t, `${base}/v1/alerts/stream?lot=${BIG}`, { 'last-event-id': replayed.id as string })
  t.equal((await resumed.next()).event, 'truncated', 'a resumed stream says so again')
  t.same(JSON.parse((await resumed.next()).data).seqs, [second], 'and goes on after the last alert it had')
  resumed.close()
  const smallStream = await openEventStream(t, `${base}/v1/alerts/stream?lot=${SMALL}&since=2020-01-01T00:00:00Z`)
  t.equal((await smallStream.next()).event, 'alert', 'a whole lot streams its alerts with no such event')
  smallStream.close()

  // The console: a visible notice, in Chinese and in English; none for the small lot.
  const zh = await app.inject(`/console?lot=${BIG}`)
  t.equal(zh.statusCode, 200)
  t.match(zh.body, /<p[^>]*data-lot-truncated[^>]*>[^<]*20,000/, 'zh: the notice names the bound')
  t.match(zh.body, /data-lot-truncated[^>]*>[^<]*单品/, 'zh: in Chinese')
  const en = await app.inject(`/console?lot=${BIG}&lang=en`)
  t.match(en.body, /data-lot-truncated[^>]*>[^<]*serialised items/, 'en: in English')
  t.notMatch((await app.inject(`/console?lot=${SMALL}&lang=en`)).body, /data-lot-truncated/, 'no notice for a lot read whole')
})
