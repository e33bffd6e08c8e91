// EQ_bizTransaction_<type>, EQ_source_<type>, EQ_destination_<type>, EQ_transformationID and
// EQ_persistentDisposition_set / _unset (issue 16; EPCIS 2.0 section 8.2.7.1), against GS1's example
// documents and one event of our own written with CBV URNs and URIs. Each answer is validated against
// GS1's schema and compared with the events that satisfy the condition as the standard words it.

import t, { type Test } from 'tap'
import { nodeWithGs1Examples, queriedEvents, type Json } from '../helpers/gs1-examples.js'

const enc = encodeURIComponent
const ORDER = 'urn:epcglobal:cbv:bt:6901234000016:PO-2026-17'
/** Ours: types as URNs and Web URIs, a source as a Digital Link, a transformation, a persistent disposition. */
const MILLED = {
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'TransformationEvent',
  eventID: 'urn:uuid:0e6b2f0c-1111-4000-8000-000000000018',
  eventTime: '2026-05-25T15:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  bizStep: 'commissioning',
  inputQuantityList: [{ epcClass: 'https://id.gs1.org/01/06901234001037/10/H1', quantity: 40, uom: 'KGM' }],
  outputQuantityList: [{ epcClass: 'https://id.gs1.org/01/06901234001037/10/M1', quantity: 38, uom: 'KGM' }],
  transformationID: 'urn:epc:id:gdti:6901234.00001.17',
  persistentDisposition: { set: ['urn:epcglobal:cbv:disp:completeness_verified'], unset: ['https://ref.gs1.org/cbv/Disp-completeness_inferred'] },
  bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: ORDER }],
  sourceList: [{ type: 'https://ref.gs1.org/cbv/SDT-owning_party', source: 'https://id.gs1.org/414/6901234000016' }],
  destinationList: [{ type: 'urn:epcglobal:cbv:sdt:location', destination: 'urn:epc:id:sgln:6901234.00002.0' }],
}

const signatures = (events: Json[]) => events.map((e) => `${e.type} ${e.eventTime}`).sort()
const typed = (list: string, field: string, type: string, values: string[]) => (e: Json) =>
  (e[list] ?? []).some((x: Json) => x.type === type && values.includes(x[field]))
const persistent = (which: 'set' | 'unset', values: string[]) => (e: Json) => (e.persistentDisposition?.[which] ?? []).some((d: string) => values.includes(d))

