// EPCIS 2.0 and 1.2 XML converted to JSON-LD: GS1's JSON examples written as XML (test/fixtures/epcis-xml)
// come back equal to the originals, event by event and by CBV 2.0 event hash ID; hostile or foreign XML is
// refused with its code.

import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EPCIS_CONTEXT, validateEpcisDocument } from '../../src/food/epcis-schema.js'
import { statementsFromDocument } from '../../src/food/epcis-import.js'
import { epcisDocumentFromXml, isXmlText } from '../../src/food/epcis-xml.js'
import { foodEventHashId } from '../../src/food/event-ids.js'
import { GS1_EXAMPLES_DIR, eventsOf, type Json } from '../helpers/gs1-examples.js'

const XML_DIR = fileURLToPath(new URL('../fixtures/epcis-xml/', import.meta.url))

function xmlFixtures(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.xml') ? [join(dir, entry.name)] : []))
  return walk(XML_DIR).map((file) => relative(XML_DIR, file)).sort()
}

/** The hash ID of each event as `epcis import` and capture sign it: with the document's @context. */
const hashIds = (document: Json) => statementsFromDocument(document, 'a', () => '2026-01-01T00:00:00.000Z').map(({ body }) => foodEventHashId(body))

const xmlDocument = (events: string, namespaces = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" ${namespaces} schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z"><EPCISBody><EventList>${events}</EventList></EPCISBody></epcis:EPCISDocument>`
const objectEvent = (fields: string) =>
  `<ObjectEvent><eventTime>2026-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:0614141.107346.1</epc></epcList><action>OBSERVE</action>${fields}</ObjectEvent>`

t.test('each XML document converts to its JSON original, event by event and hash ID by hash ID', async (t) => {
  const fixtures = xmlFixtures()
  t.ok(fixtures.filter((name) => name.startsWith('2.0/')).length >= 10 && fixtures.filter((name) => name.startsWith('1.2/')).length >= 5, fixtures.join(', '))
  const types = new Map<string, Set<string>>()
  for (const name of fixtures) {
    const [version, ...path] = name.split('/')
    const original = JSON.parse(readFileSync(join(GS1_EXAMPLES_DIR, path.join('/').replace(/\.xml$/, '.jsonld')), 'utf8')) as Json
    const converted = epcisDocumentFromXml(readFileSync(join(XML_DIR, name), 'utf8'))
    t.match(converted, { type: 'EPCISDocument', schemaVersion: '2.0', creationDate: original.creationDate }, name)
    t.strictSame(eventsOf(converted), eventsOf(original), `${name}: the events`)
    t.strictSame(hashIds(converted), hashIds(original), `${name}: the CBV 2.0 event hash IDs`)
    t.doesNotThrow(() => validateEpcisDocument(converted), `${name}: valid against GS1's JSON schema`)
    for (const event of eventsOf(converted)) (types.get(version) ?? types.set(version, new Set()).get(version)!).add(event.type)
  }
  t.strictSame([...types.get('2.0')!].sort(), ['AggregationEvent', 'AssociationEvent', 'ObjectEvent', 'TransactionEvent', 'TransformationEvent'])
  t.strictSame([...types.get('1.2')!].sort(), ['AggregationEvent', 'ObjectEvent', 'TransactionEvent', 'TransformationEvent'])
})

t.test('extension namespaces go into @context under the document’s prefixes; CBV master data needs none', async (t) => {
  const read = (name: string) => epcisDocumentFromXml(readFileSync(join(XML_DIR, name), 'utf8'))
  t.strictSame(read('2.0/Example_9.6.1-ObjectEvent.xml')['@context'], [EPCIS_CONTEXT, { example: 'http://ns.example.com/epcis/' }])
  t.strictSame(read('2.0/WithFullCombinationOfFields/object_event_all_possible_fields.xml')['@context'], [
    EPCIS_CONTEXT,
    { ext1: 'http://example.com/ext1/', ext2: 'http://example.com/ext2/', ext3: 'http://example.com/ext3/' },
  ])
  t.equal(read('2.0/AssociationEvent/AssociationEvent-a.xml')['@context'], EPCIS_CONTEXT)

  // A prefix the EPCIS context already uses, a default namespace, and two prefixes for one namespace.
  const converted = epcisDocumentFromXml(
    xmlDocument(
      objectEvent('<gs1:a>1</gs1:a><b xmlns="urn:example:b">2</b><c:c xmlns:c="urn:example:c">3</c:c><d:d xmlns:d="urn:example:c" xsi:type="xs:decimal">4.5</d:d><gs1:e unit="KGM" c:scale="2" xmlns:c="urn:example:c">7</gs1:e>'),
      'xmlns:gs1="urn:example:not-gs1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema"',
    ),
  )
  t.strictSame(converted['@context'], [EPCIS_CONTEXT, { ns1: 'urn:example:not-gs1', ns2: 'urn:example:b', c: 'urn:example:c' }])
  t.match(eventsOf(converted)[0], { 'ns1:a': '1', 'ns2:b': '2', 'c:c': '3', 'c:d': 4.5, 'ns1:e': { unit: 'KGM', 'c:scale': '2', '#text': '7' } })
})

