// The SimpleEventQuery filters that look inside events (issue 16): EXISTS_, extension and ILMD fields,
// quantities, sensor reports, error declarations, tried at the REST binding's paths against GS1's example
// documents and one event of our own. Each answer is validated against GS1's schema and compared with
// the events of the documents that satisfy the condition as the standard words it.

import t, { type Test } from 'tap'
import { eventsOf, nodeWithGs1Examples, queriedEvents, type Json } from '../helpers/gs1-examples.js'

const enc = encodeURIComponent
const OURS = 'https://tracechain.example/ns/'
/** Ours: an extension field as a CURIE, one as a full IRI, a numeric one, a quantity in KGM. */
const GRADED = {
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ours: OURS }],
  type: 'ObjectEvent',
  eventID: 'urn:uuid:0e6b2f0c-1111-4000-8000-000000000017',
  eventTime: '2026-05-25T15:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'inspecting',
  quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234001037/10/H1', quantity: 40, uom: 'KGM' }],
  'ours:origin': 'ours:hainan',
  [`${OURS}grade`]: `${OURS}premium`,
  'ours:moisture': 12.5,
}

const QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']
const quantities = (e: Json): Json[] => QUANTITY_LISTS.flatMap((list) => e[list] ?? [])
/** Each sensor report with its element's metadata beneath it, as the standard's sensor conditions read it. */
const reports = (e: Json): Json[] => (e.sensorElementList ?? []).flatMap((element: Json) => (element.sensorReport ?? []).map((r: Json) => ({ ...element.sensorMetadata, ...r })))
const isTemperature = (type: unknown) => type === 'Temperature' || type === 'gs1:Temperature'
const at = (time: string) => Date.parse(time)
/** What tells events apart in a list to compare: type and eventTime (GS1 reuses eventIDs across examples). */
const signatures = (events: Json[]) => events.map((e) => `${e.type} ${e.eventTime}`).sort()

