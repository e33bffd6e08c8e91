// EPCIS 2.0 and 1.2 XML documents (EPCglobal-epcis-2_0.xsd, namespaces urn:epcglobal:epcis:xsd:2 and :1) as
// the EPCIS 2.0 JSON-LD EPCISDocument the rest of the node speaks, field by field as the standard's JSON binding
// names them: lists of <epc> become arrays, quantities and sensor values numbers, CBV URNs their bare names,
// and elements of other namespaces ("user extensions") members named by CURIE with their namespace in @context.

import { fail } from '../core/errors.js'
import { normaliseEventVocabulary } from './cbv.js'
import { EPCIS_CONTEXT } from './epcis-schema.js'
import { EPCIS_CONTEXT_TERMS } from './json-ld-terms.js'
import { XSI_NAMESPACE, attributeOf, dataAttributes, parseXmlTree, type XmlAttribute, type XmlElement } from './xml-tree.js'

type Json = Record<string, unknown>

/** The default cap on an XML document, the capture file size limit: 1000 events of 16 KiB. */
export const MAX_XML_BYTES = 16 * 1024 * 1024

const DOCUMENT_NAMESPACES = new Set(['urn:epcglobal:epcis:xsd:2', 'urn:epcglobal:epcis:xsd:1', 'urn:epcglobal:epcis-query:xsd:2', 'urn:epcglobal:epcis-query:xsd:1'])
const EVENT_TYPES = new Set(['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'])
const TEXT_FIELDS = new Set(['eventTime', 'recordTime', 'eventTimeZoneOffset', 'eventID', 'action', 'bizStep', 'disposition', 'parentID', 'transformationID'])
const EPC_LISTS = new Set(['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'])
const QUANTITY_LISTS = new Set(['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'])
const SENSOR_NUMBERS = new Set(['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue'])
/** Attribute names of drafts of the 2.0 schema, as the JSON binding spells them. */
const SENSOR_ALIASES: Record<string, string> = { deviceMetaData: 'deviceMetadata', mean: 'meanValue' }
/** Namespaces the EPCIS JSON-LD context already names; the XML spelling of CBV master data has no final colon. */
const CONTEXT_PREFIXES: Record<string, string> = {
  'urn:epcglobal:cbv:mda': 'cbvmda',
  'urn:epcglobal:cbv:mda:': 'cbvmda',
  'https://gs1.org/voc/': 'gs1',
  'https://ref.gs1.org/cbv/': 'cbv',
  'https://ref.gs1.org/epcis/': 'epcis',
}
const GS1_VOCABULARY = ['gs1:', 'https://gs1.org/voc/']
const XSD_NUMBERS = new Set(['decimal', 'integer', 'int', 'long', 'short', 'byte', 'double', 'float', 'nonNegativeInteger', 'positiveInteger', 'negativeInteger', 'nonPositiveInteger', 'unsignedInt', 'unsignedLong', 'unsignedShort', 'unsignedByte'])
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

export interface EpcisXmlOptions {
  /** the largest document read, in UTF-8 bytes (MAX_XML_BYTES unless given) */
  maxBytes?: number
}

/** True when `text` is XML rather than JSON: its first character past a BOM and white space is "<". */
export function isXmlText(text: string): boolean {
  return /^\uFEFF?\s*</.test(text)
}

/**
 * The EPCIS 2.0 JSON-LD EPCISDocument of an EPCIS 2.0 or 1.2 XML EPCISDocument or EPCISQueryDocument (text
 * attacker-controlled). The header (SBDH, master data) is not carried over. Throws what parseXmlTree throws, and
 * EPCIS_INVALID for XML that is no EPCIS document, an element the schema does not have where it stands, a
 * QuantityEvent (gone from EPCIS 2.0), or a quantity or sensor value that is no number.
 */
