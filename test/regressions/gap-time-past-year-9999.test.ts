// Gap (time): instants past year 9999 in UTC. An RFC 3339 date-time has a four-digit year, but its offset can carry
// it over: 9999-12-31T23:30:00-05:00 is 10000-01-01T04:30Z, whose toISOString form "+010000-…" sorts before every
// four-digit year wherever the node keeps or compares times as text. Before, such an eventTime was taken and its
// index keys sorted first; a LT_eventTime or an alerts `until` past 9999 matched nothing; an FSMA 204 export to
// 9999-12-31 (a common "no end") left out every event; a shelf life running past 9999 gave a best-before day
// "+010000-…" that every later sale was "after". Now a time someone writes past 9999 (or before 0000) in UTC, or
// an event whose own local day is, is refused with 400 TIME_OUT_OF_RANGE; a time the node derives from a date
// (the end of a due day, a range's last day, a best-before day) is held at the last instant or day of 9999.

import { join } from 'node:path'
import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { DOMAINS, domainKinds } from '../../src/domains.js'
import { buildApp } from '../../src/http/app.js'
import { SEAL_SPACES } from '../../src/seal/records.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { SHA } from '../helpers/seal.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const GTIN = '06901234001037'
const LOT = `https://id.gs1.org/01/${GTIN}/10/FAR1`
const URN = 'urn:epc:class:lgtin:6901234.000103.FAR1'

t.test('food: a time past 9999 is refused at intake and in query bounds; derived days stay in order', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const farm = await node.register('farm-far', ['farm', 'processor', 'logistics', 'retailer'])
  const post = (type: string, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor: 'farm-far', body }, [farm]) })
  const event = (eventTime: string, eventTimeZoneOffset: string, action: string, bizStep: string) => ({
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime,
    eventTimeZoneOffset,
    action,
    bizStep,
    quantityList: [{ epcClass: LOT, quantity: 10, uom: 'KGM' }],
  })
  t.equal((await post('food.product', { gtin: GTIN, name: 'zongzi', shelfLifeDays: 36500 })).statusCode, 201)

  const size = node.ledger.size
  for (const [eventTime, offset, what] of [
    ['9999-12-31T23:30:00-05:00', '-05:00', 'in year 10000 in UTC'],
    ['9999-12-31T20:00:00Z', '+08:00', 'on a local day in year 10000 at its own offset'],
    ['0000-01-01T00:30:00+01:00', '+01:00', 'in year -1 in UTC'],
  ]) {
    const refused = await post('food.event', event(eventTime, offset, 'ADD', 'commissioning'))
    t.equal(refused.statusCode, 400, `${eventTime} (${offset}), ${what}: ${refused.body.slice(0, 200)}`)
    t.equal(refused.json().code, 'TIME_OUT_OF_RANGE', what)
  }
  t.equal(node.ledger.size, size, 'nothing written')

  // Made on 20 December 9999 with a hundred years' shelf life: no day a ledger can hold is after its best-before.
  const made = await post('food.event', event('9999-12-20T10:00:00+08:00', '+08:00', 'ADD', 'commissioning'))
  t.equal(made.statusCode, 201, `made late in 9999: ${made.body.slice(0, 200)}`)
  const sold = await post('food.event', event('9999-12-31T10:00:00+08:00', '+08:00', 'OBSERVE', 'retail_selling'))
  t.equal(sold.statusCode, 201, `sold on its last day: ${sold.body.slice(0, 200)}`)
  const expiry = (await app.inject('/v1/alerts?kind=EVENT_AFTER_EXPIRY')).json().alerts
  t.same(expiry, [], 'a best-before day past 9999 is after every sale')

  const events = async (query: string) => {
    const response = await app.inject(`/v1/events?MATCH_epcClass=${encodeURIComponent(URN)}&${query}`)
    return { statusCode: response.statusCode, code: response.json().code, seqs: response.statusCode === 200 ? response.json().epcisBody.queryResults.resultsBody.eventList.length : -1 }
  }
  t.same(await events('LT_eventTime=9999-12-31T23:59:59.999Z'), { statusCode: 200, code: undefined, seqs: 2 }, 'the last instant of 9999 is a bound')
  for (const bound of ['LT_eventTime=9999-12-31T23:30:00-05:00', 'GE_eventTime=9999-12-31T23:30:00-05:00', 'GE_recordTime=0000-01-01T00:00:00%2B00:01']) {
    t.match(await events(bound), { statusCode: 400, code: 'TIME_OUT_OF_RANGE' }, bound)
  }
  for (const bound of ['until=9999-12-31T23:30:00-05:00', 'since=9999-12-31T23:30:00-05:00', 'since=0000-01-01T00:00:00%2B00:01']) {
    const response = await app.inject(`/v1/alerts?${bound}`)
    t.equal(response.statusCode, 400, bound)
    t.equal(response.json().code, 'TIME_OUT_OF_RANGE', bound)
  }
  // The console's own bounds are its local days' edges: the first and last days a ledger can hold still read.
  for (const range of ['from=0000-01-01', 'to=9999-12-31']) {
    const page = await app.inject({ url: `/console?lang=en&${range}`, headers: { accept: 'text/html' } })
    t.equal(page.statusCode, 200, `the console ${range}: ${page.body.slice(0, 200)}`)
  }

  const exported = async (query: string) => (await app.inject(`/v1/export/fsma204?${query}`)).body.trim().split('\n').length
  const all = await exported('from=2026-01-01')
  t.ok(all > 1, 'the export has rows')
  t.equal(await exported('from=2026-01-01&to=9999-12-31'), all, 'an export to 9999-12-31 leaves nothing out')
  t.equal((await app.inject('/v1/export/fsma204?to=9999-12-31T23:30:00-05:00')).json().code, 'TIME_OUT_OF_RANGE')
})

