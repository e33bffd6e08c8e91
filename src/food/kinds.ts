// The food statement kinds: food.product, food.event (one EPCIS 2.0 event), food.recall, food.inspection. Each
// checks its rules and writes its indexes and alerts (alerts.ts) with the entry, in the same batch.

import { fail } from '../core/errors.js'
import type { RuleContext, StatementKind } from '../ledger/kinds.js'
import { validateEpcisEvent } from './epcis-schema.js'
import { identifierKey, isValidGs1Key, parseIdentifier, toDigitalLink } from './identifiers.js'
import { bizStepOf, canonicalObject, dispositionOf, edgesOf, eventOf, objectsOf, utcMillis, type EpcisEvent } from './objects.js'
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
import { raiseFoodAlerts } from './alerts.js'
import { inspectionKind } from './inspection.js'

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

export const foodKinds: StatementKind[] = [productKind, eventKind, recallKind, inspectionKind]

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
