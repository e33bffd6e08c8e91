// EPCIS 2.0 events and documents against GS1's JSON schema: every event of GS1's example documents is
// valid alone, with or without an @context; broken events are refused with EPCIS_INVALID.

import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { EPCIS_CONTEXT, EPCIS_SCHEMA_FILE, hasUniqueItems, validateEpcisDocument, validateEpcisEvent } from '../../src/food/epcis-schema.js'
import { eventsOf, gs1ExampleDocuments, type Json } from '../helpers/gs1-examples.js'

const SCHEMA_SOURCE = fileURLToPath(new URL('../../schemas/gs1-epcis/SOURCE.md', import.meta.url))

const documents = gs1ExampleDocuments()

/** A valid ObjectEvent to break one field at a time (GS1's Example 9.6.1, first event). */
const BASE: Json = {
  type: 'ObjectEvent',
  eventTime: '2005-04-03T20:33:31.116-06:00',
  eventTimeZoneOffset: '-06:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' },
  bizTransactionList: [{ type: 'po', bizTransaction: 'http://transaction.acme.com/po/12345678' }],
}

t.test('the shipped schema is GS1\'s file, unchanged', async (t) => {
  const hash = createHash('sha256').update(readFileSync(EPCIS_SCHEMA_FILE)).digest('hex')
  t.match(readFileSync(SCHEMA_SOURCE, 'utf8'), hash, 'SOURCE.md records its SHA-256')
})

t.test('every event of every GS1 example document is valid alone', async (t) => {
  t.ok(documents.length >= 40, `${documents.length} documents`)
  let count = 0
  for (const { name, doc } of documents) {
    for (const [i, event] of eventsOf(doc).entries()) {
      const before = JSON.stringify(event)
      t.doesNotThrow(() => validateEpcisEvent(event), `${name} event ${i}`)
      // as epcis-import signs it: with the document's @context
      t.doesNotThrow(() => validateEpcisEvent({ '@context': doc['@context'], ...event }), `${name} event ${i} with the document's @context`)
      t.equal(JSON.stringify(event), before, 'not modified')
      count++
    }
  }
  t.ok(count >= 50, `${count} events`)
})

t.test('every GS1 example document is valid', async (t) => {
  for (const { name, doc } of documents) t.doesNotThrow(() => validateEpcisDocument(doc), name)
})

