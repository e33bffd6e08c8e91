// The food statement kinds: food.product, food.event (one EPCIS 2.0 event), food.recall. Each checks
// its rules and writes its indexes and alerts with the entry, in the same batch.

import { fail } from '../core/errors.js'
import type { RuleContext, StatementKind } from '../ledger/kinds.js'
import { alertRecord, type Alert } from '../ledger/alerts.js'
import { validateEpcisEvent } from './epcis-schema.js'
import { identifierKey, isValidGs1Key, parseIdentifier } from './identifiers.js'
import {
  bizStepOf,
  canonicalObject,
  dispositionOf,
  edgesOf,
  eventOf,
  kilograms,
  objectsOf,
  temperatureReadings,
  utcMillis,
  type EpcisEvent,
} from './objects.js'
import { joinKey, seqKey } from '../store/keys.js'
import {
  SPACES,
  type EdgeRecord,
  type FoodEventRecord,
  type ObjectEventLink,
  type ObjectRecord,
  type ProductRecord,
  type QuantityMove,
  type RecallRecord,
} from './records.js'
import { toDigitalLink } from './identifiers.js'
import { contentsOf, findRecall, gtinOfKey, latestShipment, lotBalance, productOf } from './queries.js'

/** Steps that move a lot towards consumers: after a recall they raise EVENT_AFTER_RECALL. */
export const DISTRIBUTION_STEPS = new Set(['shipping', 'departing', 'retail_selling', 'dispensing', 'loading', 'transporting', 'staging_outbound'])
export const RECEIVING_STEPS = new Set(['receiving', 'arriving', 'accepting'])
/** How far a transformation's output mass may exceed its input mass before MASS_BALANCE (moisture, brine). */
export const MASS_BALANCE_TOLERANCE = 0.02

const productKind: StatementKind = {
  type: 'food.product',
  roles: ['farm', 'processor'],
  async accept(ctx) {
    const body = ctx.statement.body as Omit<ProductRecord, 'owner' | 'seqs'>
    if (!isValidGs1Key(body.gtin)) fail('CHECK_DIGIT_INVALID', `GTIN ${body.gtin} has a wrong check digit`, { gtin: body.gtin })
    const existing = await ctx.get<ProductRecord>(SPACES.product, body.gtin)
    if (existing && existing.owner !== ctx.actor.id) {
      fail('PRODUCT_OWNED', `GTIN ${body.gtin} is registered by ${existing.owner}`, { gtin: body.gtin, owner: existing.owner })
    }
    ctx.put(SPACES.product, body.gtin, { ...body, owner: ctx.actor.id, seqs: [...(existing?.seqs ?? []), ctx.seq] } satisfies ProductRecord)
  },
}