t.test('filters inside events, against GS1’s examples and one of ours', async (t) => {
  const { node, app, documents, examples } = await nodeWithGs1Examples(t)
  const grader = await node.register('grader', ['farm'])
  const own = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor: 'grader', id: 'graded', body: GRADED }, [grader]) })
  t.equal(own.statusCode, 201, own.body)

  /** A query at /events answered 200 with a document valid against GS1's schema: its events. */
  const query = (search: string, headers: Record<string, string> = {}, path = '/events') => queriedEvents(t, app, search, { headers, path })
  /** The query finds exactly the example events `holds` picks (and `ours` says whether our event too), at least `least` of them. */
  const finds = async (t: Test, search: string, holds: (e: Json) => boolean, options: { least?: number; ours?: boolean; headers?: Record<string, string> } = {}) => {
    const expected = [...examples.filter(holds), ...(options.ours ? [GRADED] : [])]
    t.ok(expected.length >= (options.least ?? 1), `${search}: ${expected.length} events expected`)
    t.same(signatures(await query(search, options.headers)), signatures(expected), search)
  }

  t.test('error declarations', async (t) => {
    const declared = (e: Json) => e.errorDeclaration !== undefined
    await finds(t, 'EXISTS_errorDeclaration', declared, { least: 9 })
    await finds(t, 'EXISTS_errorDeclaration=true', declared, { least: 9 })
    t.equal((await query('EXISTS_errorDeclaration=false')).length, examples.length + 1, '=false asks nothing')
    const incorrect = (e: Json) => e.errorDeclaration?.reason === 'incorrect_data'
    await finds(t, 'EQ_errorReason=incorrect_data', incorrect, { least: 8 })
    await finds(t, `EQ_errorReason=${enc('urn:epcglobal:cbv:er:incorrect_data')}`, incorrect, { least: 8 })
    await finds(t, `EQ_errorReason=${enc('https://ref.gs1.org/cbv/ER-incorrect_data|did_not_occur')}`, incorrect, { least: 8 })
    const hashId = 'ni:///sha-256;fec9667280c4710a3fa9558b7bc8ddc2ced0dc442d87f82becae24bb6ca6a46f?ver=CBV2.0'
    await finds(t, `EQ_correctiveEventID=${enc(hashId)}`, (e) => (e.errorDeclaration?.correctiveEventIDs ?? []).includes(hashId), { least: 6 })
    await finds(t, `GE_errorDeclarationTime=${enc('2019-01-01T00:00:00Z')}`, (e) => declared(e) && at(e.errorDeclaration.declarationTime) >= at('2019-01-01T00:00:00Z'), { least: 3 })
  })

  t.test('quantities: each element on its own, a uom in the name asks that unit', async (t) => {
    await finds(t, 'EQ_quantity=500', (e) => quantities(e).some((q) => q.quantity === 500), { least: 2 })
    await finds(t, 'EQ_quantity=500|40', (e) => quantities(e).some((q) => q.quantity === 500 || q.quantity === 40), { least: 2, ours: true })
    await finds(t, 'GE_quantity=500', (e) => quantities(e).some((q) => q.quantity >= 500), { least: 3 })
    await finds(t, 'GE_quantity_KGM=500', (e) => quantities(e).some((q) => q.quantity >= 500 && q.uom === 'KGM'), { least: 2 })
    await finds(t, 'GT_quantity=30&LE_quantity=40', (e) => quantities(e).some((q) => q.quantity > 30 && q.quantity <= 40), { ours: true, least: 0 })
    await finds(t, 'LT_quantity=10&GT_quantity=400', () => false, { least: 0 })
  })

  t.test('sensor conditions hold together for one sensorReport', async (t) => {
    const warm = (e: Json) => reports(e).some((r) => isTemperature(r.type) && r.value >= 30)
    await finds(t, 'EQ_type=Temperature&GE_value=30', warm, { least: 0 })
    t.ok(examples.some((e) => reports(e).some((r) => isTemperature(r.type)) && reports(e).some((r) => r.value >= 30)), 'an event with both, in different reports')
    await finds(t, 'GE_value=30', (e) => reports(e).some((r) => r.value >= 30), { least: 3 })
    const temperature = (e: Json) => reports(e).some((r) => isTemperature(r.type))
    await finds(t, 'EQ_type=Temperature', temperature, { least: 17 })
    await finds(t, `EQ_type=${enc('gs1:Temperature')}`, temperature)
    await finds(t, `EQ_type=${enc('https://gs1.org/voc/Temperature')}`, temperature)
    await finds(t, 'EQ_type=Temperature&GE_value=26&EQ_uom=CEL', (e) => reports(e).some((r) => isTemperature(r.type) && r.value >= 26 && r.uom === 'CEL'), { least: 10 })
    await finds(t, 'LT_value_CEL=25', (e) => reports(e).some((r) => r.uom === 'CEL' && r.value < 25))
    await finds(t, 'GE_minValue=26&LT_maxValue=27', (e) => reports(e).some((r) => r.minValue >= 26 && r.maxValue < 27))
    await finds(t, 'GT_meanValue=13&GE_percRank=50&LE_percRank=50', (e) => reports(e).some((r) => r.meanValue > 13 && r.percRank === 50))
    // deviceID in the report or, where the report has none, in its element's sensorMetadata.
    await finds(t, `EQ_deviceID=${enc('urn:epc:id:giai:4000001.111')}`, (e) => reports(e).some((r) => r.deviceID === 'urn:epc:id:giai:4000001.111'), { least: 12 })
    await finds(t, 'EQ_booleanValue=true', (e) => reports(e).some((r) => r.booleanValue === true), { least: 7 })
    await finds(t, 'EQ_booleanValue=false', () => false, { least: 0 })
    await finds(t, 'EQ_stringValue=SomeString', (e) => reports(e).some((r) => r.stringValue === 'SomeString'))
    await finds(t, 'EQ_hexBinaryValue=F0F0F0', (e) => reports(e).some((r) => String(r.hexBinaryValue).toUpperCase() === 'F0F0F0'))
    await finds(t, `EQ_uriValue=${enc('https://id.gs1.org/8004/4000001111')}`, (e) => reports(e).some((r) => r.uriValue === 'https://id.gs1.org/8004/4000001111'))
    await finds(t, `EQ_microorganism=${enc('https://www.ncbi.nlm.nih.gov/taxonomy/1126011')}`, (e) => reports(e).some((r) => r.microorganism === 'https://www.ncbi.nlm.nih.gov/taxonomy/1126011'))
    await finds(t, `EQ_chemicalSubstance=${enc('https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N')}`, (e) => reports(e).some((r) => r.chemicalSubstance === 'https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N'))
    await finds(t, `EQ_dataProcessingMethod=${enc('https://example.com/253/4012345000054987')}`, (e) => reports(e).some((r) => r.dataProcessingMethod === 'https://example.com/253/4012345000054987'))
    await finds(t, `EQ_bizRules=${enc('https://example.com/253/4012345000054987')}`, (e) => reports(e).some((r) => r.bizRules === 'https://example.com/253/4012345000054987'))
    // A bare component is CBV's term: cbv:Comp-latitude and latitude are one component.
    await finds(t, 'EQ_component=latitude', (e) => reports(e).some((r) => r.component === 'latitude' || r.component === 'cbv:Comp-latitude'), { least: 2 })
    const since = '2019-07-19T12:30:00Z'
    await finds(t, `GE_time=${enc(since)}`, (e) => reports(e).some((r) => r.time !== undefined && at(r.time) >= at(since)), { least: 2 })
    await finds(t, `LT_time=${enc(since)}&EQ_type=Temperature`, (e) => reports(e).some((r) => r.time !== undefined && at(r.time) < at(since) && isTemperature(r.type)))
  })

  t.test('a prefix means what the request declares, else what each event’s context says', async (t) => {
    const someProperty = (e: Json) => reports(e).some((r) => r.type === 'example:someSensorProperty')
    await finds(t, `EQ_type=${enc('example:someSensorProperty')}`, someProperty, { least: 3 })
    const slash = (e: Json) => someProperty(e) && JSON.stringify(documents.find((d) => eventsOf(d.doc).includes(e))?.doc['@context']).includes('"http://ns.example.com/epcis/"')
    await finds(t, `EQ_type=${enc('example:someSensorProperty')}`, slash, { least: 2, headers: { 'GS1-Extensions': 'example=http://ns.example.com/epcis/' } })
    await finds(t, `EQ_type=${enc('http://ns.example.com/epcis/someSensorProperty')}`, slash, { least: 2 })
    await finds(t, `EQ_type=${enc('https://ns.example.com/epcissomeSensorProperty')}`, (e) => someProperty(e) && !slash(e), { least: 1 })

    const myField = (e: Json) => e['example:myField'] !== undefined
    const text = enc('Example of a vendor/user extension')
    await finds(t, `${enc('EQ_example:myField')}=${text}`, myField, { least: 13 })
    await finds(t, `${enc('EQ_http://ns.example.com/epcis/myField')}=${text}`, myField, { least: 13 })
    await finds(t, `${enc('EQ_ex:myField')}=${text}`, myField, { least: 13, headers: { 'GS1-Extensions': 'ex=http://ns.example.com/epcis/' } })
    await finds(t, `${enc('EQ_example:myField')}=${text}`, () => false, { least: 0, headers: { 'GS1-Extensions': 'example=https://ns.example.com/epcis' } })
    await finds(t, `${enc('EXISTS_example:myField')}`, myField, { least: 13 })

    // Ours: a CURIE in the event found by its IRI, an IRI in the event found by a CURIE.
    const declared = { 'GS1-Extensions': `x=${OURS}` }
    await finds(t, `${enc(`EQ_${OURS}origin`)}=${enc(`${OURS}hainan`)}`, () => false, { least: 0, ours: true })
    await finds(t, `${enc('EQ_x:origin')}=${enc('x:hainan')}`, () => false, { least: 0, ours: true, headers: declared })
    await finds(t, `${enc('EQ_x:grade')}=${enc('x:premium')}`, () => false, { least: 0, ours: true, headers: declared })
    await finds(t, `${enc('EQ_ours:grade')}=${enc('ours:premium')}`, () => false, { least: 0, ours: true })
    await finds(t, `${enc('GT_ours:moisture')}=12&${enc('LT_ours:moisture')}=13`, () => false, { least: 0, ours: true })
    await finds(t, `${enc('EXISTS_ours:grade')}`, () => false, { least: 0, ours: true })
  })

  t.test('extension and ILMD fields: numbers and times compared as such, strings as given', async (t) => {
    await finds(t, `${enc('EQ_ext1:int')}=10`, (e) => e['ext1:int'] === '10', { least: 5 })
    await finds(t, `${enc('EQ_ext1:float')}=20.0`, (e) => e['ext1:float'] === '20', { least: 5 })
    await finds(t, `${enc('GT_ext1:int')}=9&${enc('LE_ext1:int')}=10`, (e) => e['ext1:int'] === '10', { least: 5 })
    await finds(t, `${enc('GE_ext1:time')}=${enc('2013-06-08T14:58:56.591Z')}`, (e) => e['ext1:time'] !== undefined, { least: 5 })
    await finds(t, `${enc('LT_ext1:time')}=${enc('2013-06-08T14:58:56.591Z')}`, () => false, { least: 0 })
    await finds(t, `${enc('EQ_ext1:array')}=stringInArray`, (e) => (e['ext1:array'] ?? []).includes('stringInArray'), { least: 5 })
    await finds(t, `${enc('EXISTS_ext1:object')}`, (e) => e['ext1:object'] !== undefined, { least: 5 })
    await finds(t, 'EXISTS_sensorElementList', (e) => (e.sensorElementList ?? []).length > 0, { least: 24 })
    await finds(t, 'EXISTS_ilmd', (e) => e.ilmd !== undefined)

    const lot = (e: Json) => e.ilmd?.['cbvmda:lotNumber'] === 'ABC123'
    await finds(t, `${enc('EQ_ILMD_cbvmda:lotNumber')}=ABC123`, lot, { least: 2 })
    // By its full IRI: not in the document that binds cbvmda to a namespace of its own (example.com's).
    const ownMda = (doc: Json) => [doc['@context']].flat(2).some((c) => typeof c === 'object' && c !== null && 'cbvmda' in c)
    const standardMda = new Set(documents.filter((d) => !ownMda(d.doc)).flatMap((d) => eventsOf(d.doc)))
    t.ok(documents.some((d) => ownMda(d.doc) && eventsOf(d.doc).some((e) => e.ilmd?.['cbvmda:lotNumber'] !== undefined)), 'one document has its own cbvmda')
    await finds(t, `${enc('EQ_ILMD_urn:epcglobal:cbv:mda:lotNumber')}=ABC123|LOTABC`, (e) => standardMda.has(e) && e.ilmd?.['cbvmda:lotNumber'] !== undefined, { least: 2 })
    await finds(t, `${enc('EXISTS_ILMD_cbvmda:lotNumber')}`, (e) => e.ilmd?.['cbvmda:lotNumber'] !== undefined, { least: 3 })
    await finds(t, `${enc('GT_ILMD_cbvmda:netWeight')}=3&${enc('LT_ILMD_cbvmda:netWeight')}=3.6`, (e) => e.ilmd?.['cbvmda:netWeight'] === '3.5', { least: 2 })
    await finds(t, `${enc('GE_ILMD_cbvmda:netWeight')}=4`, () => false, { least: 0 })
  })

  t.test('filters narrow the index’s candidates and the sub-resources alike', async (t) => {
    await finds(t, 'eventType=TransformationEvent&EXISTS_errorDeclaration', (e) => e.type === 'TransformationEvent' && e.errorDeclaration !== undefined, { least: 2 })
    const sub = await query('EXISTS_errorDeclaration', {}, '/eventTypes/TransformationEvent/events')
    t.same(signatures(sub), signatures(examples.filter((e) => e.type === 'TransformationEvent' && e.errorDeclaration !== undefined)))
    const v1 = await query('EQ_type=Temperature&GE_value=30', {}, '/v1/events')
    t.same(v1, [])
  })

  t.test('bad values and unknown fields are QueryParameterExceptions', async (t) => {
    const cases: [string, string][] = [
      ['GE_value=warm', 'BAD_REQUEST'],
      ['GE_value=1|2', 'BAD_REQUEST'],
      ['EQ_quantity=five', 'BAD_REQUEST'],
      ['GT_quantity_KGM=', 'BAD_REQUEST'],
      ['GE_percRank=high', 'BAD_REQUEST'],
      ['GE_time=5', 'BAD_REQUEST'],
      ['LT_errorDeclarationTime=yesterday', 'BAD_REQUEST'],
      ['EQ_booleanValue=yes', 'BAD_REQUEST'],
      ['EXISTS_errorDeclaration=maybe', 'BAD_REQUEST'],
      [`${enc('GT_example:myField')}=abc`, 'BAD_REQUEST'],
      [`${enc('EQ_example:myField')}=`, 'BAD_REQUEST'],
      ['EXISTS_foo', 'QUERY_PARAMETER_UNSUPPORTED'],
      ['EQ_foo=1', 'QUERY_PARAMETER_UNSUPPORTED'],
      ['EXISTS_ILMD_lotNumber', 'QUERY_PARAMETER_UNSUPPORTED'],
      ['EQ_time=2019-07-19T13:00:00Z', 'QUERY_PARAMETER_UNSUPPORTED'],
      ['GE_percRank_CEL=1', 'QUERY_PARAMETER_UNSUPPORTED'],
      [`${enc('EQ_INNER_example:myField')}=1`, 'QUERY_PARAMETER_UNSUPPORTED'],
      ['WD_bizStep=receiving', 'QUERY_PARAMETER_UNSUPPORTED'],
    ]
    for (const path of ['/events', '/eventTypes/ObjectEvent/events', '/bizSteps/receiving/events']) {
      for (const [search, code] of cases) {
        const response = await app.inject(`${path}?${search}`)
        t.match(response.headers['content-type'], /^application\/problem\+json/, `${path}?${search}`)
        t.match(response.json(), { status: 400, type: 'epcisException:QueryParameterException', code }, `${path}?${search}`)
      }
    }
  })
})
