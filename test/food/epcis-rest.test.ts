// The EPCIS 2.0 REST binding's query side at its standard paths (issue 16), over the zongzi scenario: GET
// /events and the sub-resources, the version headers, Link pagination, orderBy recordTime, the count limits,
// and errors as application/problem+json typed by EPCIS exception. Every answer validates against GS1's schema.

import t, { type Test } from 'tap'
import { seededDemoApp } from '../helpers/demo-app.js'
import { assertValidQueryDocument } from '../helpers/gs1-schema.js'

const PALLET_101 = 'urn:epc:id:sscc:6901234.0000000101'
const ZONGZI_A = 'https://id.gs1.org/01/06901234001037/10/Z260526A'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const enc = encodeURIComponent

interface Event {
  eventID: string
  recordTime: string
  [field: string]: unknown
}

async function demo(t: Test) {
  const { app } = await seededDemoApp(t, { clock: () => new Date('2026-06-01T00:00:00.000Z') })
  /** A query answered 200: its events' last three eventID digits, the document validated. */
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ url, headers })
    t.equal(response.statusCode, 200, `${url} ${response.statusCode === 200 ? '' : response.body.slice(0, 300)}`)
    const document = response.json()
    t.doesNotThrow(() => assertValidQueryDocument(document), `${url}: valid against GS1's schema`)
    const events = document.epcisBody.queryResults.resultsBody.eventList as Event[]
    return { ids: events.map((e) => e.eventID.slice(-3)), events, response }
  }
  /** Every page, following Link rel="next" (a path on this node): the ids and the page count. */
  const pages = async (url: string) => {
    const seen: string[] = []
    let count = 0
    for (let next: string | undefined = url; next !== undefined; count++) {
      const { ids, response } = await get(next)
      seen.push(...ids)
      const link = response.headers.link as string | undefined
      next = link === undefined ? undefined : /^<(\/[^>]+)>; rel="next"$/.exec(link)?.[1]
      if (link !== undefined) t.ok(next, link)
    }
    return { seen, count }
  }
  /** A refusal: its status, and the problem details it is. */
  const problem = async (url: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ url, headers })
    t.match(response.headers['content-type'], /^application\/problem\+json/, url)
    const body = response.json()
    t.match(body, { type: String, title: String, status: response.statusCode, detail: String, instance: url, code: String }, url)
    return { status: response.statusCode, type: body.type as string, code: body.code as string }
  }
  return { app, get, pages, problem }
}

t.test('GET /events answers as GET /v1/events, with the binding headers and Link pages at its own path', async (t) => {
  const { app, get, pages } = await demo(t)
  const all = await get('/events?perPage=1000')
  t.same(all.ids, (await app.inject('/v1/events?perPage=1000')).json().epcisBody.queryResults.resultsBody.eventList.map((e: Event) => e.eventID.slice(-3)))
  t.match(all.response.headers, {
    'content-type': /^application\/ld\+json/,
    'gs1-epcis-version': '2.0.0',
    'gs1-epcis-min': '2.0.0',
    'gs1-epcis-max': '2.0.0',
    'gs1-cbv-version': '2.0.0',
  })
  const byFive = await pages('/events?perPage=5&EQ_bizStep=shipping|receiving|transporting')
  t.same(byFive.seen, (await get('/events?EQ_bizStep=shipping|receiving|transporting')).ids)
  t.equal(byFive.count, 2, 'seven events in pages of five: two pages')
  const exact = await get('/events?perPage=3&EQ_bizStep=shipping')
  t.same(exact.ids, ['102', '202', '306'])
  t.equal(exact.response.headers.link, undefined, 'a full last page links to no empty page')
})

