// The food statement kinds: food.product, food.event (one EPCIS 2.0 event), food.recall, food.inspection. Each
// checks its rules and writes its indexes and alerts (alerts.ts) with the entry, in the same batch.

import { fail } from '../core/errors.js'
import type { Repeat, RuleContext, StatementKind } from '../ledger/kinds.js'
import { verifyNameVisible } from '../ledger/actor-kinds.js'
import { validateEpcisEvent } from './epcis-schema.js'
import { verifyEventTimeInRange } from './dates.js'
import { identifierKey, isValidGs1Key, parseIdentifier, toDigitalLink } from './identifiers.js'
import { bizStepOf, canonicalObject, dispositionOf, edgesOf, eventOf, foreignTemperatureUnit, itemLotKey, objectsOf, utcMillis, type EpcisEvent } from './objects.js'
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
import { lotIndexWrites } from './lot-index.js'
import { raiseFoodAlerts } from './alerts.js'
import { shipmentWrites } from './shipment-index.js'
import { checkMakers, madeObjects, mayMakeProduct } from './makers.js'
import { replacesRecall } from './recall-class.js'
import { carryRecalls, findRecall, markRecalled, recallMarkOf, recallWalkBudget } from './recall-index.js'
import { addAdjacentEdges } from './adjacency.js'
import { addLotMoves } from './lot-balance.js'
import { coveredLateAlerts, inspectionKind, recallLateAlert, settleRecallDue } from './inspection.js'
import { BEST_BEFORE_SPACE, bestBeforeOf, type BestBeforeRecord } from './best-before.js'
import { claimEventIds, foodEventHashId } from './event-ids.js'
import { declaredCteOf } from './fsma204-columns.js'
import { contextPrefixesOf, normaliseSourceDestType } from './cbv.js'
import { isDeclaration } from './corrections.js'
import { correctedBy, declarationOf, recordCorrections } from './correction-index.js'

const productKind: StatementKind = {
  type: 'food.product',
  roles: ['farm', 'processor'],
  async accept(ctx) {
    const body = ctx.statement.body as Omit<ProductRecord, 'owner' | 'seqs'>
    if (!isValidGs1Key(body.gtin)) fail('CHECK_DIGIT_INVALID', `GTIN ${body.gtin} has a wrong check digit`, { gtin: body.gtin })
    // A name that shows nothing would print as nothing on the label and the page. New statements only, as for actors.
    if (!ctx.replaying) verifyNameVisible(body.name, "a product's")
    const existing = await ctx.get<ProductRecord>(SPACES.product, body.gtin)
    if (existing && existing.owner !== ctx.actor.id) {
      fail('PRODUCT_OWNED', `GTIN ${body.gtin} is registered by ${existing.owner}`, { gtin: body.gtin, owner: existing.owner })
    }
    // A maker is a registered actor: an id nobody holds yet must not carry rights to whoever gets it.
    const unknown = (body.makers ?? []).filter((id) => !ctx.registry.get(id))
    if (unknown.length > 0) fail('RULE_VIOLATION', `makers ${unknown.join(', ')} are not registered actors`, { makers: unknown })
    ctx.put(SPACES.product, body.gtin, { ...body, owner: ctx.actor.id, seqs: [...(existing?.seqs ?? []), ctx.seq] } satisfies ProductRecord)
  },
}

