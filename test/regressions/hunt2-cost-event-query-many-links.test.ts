// Hunt (cost): GET /v1/events (the EPCIS query, not rate limited) took the events of the objects a MATCH_ parameter
// names exactly from the by-object index, every link of every object listed, before reading the first candidate:
// only patterns were held to MAX_SCANNED. An object named in many events (a returnable crate, a pallet, items
// observed again and again), or a few hundred of them in one query string, made one request for a page of one event
// read every link they have. Exact ids are now held to the same scan: past it the query takes the time index (or the
// log's order for orderBy=recordTime), a page at a time, as a broad pattern does.

import t from 'tap'
import { MAX_SCANNED } from '../../src/food/event-query.js'
import { millNode } from '../helpers/food-events.js'
import { countReads } from '../helpers/count-reads.js'

t.setTimeout(600_000)

const SITE = 'urn:epc:id:sgln:6901234.00009.0'
const RICE = '06901234000115'
const ITEMS = Array.from({ length: 300 }, (_, i) => `urn:epc:id:sgtin:6901234.000011.S${i}`)
const EVENTS = 250 // 75,000 links of those 300 items

t.test('a query naming objects with more links than a scan reads a bounded part of them', async (t) => {
  const { node, app, sign } = await millNode(t, SITE)
  await node.ledger.submit(sign('food.product', { gtin: RICE, name: 'rice', companyPrefixLength: 7 }))
  const at = (i: number) => ({ eventTime: new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: SITE } })
  const events = Array.from({ length: EVENTS }, (_, i) => sign('food.event', { type: 'ObjectEvent', ...at(i), action: i === 0 ? 'ADD' : 'OBSERVE', bizStep: i === 0 ? 'commissioning' : 'inspecting', epcList: ITEMS }))
  for (let from = 0; from < EVENTS; from += 50) {
    const out = await node.ledger.submitMany(events.slice(from, from + 50))
    t.equal(out.filter((o) => 'seq' in o).length, Math.min(50, EVENTS - from), `events ${from}-${from + 49} appended`)
  }
  const reads = countReads(t, node.store)
  const match = `MATCH_anyEPC=${encodeURIComponent(ITEMS.join('|'))}`
  for (const order of ['', '&orderBy=recordTime', '&orderBy=eventTime&orderDirection=DESC']) {
    reads.take()
    const res = await app.inject(`/v1/events?${match}&perPage=5${order}`)
    const read = reads.take()
    t.equal(res.statusCode, 200, `${order || 'default order'}: answered`)
    const body = res.json() as { epcisBody: { queryResults: { resultsBody: { eventList: { eventTime: string }[] } } } }
    const list = body.epcisBody.queryResults.resultsBody.eventList
    t.equal(list.length, 5, `${order || 'default order'}: a page of 5 events`)
    t.ok(/rel="next"/.test(String(res.headers.link ?? '')) || 'nextPageToken' in (body as object), `${order || 'default order'}: with a next page`)
    t.ok(read <= MAX_SCANNED + 5 * EVENTS, `${order || 'default order'}: read ${read} records (at most ${MAX_SCANNED + 5 * EVENTS})`)
  }
  const one = await app.inject(`/v1/events?MATCH_anyEPC=${encodeURIComponent(ITEMS[7] as string)}&perPage=1000`)
  t.equal(one.json().epcisBody.queryResults.resultsBody.eventList.length, EVENTS, 'one item under the scan still has every event')
})