export function epcisDocumentFromXml(text: string, options: EpcisXmlOptions = {}): Json {
  const root = parseXmlTree(text, options.maxBytes ?? MAX_XML_BYTES)
  if (!DOCUMENT_NAMESPACES.has(root.uri) || (root.local !== 'EPCISDocument' && root.local !== 'EPCISQueryDocument')) {
    fail('EPCIS_INVALID', `not an EPCIS XML document: the root is {${root.uri}}${root.local}, not an EPCISDocument of urn:epcglobal:epcis:xsd:2 or :1`, { root: root.local, namespace: root.uri })
  }
  const body = root.children.find((child) => child.uri === '' && child.local === 'EPCISBody')
  if (!body) fail('EPCIS_INVALID', 'the EPCIS XML document has no EPCISBody')
  const namespaces = new Namespaces()
  const eventList = eventListOf(body)
  const events = eventList ? unwrapped(eventList.children).map((element, index) => eventOf(element, index, namespaces)) : []
  const context = namespaces.context()
  const document: Json = {
    '@context': Object.keys(context).length > 0 ? [EPCIS_CONTEXT, context] : EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
  }
  const creationDate = attributeOf(root, 'creationDate')
  if (creationDate !== undefined) document.creationDate = creationDate.trim()
  document.epcisBody = { eventList: events }
  return document
}

/** EPCISBody/EventList, or in a query document EPCISBody/QueryResults/resultsBody/EventList. */
function eventListOf(body: XmlElement): XmlElement | undefined {
  const direct = body.children.find((child) => child.uri === '' && child.local === 'EventList')
  if (direct) return direct
  const results = body.children.find((child) => child.local === 'QueryResults')
  const resultsBody = results?.children.find((child) => child.uri === '' && child.local === 'resultsBody')
  return resultsBody?.children.find((child) => child.uri === '' && child.local === 'EventList')
}

/**
 * The children of an element with the <extension> and <baseExtension> wrappers of EPCIS 1.x (and of 2.0 drafts)
 * opened: in 1.2 a TransformationEvent, an eventID or a quantityList sits in one; in 2.0 the same field does not.
 */
function unwrapped(children: XmlElement[]): XmlElement[] {
  return children.flatMap((child) => (child.uri === '' && (child.local === 'extension' || child.local === 'baseExtension') ? unwrapped(child.children) : [child]))
}

/** The JSON-LD prefixes of the extension namespaces met, chosen from the document's own prefixes when free. */
class Namespaces {
  private readonly byUri = new Map<string, string>()
  private readonly byPrefix = new Map<string, string>()

  curie(node: { uri: string; prefix: string; local: string }): string {
    return `${this.prefixOf(node.uri, node.prefix)}:${node.local}`
  }

  context(): Json {
    return Object.fromEntries(this.byPrefix)
  }

  private prefixOf(uri: string, preferred: string): string {
    const known = CONTEXT_PREFIXES[uri] ?? this.byUri.get(uri)
    if (known !== undefined) return known
    let prefix = preferred
    for (let n = 1; prefix === '' || EPCIS_CONTEXT_TERMS.has(prefix) || this.byPrefix.has(prefix); n++) prefix = `ns${n}`
    this.byUri.set(uri, prefix)
    this.byPrefix.set(prefix, uri)
    return prefix
  }
}

function invalid(message: string, where: string): never {
  return fail('EPCIS_INVALID', `${where}: ${message}`, { path: where })
}

function textOf(element: XmlElement): string {
  return element.text.trim()
}

function numberOf(value: string, where: string): number {
  const trimmed = value.trim()
  // A number beyond a double (1e400) would be Infinity, which no statement can carry.
  if (!DECIMAL.test(trimmed) || !Number.isFinite(Number(trimmed))) invalid(`${JSON.stringify(value)} is not a number a double can hold`, where)
  return Number(trimmed)
}

/** Members that may repeat: one element gives a value, several of the same name an array in document order. */
class Members {
  private readonly byName = new Map<string, unknown[]>()

  add(name: string, value: unknown): void {
    const values = this.byName.get(name)
    if (values) values.push(value)
    else this.byName.set(name, [value])
  }

  toJson(): Json {
    return Object.fromEntries([...this.byName].map(([name, values]) => [name, values.length === 1 ? values[0] : values]))
  }
}

