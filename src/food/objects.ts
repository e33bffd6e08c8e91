// What an EPCIS event is about: every object and lot it names, in canonical form, with the role it
// plays (what is input, output, parent, child), its locations and its sensor readings.

import { parseDateTime } from '../core/date-time.js'
import { contextPrefixesOf, normaliseBizStep, normaliseDisposition } from './cbv.js'
import { identifierKey, parseIdentifier, toEpcUrn, type Gs1Identifier } from './identifiers.js'
import type { ObjectRecord, ObjectRef, ObjectRole } from './records.js'

export const EPCIS_EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransformationEvent', 'TransactionEvent', 'AssociationEvent'] as const

export interface EpcisQuantity {
  epcClass: string
  quantity?: number
  uom?: string
}

/** The parts of an EPCIS 2.0 event we index; the schema has already checked its shape. */
export interface EpcisEvent {
  type: string
  eventTime: string
  eventTimeZoneOffset: string
  eventID?: string
  action?: string
  bizStep?: string
  disposition?: string
  readPoint?: { id: string }
  bizLocation?: { id: string }
  epcList?: string[]
  quantityList?: EpcisQuantity[]
  parentID?: string
  childEPCs?: string[]
  childQuantityList?: EpcisQuantity[]
  inputEPCList?: string[]
  inputQuantityList?: EpcisQuantity[]
  outputEPCList?: string[]
  outputQuantityList?: EpcisQuantity[]
  sourceList?: { type: string; source: string }[]
  destinationList?: { type: string; destination: string }[]
  bizTransactionList?: { type?: string; bizTransaction: string }[]
  sensorElementList?: SensorElement[]
  certificationInfo?: string | string[]
  errorDeclaration?: { declarationTime: string; reason?: string; correctiveEventIDs?: string[] }
  [extension: string]: unknown
}

export interface SensorReport {
  type?: string
  value?: number
  minValue?: number
  maxValue?: number
  meanValue?: number
  /** the reading at percentile percRank: one of the readings, so judged as one */
  percValue?: number
  uom?: string
  time?: string
  exception?: string
}

export interface SensorElement {
  sensorMetadata?: { time?: string; startTime?: string; endTime?: string; deviceID?: string }
  sensorReport?: SensorReport[]
}

/** A food.event body is the EPCIS event itself (schemas/food.event.json), with an optional "@context". */
export function eventOf(body: Record<string, unknown>): EpcisEvent {
  return body as EpcisEvent
}

/** Company prefix lengths learned from registered products, for turning Digital Links into EPC URNs. */
export type PrefixLengthLookup = (gtin: string) => number | undefined

export interface CanonicalObject {
  id: string
  key: string
  identifier: Gs1Identifier
}

export function canonicalObject(text: string, prefixLength?: PrefixLengthLookup): CanonicalObject {
  const identifier = parseIdentifier(text)
  const length = identifier.companyPrefixLength ?? (identifier.gtin ? prefixLength?.(identifier.gtin) : undefined)
  return { id: toEpcUrn(identifier, length), key: identifierKey(identifier), identifier }
}

/**
 * The key of the lot a serialised item belongs to, where its identifier names one (a Digital Link's 10 beside
 * its 21): an item is keyed by GTIN and serial alone, yet it is of that lot, and answers to its recall.
 */
export function itemLotKey(identifier: Gs1Identifier): string | undefined {
  if (identifier.kind !== 'sgtin' || identifier.lot === undefined || identifier.gtin === undefined) return undefined
  return identifierKey({ kind: 'lgtin', gtin: identifier.gtin, lot: identifier.lot, ...(identifier.cpv !== undefined ? { cpv: identifier.cpv } : {}) })
}

/** A serialised item's key: "01/<gtin>[/22/<cpv>]/21/<serial>" (values are escaped, so no value holds "/"). */
export function isItemKey(key: string): boolean {
  return key.startsWith('01/') && key.includes('/21/')
}

