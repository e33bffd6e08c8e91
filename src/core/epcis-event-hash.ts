// The CBV 2.0 event hash ID of an EPCIS 2.0 event (CBV 2.0 §8.9): `ni:///sha-256;<hex>?ver=CBV2.0`, the
// SHA-256 of a pre-hash string that spells the event's content in one way whatever its JSON looks like.
// Written as GS1's reference generator computes it, quirks included (test/fixtures/epcis-event-hash/
// SOURCE.md lists them), since a hash ID is only useful when every party computes the same one. Pure.

import { compareCodePoints, toHex, utf8 } from './bytes.js'
import { canonicalTimestamp, canonicalValue, formatPythonNumber, stripValue } from './epcis-hash-values.js'
import { expandedVocabulary, vocabularyReplacer } from './epcis-hash-vocabulary.js'
import { sha256 } from './hash.js'

export const EVENT_HASH_VERSION = 'CBV2.0'

type Json = Record<string, unknown>

/** A field of the event as the reference models it: a name, its text, and its children. */
interface Node {
  name: string
  value: string
  children: Node[]
  /** a bizTransaction, source or destination: written as its fields in their JSON order, without its own name */
  entry?: boolean
}

/** Which children of a field the fixed part of the pre-hash string writes, in order. */
interface Order {
  name: string
  children?: Order[]
  /** user extensions (`{namespace/}name`) are written right after its standard fields */
  extensions?: boolean
}

const leaf = (...names: string[]): Order[] => names.map((name) => ({ name }))
const EPCS: Order[] = leaf('epc')
const QUANTITIES: Order[] = [{ name: 'quantityElement', children: leaf('epcClass', 'quantity', 'uom') }]
const SENSOR_METADATA = leaf('time', 'startTime', 'endTime', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules')
const SENSOR_REPORT = leaf(
  'type', 'exception', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'time', 'microorganism', 'chemicalSubstance',
  'value', 'component', 'stringValue', 'booleanValue', 'hexBinaryValue', 'uriValue', 'minValue', 'maxValue', 'meanValue', 'sDev',
  'percRank', 'percValue', 'uom', 'coordinateReferenceSystem',
)
/** The fields written first, in this order; every other field follows, sorted (the reference's code, not its README). */
const EVENT_ORDER: Order[] = [
  ...leaf('eventTime', 'eventTimeZoneOffset', 'certificationInfo', 'parentID'),
  { name: 'epcList', children: EPCS },
  { name: 'inputEPCList', children: EPCS },
  { name: 'childEPCs', children: EPCS },
  { name: 'quantityList', children: QUANTITIES },
  { name: 'childQuantityList', children: QUANTITIES },
  { name: 'inputQuantityList', children: QUANTITIES },
  { name: 'outputEPCList', children: EPCS },
  { name: 'outputQuantityList', children: QUANTITIES },
  ...leaf('action', 'transformationID', 'bizStep', 'disposition'),
  { name: 'persistentDisposition', children: leaf('set', 'unset') },
  { name: 'readPoint', children: leaf('id'), extensions: true },
  { name: 'bizLocation', children: leaf('id'), extensions: true },
  {
    name: 'sensorElementList',
    children: [
      {
        name: 'sensorElement',
        extensions: true,
        children: [
          { name: 'sensorMetadata', children: SENSOR_METADATA, extensions: true },
          { name: 'sensorReport', children: SENSOR_REPORT, extensions: true },
        ],
      },
    ],
  },
]
const EVENT_FIELDS = new Set(EVENT_ORDER.map((order) => order.name))
/** Event fields outside the hash: `type` is written first as eventType. */
const EXCLUDED_FIELDS = new Set(['type', 'recordTime', 'eventID', 'errorDeclaration'])
/** Keys never written, at any depth. */
const IGNORED_KEYS = new Set(['#text', 'rdfs:comment', 'comment'])
const ENTRY_LISTS = new Set(['bizTransaction', 'source', 'destination'])
const QUANTITY_ELEMENTS = new Set(['inputQuantity', 'outputQuantity', 'childQuantity'])
const USER_EXTENSION = /^\{[^}]*\/\}/

/** The reference's tests mark fields a repository added, which its hash leaves out, by this document field. */
const IGNORE_FIELDS = '{https://repository-x.example.com/}ignoreFields'

export interface EventHashOptions {
  /** the event's JSON-LD @context (its own, or its document's): namespace prefixes of extension fields */
  context?: unknown
  /** keys of the event left out (the document's ignoreFields) */
  ignore?: readonly string[]
  /** other events of its document: the reference expands bare vocabulary terms document-wide */
  siblings?: readonly Json[]
}

/**
 * The pre-hash string of an EPCIS 2.0 event in GS1's JSON-LD form (attacker-controlled; never throws for a
 * JSON object as deep as a statement may be). Its own @context, when it has one, is taken for
 * `options.context`; with none, bare CBV terms still read as the EPCIS 2.0 context says, as GS1's schema implies.
 */