const eventKind: StatementKind = {
  type: 'food.event',
  roles: ['farm', 'processor', 'logistics', 'retailer', 'regulator'],
  // GS1's schema, before the statement is queued (in a worker thread on the server).
  check(statement) {
    validateEpcisEvent(eventOf(statement.body))
  },
  async accept(ctx) {
    const event = eventOf(ctx.statement.body)
    const prefixLengths = await learnPrefixLengths(ctx, event)
    checkLocations(ctx, event)
    const objects = objectsOf(event, (gtin) => prefixLengths.get(gtin))
    const eventTime = utcMillis(event.eventTime)
    const bizStep = bizStepOf(event)
    const record: FoodEventRecord = {
      seq: ctx.seq,
      actor: ctx.actor.id,
      recordedAt: ctx.recordedAt,
      eventType: event.type,
      eventTime,
      eventTimeZoneOffset: event.eventTimeZoneOffset,
      ...(event.action ? { action: event.action } : {}),
      ...(bizStep ? { bizStep } : {}),
      ...(event.disposition ? { disposition: dispositionOf(event) } : {}),
      ...(event.readPoint ? { readPoint: locationKey(event.readPoint.id) } : {}),
      ...(event.bizLocation ? { bizLocation: locationKey(event.bizLocation.id) } : {}),
      ...(event.destinationList?.length ? { destinations: event.destinationList.map((d) => locationKey(d.destination)) } : {}),
      objects: objects.map(({ id, key, role }) => ({ id, key, role })),
      ...(event.eventID ? { eventId: event.eventID } : {}),
    }
    const k = seqKey(ctx.seq)
    ctx.put(SPACES.event, k, record)
    ctx.put(SPACES.byTime, joinKey(eventTime, k), 1)
    if (bizStep) ctx.put(SPACES.byStep, joinKey(bizStep, eventTime, k), 1)
    for (const location of new Set([record.readPoint, record.bizLocation].filter((l): l is string => !!l))) {
      ctx.put(SPACES.byLocation, joinKey(location, eventTime, k), 1)
    }
    for (const object of objects) {
      const link: ObjectEventLink = { seq: ctx.seq, role: object.role, eventType: event.type, eventTime, ...(bizStep ? { bizStep } : {}) }
      ctx.put(SPACES.byObject, joinKey(object.key, k), link)
      if (!(await ctx.get<ObjectRecord>(SPACES.object, object.key))) {
        const { gtin, lot, serial } = object.identifier
        ctx.put(SPACES.object, object.key, {
          id: object.id,
          key: object.key,
          digitalLink: toDigitalLink(object.identifier),
          ...(gtin ? { gtin } : {}),
          ...(lot !== undefined ? { lot } : {}),
          ...(serial !== undefined ? { serial } : {}),
          producer: ctx.actor.id,
          firstSeq: ctx.seq,
        } satisfies ObjectRecord)
      }
    }
    for (const { from, to } of edgesOf(event, objects)) {
      const edge: EdgeRecord = { from: from.id, to: to.id, seq: ctx.seq, eventType: event.type, eventTime, ...(bizStep ? { bizStep } : {}) }
      ctx.put(SPACES.forward, joinKey(from.key, to.key, k), edge)
      ctx.put(SPACES.backward, joinKey(to.key, from.key, k), edge)
    }
    await recordQuantities(ctx, event, prefixLengths)
    await raiseFoodAlerts(ctx, event, record)
  },
}

const recallKind: StatementKind = {
  type: 'food.recall',
  roles: ['regulator', 'farm', 'processor', 'logistics', 'retailer'],
  async accept(ctx) {
    const body = ctx.statement.body as { ids: string[]; reason: string; severity: string }
    const isRegulator = ctx.actor.roles.includes('regulator')
    for (const text of body.ids) {
      const object = canonicalObject(text)
      const known = await ctx.get<ObjectRecord>(SPACES.object, object.key)
      if (!isRegulator && known?.producer !== ctx.actor.id) {
        fail('RECALL_FORBIDDEN', `${ctx.actor.id} did not produce ${object.id}; only its producer or a regulator may recall it`, {
          id: object.id,
          producer: known?.producer,
        })
      }
      ctx.put(SPACES.recall, object.key, {
        id: known?.id ?? object.id,
        seq: ctx.seq,
        at: ctx.recordedAt,
        by: ctx.actor.id,
        reason: body.reason,
        severity: body.severity,
      } satisfies RecallRecord)
    }
  },
}

export const foodKinds: StatementKind[] = [productKind, eventKind, recallKind]

/** What a check worker imports to run the kinds' own checks (StatementKind.check). */
export const kinds = foodKinds

/** The key of a location (SGLN or GLN in any form); a non-GS1 location keeps its own text. */
export function locationKey(text: string): string {
  return identifierKey(parseIdentifier(text))
}

/** An actor's registered locations, parsed: once per version of its record (records are never changed in place). */
const parsedLocations = new WeakMap<readonly string[], { key: string; gln?: string; extension?: string }[]>()

function allowedLocations(locations: readonly string[]): { key: string; gln?: string; extension?: string }[] {
  let parsed = parsedLocations.get(locations)
  if (!parsed) {
    parsed = locations.map((text) => {
      const id = parseIdentifier(text)
      return { key: identifierKey(id), gln: id.gln, extension: id.extension }
    })
    parsedLocations.set(locations, parsed)
  }
  return parsed
}