function eventOf(element: XmlElement, index: number, namespaces: Namespaces): Json {
  const where = `EventList/${element.local}[${index}]`
  if (element.uri === '' && element.local === 'QuantityEvent') invalid('a QuantityEvent (removed in EPCIS 2.0); send an ObjectEvent with a quantityList', where)
  if (element.uri !== '' || !EVENT_TYPES.has(element.local)) invalid(`{${element.uri}}${element.local} is not an EPCIS event`, where)
  const event: Json = { type: element.local }
  const repeating = new Members()
  for (const child of unwrapped(element.children)) {
    const at = `${where}/${child.local}`
    // Each standard field once (the schema's maxOccurs 1): a second would silently replace the first.
    if (child.uri === '' && Object.hasOwn(event, child.local) && child.local !== 'type') invalid(`<${child.local}> is given more than once`, at)
    if (child.uri !== '') repeating.add(namespaces.curie(child), extensionValue(child, namespaces))
    else if (TEXT_FIELDS.has(child.local)) event[child.local] = textOf(child)
    else if (child.local === 'certificationInfo') repeating.add('certificationInfo', textOf(child))
    else if (EPC_LISTS.has(child.local)) event[child.local] = listOf(child, 'epc', at).map(textOf)
    else if (QUANTITY_LISTS.has(child.local)) event[child.local] = listOf(child, 'quantityElement', at).map((item) => quantityOf(item, at))
    else if (child.local === 'readPoint' || child.local === 'bizLocation') event[child.local] = locationOf(child, at, namespaces)
    else if (child.local === 'bizTransactionList') event.bizTransactionList = listOf(child, 'bizTransaction', at).map((item) => typedValue(item, 'bizTransaction'))
    else if (child.local === 'sourceList') event.sourceList = listOf(child, 'source', at).map((item) => typedValue(item, 'source'))
    else if (child.local === 'destinationList') event.destinationList = listOf(child, 'destination', at).map((item) => typedValue(item, 'destination'))
    else if (child.local === 'ilmd') event.ilmd = extensionMembers(child.children, at, namespaces)
    else if (child.local === 'sensorElementList') event.sensorElementList = listOf(child, 'sensorElement', at).map((item) => sensorElementOf(item, at, namespaces))
    else if (child.local === 'persistentDisposition') event.persistentDisposition = persistentDispositionOf(child, at)
    else if (child.local === 'errorDeclaration') event.errorDeclaration = errorDeclarationOf(child, at, namespaces)
    else invalid(`<${child.local}> is not a field of ${element.local}`, at)
  }
  return normaliseEventVocabulary({ ...event, ...repeating.toJson() }) as Json
}

/** The items of a list element, each named `item`; anything else in it is refused. */
function listOf(list: XmlElement, item: string, where: string): XmlElement[] {
  return unwrapped(list.children).map((child) => (child.uri === '' && child.local === item ? child : invalid(`<${child.local}> in a list of <${item}>`, where)))
}

function quantityOf(element: XmlElement, where: string): Json {
  const out: Json = {}
  for (const child of element.children) {
    if (Object.hasOwn(out, child.local)) invalid(`<${child.local}> is given more than once in a quantityElement`, where)
    if (child.uri === '' && child.local === 'epcClass') out.epcClass = textOf(child)
    else if (child.uri === '' && child.local === 'quantity') out.quantity = numberOf(child.text, `${where}/quantity`)
    else if (child.uri === '' && child.local === 'uom') out.uom = textOf(child)
    else invalid(`<${child.local}> in a quantityElement`, where)
  }
  return out
}

/** readPoint and bizLocation: their id and any extension elements. */
function locationOf(element: XmlElement, where: string, namespaces: Namespaces): Json {
  const id = element.children.find((child) => child.uri === '' && child.local === 'id')
  const rest = element.children.filter((child) => child !== id)
  return { ...(id ? { id: textOf(id) } : {}), ...extensionMembers(rest, where, namespaces) }
}

/** <bizTransaction type="…">value</bizTransaction> as {type, bizTransaction}; the same for source and destination. */
function typedValue(element: XmlElement, name: string): Json {
  const type = attributeOf(element, 'type')
  return { ...(type !== undefined ? { type: type.trim() } : {}), [name]: textOf(element) }
}

function persistentDispositionOf(element: XmlElement, where: string): Json {
  const out: { set?: string[]; unset?: string[] } = {}
  for (const child of unwrapped(element.children)) {
    if (child.uri !== '' || (child.local !== 'set' && child.local !== 'unset')) invalid(`<${child.local}> in a persistentDisposition`, where)
    ;(out[child.local] ??= []).push(textOf(child))
  }
  return out
}

function errorDeclarationOf(element: XmlElement, where: string, namespaces: Namespaces): Json {
  const out: Json = {}
  const rest: XmlElement[] = []
  for (const child of unwrapped(element.children)) {
    if (child.uri === '' && Object.hasOwn(out, child.local)) invalid(`<${child.local}> is given more than once`, where)
    if (child.uri === '' && (child.local === 'declarationTime' || child.local === 'reason')) out[child.local] = textOf(child)
    else if (child.uri === '' && child.local === 'correctiveEventIDs') out.correctiveEventIDs = listOf(child, 'correctiveEventID', `${where}/correctiveEventIDs`).map(textOf)
    else rest.push(child)
  }
  return { ...out, ...extensionMembers(rest, where, namespaces) }
}

