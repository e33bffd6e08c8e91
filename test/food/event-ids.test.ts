// Event hash IDs in the food domain (issue 16): an event without its own eventID carries its CBV 2.0 hash ID
// as eventID in query results, the resolver JSON, bundles and the FSMA 204 export; EQ_eventID and GET
// /events/{eventID} find an event by either id; the same content again from the same actor is a repeat,
// from another actor its own claim; a store of an earlier release gets its index once.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { eventHashId } from '../../src/core/epcis-event-hash.js'
import type { Signer } from '../../src/core/keys.js'
import { DOMAIN_KINDS, openNode } from '../../src/cli/node-dir.js'
import { validateEpcisDocument } from '../../src/food/epcis-schema.js'
import { EVENT_ID_INDEX_META } from '../../src/food/event-ids.js'
import { SPACES } from '../../src/food/records.js'
import { buildApp } from '../../src/http/app.js'
import type { StatementKind } from '../../src/ledger/kinds.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { verifyBundle } from '../../src/web/verify-bundle.js'
import { FIXED_TIME, makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const LOT = 'https://id.gs1.org/01/06901234001037/10/H1'
/** A shipment of lot H1, without an eventID. */
const SHIPPED = {
  '@context': CONTEXT,
  type: 'ObjectEvent',
  eventTime: '2026-05-25T15:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  quantityList: [{ epcClass: LOT, quantity: 40, uom: 'KGM' }],
  readPoint: { id: 'urn:epc:id:sgln:6901234.00003.0' },
}
/** The same event spelt otherwise: other key order, a CBV URN, an EPC class URN, the instant in UTC. */
const SHIPPED_AGAIN = {
  type: 'ObjectEvent',
  readPoint: { id: 'urn:epc:id:sgln:6901234.00003.0' },
  quantityList: [{ uom: 'KGM', quantity: 40.0, epcClass: 'urn:epc:class:lgtin:6901234.000103.H1' }],
  eventTime: '2026-05-25T07:00:00Z',
  eventTimeZoneOffset: '+08:00',
  bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
  disposition: 'in_transit',
  action: 'OBSERVE',
}
const HASH_ID = eventHashId(SHIPPED)
const OWN_ID = 'urn:uuid:9e1c2d3a-0000-4000-8000-000000000016'

interface Served {
  eventID: string
  recordTime: string
  [field: string]: unknown
}

async function scenario(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date('2026-06-01T00:00:00.000Z') })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const signers = new Map<string, Signer>()
  for (const id of ['farm-a', 'farm-b', 'farm-c']) signers.set(id, await node.register(id, ['farm']))
  let counter = 0
  const envelope = (actor: string, body: Record<string, unknown>): Envelope =>
    node.statement({ type: 'food.event', actor, id: `event-${++counter}`, body }, [signers.get(actor) as Signer])
  const submit = async (actor: string, body: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope(actor, body) })
    return { status: response.statusCode, ...(response.json() as { seq: number; leafHash: string }) }
  }
  const byId = async (id: string, search = '') => {
    const response = await app.inject(`/events/${encodeURIComponent(id)}${search}`)
    return { response, events: response.statusCode === 200 ? (response.json().epcisBody.queryResults.resultsBody.eventList as Served[]) : [] }
  }
  const query = async (search: string) => (await app.inject(`/v1/events?${search}`)).json().epcisBody.queryResults.resultsBody.eventList as Served[]
  return { node, app, envelope, submit, byId, query }
}

t.test('the same event in two spellings has one hash ID', async (t) => {
  t.equal(eventHashId(SHIPPED_AGAIN), HASH_ID)
  t.match(HASH_ID, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/)
})

t.test('an event without an eventID is served with its hash ID, and found by it', async (t) => {
  const { submit, byId, query, app } = await scenario(t)
  const { status, seq } = await submit('farm-a', SHIPPED)
  t.equal(status, 201)

  const { response, events } = await byId(HASH_ID)
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^application\/ld\+json/)
  t.equal(response.headers['gs1-epcis-version'], '2.0.0')
  const document = response.json()
  validateEpcisDocument(document)
  t.equal(document.type, 'EPCISQueryDocument')
  t.equal(events.length, 1)
  const { '@context': _context, ...signed } = SHIPPED
  t.same(events[0], { ...signed, eventID: HASH_ID, recordTime: events[0].recordTime }, 'as signed, with its hash ID and recordTime')

  t.same((await query(`EQ_eventID=${encodeURIComponent(HASH_ID)}`)).map((e) => e.eventID), [HASH_ID], 'EQ_eventID by the hash ID')
  t.same((await query('')).map((e) => e.eventID), [HASH_ID], 'every query result carries it')
  t.same((await query('EQ_eventID=urn:uuid:none')), [])

  const resolved = (await app.inject({ url: '/01/06901234001037/10/H1', headers: { accept: 'application/json' } })).json()
  t.match(resolved.events, [{ seq, eventID: HASH_ID, event: signed }], 'the resolver JSON: its eventID beside the event as signed')

  const csv = (await app.inject('/v1/export/fsma204')).body
  const row = csv.split('\r\n').find((line) => line.includes(HASH_ID))
  t.ok(row?.includes(`,${HASH_ID},${seq},`), 'the FSMA 204 row names it as Event ID, beside its seq')
})

