// The query as EPCIS says, tried from outside (issue 16): GS1's example documents loaded, with a few events
// of our own beside them, and every answer validated against GS1's schema.

import t from 'tap'
import { eventsOf, nodeWithGs1Examples, type Json } from '../helpers/gs1-examples.js'
import { assertValidQueryDocument } from '../helpers/gs1-schema.js'

const enc = encodeURIComponent
const COMMA_ID = 'urn:uuid:0e6b2f0c-1111-4000-8000-000000000016,retry'
/** Captured with CBV URNs, as older systems write them, and an eventID that holds a comma. */
const IN_TRANSIT = {
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'ObjectEvent',
  eventID: COMMA_ID,
  eventTime: '2026-05-25T15:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
  disposition: 'urn:epcglobal:cbv:disp:in_transit',
  quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234001037/10/H1', quantity: 40, uom: 'KGM' }],
}

const ASSETS_ID = 'urn:uuid:0e6b2f0c-1111-4000-8000-000000000018'
/** GS1's example GIAI and GRAI (urn:epc:id:giai:4000001.12345, urn:epc:id:grai:4012345.55555.987) as Digital Links. */
const ASSETS = {
  type: 'ObjectEvent',
  eventID: ASSETS_ID,
  eventTime: '2026-05-25T16:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'https://ref.gs1.org/cbv/BizStep-inspecting',
  epcList: ['https://id.gs1.org/8004/400000112345', 'https://id.gs1.org/8003/04012345555554987'],
}