const eventKind: StatementKind = {
  type: 'food.event',
  roles: ['farm', 'processor', 'logistics', 'retailer', 'regulator'],
  // GS1's schema, then the event's hash ID, before the statement is queued (in a worker thread on the server).
  check(statement) {
    validateEpcisEvent(eventOf(statement.body))
    verifyEventTimeInRange(eventOf(statement.body))
    declaredCteOf(statement.body as Record<string, unknown>)
  },
  facts(statement) {
    return { hashId: foodEventHashId(statement.body) }
  },
  async accept(ctx) {
    const event = eventOf(ctx.statement.body)
    const hashId = typeof ctx.facts?.hashId === 'string' ? ctx.facts.hashId : foodEventHashId(ctx.statement.body)
    const products = await productsNamed(ctx, event)
    const objects = objectsOf(event, (gtin) => products.get(gtin)?.companyPrefixLength)
    if (isDeclaration(event)) return acceptDeclaration(ctx, event, hashId, objects)
    // GS1's schema lets a report's uom be any string; a temperature in "fah" or "XYZ" cannot be judged against a
    // storage range. New statements only: a mirror replaying a log that holds one follows it (the reading is not judged).
    const unit = ctx.replaying ? undefined : foreignTemperatureUnit(event)
    if (unit !== undefined) fail('EPCIS_INVALID', `a temperature sensorReport's uom ${JSON.stringify(unit)} is no temperature unit: use CEL, FAH or KEL (UN/CEFACT Rec 20)`, { uom: unit, allowed: ['CEL', 'FAH', 'KEL'] })
    checkLocations(ctx, event)
    const made = madeObjects(event, objects)
    checkMakers(ctx.actor.id, made, products)
    const record = eventRecordOf(ctx, event, hashId, objects)
    const { eventTime } = record
    const bizStep = record.bizStep
    writeEventIndexes(ctx, record, false)
    // The producer of a lot first named here: its maker, or for a registered product merely named
    // (observed, shipped) its brand owner; a GTIN nobody registered belongs to whoever names it first.
    const producers = new Map<string, string>()
    const madeKeys = new Set(made.map((object) => object.key))
    for (const object of objects) {
      const known = producers.get(object.key) ?? (await ctx.get<ObjectRecord>(SPACES.object, object.key))?.producer
      if (known !== undefined) {
        producers.set(object.key, known)
        continue
      }
      const product = object.identifier.gtin ? products.get(object.identifier.gtin) : undefined
      const producer = product && !madeKeys.has(object.key) ? product.owner : ctx.actor.id
      producers.set(object.key, producer)
      const { gtin, lot, serial } = object.identifier
      const objectRecord: ObjectRecord = {
        id: object.id,
        key: object.key,
        digitalLink: toDigitalLink(object.identifier),
        ...(gtin ? { gtin } : {}),
        ...(lot !== undefined ? { lot } : {}),
        ...(serial !== undefined ? { serial } : {}),
        producer,
        firstSeq: ctx.seq,
      }
      ctx.put(SPACES.object, object.key, objectRecord)
      for (const write of lotIndexWrites(objectRecord)) ctx.put(write.space, write.key, write.value)
    }
    const edges = edgesOf(event, objects).map(({ from, to }) => {
      const product = to.identifier.gtin ? products.get(to.identifier.gtin) : undefined
      const mayMake = product ? mayMakeProduct(ctx.actor.id, product) : producers.get(to.key) === ctx.actor.id
      return { from, to, mayMake }
    })
    const drawn = edges.map(({ from, to, mayMake }) => {
      const edge: EdgeRecord = { from: from.id, to: to.id, seq: ctx.seq, eventType: event.type, eventTime, ...(bizStep ? { bizStep } : {}), actor: ctx.actor.id, mayMake }
      ctx.put(SPACES.forward, joinKey(from.key, to.key, seqKey(ctx.seq)), edge)
      ctx.put(SPACES.backward, joinKey(to.key, from.key, seqKey(ctx.seq)), edge)
      return { from: from.key, to: to.key, edge }
    })
    if (drawn.length > 0) await addAdjacentEdges(ctx, drawn)
    if (edges.length > 0) await carryRecalls(ctx, edges.map(({ from, to, mayMake }) => ({ from: from.key, to: to.key, mayMake, fromLot: itemLotKey(from.identifier) })))
    await recordQuantities(ctx, event, products)
    await recordBestBefore(ctx, event, eventTime, made, products)
    await raiseFoodAlerts(ctx, event, record)
    // Last, so that a mirror replaying an older log, which records a repeat, writes everything a new event writes.
    return claimEventIds(ctx, event, record)
  },
}

/** Each lot or item this event makes first gets its best-before day (best-before.ts), when the event or its product gives one. */
export async function recordBestBefore(ctx: Pick<RuleContext, 'get' | 'put' | 'seq'>, event: EpcisEvent, eventTime: string, made: ReturnType<typeof objectsOf>, products: ReadonlyMap<string, ProductRecord>): Promise<void> {
  for (const object of made) {
    if (object.identifier.lot === undefined && object.identifier.serial === undefined) continue
    if ((await ctx.get<BestBeforeRecord>(BEST_BEFORE_SPACE, object.key)) !== undefined) continue
    const date = bestBeforeOf(event, eventTime, object.identifier.gtin ? products.get(object.identifier.gtin)?.shelfLifeDays : undefined)
    if (date !== undefined) ctx.put(BEST_BEFORE_SPACE, object.key, { date, seq: ctx.seq } satisfies BestBeforeRecord)
  }
}

/** The index record of a food event. */
function eventRecordOf(ctx: RuleContext, event: EpcisEvent, hashId: string, objects: ReturnType<typeof objectsOf>): FoodEventRecord {
  const eventTime = utcMillis(event.eventTime)
  const bizStep = bizStepOf(event)
  const cte = declaredCteOf(ctx.statement.body as Record<string, unknown>)
  return {
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
    ...destinationsOf(event),
    objects: objects.map(({ id, key, role }) => ({ id, key, role })),
    ...(event.eventID ? { eventId: event.eventID } : {}),
    hashId,
    ...(cte ? { cte } : {}),
  }
}

