// WD_bizLocation and WD_readPoint (issue 16; EPCIS 2.0 section 8.2.7.1: the location or a direct or indirect
// descendant of it): an SGLN's extensions are within its GLN, and an actor's registered locationChildren
// are within its locations. Against GS1's example documents and events of our own; every answer is
// validated against GS1's schema.

import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { verifyLogEntries } from '../../src/web/verify-log.js'
import { injectedSource } from '../helpers/log-source.js'
import { nodeWithGs1Examples, queriedEvents, type Json } from '../helpers/gs1-examples.js'
import { newSigner } from '../helpers/ledger.js'

const enc = encodeURIComponent
/** The distribution centre, a GLN whole; the cold store within it (as a Digital Link), its dock within that. */
const DC = 'urn:epc:id:sgln:6901234.00001.0'
const DC_DOOR = 'urn:epc:id:sgln:6901234.00001.door7'
const COLD = 'https://id.gs1.org/414/6901234000023'
const COLD_URN = 'urn:epc:id:sgln:6901234.00002.0'
const DOCK = 'https://id.gs1.org/414/6901234000047'
const DOCK_BAY = 'urn:epc:id:sgln:6901234.00004.bay2'
const ELSEWHERE = 'urn:epc:id:sgln:6901234.00009.0'
/** Two places each registered as within the other. */
const YARD = 'urn:epc:id:sgln:6901234.00011.0'
const SHED = 'urn:epc:id:sgln:6901234.00012.0'
/** A place registered only after the first queries ran. */
const REGION = 'urn:epc:id:sgln:6901234.00013.0'

const event = (n: number, readPoint: string, bizLocation: string) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'ObjectEvent',
  eventID: `urn:uuid:0e6b2f0c-1111-4000-8000-0000000009${String(n).padStart(2, '0')}`,
  eventTime: `2026-05-25T1${n}:00:00.000+08:00`,
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'storing',
  epcList: [`urn:epc:id:sscc:6901234.00000009${String(n).padStart(2, '0')}`],
  readPoint: { id: readPoint },
  bizLocation: { id: bizLocation },
})
const AT_DOOR = event(1, DC_DOOR, DC_DOOR)
const IN_COLD = event(2, COLD, COLD)
const AT_BAY = event(3, DOCK_BAY, DOCK)
const AWAY = event(4, ELSEWHERE, ELSEWHERE)
const IN_SHED = event(5, SHED, SHED)