/** An actor with registered locations may record events only at them (a GLN without extension covers its sub-locations). */
function checkLocations(ctx: RuleContext, event: EpcisEvent): void {
  if (ctx.actor.locations.length === 0) return
  const allowed = allowedLocations(ctx.actor.locations)
  for (const [field, id] of [['readPoint', event.readPoint?.id], ['bizLocation', event.bizLocation?.id]] as const) {
    if (!id) continue
    const location = parseIdentifier(id)
    const key = identifierKey(location)
    const ok = allowed.some((a) => a.key === key || (a.gln !== undefined && a.gln === location.gln && a.extension === undefined))
    if (!ok) {
      fail('LOCATION_NOT_ALLOWED', `${field} ${id} is not one of ${ctx.actor.id}'s registered locations`, {
        field,
        location: id,
        allowed: ctx.actor.locations,
      })
    }
  }
}

/** Company prefix lengths of the products the event names, so Digital Links become the same URNs as the producer's. */
async function learnPrefixLengths(ctx: RuleContext, event: EpcisEvent): Promise<Map<string, number>> {
  const lengths = new Map<string, number>()
  const texts = [
    ...(event.epcList ?? []),
    ...(event.childEPCs ?? []),
    ...(event.inputEPCList ?? []),
    ...(event.outputEPCList ?? []),
    ...[event.quantityList, event.childQuantityList, event.inputQuantityList, event.outputQuantityList].flatMap((l) => (l ?? []).map((q) => q.epcClass)),
    ...(event.parentID ? [event.parentID] : []),
  ]
  for (const text of texts) {
    const id = parseIdentifier(text)
    if (!id.gtin || lengths.has(id.gtin)) continue
    const product = await ctx.get<ProductRecord>(SPACES.product, id.gtin)
    if (product?.companyPrefixLength) lengths.set(id.gtin, product.companyPrefixLength)
  }
  return lengths
}

/** Produced and consumed quantities per lot, for MASS_BALANCE. */
async function recordQuantities(ctx: RuleContext, event: EpcisEvent, prefixLengths: Map<string, number>): Promise<void> {
  const move = (epcClass: string, quantity: number | undefined, uom: string | undefined, sign: 1 | -1) => {
    if (typeof quantity !== 'number') return
    const { key } = canonicalObject(epcClass, (gtin) => prefixLengths.get(gtin))
    ctx.put(SPACES.quantity, joinKey(key, seqKey(ctx.seq), sign > 0 ? 'in' : 'out'), {
      seq: ctx.seq,
      quantity: sign * quantity,
      uom: uom ?? 'EA',
    } satisfies QuantityMove)
  }
  if (event.type === 'TransformationEvent') {
    for (const q of event.inputQuantityList ?? []) move(q.epcClass, q.quantity, q.uom, -1)
    for (const q of event.outputQuantityList ?? []) move(q.epcClass, q.quantity, q.uom, 1)
  } else if (event.type === 'ObjectEvent' && event.action === 'ADD') {
    for (const q of event.quantityList ?? []) move(q.epcClass, q.quantity, q.uom, 1)
  }
}

