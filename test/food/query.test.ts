// GET /v1/events: the EPCIS 2.0 query subset over the zongzi scenario, every answer an
// EPCISQueryDocument valid against GS1's schema, and bad parameters refused with codes.

import t, { type Test } from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { EXAMPLES_DIR } from '../../src/cli/demo.js'
import { validateEpcisDocument } from '../../src/food/epcis-schema.js'
import { parseIdentifier, toDigitalLink } from '../../src/food/identifiers.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const PALLET_101 = 'urn:epc:id:sscc:6901234.0000000101'
const ZONGZI_A = 'https://id.gs1.org/01/06901234001037/10/Z260526A'
const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'

interface Event {
  type: string
  eventID: string
  eventTime: string
  recordTime: string
  bizStep?: string
  [field: string]: unknown
}

async function demoApp(t: Test) {
  const { node, app } = await seededDemoApp(t, { clock: () => new Date('2026-06-01T00:00:00.000Z') })
  const query = async (search: string) => {
    const response = await app.inject(`/v1/events${search ? `?${search}` : ''}`)
    t.equal(response.statusCode, 200, search)
    const document = response.json()
    validateEpcisDocument(document)
    return { events: document.epcisBody.queryResults.resultsBody.eventList as Event[], document, response }
  }
  /** Every page of a query, following each Link rel=next: the eventIDs' last three digits and the page count. */
  const allPages = async (search: string) => {
    const seen: string[] = []
    let pages = 0
    for (let next: string | undefined = search; next !== undefined; ) {
      const { events, response } = await query(next)
      pages++
      seen.push(...ids(events))
      const link = response.headers.link as string | undefined
      const match = link === undefined ? null : /^<\/v1\/events\?([^>]+)>; rel="next"$/.exec(link)
      if (link !== undefined) t.ok(match, link)
      next = match ? match[1] : undefined
    }
    return { seen, pages }
  }
  return { node, app, query, allPages }
}

/** The demo's events as their producers wrote them, keyed by eventID. */
function signedEvents(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>()
  for (const name of readdirSync(`${EXAMPLES_DIR}epcis`)) {
    const document = JSON.parse(readFileSync(`${EXAMPLES_DIR}epcis/${name}`, 'utf8'))
    for (const event of document.epcisBody.eventList) out.set(event.eventID, event)
  }
  return out
}

const ids = (events: Event[]) => events.map((e) => e.eventID.slice(-3))