t.test('an event with its own eventID keeps it, and answers to its hash ID too', async (t) => {
  const { submit, byId, query } = await scenario(t)
  await submit('farm-a', { ...SHIPPED, eventID: OWN_ID })
  for (const id of [OWN_ID, HASH_ID]) {
    const { response, events } = await byId(id)
    t.equal(response.statusCode, 200, id)
    t.same(events.map((e) => e.eventID), [OWN_ID], `${id}: served with its own eventID`)
  }
  t.same((await query(`EQ_eventID=${OWN_ID}|${encodeURIComponent(HASH_ID)}`)).map((e) => e.eventID), [OWN_ID], 'once, though both ids name it')
})

t.test('the same event again from the same actor is a repeat: the first seq, nothing written', async (t) => {
  const { node, submit, byId, envelope, app } = await scenario(t)
  const first = await submit('farm-a', SHIPPED)
  const size = node.ledger.size
  const checkpoint = node.ledger.checkpoint
  const again = await submit('farm-a', SHIPPED_AGAIN)
  t.same(again, { status: 200, seq: first.seq, leafHash: first.leafHash }, 'another statement, another spelling, the same event')
  t.equal(node.ledger.size, size)
  t.equal(node.ledger.checkpoint, checkpoint, 'nothing was written')
  t.equal((await byId(HASH_ID)).events.length, 1)

  // In one batch: the second answers with the first's seq, in the same group.
  const other = { ...SHIPPED, eventTime: '2026-05-26T15:00:00.000+08:00' }
  const batch = await app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes: [envelope('farm-a', other), envelope('farm-a', other)] } })
  const [one, two] = batch.json().results as { seq: number; leafHash: string }[]
  t.equal(one.seq, size)
  t.same(two, one)
  t.equal(node.ledger.size, size + 1)
})

t.test('the same event from another actor is that actor’s own claim, shown beside the first', async (t) => {
  const { node, submit, byId, app } = await scenario(t)
  const a = await submit('farm-a', SHIPPED)
  const b = await submit('farm-b', SHIPPED_AGAIN)
  t.equal(b.status, 201)
  t.equal(b.seq, a.seq + 1)
  const { events } = await byId(HASH_ID)
  t.same(events.map((e) => e.eventID), [HASH_ID, HASH_ID], 'both, in eventTime then seq order')
  t.equal(events[1].bizStep, 'shipping', 'served in the standard form (bare CBV values)')
  const { entry } = (await app.inject(`/v1/entries/${b.seq}`)).json()
  t.equal(JSON.parse(Buffer.from(entry.envelope.payload, 'base64').toString('utf8')).body.bizStep, SHIPPED_AGAIN.bizStep, 'the entry keeps it as its actor signed it')
  const resolved = (await app.inject({ url: '/01/06901234001037/10/H1', headers: { accept: 'application/json' } })).json()
  t.match(resolved.events, [
    { seq: a.seq, eventID: HASH_ID, actor: { id: 'farm-a' } },
    { seq: b.seq, eventID: HASH_ID, actor: { id: 'farm-b' } },
  ])
  t.equal((await submit('farm-b', SHIPPED)).seq, b.seq, "and farm-b's own repeat answers with farm-b's seq")

  // A third claim pages: GET /events/{eventID} a page at a time, the next in the Link header.
  await submit('farm-c', SHIPPED)
  const page = await byId(HASH_ID, '?perPage=2')
  t.equal(page.events.length, 2)
  const link = /^<([^>]+)>; rel="next"$/.exec(page.response.headers.link as string)
  t.ok(link, 'a next page')
  const rest = (await app.inject(link?.[1] ?? '')).json().epcisBody.queryResults.resultsBody.eventList as Served[]
  t.equal(rest.length, 1)
  t.equal(node.ledger.size, a.seq + 3)
})

t.test('an error declaration of an event is recorded, never a repeat of it', async (t) => {
  const { submit, byId } = await scenario(t)
  const first = await submit('farm-a', SHIPPED)
  // Declared after the node recorded the event: a declaration dated before that is refused (corrections.test.ts).
  const declared = { ...SHIPPED, eventID: HASH_ID, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'incorrect_data' } }
  t.equal(eventHashId(declared), HASH_ID, 'the hash leaves eventID and errorDeclaration out')
  const declaration = await submit('farm-a', declared)
  t.equal(declaration.status, 201)
  t.equal(declaration.seq, first.seq + 1)
  t.equal((await submit('farm-a', { ...declared, errorDeclaration: { ...declared.errorDeclaration } })).seq, declaration.seq, 'the same declaration again is a repeat')
  const { events } = await byId(HASH_ID)
  t.equal(events.length, 2, 'the event and its error declaration, as EPCIS answers an eventID')
  t.ok(events[1].errorDeclaration)
})