t.test('GS1’s examples and our own events, queried as EPCIS says', async (t) => {
  const { node, app, documents, examples } = await nodeWithGs1Examples(t)
  const shipper = await node.register('shipper', ['farm'])
  const assets = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'shipper', id: 'assets', body: ASSETS }, [shipper]) })
  t.equal(assets.statusCode, 201, assets.body)
  const own = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'shipper', id: 'in-transit', body: IN_TRANSIT }, [shipper]) })
  t.equal(own.statusCode, 201, own.body)

  /** A query answered 200 with a document valid against GS1's schema: its events and the response. */
  const query = async (search: string) => {
    const response = await app.inject(`/events?${search}`)
    t.equal(response.statusCode, 200, `${search} ${response.statusCode === 200 ? '' : response.body.slice(0, 300)}`)
    const document = response.json()
    t.doesNotThrow(() => assertValidQueryDocument(document), `${search}: valid against GS1's schema`)
    return { events: (document.epcisBody?.queryResults?.resultsBody?.eventList ?? []) as Json[], document, response }
  }

  t.test('a stored event with CBV URNs leaves the answer valid: served bare, the entry as signed', async (t) => {
    const all = await query('perPage=1000')
    t.equal(all.events.length, documents.reduce((n, d) => n + eventsOf(d.doc).length, 0) + 2, 'every event')
    const served = all.events.find((e) => e.eventID === COMMA_ID)
    t.equal(served?.bizStep, 'shipping')
    t.equal(served?.disposition, 'in_transit')
  })

  t.test('each event keeps its own @context: a prefix defined two ways keeps both meanings', async (t) => {
    const { events, document, response } = await query('perPage=1000')
    t.same(document['@context'], ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], 'no merged prefixes at the top')
    const prefixes = (e: Json): unknown[] => ((Array.isArray(e['@context']) ? e['@context'] : []) as Json[]).filter((c) => typeof c === 'object').map((c) => c.example).filter((v) => v !== undefined)
    const meanings = new Set(events.flatMap(prefixes))
    t.ok(meanings.has('http://ns.example.com/epcis/') && meanings.has('https://ns.example.com/epcis'), [...meanings].join(' '))
    for (const e of events) t.ok(prefixes(e).length <= 1, `${e.eventID}: one meaning of example`)
    const sensor = events.find((e) => prefixes(e).includes('https://ns.example.com/epcis'))
    t.ok(sensor && Object.keys(sensor).some((k) => k.startsWith('example:')), 'its extension fields expand under its own context')
    t.match(response.headers['gs1-extensions'], /example=http:\/\/ns\.example\.com\/epcis\/.*example=https:\/\/ns\.example\.com\/epcis|example=https:\/\/ns\.example\.com\/epcis.*example=http:\/\/ns\.example\.com\/epcis\//)
  })

  t.test('EPC patterns match as the pattern rules say, instances and classes alike', async (t) => {
    const ids = async (search: string) => (await query(`${search}&perPage=1000`)).events.map((e) => `${e.eventID} ${e.recordTime}`)
    const sgtins = (await ids(`MATCH_epc=${enc('urn:epc:id:sgtin:0614141.107346.2017|urn:epc:id:sgtin:0614141.107346.2018')}`))
    t.equal((await ids(`MATCH_epc=${enc('urn:epc:id:sgtin:0614141.107346.2018')}`)).length, 14)
    t.same(await ids(`MATCH_epc=${enc('urn:epc:idpat:sgtin:0614141.107346.*')}`), sgtins, 'one GTIN: both serials')
    const company = await ids(`MATCH_epc=${enc('urn:epc:idpat:sgtin:0614141.*.*')}`)
    t.ok(sgtins.every((id) => company.includes(id)) && company.length > sgtins.length, `a company's GTINs: ${company.length}`)
    t.same(await ids(`MATCH_epc=${enc('urn:epc:idpat:sgtin:0614141.107346.*')}&GE_eventTime=2099-01-01T00:00:00Z`), [], 'with the other conditions')

    const lots = await ids(`MATCH_epcClass=${enc('urn:epc:class:lgtin:4012345.012345.998877')}`)
    t.ok(lots.length > 0)
    t.same(await ids(`MATCH_epcClass=${enc('urn:epc:idpat:sgtin:4012345.012345.*')}`), lots, 'a GTIN pattern matches its lots')

    const giais = ['111', '112', '113', '114', '115', '116', '12345', '12346', '222', '333'].map((n) => `urn:epc:id:giai:4000001.${n}`)
    const assets = await ids(`MATCH_anyEPC=${enc(giais.join('|'))}`)
    t.ok(assets.length > 0)
    t.same(await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:giai:4000001.*')}`), assets)
    t.ok((await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:sscc:*.*')}`)).length > 0)
    for (const bad of ['urn:epc:idpat:sgtin:0614141.*.5', 'urn:epc:idpat:sgtin:061.107346.*', 'urn:epc:idpat:sgtin:0614141.10734.*', 'urn:epc:idpat:foo:1.*']) {
      const response = await app.inject(`/events?MATCH_epc=${enc(bad)}`)
      t.equal(response.statusCode, 400, bad)
      t.equal(response.json().code, 'IDENTIFIER_INVALID', bad)
    }
  })

  t.test('a GRAI or GIAI is one object as EPC URN and as Digital Link (issue 16)', async (t) => {
    const ids = async (search: string) => (await query(`${search}&perPage=1000`)).events.map((e) => `${e.eventID} ${e.recordTime}`).sort()
    // GS1's examples name GIAI 4000001.12345 and GRAI 4012345.55555.987 as URNs; our event names them as Digital Links.
    const giaiUrn = await ids(`MATCH_anyEPC=${enc('urn:epc:id:giai:4000001.12345')}`)
    t.ok(giaiUrn.some((id) => id.startsWith(`${ASSETS_ID} `)), 'the URN finds the event that wrote its Digital Link')
    t.ok(giaiUrn.length > 1, 'and GS1’s events that wrote its URN')
    t.same(await ids(`MATCH_anyEPC=${enc('https://id.gs1.org/8004/400000112345')}`), giaiUrn, 'the Digital Link finds what the URN finds')
    t.same(await ids(`MATCH_anyEPC=${enc('https://example.com/giai/400000112345')}`), giaiUrn, 'on any domain, with a DL 1.0 short name')
    const giaiPattern = await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:giai:4000001.*')}`)
    t.ok(giaiUrn.every((id) => giaiPattern.includes(id)), 'its company pattern finds both spellings')
    t.ok((await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:giai:*.*')}`)).length > giaiPattern.length, 'every GIAI: other companies too')

    const grai = 'urn:epc:id:grai:4012345.55555.987'
    const graiUrn = await ids(`MATCH_anyEPC=${enc(grai)}`)
    t.ok(graiUrn.some((id) => id.startsWith(`${ASSETS_ID} `)) && graiUrn.length > 1, `${graiUrn.length} events`)
    t.same(await ids(`MATCH_anyEPC=${enc('https://id.gs1.org/8003/04012345555554987')}`), graiUrn)
    const assetType = await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:grai:4012345.55555.*')}`)
    t.ok(graiUrn.every((id) => assetType.includes(id)), 'its asset type pattern')
    t.ok((await ids(`MATCH_anyEPC=${enc('urn:epc:id:grai:4012345.55555.98765')}`)).every((id) => assetType.includes(id)), 'another serial of the type')
    const company = await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:grai:4012345.*.*')}`)
    t.ok(assetType.every((id) => company.includes(id)) && company.length > assetType.length, "the company's asset types")
    t.ok(graiUrn.length < assetType.length, 'the type has other serials')
    t.same(await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:grai:4012346.*.*')}`), [], 'another company')
    t.same(await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:grai:4012345.55556.*')}`), [], 'another asset type')

    for (const path of ['/events', '/v1/events']) {
      const response = await app.inject(`${path}?MATCH_anyEPC=${enc('https://id.gs1.org/8003/04012345555551987')}`)
      t.equal(response.statusCode, 400, path)
      t.equal(response.json().code, 'CHECK_DIGIT_INVALID', path)
    }
    const size = node.ledger.size
    const bad = { ...IN_TRANSIT, eventID: 'urn:uuid:0e6b2f0c-1111-4000-8000-000000000017', quantityList: undefined, epcList: ['https://id.gs1.org/8003/04012345555551987'] }
    const write = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'shipper', id: 'bad-grai', body: bad }, [shipper]) })
    t.equal(write.statusCode, 400, write.body)
    t.equal(write.json().code, 'CHECK_DIGIT_INVALID')
    t.equal(node.ledger.size, size, 'nothing written')
  })

  t.test('lists split on | only: an eventID with a comma is found', async (t) => {
    t.same((await query(`EQ_eventID=${enc(COMMA_ID)}`)).events.map((e) => e.eventID), [COMMA_ID])
    t.same((await query(`EQ_eventID=${enc(`${COMMA_ID}|urn:uuid:not-there`)}`)).events.map((e) => e.eventID), [COMMA_ID])
  })

  t.test('time bounds are not cut to milliseconds', async (t) => {
    const ours = `EQ_eventID=${enc(COMMA_ID)}`
    t.same((await query(`${ours}&GE_eventTime=${enc('2026-05-25T07:00:00.0001Z')}`)).events, [], 'GE a tenth of a millisecond after it')
    t.equal((await query(`${ours}&LT_eventTime=${enc('2026-05-25T15:00:00.0001+08:00')}`)).events.length, 1, 'LT a tenth of a millisecond after it')
    t.equal((await query(`${ours}&GE_eventTime=${enc('2026-05-25T07:00:00.000000Z')}`)).events.length, 1)
    t.same((await query(`${ours}&GE_recordTime=${enc('2099-01-01T00:00:00.0001Z')}`)).events, [])
  })

  t.test('a full last page links to no empty page', async (t) => {
    const sgtin = enc('urn:epc:id:sgtin:0614141.107346.2018')
    const whole = (await query(`MATCH_epc=${sgtin}&perPage=1000`)).events.length
    t.equal(whole, 14)
    t.equal((await query(`MATCH_epc=${sgtin}&perPage=14`)).response.headers.link, undefined)
    t.equal((await query(`MATCH_epc=${sgtin}&perPage=7`)).response.headers.link !== undefined, true)
    // Through the time index, where events that do not match follow the last one that does.
    const associations = (await query('eventType=AssociationEvent&perPage=1000')).events.length
    t.ok(associations > 1, `${associations} association events`)
    t.equal((await query(`eventType=AssociationEvent&perPage=${associations}`)).response.headers.link, undefined)
  })

  t.test('errors are EPCIS errors; orderBy=recordTime and orderDirection=ASC work', async (t) => {
    const asc = await query('orderBy=recordTime&orderDirection=ASC&perPage=1000')
    const times = asc.events.map((e) => e.recordTime as string)
    t.same(times, [...times].sort())
    t.equal(asc.events.at(-1)?.eventID, COMMA_ID, 'ours was logged last')
    const problem = async (search: string) => {
      const response = await app.inject(`/events?${search}`)
      t.match(response.headers['content-type'], /^application\/problem\+json/, search)
      return { status: response.statusCode, ...response.json() }
    }
    t.match(await problem('eventCountLimit=5'), { status: 400, type: 'epcisException:QueryParameterException' })
    t.match(await problem(`MATCH_epc=${enc('urn:epc:id:sgtin:0614141.107346.2018')}&maxEventCount=13`), { status: 413, type: 'epcisException:QueryTooLargeException' })
    t.match(await problem('EQ_foo=5'), { status: 400, type: 'epcisException:QueryParameterException' })
  })
})