/**
 * Where a shipment was going: its `location` destinations (CBV's in any spelling). An owning or possessing party is
 * whom it was for, not a place, so a receiving is never judged against it; a list that names no location, none.
 */
function destinationsOf(event: EpcisEvent): { destinations?: string[] } {
  const prefixes = contextPrefixesOf(event)
  const places = (event.destinationList ?? []).filter((d) => normaliseSourceDestType(d.type, prefixes) === 'location')
  return places.length > 0 ? { destinations: places.map((d) => locationKey(d.destination)) } : {}
}

/** The record and the indexes every food event is found by (time, step, location, object): queries return declarations too. */
function writeEventIndexes(ctx: RuleContext, record: FoodEventRecord, declaration: boolean): void {
  const k = seqKey(ctx.seq)
  const { eventTime, bizStep } = record
  ctx.put(SPACES.event, k, record)
  ctx.put(SPACES.byTime, joinKey(eventTime, k), 1)
  if (bizStep) ctx.put(SPACES.byStep, joinKey(bizStep, eventTime, k), 1)
  for (const location of new Set([record.readPoint, record.bizLocation].filter((l): l is string => !!l))) {
    ctx.put(SPACES.byLocation, joinKey(location, eventTime, k), 1)
  }
  for (const object of record.objects) {
    const link: ObjectEventLink = { seq: ctx.seq, role: object.role, eventType: record.eventType, eventTime, ...(bizStep ? { bizStep } : {}), ...(declaration ? { declaration: true as const } : {}) }
    ctx.put(SPACES.byObject, joinKey(object.key, k), link)
  }
  if (!declaration) for (const write of shipmentWrites(record)) ctx.put(write.space, write.key, write.value)
}

/**
 * An error declaration: it names the events it corrects and marks them (correction-index.ts), and is found by
 * queries like any event, but draws no edges, moves no quantities, names no producers and raises no alerts:
 * it is the erroneous event said again, not a new one. Its location is the original's, so it is not checked
 * against the signer's (a regulator's) own.
 */
async function acceptDeclaration(ctx: RuleContext, event: EpcisEvent, hashId: string, objects: ReturnType<typeof objectsOf>): Promise<Repeat | undefined> {
  const draft = eventRecordOf(ctx, event, hashId, objects)
  const declaration = declarationOf(ctx, event, draft)
  const targets = await correctedBy(ctx, declaration)
  const record: FoodEventRecord = { ...draft, declares: targets.map((target) => target.seq) }
  writeEventIndexes(ctx, record, true)
  await recordCorrections(ctx, declaration, targets)
  return claimEventIds(ctx, event, record)
}

const recallKind: StatementKind = {
  type: 'food.recall',
  roles: ['regulator', 'farm', 'processor', 'logistics', 'retailer'],
  async accept(ctx) {
    const body = ctx.statement.body as { ids: string[]; reason: string; severity: string }
    const isRegulator = ctx.actor.roles.includes('regulator')
    const recalled: { key: string; id: string }[] = []
    for (const text of body.ids) {
      const object = canonicalObject(text)
      // A recall marks what events name and what is made from it or carries it: a GTIN alone (a product label's
      // link, an idpat class) or a place is neither, and would be recorded as a recall that covers nothing. New
      // statements only: a mirror replaying a log that holds one follows it.
      if (!ctx.replaying && (object.identifier.kind === 'gtin' || object.identifier.kind === 'sgln')) {
        fail('IDENTIFIER_INVALID', `${object.id} names ${object.identifier.kind === 'gtin' ? 'a product, not a lot of it' : 'a location'}: a recall must name the lots it covers (https://id.gs1.org/01/{gtin}/10/{lot} or urn:epc:class:lgtin:…)`, { id: object.id })
      }
      const known = await ctx.get<ObjectRecord>(SPACES.object, object.key)
      const owner = object.identifier.gtin ? (await ctx.get<ProductRecord>(SPACES.product, object.identifier.gtin))?.owner : undefined
      if (!isRegulator && known?.producer !== ctx.actor.id && owner !== ctx.actor.id) {
        fail('RECALL_FORBIDDEN', `${ctx.actor.id} did not produce ${object.id}; only its producer, its brand owner or a regulator may recall it`, {
          id: object.id,
          producer: known?.producer,
        })
      }
      recalled.push({ key: object.key, id: known?.id ?? object.id })
    }
    // It takes effect when the node records it (recordedAt), not at the signer's issuedAt. Its walks
    // downstream share one budget: the statement's, however many lots it names.
    const budget = recallWalkBudget()
    for (const { key, id } of recalled) {
      // The recall covering a lot (its own, or an ingredient's) stands until one that replaces it (recall-class.ts).
      const standing = await findRecall(ctx, key)
      if (standing !== undefined && !replacesRecall(standing, { severity: body.severity, by: ctx.actor.id })) continue
      // The recall clock runs from a lot's first failed inspection to the first recall that covers it, its own or an
      // ingredient's (the recall index's mark): a later recall of a lot already recalled is not late.
      if ((await recallMarkOf(ctx, key)) === undefined) {
        const late = await recallLateAlert(ctx, key, id, body.severity)
        if (late) ctx.put(late.space, late.key, late.value)
      }
      await settleRecallDue(ctx, key)
      const record: RecallRecord = { id, seq: ctx.seq, at: ctx.recordedAt, by: ctx.actor.id, reason: body.reason, severity: body.severity }
      ctx.put(SPACES.recall, key, record)
      if (!(await markRecalled(ctx, key, ctx.seq, budget))) ctx.put(SPACES.recall, key, { ...record, truncated: true } satisfies RecallRecord)
    }
    // And of the failed lots downstream that it is the first to cover.
    for (const late of await coveredLateAlerts(ctx, body.severity, new Set(recalled.map(({ key }) => key)))) ctx.put(late.space, late.key, late.value)
  },
}

