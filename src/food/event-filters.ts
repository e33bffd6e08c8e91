// The SimpleEventQuery parameters that look inside an event (EPCIS 2.0 section 8.2.7.1; openapi.yaml
// components.parameters): EXISTS_, extension and ILMD fields, quantities, sensor reports, error
// declarations. Checked on each candidate event after the indexes narrowed the candidates.

import { fail } from '../core/errors.js'
import { normaliseErrorReason } from './cbv.js'
import { preciseInstant } from './dates.js'
import { listConditionOf } from './event-list-filters.js'
import { expandTerm, type Prefixes } from './json-ld-terms.js'

type Operator = 'EQ' | 'GT' | 'GE' | 'LT' | 'LE'
/** A value as a query compares it: a number, or an instant to the nanosecond (preciseInstant). */
type Comparable = { number: number } | { instant: string }
/** Whether one value (of a field, an attribute, a quantity) satisfies a condition. */
type ValueTest = (value: unknown, prefixes: Prefixes) => boolean
/** A condition on one record: the event, its ilmd, a quantity element, a sensor report with its metadata. */
interface Condition {
  test: (record: Record<string, unknown>, prefixes: Prefixes) => boolean
}

export interface EventFilters {
  /** each must hold on the event */
  event: Condition[]
  /** all must hold on one quantity element of the event */
  quantity: Condition[]
  /** all must hold on one sensor report (its attributes, else its sensorMetadata's) */
  sensor: Condition[]
}

/** The top-level fields of an EPCIS 2.0 event (section 7.4), which EXISTS_ takes by their bare names. */
const EVENT_FIELDS = new Set([
  'eventID', 'eventTime', 'eventTimeZoneOffset', 'recordTime', 'errorDeclaration', 'certificationInfo', 'epcList', 'parentID',
  'childEPCs', 'action', 'bizStep', 'disposition', 'persistentDisposition', 'readPoint', 'bizLocation', 'bizTransactionList',
  'sourceList', 'destinationList', 'sensorElementList', 'quantityList', 'childQuantityList', 'inputEPCList', 'inputQuantityList',
  'outputEPCList', 'outputQuantityList', 'transformationID', 'ilmd',
])
const QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'] as const
/** Sensor attributes holding URIs, compared as full IRIs (a CURIE as what its prefix means). */
const SENSOR_URIS = new Set(['deviceID', 'dataProcessingMethod', 'microorganism', 'chemicalSubstance', 'bizRules', 'uriValue'])
const SENSOR_NUMBERS = new Set(['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percValue', 'percRank'])
const SENSOR_TIMES = new Set(['time', 'startTime', 'endTime'])
/** Where a bare sensor type or component is a term: GS1's MeasurementType vocabulary, CBV 2.0's components. */
const TERM_BASES: Record<string, string> = { type: 'https://gs1.org/voc/', component: 'https://ref.gs1.org/cbv/Comp-' }

const COMPARISON = /^(EQ|GT|GE|LT|LE)_(.+)$/
/** A prefixed name (the schema's prefix:local, a prefix without _ so INNER_… and the like stay apart) or an IRI. */
const QUALIFIED = /^[A-Za-z][A-Za-z0-9.-]*:\S+$/
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** The filter parameters' forms, as the refusal of an unknown parameter and the API description list them. */
export const FILTER_PARAMETERS =
  'EXISTS_<field>, EXISTS_ILMD_<prefix:name>, EQ_|GT_|GE_|LT_|LE_<prefix:name> and _ILMD_<prefix:name>, EQ_|GT_|GE_|LT_|LE_quantity[_<uom>], ' +
  'EQ_type, EQ_deviceID, EQ_dataProcessingMethod, EQ_microorganism, EQ_chemicalSubstance, EQ_bizRules, EQ_stringValue, EQ_booleanValue, ' +
  'EQ_hexBinaryValue, EQ_uriValue, EQ_component, EQ_uom, EQ_|GT_|GE_|LT_|LE_value|minValue|maxValue|meanValue|sDev|percValue[_<uom>], ' +
  'EQ_|GT_|GE_|LT_|LE_percRank, GE_|LT_time|startTime|endTime, EQ_errorReason, EQ_correctiveEventID, GE_|LT_errorDeclarationTime, ' +
  'EQ_bizTransaction_<type>, EQ_source_<type>, EQ_destination_<type>, EQ_transformationID, EQ_persistentDisposition_set|unset'