function sensorElementOf(element: XmlElement, where: string, namespaces: Namespaces): Json {
  const out: Json = {}
  const reports: Json[] = []
  const rest: XmlElement[] = []
  for (const child of unwrapped(element.children)) {
    if (child.uri === '' && (child.local === 'sensorMetadata' || child.local === 'sensorMetaData')) out.sensorMetadata = sensorAttributes(child, `${where}/sensorMetadata`, namespaces)
    else if (child.uri === '' && child.local === 'sensorReport') reports.push(sensorAttributes(child, `${where}/sensorReport`, namespaces))
    else rest.push(child)
  }
  if (reports.length > 0) out.sensorReport = reports
  return { ...out, ...extensionMembers(rest, where, namespaces) }
}

/** sensorMetadata and sensorReport carry their fields as attributes: numbers, a boolean, GS1 terms as bare names. */
function sensorAttributes(element: XmlElement, where: string, namespaces: Namespaces): Json {
  const out: Json = {}
  for (const attribute of dataAttributes(element)) {
    if (attribute.uri !== '') {
      out[namespaces.curie(attribute)] = attribute.value
      continue
    }
    const name = SENSOR_ALIASES[attribute.local] ?? attribute.local
    if (SENSOR_NUMBERS.has(name)) out[name] = numberOf(attribute.value, `${where}/@${attribute.local}`)
    else if (name === 'booleanValue') out[name] = booleanOf(attribute.value, `${where}/@${attribute.local}`)
    else if (name === 'type' || name === 'exception') out[name] = withoutGs1Vocabulary(attribute.value.trim())
    else out[name] = attribute.value
  }
  return out
}

function booleanOf(value: string, where: string): boolean {
  const trimmed = value.trim()
  if (trimmed === 'true' || trimmed === '1') return true
  if (trimmed === 'false' || trimmed === '0') return false
  return invalid(`${JSON.stringify(value)} is not a boolean`, where)
}

/** "gs1:Temperature" and "https://gs1.org/voc/Temperature" are the JSON binding's "Temperature". */
function withoutGs1Vocabulary(value: string): string {
  const base = GS1_VOCABULARY.find((prefix) => value.startsWith(prefix) && value.length > prefix.length)
  return base === undefined ? value : value.slice(base.length)
}

/** The extension elements of a container as members by CURIE; an element in no namespace is refused there. */
function extensionMembers(children: XmlElement[], where: string, namespaces: Namespaces): Json {
  const members = new Members()
  for (const child of unwrapped(children)) {
    if (child.uri === '') invalid(`<${child.local}> has no namespace; extension elements need their own`, where)
    members.add(namespaces.curie(child), extensionValue(child, namespaces))
  }
  return members.toJson()
}

/**
 * An extension element's value: its text (a number or boolean when xsi:type says xsd:decimal, xsd:integer,
 * xsd:double, xsd:boolean…), or, with child elements or attributes, an object of those members (attributes by
 * their names, children by CURIE, any text beside them as "#text").
 */
function extensionValue(element: XmlElement, namespaces: Namespaces): unknown {
  const attributes = dataAttributes(element)
  const text = element.text.trim()
  if (element.children.length === 0 && attributes.length === 0) return typedText(element, text)
  const members = new Members()
  for (const attribute of attributes) members.add(attributeName(attribute, namespaces), attribute.value)
  for (const child of element.children) members.add(child.uri === '' ? child.local : namespaces.curie(child), extensionValue(child, namespaces))
  if (text !== '') members.add('#text', typedText(element, text))
  return members.toJson()
}

function attributeName(attribute: XmlAttribute, namespaces: Namespaces): string {
  return attribute.uri === '' ? attribute.local : namespaces.curie(attribute)
}

function typedText(element: XmlElement, text: string): unknown {
  const xsiType = element.attributes.find((attribute) => attribute.uri === XSI_NAMESPACE && attribute.local === 'type')?.value.trim()
  const local = xsiType?.slice(xsiType.indexOf(':') + 1)
  if (local !== undefined && XSD_NUMBERS.has(local) && DECIMAL.test(text) && Number.isFinite(Number(text))) return Number(text)
  if (local === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  return text
}