export function eventPreHash(event: Json, options: EventHashOptions = {}): string {
  const { '@context': own, ...fields } = event
  const namespaces = namespacesOf(options.context ?? own)
  const replace = vocabularyReplacer(expandedVocabulary([fields, ...(options.siblings ?? [])], namespaces))
  const ignored = new Set([...EXCLUDED_FIELDS, ...(options.ignore ?? []).map((key) => expandKey(key, namespaces))])
  const nodes = structured(nodesOfObject(fields, { namespaces, replace })).filter((node) => !ignored.has(node.name))
  const { text, unused } = writeInOrder(nodes, EVENT_ORDER)
  const rest = nodes.filter((node) => !EVENT_FIELDS.has(node.name) || unused.has(node))
  const type = typeof fields.type === 'string' ? replace(fields.type) : ''
  return `eventType=${type}${text}${sortedJoin(rest.map(writeGeneric))}`
}

/** The hash ID of a pre-hash string. */
export function hashIdOfPreHash(preHash: string): string {
  return `ni:///sha-256;${toHex(sha256(utf8(preHash)))}?ver=${EVENT_HASH_VERSION}`
}

/** The CBV 2.0 event hash ID of an EPCIS 2.0 event (see eventPreHash). */
export function eventHashId(event: Json, options: EventHashOptions = {}): string {
  return hashIdOfPreHash(eventPreHash(event, options))
}

/**
 * The pre-hash strings of every event of an EPCISDocument or EPCISQueryDocument (or a document of one
 * `epcisBody.event`), in document order, with the document's @context and the ignoreFields of the
 * document, its body or its query results. Undefined for anything else.
 */
export function documentPreHashes(document: unknown): string[] | undefined {
  if (!isObject(document) || !isObject(document.epcisBody)) return undefined
  const body = document.epcisBody
  const query = isObject(body.queryResults) ? body.queryResults : undefined
  const results = query && isObject(query.resultsBody) ? query.resultsBody.eventList : undefined
  const list = body.eventList ?? results ?? (body.event !== undefined ? [body.event] : undefined)
  if (!Array.isArray(list)) return undefined
  const events = list.filter(isObject)
  const context = document['@context']
  const namespaces = namespacesOf(context)
  const ignore: string[] = []
  for (const holder of [document, body, query ?? {}]) {
    for (const [key, value] of Object.entries(holder)) {
      if (expandKey(key, namespaces) === IGNORE_FIELDS && Array.isArray(value)) ignore.push(...value.filter((k): k is string => typeof k === 'string'))
    }
  }
  return events.map((event) => eventPreHash(event, { context, ignore, siblings: events }))
}

// ---- JSON as the reference's tree of fields

/** Prefixes declared inline: each object in a @context array (the reference reads no other form). */
function namespacesOf(context: unknown): Map<string, string> {
  const namespaces = new Map<string, string>()
  if (!Array.isArray(context)) return namespaces
  for (const item of context) {
    if (!isObject(item)) continue
    for (const [prefix, namespace] of Object.entries(item)) if (typeof namespace === 'string') namespaces.set(prefix, namespace)
  }
  return namespaces
}

/** `prefix:name` with a declared prefix as `{namespace}name`. */
function expandKey(key: string, namespaces: Map<string, string>): string {
  const colon = key.indexOf(':')
  const namespace = colon > 0 ? namespaces.get(key.slice(0, colon)) : undefined
  return namespace === undefined ? key : `{${namespace}}${key.slice(colon + 1)}`
}

/** A value `prefix:name` with a declared prefix as namespace + name. */
function expandValue(value: string, namespaces: Map<string, string>): string {
  const colon = value.indexOf(':')
  const namespace = colon > 0 ? namespaces.get(value.slice(0, colon)) : undefined
  return namespace === undefined ? value : namespace + value.slice(colon + 1)
}

/** How scalars read: CURIE prefixes declared inline, and the bare vocabulary terms replaced. */
interface Reading {
  namespaces: Map<string, string>
  replace: (value: string) => string
}

function nodesOfObject(object: Json, reading: Reading): Node[] {
  const nodes: Node[] = []
  for (const key in object) {
    if (!Object.hasOwn(object, key) || IGNORED_KEYS.has(key)) continue
    const name = expandKey(key, reading.namespaces)
    const value = object[key]
    if (Array.isArray(value)) for (const item of value) nodes.push(nodeOf(name, item, reading))
    else nodes.push(nodeOf(name, value, reading))
  }
  return nodes
}