async function raiseFoodAlerts(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord): Promise<void> {
  const alerts: Alert[] = []
  const base = { at: ctx.recordedAt, seqs: [ctx.seq] }
  const lots = record.objects.filter((o) => o.role !== 'parent' || event.type === 'ObjectEvent')

  // TEMPERATURE_EXCURSION: a reading outside the storage range of a product in the event.
  const readings = temperatureReadings(event)
  if (readings.length > 0) {
    const affected: string[] = []
    const details: string[] = []
    const candidates: { key: string; id: string }[] = [...record.objects]
    for (const object of record.objects) if (!gtinOfKey(object.key)) candidates.push(...(await contentsOf(ctx, object.key)))
    for (const object of candidates) {
      const product = await productOf(ctx, object.key)
      const range = product?.storage
      if (!range) continue
      const outside = readings.filter((r) => (range.minC !== undefined && r.celsius < range.minC) || (range.maxC !== undefined && r.celsius > range.maxC))
      if (outside.length === 0) continue
      affected.push(object.id)
      const worst = outside.reduce((a, b) => (Math.abs(b.celsius) > Math.abs(a.celsius) ? b : a))
      details.push(`${object.id}: ${outside.length} reading(s) outside ${range.minC ?? '-∞'}..${range.maxC ?? '∞'} °C (e.g. ${worst.celsius} °C)`)
    }
    if (affected.length > 0) alerts.push({ kind: 'TEMPERATURE_EXCURSION', ...base, ids: affected, message: details.join('; ') })
  }

  // MASS_BALANCE: outputs heavier than inputs allow, or a lot consumed beyond what was produced of it.
  if (event.type === 'TransformationEvent') {
    const mass = (list: EpcisEvent['inputQuantityList']) =>
      (list ?? []).reduce<number | undefined>((sum, q) => {
        const kg = typeof q.quantity === 'number' ? kilograms(q.quantity, q.uom) : undefined
        return sum === undefined || kg === undefined ? undefined : sum + kg
      }, 0)
    const input = mass(event.inputQuantityList)
    const output = mass(event.outputQuantityList)
    if (input !== undefined && output !== undefined && (event.inputQuantityList ?? []).length > 0 && output > input * (1 + MASS_BALANCE_TOLERANCE)) {
      alerts.push({
        kind: 'MASS_BALANCE',
        ...base,
        ids: record.objects.filter((o) => o.role === 'output').map((o) => o.id),
        message: `transformation outputs ${round(output)} kg from ${round(input)} kg of inputs`,
      })
    }
    for (const q of event.inputQuantityList ?? []) {
      const { key, id } = canonicalObject(q.epcClass)
      const balance = await lotBalance(ctx, key)
      if (balance.produced > 0 && balance.consumed > balance.produced * (1 + MASS_BALANCE_TOLERANCE)) {
        alerts.push({
          kind: 'MASS_BALANCE',
          ...base,
          ids: [id],
          message: `${id}: ${round(balance.consumed)} ${balance.uom} consumed in transformations, only ${round(balance.produced)} ${balance.uom} produced`,
        })
      }
    }
  }

  // EVENT_AFTER_RECALL: a recalled lot (or one made from a recalled lot) shipped or sold.
  if (record.bizStep && DISTRIBUTION_STEPS.has(record.bizStep)) {
    const recalled: string[] = []
    const reasons: string[] = []
    for (const object of lots) {
      const recall = await findRecall(ctx, object.key)
      if (recall) {
        recalled.push(object.id)
        reasons.push(`${object.id} (recalled at seq ${recall.seq}: ${recall.reason})`)
      }
    }
    if (recalled.length > 0) alerts.push({ kind: 'EVENT_AFTER_RECALL', ...base, ids: recalled, message: `${record.bizStep} of recalled ${reasons.join(', ')}` })
  }

  // BROKEN_CHAIN_OF_CUSTODY: received where it was never shipped to.
  if (record.bizStep && RECEIVING_STEPS.has(record.bizStep) && record.bizLocation) {
    const broken: string[] = []
    for (const object of record.objects) {
      const shipment = await latestShipment(ctx, object.key)
      if (!shipment) {
        broken.push(`${object.id} was never shipped`)
      } else if (shipment.destinations && !shipment.destinations.some((d) => sameLocation(d, record.bizLocation as string))) {
        broken.push(`${object.id} was shipped (seq ${shipment.seq}) to ${shipment.destinations.join(', ')}, not here`)
      }
    }
    if (broken.length > 0) {
      alerts.push({
        kind: 'BROKEN_CHAIN_OF_CUSTODY',
        ...base,
        ids: record.objects.map((o) => o.id),
        message: `received at ${record.bizLocation}: ${broken.join('; ')}`,
      })
    }
  }
  alerts.forEach((alert, i) => {
    const { space, key, value } = alertRecord(alert, `${seqKey(ctx.seq)}.${i}`)
    ctx.put(space, key, value)
  })
}

/** Two location keys name the same place, or one is the GLN that holds the other. */
function sameLocation(a: string, b: string): boolean {
  if (a === b) return true
  const glnOf = (key: string) => (key.startsWith('414/') ? key.split('/')[1] : undefined)
  const ga = glnOf(a)
  return ga !== undefined && ga === glnOf(b) && (!a.includes('/254/') || !b.includes('/254/'))
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
