// GS1's EPCIS 2.0 JSON-LD context is "@protected": a context after it that defines one of its terms again is a
// JSON-LD processing error (JSON-LD 1.1 section 4.1.11), so no JSON-LD processor (pyld, which GS1's reference
// event hash generator runs, among them) reads the event. EPCIS XML converted to JSON-LD named an extension
// namespace by the document's own prefix unless it was one of eight; a vendor's `xmlns:sender=…` or
// `xmlns:member=…` was bound as a prefix over GS1's protected `sender` and `member` terms, and so signed and
// served. Now every term of GS1's context is given an ns<N> prefix instead, as docs/food.md promises for "a
// prefix the EPCIS context uses for something else".

import t from 'tap'
import { epcisDocumentFromXml } from '../../src/food/epcis-xml.js'

// The terms of https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld (EPCIS 2.0.0, "@protected": true).
const PROTECTED_TERMS = [
  'AggregationEvent', 'AssociationEvent', 'Collection', 'EPCISDocument', 'EPCISQueryDocument', 'ObjectEvent', 'TransactionEvent',
  'TransformationEvent', 'action', 'baseURL', 'bizLocation', 'bizStep', 'bizTransactionList', 'cbv', 'cbvmda', 'certificationInfo',
  'childEPCs', 'childQuantityList', 'children', 'creationDate', 'dcterms', 'destinationList', 'disposition', 'epcClass', 'epcList',
  'epcis', 'epcisBody', 'epcisHeader', 'errorDeclaration', 'eventID', 'eventList', 'eventTime', 'eventTimeZoneOffset', 'gs1', 'id',
  'ilmd', 'inputEPCList', 'inputQuantityList', 'instanceIdentifier', 'masterData', 'member', 'outputEPCList', 'outputQuantityList',
  'owl', 'parentID', 'persistentDisposition', 'quantity', 'quantityList', 'queryName', 'queryResults', 'rdfs', 'readPoint', 'receiver',
  'recordTime', 'resultsBody', 'schemaVersion', 'sender', 'sensorElementList', 'sourceList', 'subscriptionID', 'transformationID',
  'type', 'uom', 'vocabularyList', 'xsd',
]

t.test('an XML extension prefix that is a term of GS1 context is not bound over it', async (t) => {
  const declarations = PROTECTED_TERMS.map((term, i) => `xmlns:${term}="https://vendor.example.com/ns${i}/"`).join(' ')
  const extensions = PROTECTED_TERMS.map((term) => `<${term}:note>v-${term}</${term}:note>`).join('')
  const xml = `<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" ${declarations.replace(/xmlns:epcis="[^"]*" ?/, '')} schemaVersion="2.0" creationDate="2026-06-03T09:00:00.000+08:00"><EPCISBody><EventList><ObjectEvent><eventTime>2026-06-03T08:00:00.000+08:00</eventTime><eventTimeZoneOffset>+08:00</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:6901234.000122.S1</epc></epcList><action>OBSERVE</action>${extensions.replace(/<epcis:note>v-epcis<\/epcis:note>/, '')}</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`
  const document = epcisDocumentFromXml(xml)
  const context = (document['@context'] as unknown[])[1] as Record<string, string>
  const rebound = Object.keys(context).filter((prefix) => PROTECTED_TERMS.includes(prefix))
  t.same(rebound, [], 'no term of the protected context is defined again')
  const event = (document.epcisBody as { eventList: Record<string, unknown>[] }).eventList[0] as Record<string, unknown>
  for (const [i, term] of PROTECTED_TERMS.entries()) {
    if (term === 'epcis') continue
    const member = Object.keys(event).find((key) => event[key] === `v-${term}`)
    t.ok(member, `the ${term}: extension is kept`)
    const prefix = (member as string).split(':')[0] as string
    t.equal(context[prefix], `https://vendor.example.com/ns${i}/`, `${term}: its namespace under ${prefix}`)
  }
})