const BROKEN: [string, Json | unknown][] = [
  ['no eventTime', { ...BASE, eventTime: undefined }],
  ['eventTime without a zone', { ...BASE, eventTime: '2005-04-03T20:33:31.116' }],
  ['eventTime not a date', { ...BASE, eventTime: 'yesterday' }],
  ['a zone offset without leading zero', { ...BASE, eventTimeZoneOffset: '-6:00' }],
  ['a zone offset past +14:00', { ...BASE, eventTimeZoneOffset: '+14:30' }],
  ['an ObjectEvent without action', { ...BASE, action: undefined }],
  ['an unknown action', { ...BASE, action: 'UPDATE' }],
  ['a bizStep that is neither a CBV name nor a URI', { ...BASE, bizStep: 'frobbing' }],
  ['a bizStep URN outside the CBV list', { ...BASE, bizStep: 'urn:epcglobal:cbv:bizstep:frobbing' }],
  ['a bizStep Web URI outside the CBV list', { ...BASE, bizStep: 'https://ref.gs1.org/cbv/BizStep-shiping' }],
  ['a disposition of another vocabulary', { ...BASE, disposition: 'shipping' }],
  ['an EPC that is not a URI', { ...BASE, epcList: ['0614141.107346.2017'] }],
  ['the same EPC twice', { ...BASE, epcList: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2017'] }],
  ['neither epcList nor quantityList', { ...BASE, epcList: undefined }],
  ['a quantity with a lower-case unit', { ...BASE, quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 200, uom: 'kg' }] }],
  ['a quantity as a string', { ...BASE, quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: '200' }] }],
  ['a quantity element with an unknown field', { ...BASE, quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', lot: 'x' }] }],
  ['ILMD on an OBSERVE event', { ...BASE, ilmd: { 'example:bestBefore': '2026-01-01' } }],
  ['an extension field without a namespace', { ...BASE, temperature: 4 }],
  ['a readPoint without id', { ...BASE, readPoint: {} }],
  ['a bizTransaction without its id', { ...BASE, bizTransactionList: [{ type: 'po' }] }],
  ['a source without type', { ...BASE, sourceList: [{ source: 'urn:epc:id:pgln:0614141.00000' }] }],
  ['a sensor report without type', { ...BASE, sensorElementList: [{ sensorReport: [{ value: 26, uom: 'CEL' }] }] }],
  ['a sensor report type in the GS1 Web vocabulary', { ...BASE, sensorElementList: [{ sensorReport: [{ type: 'https://gs1.org/voc/Temperature', value: 26 }] }] }],
  ['an errorDeclaration without declarationTime', { ...BASE, errorDeclaration: { reason: 'incorrect_data' } }],
  ['an @context that is a number', { ...BASE, '@context': 5 }],
  ['a TransactionEvent without bizTransactionList', { ...BASE, type: 'TransactionEvent', bizTransactionList: undefined }],
  ['an AssociationEvent without parentID', { type: 'AssociationEvent', eventTime: BASE.eventTime, eventTimeZoneOffset: '-06:00', action: 'ADD', childEPCs: ['urn:epc:id:giai:4000001.12345'] }],
  ['a TransformationEvent with an action', { type: 'TransformationEvent', eventTime: BASE.eventTime, eventTimeZoneOffset: '-06:00', action: 'ADD', inputEPCList: ['urn:x:1'], outputEPCList: ['urn:x:2'] }],
  ['an event type that is not a URI', { ...BASE, type: 'ShippingEvent' }],
  ['no type', { ...BASE, type: undefined }],
  ['an array', [BASE]],
  ['a string', 'ObjectEvent'],
  ['null', null],
]

t.test('broken events are refused with EPCIS_INVALID and say where', async (t) => {
  for (const [what, event] of BROKEN) {
    const body = event && typeof event === 'object' && !Array.isArray(event) ? JSON.parse(JSON.stringify(event)) : event
    const error = t.throws(() => validateEpcisEvent(body), { code: 'EPCIS_INVALID' }, what) as unknown as { details?: { errors: { path: string; message: string }[] } }
    t.ok(Array.isArray(error?.details?.errors), `${what}: details.errors`)
  }
  const error = t.throws(() => validateEpcisEvent({ ...BASE, eventTimeZoneOffset: '-6:00' })) as unknown as { message: string; details: { errors: { path: string }[] } }
  t.equal(error.details.errors[0].path, '/eventTimeZoneOffset', 'the specific error first')
  t.match(error.message, /eventTimeZoneOffset/)
  t.ok(error.details.errors.length <= 10)
})

t.test('what GS1\'s schema does not check', async (t) => {
  // EPCIS 2.0 §7.4.3 requires an AggregationEvent's parentID unless its action is OBSERVE, but the schema
  // (unlike AssociationEvent's) does not say so; we check exactly GS1's schema, so this passes.
  t.doesNotThrow(() =>
    validateEpcisEvent({ type: 'AggregationEvent', eventTime: BASE.eventTime, eventTimeZoneOffset: '-06:00', action: 'ADD', childEPCs: ['urn:epc:id:sgtin:0614141.107346.2017'] }),
  )
  // extension event types are allowed when their type is a URI
  t.doesNotThrow(() => validateEpcisEvent({ type: 'https://ns.example.com/epcis/SealUseEvent', eventTime: BASE.eventTime, eventTimeZoneOffset: '-06:00' }))
})

t.test('CBV values in any spelling; extension values as URIs', async (t) => {
  for (const bizStep of ['shipping', 'urn:epcglobal:cbv:bizstep:shipping', 'https://ref.gs1.org/cbv/BizStep-shipping', 'cbv:BizStep-shipping', 'http://epcis.example.org/hc/bizstep/summarising_discharge']) {
    t.doesNotThrow(() => validateEpcisEvent({ ...BASE, bizStep }), bizStep)
  }
  t.doesNotThrow(() =>
    validateEpcisEvent({
      ...BASE,
      disposition: 'urn:epcglobal:cbv:disp:in_transit',
      persistentDisposition: { set: ['urn:epcglobal:cbv:disp:completeness_verified'] },
      bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141073467:1152' }],
      sourceList: [{ type: 'https://ref.gs1.org/cbv/SDT-possessing_party', source: 'urn:epc:id:pgln:0614141.00000' }],
      errorDeclaration: { declarationTime: '2020-01-15T00:00:00.000+01:00', reason: 'urn:epcglobal:cbv:er:incorrect_data' },
    }),
  )
  const event = { ...BASE, bizStep: 'urn:epcglobal:cbv:bizstep:shipping' }
  validateEpcisEvent(event)
  t.equal(event.bizStep, 'urn:epcglobal:cbv:bizstep:shipping', 'the event is not rewritten')
})

t.test('@context: implied when absent, checked when present', async (t) => {
  t.doesNotThrow(() => validateEpcisEvent(BASE), 'no @context')
  t.doesNotThrow(() => validateEpcisEvent({ '@context': EPCIS_CONTEXT, ...BASE }))
  t.doesNotThrow(() => validateEpcisEvent({ '@context': [EPCIS_CONTEXT, { example: 'http://ns.example.com/epcis/' }], ...BASE, 'example:lotNote': 'x' }))
  t.throws(() => validateEpcisEvent({ '@context': [EPCIS_CONTEXT, EPCIS_CONTEXT], ...BASE }), { code: 'EPCIS_INVALID' }, 'items unique')
  t.throws(() => validateEpcisEvent({ '@context': 'not a uri', ...BASE }), { code: 'EPCIS_INVALID' })
})

t.test('documents', async (t) => {
  const doc = documents.find((d) => d.name === 'Example_9.6.1-ObjectEvent.jsonld')!.doc
  t.throws(() => validateEpcisDocument({ ...doc, '@context': undefined }), { code: 'EPCIS_INVALID' }, 'a document needs its @context')
  t.throws(() => validateEpcisDocument({ ...doc, type: 'ObjectEvent' }), { code: 'EPCIS_INVALID' })
  t.throws(() => validateEpcisDocument({ ...doc, epcisBody: {} }), { code: 'EPCIS_INVALID' })
  t.throws(() => validateEpcisDocument([doc]), { code: 'EPCIS_INVALID' })
  const broken = JSON.parse(JSON.stringify(doc))
  broken.epcisBody.eventList[1].eventTimeZoneOffset = '+25:00'
  const error = t.throws(() => validateEpcisDocument(broken), { code: 'EPCIS_INVALID' }) as unknown as { details: { errors: { path: string }[] } }
  t.equal(error.details.errors[0].path, '/epcisBody/eventList/1/eventTimeZoneOffset')
  // CBV URNs inside a document read as in a single event; a made-up one is refused with its path
  const urns = JSON.parse(JSON.stringify(doc))
  urns.epcisBody.eventList[0].bizStep = 'urn:epcglobal:cbv:bizstep:shipping'
  t.doesNotThrow(() => validateEpcisDocument(urns))
  urns.epcisBody.eventList[1].bizStep = 'https://ref.gs1.org/cbv/BizStep-recieving'
  const cbv = t.throws(() => validateEpcisDocument(urns), { code: 'EPCIS_INVALID' }) as unknown as { details: { errors: { path: string }[] } }
  t.equal(cbv.details.errors[0].path, '/epcisBody/eventList/1/bizStep')
  const query = documents.find((d) => d.name === 'EPCISQueryDocument.jsonld')!.doc
  const badQuery = JSON.parse(JSON.stringify(query))
  eventsOf(badQuery)[0].action = 'UPDATE'
  t.throws(() => validateEpcisDocument(badQuery), { code: 'EPCIS_INVALID' })
})

t.test('uniqueItems is linear and means JSON equality', async (t) => {
  t.ok(hasUniqueItems(['a', 'b', 1, '1', { a: 1, b: 2 }, [1]]))
  t.notOk(hasUniqueItems([{ a: 1, b: 2 }, { b: 2, a: 1 }]), 'key order does not matter')
  t.notOk(hasUniqueItems([1, 1.0]))
  t.notOk(hasUniqueItems(['x', 'x']))
  // 16000 EPCs, about 200 KiB: pairwise comparison took seconds, a Set takes milliseconds
  const epcList = Array.from({ length: 16000 }, (_, i) => `urn:x:${i}`)
  const start = performance.now()
  validateEpcisEvent({ ...BASE, epcList })
  const elapsed = performance.now() - start
  t.ok(elapsed < 400, `16000 EPCs in ${elapsed.toFixed(1)} ms`)
  t.throws(() => validateEpcisEvent({ ...BASE, epcList: [...epcList, 'urn:x:7'] }), { code: 'EPCIS_INVALID' })
})