/** A lot's key: "01/<gtin>[/22/<cpv>]/10/<lot>" (an item's key holds no "/10/": its lot is not part of it). */
export function isLotKey(key: string): boolean {
  return key.startsWith('01/') && key.includes('/10/')
}

/** The key of the lot the ledger first knew an item under: its record's Digital Link's 10, when it had one. */
export function recordedLotKey(record: ObjectRecord | undefined): string | undefined {
  if (record?.lot === undefined) return undefined
  try {
    return itemLotKey(parseIdentifier(record.digitalLink))
  } catch {
    return undefined
  }
}

/**
 * The index key of an identifier found in a stored event or a trace graph; text the parser refuses
 * is its own key, so it still compares equal to itself. Never throws.
 */
export function keyOrText(text: string): string {
  try {
    return identifierKey(parseIdentifier(text))
  } catch {
    return text
  }
}

/** Every object the event names, once per role. Throws IDENTIFIER_INVALID / CHECK_DIGIT_INVALID. */
export function objectsOf(event: EpcisEvent, prefixLength?: PrefixLengthLookup): (ObjectRef & { identifier: Gs1Identifier })[] {
  const out: (ObjectRef & { identifier: Gs1Identifier })[] = []
  const seen = new Set<string>()
  const add = (text: string | undefined, role: ObjectRole) => {
    if (!text) return
    const object = canonicalObject(text, prefixLength)
    const mark = `${role}\u0000${object.key}`
    if (seen.has(mark)) return
    seen.add(mark)
    out.push({ id: object.id, key: object.key, role, identifier: object.identifier })
  }
  for (const epc of event.epcList ?? []) add(epc, 'epc')
  for (const q of event.quantityList ?? []) add(q.epcClass, 'class')
  add(event.parentID, 'parent')
  for (const epc of event.childEPCs ?? []) add(epc, 'child')
  for (const q of event.childQuantityList ?? []) add(q.epcClass, 'child')
  for (const epc of event.inputEPCList ?? []) add(epc, 'input')
  for (const q of event.inputQuantityList ?? []) add(q.epcClass, 'input')
  for (const epc of event.outputEPCList ?? []) add(epc, 'output')
  for (const q of event.outputQuantityList ?? []) add(q.epcClass, 'output')
  return out
}

/** Edges of the provenance graph: what went into what. Transformations link inputs to outputs;
 *  aggregations, associations and transactions link children to the parent that carries them. */
export function edgesOf<T extends ObjectRef>(event: EpcisEvent, objects: readonly T[]): { from: T; to: T }[] {
  const byRole = (...roles: ObjectRole[]) => objects.filter((o) => roles.includes(o.role))
  if (event.type === 'TransformationEvent') {
    const inputs = byRole('input')
    const outputs = byRole('output')
    return inputs.flatMap((from) => outputs.map((to) => ({ from, to })))
  }
  if (event.action === 'DELETE') return []
  const parent = byRole('parent')[0]
  if (!parent) return []
  if (event.type === 'AggregationEvent' || event.type === 'AssociationEvent') return byRole('child').map((from) => ({ from, to: parent }))
  if (event.type === 'TransactionEvent') return byRole('epc', 'class').map((from) => ({ from, to: parent }))
  return []
}

export function bizStepOf(event: EpcisEvent): string | undefined {
  return event.bizStep ? normaliseBizStep(event.bizStep, contextPrefixesOf(event)) : undefined
}

export function dispositionOf(event: EpcisEvent): string | undefined {
  return event.disposition ? normaliseDisposition(event.disposition, contextPrefixesOf(event)) : undefined
}

/** eventTime in UTC with milliseconds, for ordering keys; read by core/date-time.ts, as the browser reads it. */
export function utcMillis(time: string): string {
  const parsed = parseDateTime(time)
  return parsed === undefined ? time : new Date(parsed).toISOString()
}

/** The UN/CEFACT Rec 20 temperature units EPCIS 2.0 sensor reports use (CEL, FAH, KEL), as °C; a report with no
 *  uom is read as °C, as it always was. Any other unit (lower case included: Rec 20 codes are upper case) is none. */