t.test('GET /events/{eventID} refuses what it cannot answer, with codes', async (t) => {
  const { byId, app } = await scenario(t)
  const missing = await byId(HASH_ID)
  t.equal(missing.response.statusCode, 404)
  t.equal(missing.response.json().code, 'NOT_FOUND')
  for (const [search, status, code] of [
    ['?EQ_bizStep=shipping', 400, 'QUERY_PARAMETER_UNSUPPORTED'],
    ['?perPage=0', 400, 'BAD_REQUEST'],
    ['?perPage=2&perPage=3', 400, 'BAD_REQUEST'],
    ['?nextPageToken=bm90LWEtdG9rZW4', 400, 'BAD_REQUEST'],
  ] as const) {
    const response = (await byId(HASH_ID, search)).response
    t.equal(response.statusCode, status, search)
    t.equal(response.json().code, code, search)
  }
  const long = await app.inject(`/events/${'x'.repeat(600)}`)
  t.ok(long.statusCode >= 400 && long.statusCode < 500, `an id longer than any it keeps: ${long.statusCode}`)
  t.ok(long.json().code)
})

t.test('a lot’s bundle: its account names each food event by its eventID, computed from the signed entry', async (t) => {
  const { node, submit, app } = await scenario(t)
  const without = await submit('farm-a', SHIPPED)
  const own = await submit('farm-b', { ...SHIPPED, eventID: OWN_ID })
  const bundle = (await app.inject('/01/06901234001037/10/H1?format=bundle')).json()
  const outcome = await verifyBundle(bundle, nobleEd25519, { verifierKey: node.ledger.verifierKey })
  t.same(outcome.failures, [])
  t.match(outcome.account?.entries, [
    { seq: without.seq, type: 'food.event', eventID: HASH_ID },
    { seq: own.seq, type: 'food.event', eventID: OWN_ID },
  ])
})

t.test('a store written before the index gets it once; repeats it recorded stay events of their own', async (t) => {
  const dir = testDir(t)
  const fresh = await makeNode(dir)
  const farm = await fresh.register('farm-a', ['farm'])
  await fresh.close()
  // An earlier release: its food.event rule knew no repeats, and wrote no id index.
  const real = DOMAIN_KINDS.find((kind) => kind.type === 'food.event') as StatementKind
  const earlier: StatementKind = { ...real, accept: async (ctx) => void (await real.accept(ctx)) }
  const store = await LevelStore.open(join(dir, 'db'))
  const before = await Ledger.open({ store, nodeSigner: fresh.nodeSigner, origin: fresh.config.origin, ed: nodeEd25519, kinds: [...DOMAIN_KINDS, earlier] })
  const submit = async (ledger: Ledger, id: string, body: Record<string, unknown>) =>
    ledger.submit(buildStatementEnvelope({ type: 'food.event', actor: 'farm-a', id, issuedAt: FIXED_TIME, body }, [farm]))
  const first = await submit(before, 'e1', SHIPPED)
  const second = await submit(before, 'e2', SHIPPED_AGAIN)
  t.equal(second.seq, first.seq + 1, 'recorded twice')
  await before.close()
  const deletes = (await Promise.all([SPACES.byEventId, SPACES.eventClaim].map(async (space) => (await store.getRange(space)).map(([key]) => ({ space, key, value: null }))))).flat()
  const records = (await store.getRange<Record<string, unknown>>(SPACES.event)).map(([key, { hashId: _hashId, ...record }]) => ({ space: SPACES.event, key, value: record }))
  await store.commit({ entries: [], tiles: [], records: [...deletes, ...records] })
  t.equal(await store.getMeta(EVENT_ID_INDEX_META), undefined)
  await store.close()

  const after = await openNode(dir)
  t.teardown(() => after.close())
  t.match(await after.store.getMeta(EVENT_ID_INDEX_META), { version: 1, events: 2 })
  const app = await buildApp({ ledger: after.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(() => app.close())
  const events = (await app.inject(`/events/${encodeURIComponent(HASH_ID)}`)).json().epcisBody.queryResults.resultsBody.eventList as Served[]
  t.same(events.map((e) => e.eventID), [HASH_ID, HASH_ID], 'both, each with the hash ID its record now holds')
  t.equal((await submit(after.ledger, 'e3', SHIPPED)).seq, first.seq, 'from now on the same event is a repeat of the first')
  t.equal(after.ledger.size, second.seq + 1)
})

t.test('a store written by this release needs no upgrade: its newest event has its hash ID', async (t) => {
  const dir = testDir(t)
  const fresh = await makeNode(dir)
  const farm = await fresh.register('farm-a', ['farm'])
  await fresh.ledger.submit(fresh.statement({ type: 'food.event', actor: 'farm-a', body: SHIPPED }, [farm]))
  await fresh.close()
  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.store.getMeta(EVENT_ID_INDEX_META), { version: 1, events: 0 })
})
