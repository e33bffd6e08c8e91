// Gap (cost): when a MATCH_ names more than a scan's worth of events (MAX_SCANNED by-object links), the EPCIS query
// falls back to the time index (or the location or bizStep index, or the log's order for orderBy=recordTime). That
// choice was made again on every page, so each page of a paged answer read the 50,001 links again before falling
// back. The page token now carries the choice: following pages resume the chosen path and cost what their own
// events cost; the answer across pages is unchanged, also with events appended between pages; a forged token can
// neither skip a condition nor make a page read past the bound.

import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { fingerprintOf, MAX_SCANNED } from '../../src/food/event-query.js'
import { countReads } from '../helpers/count-reads.js'
import { millNode } from '../helpers/food-events.js'

t.setTimeout(600_000)

const SITE = 'urn:epc:id:sgln:6901234.00009.0'
const RICE = '06901234000115'
const ITEMS = Array.from({ length: 300 }, (_, i) => `urn:epc:id:sgtin:6901234.000011.S${i}`)
const OTHER = 'urn:epc:id:sgtin:6901234.000011.OTHER'
const EVENTS = 250 // 75,000 links of those 300 items
const MATCH = `MATCH_anyEPC=${encodeURIComponent(ITEMS.join('|'))}`
/** What a page of this test's events may read beyond its own events once the path is known (a generous margin). */
const OWN_READS_PER_EVENT = 8

const minute = (i: number) => new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString()

/** What the log holds, in seq order, as the test wrote it: each event's eventTime, bizStep and whether it names ITEMS. */
interface Written {
  eventTime: string
  bizStep: string
  items: boolean
}

async function manyLinks(t: Test) {
  const { node, app, sign } = await millNode(t, SITE)
  await node.ledger.submit(sign('food.product', { gtin: RICE, name: 'rice', companyPrefixLength: 7 }))
  const log: Written[] = []
  const append = async (events: Written[]) => {
    const envelopes = events.map((e) =>
      sign('food.event', { type: 'ObjectEvent', eventTime: e.eventTime, eventTimeZoneOffset: '+08:00', readPoint: { id: SITE }, action: 'OBSERVE', bizStep: e.bizStep, epcList: e.items ? ITEMS : [OTHER] }),
    )
    for (let from = 0; from < envelopes.length; from += 50) {
      const out = await node.ledger.submitMany(envelopes.slice(from, from + 50))
      t.equal(out.filter((o) => 'seq' in o).length, Math.min(50, envelopes.length - from), `events ${log.length + from}.. appended`)
    }
    log.push(...events)
  }
  await append(Array.from({ length: EVENTS }, (_, i) => ({ eventTime: minute(i), bizStep: i === 0 ? 'commissioning' : 'inspecting', items: true })))
  return { node, app, log, append, reads: countReads(t, node.store) }
}

interface Page {
  eventTimes: string[]
  next?: string
  read: number
}

async function fetchPage(t: Test, app: FastifyInstance, reads: { take(): number }, url: string): Promise<Page> {
  reads.take()
  const res = await app.inject(url)
  const read = reads.take()
  t.equal(res.statusCode, 200, `${url.slice(0, 60)}…: answered`)
  const list = res.json().epcisBody.queryResults.resultsBody.eventList as { eventTime: string }[]
  const next = /^<([^>]+)>; rel="next"$/.exec(String(res.headers.link ?? ''))?.[1]
  return { eventTimes: list.map((e) => new Date(e.eventTime).toISOString()), next, read }
}

/** The events a query over `log` answers in its order, as eventTimes. */
function expected(log: Written[], order: string, bizStep?: string): string[] {
  const wanted = log.filter((e) => e.items && (bizStep === undefined || e.bizStep === bizStep))
  if (order.includes('recordTime')) return (order.includes('ASC') ? wanted : [...wanted].reverse()).map((e) => e.eventTime)
  const times = wanted.map((e) => e.eventTime).sort()
  return order.includes('DESC') ? times.reverse() : times
}