t.test('hostile or foreign XML is refused with its code', async (t) => {
  const refusals: [string, () => unknown, string, Json?][] = [
    [
      'an external entity (XXE)',
      () => epcisDocumentFromXml(`<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${xmlDocument(objectEvent('<bizStep>&xxe;</bizStep>'))}`),
      'BAD_REQUEST',
      { format: 'xml', reason: 'doctype' },
    ],
    [
      'entity expansion (billion laughs)',
      () => epcisDocumentFromXml(`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>`),
      'BAD_REQUEST',
      { reason: 'doctype' },
    ],
    ['an entity never declared', () => epcisDocumentFromXml(xmlDocument(objectEvent('<bizStep>&nope;</bizStep>'))), 'BAD_REQUEST', { reason: 'malformed' }],
    ['not well-formed', () => epcisDocumentFromXml('<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody>'), 'BAD_REQUEST', { reason: 'malformed' }],
    ['an undeclared prefix', () => epcisDocumentFromXml(xmlDocument(objectEvent('<x:y>1</x:y>'))), 'BAD_REQUEST', { reason: 'malformed' }],
    ['another encoding', () => epcisDocumentFromXml(`<?xml version="1.0" encoding="ISO-8859-1"?>${xmlDocument('')}`), 'BAD_REQUEST', { reason: 'encoding' }],
    ['nested too deep', () => epcisDocumentFromXml(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`), 'BAD_REQUEST', { reason: 'depth' }],
    ['over the size limit', () => epcisDocumentFromXml(xmlDocument(objectEvent('')), { maxBytes: 100 }), 'BODY_TOO_LARGE'],
    ['not EPCIS', () => epcisDocumentFromXml('<rss version="2.0"/>'), 'EPCIS_INVALID'],
    ['EPCISDocument in no namespace', () => epcisDocumentFromXml('<EPCISDocument><EPCISBody/></EPCISDocument>'), 'EPCIS_INVALID'],
    ['no EPCISBody', () => epcisDocumentFromXml('<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"/>'), 'EPCIS_INVALID'],
    ['a QuantityEvent', () => epcisDocumentFromXml(xmlDocument('<QuantityEvent><eventTime>2026-01-01T00:00:00Z</eventTime></QuantityEvent>')), 'EPCIS_INVALID'],
    ['a field the event does not have', () => epcisDocumentFromXml(xmlDocument(objectEvent('<colour>red</colour>'))), 'EPCIS_INVALID'],
    ['a quantity that is no number', () => epcisDocumentFromXml(xmlDocument(objectEvent('<quantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.1</epcClass><quantity>ten</quantity></quantityElement></quantityList>'))), 'EPCIS_INVALID'],
    ['ILMD without a namespace', () => epcisDocumentFromXml(xmlDocument(objectEvent('<ilmd><lot>1</lot></ilmd>'))), 'EPCIS_INVALID'],
    ['a sensor value that is no number', () => epcisDocumentFromXml(xmlDocument(objectEvent('<sensorElementList><sensorElement><sensorReport type="gs1:Temperature" value="hot"/></sensorElement></sensorElementList>'))), 'EPCIS_INVALID'],
  ]
  for (const [name, convert, code, details] of refusals) {
    t.throws(convert, { code, ...(details ? { details } : {}) }, name)
  }
})

t.test('an EPCISQueryDocument in XML gives its events; XML is told from JSON by its first character', async (t) => {
  const query = `<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z"><EPCISBody><epcisq:QueryResults><queryName>SimpleEventQuery</queryName><resultsBody><EventList>${objectEvent('')}</EventList></resultsBody></epcisq:QueryResults></EPCISBody></epcisq:EPCISQueryDocument>`
  t.match(eventsOf(epcisDocumentFromXml(query)), [{ type: 'ObjectEvent', epcList: ['urn:epc:id:sgtin:0614141.107346.1'] }])
  t.strictSame(eventsOf(epcisDocumentFromXml(xmlDocument(''))), [])
  t.ok(isXmlText('\uFEFF  \n<?xml version="1.0"?><a/>'))
  t.notOk(isXmlText(' {"type":"EPCISDocument"}'))
})