/** Whether `name` is one of the parameters parseEventFilters reads. */
export function isFilterParameter(name: string): boolean {
  try {
    return conditionOf(name, [], {}) !== undefined
  } catch {
    // Only a parameter it recognised has its (here absent) value refused.
    return true
  }
}

/**
 * The filters among the query's parameters (attacker-controlled), `values(name)` giving each one's list.
 * `prefixes` are the namespaces the request declared (GS1-Extensions). Throws BAD_REQUEST for a value that
 * does not fit its parameter (a non-number for GE_value, a boolean that is not true or false).
 */
export function parseEventFilters(names: string[], values: (name: string) => string[], prefixes: Prefixes): EventFilters | undefined {
  const filters: EventFilters = { event: [], quantity: [], sensor: [] }
  let any = false
  for (const name of names) {
    const parsed = conditionOf(name, values(name), prefixes)
    if (!parsed) continue
    any = true
    if (parsed.condition) filters[parsed.on].push(parsed.condition)
  }
  return any ? filters : undefined
}

/** Whether `event` passes every filter; `prefixes` are the namespaces its own contexts define. */
export function filtersMatch(event: Record<string, unknown>, filters: EventFilters, prefixes: Prefixes): boolean {
  if (!filters.event.every((c) => c.test(event, prefixes))) return false
  if (filters.quantity.length > 0) {
    const elements = QUANTITY_LISTS.flatMap((list) => records(event[list]))
    if (!elements.some((element) => filters.quantity.every((c) => c.test(element, prefixes)))) return false
  }
  if (filters.sensor.length > 0) {
    // EPCIS 2.0 section 8.2.7.1: the sensor conditions hold together for one sensorReport.
    const reports = records(event.sensorElementList).flatMap((element) => {
      const metadata = records(element.sensorMetadata)[0] ?? {}
      return records(element.sensorReport).map((report) => ({ ...metadata, ...report }))
    })
    if (!reports.some((report) => filters.sensor.every((c) => c.test(report, prefixes)))) return false
  }
  return true
}