const ORDERS = ['', '&orderBy=recordTime', '&orderBy=eventTime&orderDirection=DESC']
const ROUTES = [
  { path: '/v1/events', bizStep: undefined },
  { path: '/events', bizStep: undefined },
  { path: '/bizSteps/inspecting/events', bizStep: 'inspecting' },
]

t.test('each later page of a query past the object scan costs what its own events cost, and the answer is whole', async (t) => {
  const { app, log, reads } = await manyLinks(t)
  for (const { path, bizStep } of ROUTES) {
    for (const order of ORDERS) {
      const name = `${path}${order || ' default order'}`
      const pages: Page[] = []
      for (let url: string | undefined = `${path}?${MATCH}&perPage=60${order}`; url !== undefined; ) {
        const page = await fetchPage(t, app, reads, url)
        pages.push(page)
        url = page.next
        if (pages.length > 10) break
      }
      t.same(pages.flatMap((p) => p.eventTimes), expected(log, order, bizStep), `${name}: every event once, in order, over ${pages.length} pages`)
      const [first, ...later] = pages
      t.ok(first.read > MAX_SCANNED, `${name}: page 1 read ${first.read}, the object scan included`)
      const ownCost = first.read - MAX_SCANNED
      for (const [i, page] of later.entries()) {
        t.ok(page.read <= Math.max(ownCost * 2, page.eventTimes.length * OWN_READS_PER_EVENT + 50), `${name}: page ${i + 2} read ${page.read} (page 1 beyond the scan: ${ownCost})`)
      }
    }
  }
})

t.test('events appended between pages: the same set and order as the query has always answered', async (t) => {
  const { app, log, append, reads } = await manyLinks(t)
  for (const order of ['', '&orderBy=recordTime&orderDirection=ASC', '&orderBy=eventTime&orderDirection=DESC']) {
    const first = await fetchPage(t, app, reads, `/v1/events?${MATCH}&perPage=100${order}`)
    t.ok(first.next, `${order || 'default order'}: a next page`)
    // Before the cursor, between events after it, after all of them; some not naming the items at all.
    const early = log.length
    await append([
      { eventTime: minute(-10 - early), bizStep: 'inspecting', items: true },
      { eventTime: new Date(Date.parse(minute(160)) + 1000 + early).toISOString(), bizStep: 'inspecting', items: true },
      { eventTime: new Date(Date.parse(minute(161)) + 1000 + early).toISOString(), bizStep: 'inspecting', items: false },
      { eventTime: minute(1000 + early), bizStep: 'shipping', items: true },
      { eventTime: minute(1001 + early), bizStep: 'shipping', items: false },
    ])
    const rest: string[] = []
    let costliest = 0
    for (let url = first.next; url !== undefined; ) {
      const page = await fetchPage(t, app, reads, url)
      rest.push(...page.eventTimes)
      costliest = Math.max(costliest, page.read)
      url = page.next
    }
    const all = expected(log, order)
    const last = first.eventTimes[first.eventTimes.length - 1] as string
    const after = order.includes('recordTime') ? all.slice(all.indexOf(last) + 1) : all.filter((time) => (order.includes('DESC') ? time < last : time > last))
    t.same([...first.eventTimes, ...rest], [...first.eventTimes, ...after], `${order || 'default order'}: page 1, then every later event once, in order`)
    t.ok(costliest < MAX_SCANNED / 10, `${order || 'default order'}: the costliest later page read ${costliest}`)
  }
})

t.test('a query under the scan on page 1 and past it after appends moves to the other indexes once, its answer whole', async (t) => {
  const { app, log, append, reads } = await manyLinks(t)
  // 199 items of 250 events each: 49,750 links, under the scan, until two more events name them.
  const some = `MATCH_anyEPC=${encodeURIComponent(ITEMS.slice(0, 199).join('|'))}`
  const first = await fetchPage(t, app, reads, `/v1/events?${some}&perPage=60`)
  t.ok(first.read < MAX_SCANNED, `page 1 read ${first.read}: the object index named them`)
  await append([
    { eventTime: minute(100.5), bizStep: 'inspecting', items: true },
    { eventTime: minute(2000), bizStep: 'inspecting', items: true },
  ])
  const second = await fetchPage(t, app, reads, first.next as string)
  t.ok(second.read > MAX_SCANNED, `page 2 read ${second.read}: past the scan now, it found out once`)
  const pages = [first, second]
  for (let url = second.next; url !== undefined; ) {
    const page = await fetchPage(t, app, reads, url)
    t.ok(page.read < MAX_SCANNED / 10, `page ${pages.length + 1} read ${page.read}`)
    pages.push(page)
    url = page.next
  }
  t.same(pages.flatMap((p) => p.eventTimes), expected(log, ''), `every event once, in order, over ${pages.length} pages`)
})