t.test('typed lists, transformation and persistent dispositions', async (t) => {
  const { node, app, examples } = await nodeWithGs1Examples(t)
  const miller = await node.register('miller', ['processor'])
  const own = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'miller', id: 'milled', body: MILLED }, [miller]) })
  t.equal(own.statusCode, 201, own.body)

  const query = (search: string, path = '/events') => queriedEvents(t, app, search, { path })
  const finds = async (t: Test, search: string, holds: (e: Json) => boolean, options: { least?: number; ours?: boolean; path?: string } = {}) => {
    const expected = [...examples.filter(holds), ...(options.ours ? [MILLED] : [])]
    t.ok(expected.length >= (options.least ?? 1), `${search}: ${expected.length} events expected`)
    t.same(signatures(await query(search, options.path)), signatures(expected), search)
  }

  t.test('EQ_bizTransaction_<type>: the type as a CBV name, URN or URI alike', async (t) => {
    const po = ['http://transaction.acme.com/po/12345678', 'urn:epcglobal:cbv:bt:9529999999991:XYZ567']
    await finds(t, `EQ_bizTransaction_po=${enc(po.join('|'))}`, typed('bizTransactionList', 'bizTransaction', 'po', po), { least: 15 })
    await finds(t, `EQ_bizTransaction_po=${enc(ORDER)}`, () => false, { least: 0, ours: true })
    await finds(t, `${enc('EQ_bizTransaction_urn:epcglobal:cbv:btt:po')}=${enc(ORDER)}`, () => false, { least: 0, ours: true })
    await finds(t, `${enc('EQ_bizTransaction_https://ref.gs1.org/cbv/BTT-po')}=${enc(`${ORDER}|${po[1]}`)}`, typed('bizTransactionList', 'bizTransaction', 'po', [po[1]]), { least: 2, ours: true })
    // The same transaction under another type is not it.
    await finds(t, `EQ_bizTransaction_inv=${enc(po.join('|'))}`, () => false, { least: 0 })
    const passage = 'http://transaction.examplerail.com/passage/xyz12345'
    await finds(t, `${enc('EQ_bizTransaction_urn:gs1:epcisapp:rail:btt:passage')}=${enc(passage)}`, typed('bizTransactionList', 'bizTransaction', 'urn:gs1:epcisapp:rail:btt:passage', [passage]))
  })

  t.test('EQ_source_<type>, EQ_destination_<type>: identifiers compared in canonical form', async (t) => {
    await finds(t, `EQ_source_possessing_party=${enc('urn:epc:id:pgln:4012345.00225')}`, typed('sourceList', 'source', 'possessing_party', ['urn:epc:id:pgln:4012345.00225']), { least: 5 })
    await finds(t, `EQ_source_location=${enc('urn:epc:id:sgln:4012345.00225.0|https://id.gs1.org/414/9520053854814')}`, typed('sourceList', 'source', 'location', ['urn:epc:id:sgln:4012345.00225.0', 'urn:epc:id:sgln:952005385.481.0']), { least: 8 })
    await finds(t, `EQ_source_owning_party=${enc('urn:epc:id:sgln:6901234.00001.0')}`, () => false, { least: 0, ours: true })
    await finds(t, `${enc('EQ_source_urn:epcglobal:cbv:sdt:owning_party')}=${enc('https://id.gs1.org/414/6901234000016')}`, () => false, { least: 0, ours: true })
    await finds(t, `EQ_destination_owning_party=${enc('urn:epc:id:pgln:0614141.00777|urn:epc:id:pgln:9520999.99999')}`, typed('destinationList', 'destination', 'owning_party', ['urn:epc:id:pgln:0614141.00777', 'urn:epc:id:pgln:9520999.99999']), { least: 7 })
    await finds(t, `${enc('EQ_destination_https://ref.gs1.org/cbv/SDT-location')}=${enc('urn:epc:id:sgln:0614141.00777.0|https://id.gs1.org/414/6901234000023')}`, typed('destinationList', 'destination', 'location', ['urn:epc:id:sgln:0614141.00777.0']), { least: 7, ours: true })
    await finds(t, `EQ_destination_possessing_party=${enc('urn:epc:id:sgln:0614141.00777.0')}`, () => false, { least: 0 })
  })

  t.test('EQ_transformationID, EQ_persistentDisposition_set and _unset', async (t) => {
    await finds(t, `EQ_transformationID=${enc('urn:epc:id:gdti:0614141.12345.400')}`, (e) => e.transformationID === 'urn:epc:id:gdti:0614141.12345.400')
    await finds(t, `EQ_transformationID=${enc('urn:epc:id:gdti:6901234.00001.17|urn:epc:id:gdti:0614141.12345.401')}`, () => false, { least: 0, ours: true })
    await finds(t, 'EQ_persistentDisposition_set=completeness_verified', persistent('set', ['completeness_verified']), { least: 3, ours: true })
    await finds(t, `EQ_persistentDisposition_set=${enc('urn:epcglobal:cbv:disp:completeness_inferred')}`, persistent('set', ['completeness_inferred']), { least: 1 })
    await finds(t, `EQ_persistentDisposition_unset=${enc('https://ref.gs1.org/cbv/Disp-completeness_inferred')}`, persistent('unset', ['completeness_inferred']), { least: 3, ours: true })
    await finds(t, 'EQ_persistentDisposition_unset=completeness_verified', () => false, { least: 0 })
    await finds(t, 'EQ_persistentDisposition_set=completeness_verified&EQ_bizTransaction_po=' + enc(ORDER), () => false, { least: 0, ours: true, path: '/v1/events' })
    await finds(t, 'EQ_persistentDisposition_set=completeness_verified', (e) => e.type === 'TransformationEvent' && persistent('set', ['completeness_verified'])(e), { least: 0, ours: true, path: '/eventTypes/TransformationEvent/events' })
  })

  t.test('bad values: a QueryParameterException at /events, 400 at /v1/events; nothing written', async (t) => {
    const size = node.ledger.size
    const cases: [string, string][] = [
      ['EQ_bizTransaction_pox=urn:x:1', 'BAD_REQUEST'],
      [`${enc('EQ_bizTransaction_urn:epcglobal:cbv:btt:pox')}=urn:x:1`, 'BAD_REQUEST'],
      ['EQ_bizTransaction_=urn:x:1', 'BAD_REQUEST'],
      ['EQ_bizTransaction_po=not%20a%20uri', 'BAD_REQUEST'],
      ['EQ_bizTransaction_po=', 'BAD_REQUEST'],
      ['EQ_source_owner=urn:epc:id:pgln:4012345.00225', 'BAD_REQUEST'],
      [`${enc('EQ_destination_https://ref.gs1.org/cbv/SDT-place')}=urn:epc:id:pgln:4012345.00225`, 'BAD_REQUEST'],
      ['EQ_source_location=nowhere', 'IDENTIFIER_INVALID'],
      ['EQ_transformationID=17', 'BAD_REQUEST'],
      ['EQ_persistentDisposition_set=urn:epcglobal:cbv:disp:half_done', 'BAD_REQUEST'],
      ['EQ_persistentDisposition_reset=active', 'QUERY_PARAMETER_UNSUPPORTED'],
    ]
    for (const [search, code] of cases) {
      const rest = await app.inject(`/events?${search}`)
      t.match(rest.headers['content-type'], /^application\/problem\+json/, search)
      t.match(rest.json(), { status: 400, type: 'epcisException:QueryParameterException', code }, search)
      t.match((await app.inject(`/v1/events?${search}`)).json(), { statusCode: 400, code }, search)
    }
    t.equal(node.ledger.size, size, 'nothing written')
  })
})