export const foodKinds: StatementKind[] = [productKind, eventKind, recallKind, inspectionKind]

/** What a check worker imports to run the kinds' own checks and facts (StatementKind.check, .facts). */
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

/**
 * An actor with registered locations records events only at them (a GLN without extension covers its
 * sub-locations), and names at least one of readPoint and bizLocation.
 */
function checkLocations(ctx: RuleContext, event: EpcisEvent): void {
  if (ctx.actor.locations.length === 0) return
  if (!event.readPoint?.id && !event.bizLocation?.id) {
    fail('LOCATION_REQUIRED', `${ctx.actor.id} has registered locations, so its events must name a readPoint or bizLocation`, {
      allowed: ctx.actor.locations,
    })
  }
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

/** The registered products of the GTINs the event names: their owners and makers, and company prefix lengths
 *  so that Digital Links become the same URNs as the producer's. */
export async function productsNamed(ctx: Pick<RuleContext, 'get'>, event: EpcisEvent): Promise<Map<string, ProductRecord>> {
  const products = new Map<string, ProductRecord>()
  const looked = new Set<string>()
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
    if (!id.gtin || looked.has(id.gtin)) continue
    looked.add(id.gtin)
    const product = await ctx.get<ProductRecord>(SPACES.product, id.gtin)
    if (product) products.set(id.gtin, product)
  }
  return products
}

/** Produced and consumed quantities per lot, for MASS_BALANCE. */
async function recordQuantities(ctx: RuleContext, event: EpcisEvent, products: Map<string, ProductRecord>): Promise<void> {
  // Per lot, its 'in' and its 'out' move: a lot named twice in one list keeps the last, as its key does.
  const moves = new Map<string, { in?: QuantityMove; out?: QuantityMove }>()
  const move = (epcClass: string, quantity: number | undefined, uom: string | undefined, sign: 1 | -1) => {
    if (typeof quantity !== 'number') return
    const { key } = canonicalObject(epcClass, (gtin) => products.get(gtin)?.companyPrefixLength)
    const recorded: QuantityMove = { seq: ctx.seq, quantity: sign * quantity, uom: uom ?? 'EA' }
    ctx.put(SPACES.quantity, joinKey(key, seqKey(ctx.seq), sign > 0 ? 'in' : 'out'), recorded)
    moves.set(key, { ...moves.get(key), [sign > 0 ? 'in' : 'out']: recorded })
  }
  if (event.type === 'TransformationEvent') {
    for (const q of event.inputQuantityList ?? []) move(q.epcClass, q.quantity, q.uom, -1)
    for (const q of event.outputQuantityList ?? []) move(q.epcClass, q.quantity, q.uom, 1)
  } else if (event.type === 'ObjectEvent' && event.action === 'ADD') {
    for (const q of event.quantityList ?? []) move(q.epcClass, q.quantity, q.uom, 1)
  }
  // In key order, 'in' before 'out', as the quantity space holds them.
  await addLotMoves(ctx, new Map([...moves].map(([key, both]) => [key, [both.in, both.out].filter((m): m is QuantityMove => m !== undefined)])))
}