/** The condition a parameter is, and on what; undefined when `name` is no filter; no condition for EXISTS_…=false. */
function conditionOf(name: string, items: string[], prefixes: Prefixes): { on: keyof EventFilters; condition?: Condition } | undefined {
  const exists = /^EXISTS_(.+)$/.exec(name)?.[1]
  if (exists !== undefined) {
    const field = exists.startsWith('ILMD_') ? exists.slice(5) : exists
    const inIlmd = field !== exists
    if (!QUALIFIED.test(field) && (inIlmd || !EVENT_FIELDS.has(field))) return undefined
    if (!isTrue(name, items)) return { on: 'event' }
    const lookup = fieldLookup(field, prefixes)
    return { on: 'event', condition: { test: (event, p) => lookup(inIlmd ? records(event.ilmd)[0] : event, p).some(isPresent) } }
  }
  const match = COMPARISON.exec(name)
  if (!match) return undefined
  const operator = match[1] as Operator
  const rest = match[2] as string
  const condition = (on: keyof EventFilters, test: Condition['test']) => ({ on, condition: { test } })

  const quantity = /^quantity(?:_([A-Z0-9]{2,4}))?$/.exec(rest)
  if (quantity) {
    const uom = quantity[1]
    const test = numericTest(name, operator, items)
    return condition('quantity', (element) => (uom === undefined || element.uom === uom) && test(element.quantity, {}))
  }
  const sensorNumber = /^([a-zA-Z]+)(?:_([A-Z0-9]{2,4}))?$/.exec(rest)
  if (sensorNumber && SENSOR_NUMBERS.has(sensorNumber[1] as string) && !(sensorNumber[1] === 'percRank' && sensorNumber[2])) {
    const [, attribute, uom] = sensorNumber as unknown as [string, string, string | undefined]
    const test = numericTest(name, operator, items)
    return condition('sensor', (report) => (uom === undefined || report.uom === uom) && test(report[attribute], {}))
  }
  if (SENSOR_TIMES.has(rest) && (operator === 'GE' || operator === 'LT')) {
    const test = rangeTest(name, operator, items, 'instant')
    return condition('sensor', (report) => test(report[rest], {}))
  }
  if (operator === 'EQ') {
    const sensorText = sensorTextTest(name, rest, items, prefixes)
    if (sensorText) return condition('sensor', (report, p) => sensorText(report[rest], p))
    if (rest === 'errorReason') {
      const reasons = new Set(items.map((item) => normaliseErrorReason(item)))
      return condition('event', (event) => {
        const reason = errorDeclarationOf(event)?.reason
        return typeof reason === 'string' && reasons.has(normaliseErrorReason(reason))
      })
    }
    if (rest === 'correctiveEventID') {
      const ids = new Set(items)
      return condition('event', (event) => arrayOf(errorDeclarationOf(event)?.correctiveEventIDs).some((id) => typeof id === 'string' && ids.has(id)))
    }
  }
  if (operator === 'EQ') {
    const listed = listConditionOf(name, rest, items)
    if (listed) return condition('event', listed)
  }
  if (rest === 'errorDeclarationTime' && (operator === 'GE' || operator === 'LT')) {
    const test = rangeTest(name, operator, items, 'instant')
    return condition('event', (event) => test(errorDeclarationOf(event)?.declarationTime, {}))
  }
  const field = rest.startsWith('ILMD_') ? rest.slice(5) : rest
  if (!QUALIFIED.test(field)) return undefined
  const inIlmd = field !== rest
  const lookup = fieldLookup(field, prefixes)
  const test = operator === 'EQ' ? equalsTest(items, prefixes) : rangeTest(name, operator, items)
  return condition('event', (event, p) => lookup(inIlmd ? records(event.ilmd)[0] : event, p).some((value) => test(value, p)))
}

/** EQ_ of a sensor attribute that is not a number: URIs, vocabulary terms, strings, a boolean. Undefined for any other name. */
function sensorTextTest(name: string, attribute: string, items: string[], prefixes: Prefixes): ValueTest | undefined {
  if (SENSOR_URIS.has(attribute)) return equalsTest(items, prefixes)
  const base = TERM_BASES[attribute]
  if (base !== undefined) {
    const term = (value: string, p: Prefixes) => (value.includes(':') ? expandTerm(value, p) : base + value)
    return (value, p) => typeof value === 'string' && items.some((item) => term(item, { ...p, ...prefixes }) === term(value, p))
  }
  if (attribute === 'stringValue' || attribute === 'uom') return (value) => typeof value === 'string' && items.includes(value)
  if (attribute === 'hexBinaryValue') return (value) => typeof value === 'string' && items.some((item) => item.toLowerCase() === value.toLowerCase())
  if (attribute === 'booleanValue') {
    const wanted = isTrue(name, items)
    return (value) => value === wanted || value === String(wanted)
  }
  return undefined
}

/**
 * The values a field named `field` (prefix:local, or an IRI) has in a record: its keys compared as IRIs, a
 * prefix the request declared read as declared, any other as the record's own contexts define it.
 */
function fieldLookup(field: string, declared: Prefixes): (record: Record<string, unknown> | undefined, prefixes: Prefixes) => unknown[] {
  if (!QUALIFIED.test(field)) return (record) => (record && field in record ? [record[field]] : [])
  return (record, prefixes) => {
    if (!record) return []
    const wanted = iriForms(expandTerm(field, { ...prefixes, ...declared }))
    return Object.entries(record)
      .filter(([key]) => key.includes(':') && wanted.includes(expandTerm(key, prefixes)))
      .map(([, value]) => value)
  }
}

/** An IRI and, for the EPCIS 1.2 `namespace#localName` spelling, the namespace and name run together. */
function iriForms(iri: string): string[] {
  const hash = iri.lastIndexOf('#')
  return hash > 0 && !iri.slice(hash + 1).includes('/') ? [iri, iri.slice(0, hash) + iri.slice(hash + 1)] : [iri]
}