t.test('seals: the due key of a day that ends past 9999 sorts after every other', async (t) => {
  const now = '2026-06-01T02:00:00.000Z'
  const dir = testDir(t)
  const domainConfigs = { seal: { zoneOffset: '-05:00' } }
  const clock = () => new Date(now)
  const node = await initialiseNode(join(dir, 'node'), { clock, kinds: domainKinds(DOMAINS, domainConfigs) })
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock, domainConfigs })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const operator = readKeyFile(join(dir, 'node', 'keys', 'operator.json'))
  let n = 0
  const post = async (type: string, actor: string, body: Record<string, unknown>, signer: typeof operator) => {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: buildStatementEnvelope({ type, actor, id: `s-${++n}`, issuedAt: now, body }, [signer]) })
    t.equal(response.statusCode, 201, `${type}: ${response.body.slice(0, 200)}`)
  }
  const clerk = newSigner()
  await post('actor.register', 'operator', { id: 'clerk', name: 'clerk', roles: ['member'], org: 'village', publicKey: toBase64(clerk.publicKey) }, operator)
  await post('actor.register', 'operator', { id: 'director', name: 'director', roles: ['member'], org: 'village', publicKey: toBase64(newSigner().publicKey) }, operator)
  await post('actor.register', 'operator', { id: 'custodian', name: 'custodian', roles: ['member'], org: 'village', publicKey: toBase64(newSigner().publicKey) }, operator)
  await post('seal.register', 'operator', { sealId: 'seal-1', org: 'village', name: '公章', custodian: 'custodian', approvers: ['director'] }, operator)
  for (const [applicationId, dueDate] of [['no-deadline', '9999-12-31'], ['soon', '2026-07-01']]) {
    await post('seal.apply', 'clerk', { applicationId, sealId: 'seal-1', title: applicationId, purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1, dueDate }, clerk)
  }
  const keys = (await node.ledger.records.range<unknown>(SEAL_SPACES.due, {})).map(([key]) => key.split('\u0000')[0])
  t.same(keys, ['2026-07-02T05:00:00.000Z', '9999-12-31T23:59:59.999Z'], 'in order of time, the far one last')
})