/** The node of one value; the items of a list in a list become children without names. */
function nodeOf(name: string, value: unknown, reading: Reading): Node {
  if (Array.isArray(value)) return { name, value: '', children: value.map((item) => nodeOf('', item, reading)) }
  if (isObject(value)) {
    const text = value['#text']
    return { name, value: typeof text === 'string' ? reading.replace(text) : '', children: nodesOfObject(value, reading) }
  }
  return { name, value: scalarText(value, reading), children: [] }
}

/** A JSON scalar as Python's str() writes what json.loads made of it. */
function scalarText(value: unknown, reading: Reading): string {
  if (typeof value === 'string') return expandValue(reading.replace(value), reading.namespaces)
  if (typeof value === 'number') return Number.isFinite(value) ? formatPythonNumber(value) : String(value)
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return 'None'
}

/**
 * The reference's model of EPCIS XML, at every level: the items of `xList` as children `x` of one `xList`,
 * childEPCs as `epc` children, input and output EPCs as `epc`, quantity elements as `quantityElement`,
 * bizTransaction, source and destination items as entries. Rewrites the nodes, which are the caller's own.
 */
function structured(children: Node[]): Node[] {
  let lists: Map<string, Node> | undefined
  const out: Node[] = []
  for (const child of children) {
    const list = child.name.endsWith('List') || child.name === 'childEPCs' ? child.name : undefined
    if (list === undefined) {
      out.push(child)
      continue
    }
    let node = (lists ??= new Map()).get(list)
    if (!node) lists.set(list, (node = { name: list, value: '', children: [] }))
    child.name = list === 'childEPCs' ? 'epc' : list.slice(0, -4)
    node.children.push(child)
  }
  if (lists) out.push(...lists.values())
  for (const node of out) {
    if (node.children.length > 0) node.children = structured(node.children)
    rename(node)
  }
  return out
}

function rename(node: Node): void {
  if (node.name === 'inputEPC' || node.name === 'outputEPC') node.name = 'epc'
  else if (QUANTITY_ELEMENTS.has(node.name) || (node.name === 'quantity' && node.children.length > 0)) node.name = 'quantityElement'
  else if (ENTRY_LISTS.has(node.name) && node.children.length > 0) node.entry = true
}

// ---- writing the pre-hash string

/** The fields named by `order`, each list of one name sorted; and the nodes that held a child no order named. */
function writeInOrder(children: Node[], order: Order[]): { text: string; unused: Set<Node> } {
  const byName = new Map<string, Node[]>()
  for (const child of children) {
    const named = byName.get(child.name)
    if (named) named.push(child)
    else byName.set(child.name, [child])
  }
  let text = ''
  const unused = new Set<Node>()
  for (const { name, children: childOrder, extensions } of order) {
    const named = byName.get(name)
    if (!named) continue
    const values: string[] = []
    for (const child of named) {
      const written = writeOrdered(child, childOrder, extensions === true)
      if (written.text !== '') values.push(written.text)
      if (written.unused) unused.add(child)
    }
    text += sortedJoin(values)
  }
  return { text, unused }
}

function writeOrdered(node: Node, order: Order[] | undefined, extensions: boolean): { text: string; unused: boolean } {
  let children = ''
  let unused = order === undefined && node.children.length > 0
  if (order !== undefined) {
    const inner = writeInOrder(node.children, order)
    const named = namesOf(order)
    const userExtensions = extensions ? node.children.filter((c) => !named.has(c.name) && USER_EXTENSION.test(c.name)) : []
    children = inner.text + sortedJoin(userExtensions.map(writeGeneric))
    unused = inner.unused.size > 0 || node.children.some((c) => !named.has(c.name) && !userExtensions.includes(c))
  }
  const value = stripValue(node.value)
  const text = value === '' ? '' : `=${isTimestampField(node.name) ? (canonicalTimestamp(value) ?? value) : canonicalValue(value)}`
  return { text: text !== '' || children !== '' ? node.name + text + children : '', unused }
}

const orderNames = new WeakMap<Order[], ReadonlySet<string>>()

/** The names an order writes, worked out once per order. */
function namesOf(order: Order[]): ReadonlySet<string> {
  let names = orderNames.get(order)
  if (!names) orderNames.set(order, (names = new Set(order.map((o) => o.name))))
  return names
}

/** Any field a remaining one: name, value, children sorted (an entry's in their JSON order). */
function writeGeneric(node: Node): string {
  if (node.entry) return node.children.map(writeGeneric).join('')
  const value = stripValue(node.value)
  return node.name + (value === '' ? '' : `=${canonicalValue(value)}`) + sortedJoin(node.children.map(writeGeneric))
}

function isTimestampField(name: string): boolean {
  const lower = name.toLowerCase()
  return lower.includes('time') && !lower.includes('offset')
}

/** Sorted by code point, as Python sorts strings, and joined. */
function sortedJoin(values: string[]): string {
  return values.length < 2 ? (values[0] ?? '') : values.sort(compareCodePoints).join('')
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