const TO_CELSIUS: Readonly<Record<string, (value: number) => number>> = {
  CEL: (value) => value,
  FAH: (value) => ((value - 32) * 5) / 9,
  KEL: (value) => value - 273.15,
}

/** `value` in °C, or undefined when `uom` (attacker-controlled) is not a temperature unit. The node's alert, its
 *  write-time refusal and the consumer page's chart all read units through this one function. */
export function celsiusOf(value: number, uom: string | undefined): number | undefined {
  if (uom === undefined) return value
  return Object.hasOwn(TO_CELSIUS, uom) ? TO_CELSIUS[uom](value) : undefined
}

function isTemperatureReport(report: SensorReport): boolean {
  return typeof report.type === 'string' && /(^|[/:])Temperature$/.test(report.type)
}

/** The temperature reports of the event, each with the time it is read at. */
function temperatureReports(event: EpcisEvent): { report: SensorReport; time?: string }[] {
  return (event.sensorElementList ?? []).flatMap((element) =>
    (element.sensorReport ?? []).filter(isTemperatureReport).map((report) => ({ report, time: report.time ?? element.sensorMetadata?.time })),
  )
}

/** Temperatures in °C from the event's sensor reports (CEL, or FAH and KEL converted): each value, and a percentile's.
 *  A report in a unit that is no temperature (an old log's, recorded before such units were refused) gives none. */
export function temperatureReadings(event: EpcisEvent): { celsius: number; time?: string }[] {
  const out: { celsius: number; time?: string }[] = []
  for (const { report, time } of temperatureReports(event)) {
    for (const value of [report.value, report.minValue, report.maxValue, report.meanValue, report.percValue]) {
      if (typeof value !== 'number') continue
      const celsius = celsiusOf(value, report.uom)
      if (celsius !== undefined) out.push({ celsius, time })
    }
  }
  return out
}

/** The temperature reports whose sensor itself raised ALARM_CONDITION (with a value or without): an excursion the
 *  logger saw against its own thresholds; bare or as CBV's URI (cbv:SensorAlertType-ALARM_CONDITION). ERROR_CONDITION
 *  (the sensor failed) says nothing about the goods. */
export function temperatureAlarms(event: EpcisEvent): { time?: string }[] {
  return temperatureReports(event)
    .filter(({ report }) => typeof report.exception === 'string' && /(^|SensorAlertType-)ALARM_CONDITION$/.test(report.exception))
    .map(({ time }) => (time === undefined ? {} : { time }))
}

/** The first temperature report's uom that is no temperature unit, for refusing a new event that carries one. */
export function foreignTemperatureUnit(event: EpcisEvent): string | undefined {
  return temperatureReports(event).find(({ report }) => report.uom !== undefined && celsiusOf(0, report.uom) === undefined)?.report.uom
}

/** Mass in kilograms for the UN/ECE Rec 20 mass units, undefined for others. */
export function kilograms(quantity: number, uom: string | undefined): number | undefined {
  const factor: Record<string, number> = { KGM: 1, GRM: 0.001, TNE: 1000, LBR: 0.45359237, ONZ: 0.028349523125, MGM: 0.000001 }
  const f = uom ? factor[uom] : undefined
  return f === undefined ? undefined : quantity * f
}

/** The event's certificationInfo links that are http(s) URLs. */
export function certificatesOf(event: EpcisEvent): string[] {
  const info = event.certificationInfo
  const list = Array.isArray(info) ? info : info ? [info] : []
  return list.filter((url): url is string => typeof url === 'string' && /^https?:\/\//.test(url))
}

/** The first of the ILMD date fields `names` (bare or cbvmda:-prefixed) the event carries. */
export function ilmdDate(event: EpcisEvent, ...names: string[]): string | undefined {
  const ilmd = event.ilmd as Record<string, unknown> | undefined
  for (const name of names) {
    const value = ilmd?.[name] ?? ilmd?.[`cbvmda:${name}`]
    if (typeof value === 'string') return value
  }
  return undefined
}