t.test('no parameters: every event, eventTime order, as signed plus recordTime', async (t) => {
  const { query, node } = await demoApp(t)
  const { events, document, response } = await query('')
  t.match(response.headers['content-type'], /^application\/ld\+json/)
  t.equal(document.type, 'EPCISQueryDocument')
  t.equal(document.schemaVersion, '2.0')
  t.equal(document.creationDate, '2026-06-01T00:00:00.000Z')
  t.same(document['@context'], ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'])
  t.equal(document.epcisBody.queryResults.queryName, 'SimpleEventQuery')
  const signed = signedEvents()
  t.equal(events.length, signed.size)
  const times = events.map((e) => Date.parse(e.eventTime))
  t.same(times, [...times].sort((a, b) => a - b), 'ascending eventTime')
  for (const event of events) {
    const { recordTime, ...rest } = event
    t.same(rest, signed.get(event.eventID), `${event.eventID} as signed`)
    t.match(recordTime, /^2\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  }
  t.notOk(response.headers.link, 'one page')
  t.equal(node.ledger.size > events.length, true)
})

t.test('MATCH_anyEPC and MATCH_epcClass: URNs and Digital Links alike', async (t) => {
  const { query } = await demoApp(t)
  const pallet = await query(`MATCH_anyEPC=${encodeURIComponent(PALLET_101)}`)
  t.same(ids(pallet.events), ['304', '306', '401', '501'], 'packed (parentID), shipped, transported, received')
  const palletDl = toDigitalLink(parseIdentifier(PALLET_101))
  t.match(palletDl, /^https:\/\/id\.gs1\.org\/00\/\d{18}$/)
  t.same(ids((await query(`MATCH_anyEPC=${encodeURIComponent(palletDl)}`)).events), ids(pallet.events))

  const lot = await query(`MATCH_epcClass=${encodeURIComponent(ZONGZI_A)}`)
  t.same(ids(lot.events), ['304', '502'], 'childQuantityList and quantityList, not the transformation that made it')
  t.same(ids((await query(`MATCH_epcClass=${encodeURIComponent('urn:epc:class:lgtin:6901234.000103.Z260526A')}`)).events), ['304', '502'])
  t.same(ids((await query(`MATCH_anyEPCClass=${encodeURIComponent(ZONGZI_A)}`)).events), ['302', '304', '502'])
  t.same(ids((await query(`MATCH_outputEPCClass=${encodeURIComponent(ZONGZI_A)}`)).events), ['302'])
  t.same(ids((await query(`MATCH_parentID=${encodeURIComponent(PALLET_101)}`)).events), ['304'])
  t.same(ids((await query(`MATCH_epc=${encodeURIComponent(PALLET_101)}`)).events), ['306', '401', '501'])
  const both = `MATCH_anyEPC=${encodeURIComponent(`${PALLET_101}|urn:epc:id:sscc:6901234.0000000102`)}`
  t.same(ids((await query(both)).events), ['304', '305', '306', '401', '402', '501'], 'a pipe-delimited list')
  const repeated = `MATCH_anyEPC=${encodeURIComponent(PALLET_101)}&MATCH_anyEPC=${encodeURIComponent('urn:epc:id:sscc:6901234.0000000102')}`
  t.same(ids((await query(repeated)).events), ['304', '305', '306', '401', '402', '501'], 'a repeated parameter')
  t.same((await query(`MATCH_anyEPC=${encodeURIComponent('urn:epc:id:sscc:6901234.0000000999')}`)).events, [], 'an unknown pallet')
})

t.test('EQ_bizStep, eventType, EQ_bizLocation and the eventTime window', async (t) => {
  const { query } = await demoApp(t)
  const shipping = ids((await query('EQ_bizStep=shipping')).events)
  t.same(shipping, ['102', '202', '306'])
  t.same(ids((await query(`EQ_bizStep=${encodeURIComponent('https://ref.gs1.org/cbv/BizStep-shipping')}`)).events), shipping)
  t.same(ids((await query('EQ_bizStep=urn:epcglobal:cbv:bizstep:shipping')).events), shipping)
  t.same(ids((await query('EQ_bizStep=shipping%7Creceiving')).events), ['102', '202', '301', '306', '501'])
  t.same((await query('EQ_bizStep=shipping,receiving')).events, [], 'a comma is part of a value: only | separates')
  t.same(ids((await query('eventType=TransformationEvent')).events), ['302', '303'])
  t.same(ids((await query('eventType=AggregationEvent|TransformationEvent')).events), ['302', '303', '304', '305'])

  const factory = ids((await query(`EQ_bizLocation=${encodeURIComponent(FACTORY)}`)).events)
  t.same(factory, ['301', '302', '303'], 'bizLocation only, not readPoint')
  t.same(ids((await query(`EQ_bizLocation=${encodeURIComponent(toDigitalLink(parseIdentifier(FACTORY)))}`)).events), factory)
  t.same(ids((await query(`EQ_readPoint=${encodeURIComponent(FACTORY)}`)).events), ['301', '302', '303', '304', '305', '306'])
  t.same(ids((await query(`EQ_bizLocation=${encodeURIComponent(FACTORY)}&EQ_bizStep=receiving`)).events), ['301'])

  const window = `GE_eventTime=${encodeURIComponent('2026-05-26T10:00:00.000+08:00')}&LT_eventTime=${encodeURIComponent('2026-05-27T07:00:00+08:00')}`
  t.same(ids((await query(window)).events), ['302', '303', '304', '305'], 'GE inclusive, LT exclusive, offsets honoured')
  t.same(ids((await query(`${window}&EQ_bizStep=packing`)).events), ['304', '305'])
  t.same(ids((await query(`${window}&MATCH_anyEPC=${encodeURIComponent(PALLET_101)}`)).events), ['304'])
  t.same(ids((await query(`GE_eventTime=2026-05-28T00:00:00Z&EQ_bizLocation=${encodeURIComponent('urn:epc:id:sgln:6901234.00005.0')}`)).events), ['502', '701'])
  t.same(ids((await query('EQ_action=ADD')).events), ['101', '201', '304', '305'])
  t.same(ids((await query('EQ_disposition=in_transit&EQ_bizStep=transporting')).events), ['401', '402'])
  t.same(ids((await query('EQ_eventID=urn:uuid:6b0a4a52-0d0e-4c51-9d1e-000000000303')).events), ['303'])
})

t.test('pages: perPage with a Link to the next, eventCountLimit, orderBy eventTime descending', async (t) => {
  const { query, allPages } = await demoApp(t)
  const all = ids((await query('')).events)
  const byFour = await allPages('perPage=4')
  t.same(byFour.seen, all, 'the pages together are the whole answer, once each')
  t.equal(byFour.pages, Math.ceil(all.length / 4))
  const limited = await allPages('perPage=2&orderBy=eventTime&orderDirection=ASC&eventCountLimit=5&EQ_bizStep=shipping|receiving|transporting|retail_selling')
  t.same(limited.seen, ['102', '202', '301', '306', '401'])
  t.equal(limited.pages, 3)

  t.same(ids((await query('orderBy=eventTime')).events), [...all].reverse(), 'orderBy alone is descending, as the binding says')
  t.same(ids((await query('orderBy=eventTime&orderDirection=ASC&eventCountLimit=2')).events), all.slice(0, 2))
  t.same(ids((await query('orderBy=eventTime&orderDirection=DESC&eventCountLimit=2&EQ_bizStep=shipping')).events), ['306', '202'])
  t.same((await allPages('orderBy=eventTime&perPage=5')).seen, [...all].reverse())
})

t.test('bad parameters: 400 with a code', async (t) => {
  const { app, query } = await demoApp(t)
  const token = (await query('perPage=1')).response.headers.link as string
  const otherToken = /nextPageToken=([^&>]+)/.exec(token)?.[1] as string
  for (const [search, code] of [
    ['foo=1', 'QUERY_PARAMETER_UNSUPPORTED'],
    ['WD_bizStep=shipping', 'QUERY_PARAMETER_UNSUPPORTED'],
    ['orderBy=sequence', 'QUERY_PARAMETER_UNSUPPORTED'],
    ['eventCountLimit=2', 'BAD_REQUEST'],
    ['orderBy=eventTime&eventCountLimit=2&maxEventCount=3', 'BAD_REQUEST'],
    ['MATCH_anyEPC=not-an-identifier', 'IDENTIFIER_INVALID'],
    [`MATCH_anyEPC=${encodeURIComponent('https://id.gs1.org/01/06901234001038/10/Z260526A')}`, 'CHECK_DIGIT_INVALID'],
    ['MATCH_anyEPC=', 'BAD_REQUEST'],
    ['GE_eventTime=yesterday', 'BAD_REQUEST'],
    ['LT_eventTime=2026-05-27', 'BAD_REQUEST'],
    ['GE_eventTime=2026-05-27T00:00:00Z&GE_eventTime=2026-05-28T00:00:00Z', 'BAD_REQUEST'],
    ['perPage=0', 'BAD_REQUEST'],
    ['perPage=1001', 'BAD_REQUEST'],
    ['perPage=ten', 'BAD_REQUEST'],
    ['orderBy=eventTime&eventCountLimit=-1', 'BAD_REQUEST'],
    ['EQ_action=MOVE', 'BAD_REQUEST'],
    ['orderDirection=UP', 'BAD_REQUEST'],
    ['nextPageToken=garbage', 'BAD_REQUEST'],
    [`EQ_bizStep=shipping&nextPageToken=${otherToken}`, 'BAD_REQUEST'],
  ]) {
    const response = await app.inject(`/v1/events?${search}`)
    t.equal(response.statusCode, 400, search)
    t.equal(response.json().code, code, search)
  }
})