/** EQ_ of a field: a number equals a number (a numeric string too), an instant the same instant, a string the same string or IRI. */
function equalsTest(items: string[], declared: Prefixes): ValueTest {
  const wanted = items.map((item) => ({ item, a: comparable(item) }))
  const test: ValueTest = (value, prefixes) => {
    if (Array.isArray(value)) return value.some((v) => test(v, prefixes))
    const plain = literal(value)
    if (plain === undefined) return false
    const text = String(plain)
    const b = comparable(text)
    return wanted.some(({ item, a }) => {
      if (a && b) return 'number' in a && 'number' in b ? a.number === b.number : 'instant' in a && 'instant' in b && a.instant === b.instant
      return iriForms(expandTerm(item, { ...prefixes, ...declared })).includes(expandTerm(text, prefixes))
    })
  }
  return test
}

/**
 * GT_/GE_/LT_/LE_ of a number or an instant, as the value given is one or the other (`only` the one a
 * parameter takes). Throws BAD_REQUEST for any other value.
 */
function rangeTest(name: string, operator: Operator, items: string[], only?: 'instant'): ValueTest {
  const bound = comparable(single(name, items))
  if (!bound || (only === 'instant' && !('instant' in bound))) {
    fail('BAD_REQUEST', `${name} takes ${only === 'instant' ? 'an' : 'a number or an'} RFC 3339 date-time with a zone, not ${items[0]}`, { parameter: name })
  }
  const test: ValueTest = (value, prefixes) => {
    if (Array.isArray(value)) return value.some((v) => test(v, prefixes))
    const plain = literal(value)
    const given = plain === undefined ? undefined : comparable(String(plain))
    if (!given) return false
    if ('number' in bound && 'number' in given) return compare(operator, given.number - bound.number)
    if ('instant' in bound && 'instant' in given) return compare(operator, given.instant < bound.instant ? -1 : given.instant > bound.instant ? 1 : 0)
    return false
  }
  return test
}

/** A comparison of a number: EQ_ takes a list, the others one value. Throws BAD_REQUEST for a value that is no number. */
function numericTest(name: string, operator: Operator, items: string[]): ValueTest {
  const numbers = (operator === 'EQ' ? items : [single(name, items)]).map((item) => {
    if (!NUMBER.test(item)) fail('BAD_REQUEST', `${name} takes a number, not ${item}`, { parameter: name })
    return Number(item)
  })
  return (value) => {
    const given = typeof value === 'number' ? value : typeof value === 'string' && NUMBER.test(value) ? Number(value) : undefined
    if (given === undefined) return false
    return operator === 'EQ' ? numbers.includes(given) : compare(operator, given - (numbers[0] as number))
  }
}

function compare(operator: Operator, order: number): boolean {
  return operator === 'EQ' ? order === 0 : operator === 'GT' ? order > 0 : operator === 'GE' ? order >= 0 : operator === 'LT' ? order < 0 : order <= 0
}

function comparable(text: string): Comparable | undefined {
  if (NUMBER.test(text)) return { number: Number(text) }
  const instant = preciseInstant(text)
  return instant === undefined ? undefined : { instant }
}

/** A JSON-LD literal's value: a string, number or boolean, the @value of a value object, the @id of a node reference. */
function literal(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  const object = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  const inner = object?.['@value'] ?? object?.['@id']
  return typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean' ? inner : undefined
}

function single(name: string, items: string[]): string {
  if (items.length !== 1) fail('BAD_REQUEST', `${name} takes one value, not ${items.length}`, { parameter: name })
  return items[0] as string
}

/** EXISTS_… and EQ_booleanValue: true when given empty or `true`, false for `false`. Throws BAD_REQUEST otherwise. */
function isTrue(name: string, items: string[]): boolean {
  const value = items.length === 0 ? '' : single(name, items)
  if (value === '' || value === 'true') return true
  if (value === 'false') return false
  return fail('BAD_REQUEST', `${name} is true or false, not ${value}`, { parameter: name })
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)
}

function errorDeclarationOf(event: Record<string, unknown>): Record<string, unknown> | undefined {
  return records(event.errorDeclaration)[0]
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value]
}

function records(value: unknown): Record<string, unknown>[] {
  return arrayOf(value).filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v))
}