t.test('the sub-resources: eventTypes, epcs, bizSteps, bizLocations, readPoints, dispositions', async (t) => {
  const { app, get, problem } = await demo(t)
  const types = await app.inject('/eventTypes')
  t.equal(types.statusCode, 200)
  t.same(types.json().member, ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'])
  t.equal(types.json().type, 'Collection')
  t.equal(types.headers['gs1-epcis-version'], '2.0.0')

  t.same((await get('/eventTypes/TransformationEvent/events')).ids, ['302', '303'])
  t.same((await get(`/epcs/${enc(PALLET_101)}/events`)).ids, ['304', '306', '401', '501'], 'an instance: MATCH_anyEPC')
  t.same((await get(`/epcs/${enc(ZONGZI_A)}/events`)).ids, ['302', '304', '502'], 'a lot: MATCH_anyEPCClass')
  t.same((await get('/bizSteps/shipping/events')).ids, ['102', '202', '306'])
  t.same((await get(`/bizSteps/${enc('urn:epcglobal:cbv:bizstep:shipping')}/events`)).ids, ['102', '202', '306'])
  t.same((await get(`/bizLocations/${enc(FACTORY)}/events`)).ids, ['301', '302', '303'])
  t.same((await get(`/readPoints/${enc(FACTORY)}/events?EQ_bizStep=packing`)).ids, ['304', '305'], 'narrowed by the query string')
  t.same((await get('/dispositions/in_transit/events?EQ_bizStep=transporting')).ids, ['401', '402'])

  t.match(await problem('/eventTypes/SensorEvent/events'), { status: 404, type: 'epcisException:NoSuchResourceException', code: 'NOT_FOUND' })
  t.match(await problem('/bizSteps/shipping/events?EQ_bizStep=receiving'), { status: 400, type: 'epcisException:QueryParameterException' })
  t.match(await problem('/epcs/not-an-epc/events'), { status: 400, type: 'epcisException:QueryParameterException', code: 'IDENTIFIER_INVALID' })
})

t.test('orderBy recordTime, eventCountLimit and maxEventCount as EPCIS says', async (t) => {
  const { get, pages, problem } = await demo(t)
  const asc = await get('/events?orderBy=recordTime&orderDirection=ASC&perPage=1000')
  const recordTimes = asc.events.map((e) => e.recordTime)
  t.same(recordTimes, [...recordTimes].sort(), 'recordTime ascending')
  t.same((await get('/events?orderBy=recordTime&perPage=1000')).ids, [...asc.ids].reverse(), 'DESC when no direction is given')
  t.same((await pages('/events?orderBy=recordTime&orderDirection=ASC&perPage=4')).seen, asc.ids, 'pages in recordTime order')
  t.same((await get(`/epcs/${enc(PALLET_101)}/events?orderBy=recordTime&orderDirection=ASC`)).ids.sort(), ['304', '306', '401', '501'])
  t.same((await get('/events?orderBy=recordTime&orderDirection=ASC&eventCountLimit=3')).ids, asc.ids.slice(0, 3))

  t.same((await get(`/epcs/${enc(PALLET_101)}/events?maxEventCount=4`)).ids, ['304', '306', '401', '501'])
  t.match(await problem(`/epcs/${enc(PALLET_101)}/events?maxEventCount=3`), { status: 413, type: 'epcisException:QueryTooLargeException', code: 'QUERY_TOO_LARGE' })
  t.match(await problem('/events?eventCountLimit=3'), { status: 400, type: 'epcisException:QueryParameterException' }, 'eventCountLimit without orderBy')
  t.match(await problem('/events?orderBy=eventTime&eventCountLimit=3&maxEventCount=3'), { status: 400, type: 'epcisException:QueryParameterException' })
})

t.test('errors are problem details with EPCIS exception types; version negotiation', async (t) => {
  const { get, problem } = await demo(t)
  for (const url of ['/events?foo=1', '/events?perPage=0', '/events?GE_eventTime=yesterday', '/events?nextPageToken=garbage', '/events?MATCH_anyEPC=']) {
    t.match(await problem(url), { status: 400, type: 'epcisException:QueryParameterException' }, url)
  }
  t.match(await problem(`/events/${enc('urn:uuid:00000000-0000-4000-8000-000000000000')}`), { status: 404, type: 'epcisException:NoSuchResourceException' })
  await get('/events', { 'GS1-EPCIS-Min': '1.2.0', 'GS1-EPCIS-Max': '2.0.0', 'GS1-CBV-Min': '2.0' })
  t.match(await problem('/events', { 'GS1-EPCIS-Max': '1.2.0' }), { status: 406, type: 'epcisException:NotAcceptableException', code: 'VERSION_NOT_SUPPORTED' })
  t.match(await problem('/events', { 'GS1-CBV-Min': '2.1.0' }), { status: 406, type: 'epcisException:NotAcceptableException' })
  t.match(await problem('/events', { 'GS1-EPCIS-Min': 'two' }), { status: 400, code: 'BAD_REQUEST' })
})