t.test('a page token cannot be forged to skip a condition or read past the bound', async (t) => {
  const { app, log, append, reads } = await manyLinks(t)
  await append([
    { eventTime: minute(500), bizStep: 'inspecting', items: false },
    { eventTime: minute(501), bizStep: 'inspecting', items: false },
    { eventTime: minute(502), bizStep: 'inspecting', items: false },
  ])
  const decode = (url: string) => JSON.parse(Buffer.from(new URL(url, 'http://node').searchParams.get('nextPageToken') as string, 'base64url').toString('utf8')) as Record<string, unknown>
  const withToken = (url: string, token: Record<string, unknown>) => {
    const u = new URL(url, 'http://node')
    u.searchParams.set('nextPageToken', Buffer.from(JSON.stringify(token)).toString('base64url'))
    return `${u.pathname}${u.search}`
  }

  // A query whose one object names few events: page 2 with the path of a query past the scan still finds only them.
  const few = await fetchPage(t, app, reads, `/v1/events?MATCH_anyEPC=${encodeURIComponent(OTHER)}&perPage=1`)
  t.same(few.eventTimes, [minute(500)])
  const wide = await fetchPage(t, app, reads, `/v1/events?${MATCH}&perPage=1`)
  const path = Object.fromEntries(Object.entries(decode(wide.next as string)).filter(([k]) => !['t', 's', 'n', 'f'].includes(k)))
  t.ok(Object.keys(path).length > 0, `the token of a query past the scan carries its path: ${JSON.stringify(path)}`)
  const forged = await fetchPage(t, app, reads, withToken(few.next as string, { ...decode(few.next as string), ...path }))
  t.same(forged.eventTimes, [minute(501)], 'the MATCH_ still holds on the time index')
  t.ok(forged.read <= 6 * log.length, `and it read within the scan: ${forged.read}`)

  // The path left out: the query asks the object index again, and the answer is the same.
  const honest = await fetchPage(t, app, reads, wide.next as string)
  const stripped = Object.fromEntries(Object.entries(decode(wide.next as string)).filter(([k]) => ['t', 's', 'n', 'f'].includes(k)))
  const again = await fetchPage(t, app, reads, withToken(wide.next as string, stripped))
  t.same(again.eventTimes, honest.eventTimes, 'without the path: the same page')
  t.ok(again.read > MAX_SCANNED && honest.read < MAX_SCANNED / 10, `at the old cost (${again.read}, honest ${honest.read})`)

  // A path on a query without MATCH_, or a path that is no path, is no token this node issued.
  const bizStep = await fetchPage(t, app, reads, '/v1/events?EQ_bizStep=inspecting&perPage=1')
  for (const [name, url] of [
    ['a query without MATCH_', withToken(bizStep.next as string, { ...decode(bizStep.next as string), ...path })],
    ['a query by EQ_eventID', withToken(`/v1/events?EQ_eventID=e1&${MATCH}`, { ...decode(wide.next as string), f: fingerprintOf({ EQ_eventID: 'e1', MATCH_anyEPC: ITEMS.join('|') }), ...path })],
    ...Object.keys(path).flatMap((k) => [true, 'objects', 0, 2, null, [1]].map((v) => [`${k}=${JSON.stringify(v)}`, withToken(wide.next as string, { ...decode(wide.next as string), [k]: v })])),
  ] as [string, string][]) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 400, `${name}: refused`)
    t.equal(res.json().code, 'BAD_REQUEST', `${name}: BAD_REQUEST`)
  }
})