t.test('WD_bizLocation and WD_readPoint: GS1’s structure and registered master data', async (t) => {
  const { node, app, examples } = await nodeWithGs1Examples(t)
  // The cold store is named in another spelling than registered; each parent lists itself (a cycle, harmless).
  const dc = await node.register('dc', ['logistics'], { locations: [DC, COLD], locationChildren: { [DC]: [COLD_URN, DC], [COLD]: [DOCK, COLD] } })
  const carrier = await node.register('carrier', ['logistics'])
  const farm = await node.register('farm', ['farm'], { locations: [YARD, SHED], locationChildren: { [YARD]: [SHED], [SHED]: [YARD] } })
  const seqs: number[] = []
  for (const [body, signer, actor] of [[AT_DOOR, dc, 'dc'], [IN_COLD, dc, 'dc'], [AT_BAY, carrier, 'carrier'], [AWAY, carrier, 'carrier'], [IN_SHED, farm, 'farm']] as const) {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor, body }, [signer]) })
    t.equal(response.statusCode, 201, response.body)
    seqs.push(response.json().seq)
  }
  const registered = await app.inject('/v1/actors/dc')
  t.same(registered.json().actor.locationChildren, { [DC]: [COLD_URN, DC], [COLD]: [DOCK, COLD] }, 'the registry keeps the master data')
  // The audit replays the registration, and the browser establishes the actor's key from it.
  t.match((await app.inject(`/v1/verify?from=${seqs[0] - 3}&to=${node.ledger.size}`)).json(), { ok: true })
  const browser = await verifyLogEntries(injectedSource(app), nobleEd25519, seqs.slice(0, 2))
  t.ok(browser.ok, JSON.stringify(browser.failures))

  const query = (search: string, path = '/events') => queriedEvents(t, app, search, { path })
  const signatures = (events: Json[]) => events.map((e) => `${e.type} ${e.eventTime}`).sort()
  const finds = async (t: Test, search: string, expected: Json[], least = 1, path = '/events') => {
    t.ok(expected.length >= least, `${search}: ${expected.length} events expected`)
    t.same(signatures(await query(search, path)), signatures(expected), `${search} at ${path}`)
  }

  t.test('an SGLN’s extensions are within its GLN, in either spelling', async (t) => {
    const inGln = (field: string, urnPrefix: string, gln: string) => (e: Json) =>
      typeof e[field]?.id === 'string' && (e[field].id.startsWith(urnPrefix) || new RegExp(`/414/${gln}(/254/|$)`).test(e[field].id))
    await finds(t, `WD_readPoint=${enc('urn:epc:id:sgln:0012345.11111.0')}`, examples.filter(inGln('readPoint', 'urn:epc:id:sgln:0012345.11111.', '0012345111112')), 7)
    await finds(t, `WD_readPoint=${enc('https://id.gs1.org/414/0012345111112')}`, examples.filter(inGln('readPoint', 'urn:epc:id:sgln:0012345.11111.', '0012345111112')), 7)
    // An SGLN with an extension holds only itself.
    await finds(t, `WD_readPoint=${enc('urn:epc:id:sgln:0012345.11111.400')}`, examples.filter((e) => e.readPoint?.id === 'urn:epc:id:sgln:0012345.11111.400'), 7)
    await finds(t, `WD_readPoint=${enc('urn:epc:id:sgln:0012345.11111.401')}`, [], 0)
    await finds(t, `WD_bizLocation=${enc('urn:epc:id:sgln:0614141.00888.0|urn:epc:id:sgln:4023333.00001.0')}`,
      examples.filter((e) => e.bizLocation?.id === 'urn:epc:id:sgln:0614141.00888.0' || e.bizLocation?.id === 'urn:epc:id:sgln:4023333.00001.12'), 8)
    await finds(t, `WD_bizLocation=${enc('urn:epc:id:sgln:952005385.011.0')}&WD_readPoint=${enc('urn:epc:id:sgln:952005385.011.0')}`,
      examples.filter((e) => e.bizLocation?.id?.startsWith('urn:epc:id:sgln:952005385.011.') && e.readPoint?.id?.startsWith('urn:epc:id:sgln:952005385.011.')), 1)
  })

  t.test('registered children, and theirs, are within a location; a cycle ends', async (t) => {
    await finds(t, `WD_bizLocation=${enc(DC)}`, [AT_DOOR, IN_COLD, AT_BAY], 3)
    await finds(t, `WD_bizLocation=${enc('https://id.gs1.org/414/6901234000016')}`, [AT_DOOR, IN_COLD, AT_BAY], 3)
    await finds(t, `WD_bizLocation=${enc(COLD_URN)}`, [IN_COLD, AT_BAY], 2)
    await finds(t, `WD_readPoint=${enc(COLD)}`, [IN_COLD, AT_BAY], 2)
    await finds(t, `WD_readPoint=${enc(DOCK)}`, [AT_BAY])
    await finds(t, `WD_readPoint=${enc(DC_DOOR)}`, [AT_DOOR])
    await finds(t, `WD_bizLocation=${enc(`${DOCK}|${ELSEWHERE}`)}`, [AT_BAY, AWAY], 2)
    await finds(t, `WD_bizLocation=${enc(YARD)}`, [IN_SHED])
    await finds(t, `WD_readPoint=${enc(SHED)}`, [IN_SHED])
    await finds(t, `WD_bizLocation=${enc(DC)}&EQ_readPoint=${enc(DOCK_BAY)}`, [AT_BAY])
    await finds(t, `WD_bizLocation=${enc(DC)}&orderBy=recordTime&orderDirection=ASC`, [AT_DOOR, IN_COLD, AT_BAY], 3)
    await finds(t, `WD_bizLocation=${enc(DC)}&MATCH_epc=${enc('urn:epc:id:sscc:6901234.0000000902')}`, [IN_COLD])
    await finds(t, `WD_bizLocation=${enc(DC)}`, [AT_DOOR, IN_COLD, AT_BAY], 3, '/v1/events')
    // The REST binding's sub-resource stays EQ_: the location itself.
    await finds(t, '', [], 0, `/bizLocations/${enc(DC)}/events`)
    const paged = await app.inject(`/events?WD_bizLocation=${enc(DC)}&perPage=2`)
    t.equal(paged.json().epcisBody.queryResults.resultsBody.eventList.length, 2)
    const next = /<([^>]+)>; rel="next"/.exec(String(paged.headers.link))?.[1]
    t.ok(next, 'a next page')
    t.equal((await app.inject(String(next))).json().epcisBody.queryResults.resultsBody.eventList.length, 1)

    // An actor registered after the queries above counts at the next one: the cached hierarchy is rebuilt.
    await finds(t, `WD_bizLocation=${enc(REGION)}`, [], 0)
    await node.register('region', ['logistics'], { locations: [REGION], locationChildren: { [REGION]: [ELSEWHERE] } })
    await finds(t, `WD_bizLocation=${enc(REGION)}`, [AWAY])
  })

  t.test('an actor names only its own locations as parents; the log is unchanged', async (t) => {
    const size = node.ledger.size
    const register = (id: string, extra: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: '/v1/statements',
        payload: node.statement({ type: 'actor.register', actor: 'operator', body: { id, name: id, roles: ['logistics'], publicKey: toBase64(newSigner().publicKey), ...extra } }, [node.operator]),
      })
    const cases: [Record<string, unknown>, string][] = [
      [{ locations: [COLD], locationChildren: { [DC]: [DOCK] } }, 'not its own'],
      [{ locations: [DC], locationChildren: { 'https://id.gs1.org/414/6901234000016': [DOCK] } }, 'its own in another spelling'],
      [{ locationChildren: { [DC]: [DOCK] } }, 'no locations'],
      [{ locations: [DC], locationChildren: { [DC]: [] } }, 'no children'],
      [{ locations: [DC], locationChildren: { [DC]: ['not a location'] } }, 'a child that is no URI'],
      [{ locations: [DC], locationChildren: { [DC]: Array.from({ length: 65 }, (_, i) => `urn:epc:id:sgln:6901234.00001.${i}`) } }, 'too many children'],
    ]
    for (const [extra, why] of cases) {
      const response = await register('intruder', extra)
      t.equal(response.statusCode, 400, why)
      t.equal(response.json().code, 'SCHEMA_INVALID', why)
    }
    t.equal(node.ledger.size, size, 'nothing written')
  })

  t.test('bad values are QueryParameterExceptions at /events, 400s at /v1/events; nothing written', async (t) => {
    const size = node.ledger.size
    const cases: [string, string][] = [
      ['WD_bizLocation=', 'BAD_REQUEST'],
      ['WD_readPoint=not%20a%20location', 'IDENTIFIER_INVALID'],
      [`WD_bizLocation=${enc('https://id.gs1.org/414/6901234000024')}`, 'CHECK_DIGIT_INVALID'],
      [`WD_bizStep=storing`, 'QUERY_PARAMETER_UNSUPPORTED'],
      [`WD_disposition=in_transit`, 'QUERY_PARAMETER_UNSUPPORTED'],
    ]
    for (const [search, code] of cases) {
      const rest = await app.inject(`/events?${search}`)
      t.match(rest.headers['content-type'], /^application\/problem\+json/, search)
      t.match(rest.json(), { status: 400, type: 'epcisException:QueryParameterException', code }, search)
      const v1 = await app.inject(`/v1/events?${search}`)
      t.match(v1.json(), { statusCode: 400, code }, search)
    }
    t.equal(node.ledger.size, size, 'nothing written')
  })
})
