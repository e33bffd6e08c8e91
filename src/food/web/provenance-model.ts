// The consumer page's view of a lot, derived from signed statements alone (events, products, recalls,
// inspections, the actors' registrations). Pure and browser-safe: the server renders the page from it and
// the browser derives it again from the entries it verified (web/bound-view.ts).

import { BoundViewError, type ActorProfile } from '../../web/bound-view.js'
import { bizStepOf, canonicalObject, certificatesOf, eventOf, ilmdDate, itemLotKey, objectsOf, temperatureAlarms, temperatureReadings, utcMillis, type EpcisEvent } from '../objects.js'
import { madeObjects } from '../makers.js'
import { DISTRIBUTION_STEPS } from '../cbv.js'
import { bestBeforeOf, ilmdDayOf } from '../best-before.js'
import type { InspectionBody } from '../inspection.js'
import { toDigitalLink } from '../identifiers.js'
import { traceCodeOf } from '../../labels/digital-link.js'
import { productNameOrGtin, type Bilingual } from '../../web/i18n.js'
import { lateBy, lateDays } from '../../core/late-record.js'
import { regionOfAddress } from '../../core/master-data.js'
import { regionOf } from './places.js'
import { stageOf, type StageKind } from './stages.js'
import { pageCorrections } from './provenance-corrections.js'
import { evidenceGraph, reach } from './graph-reach.js'

/** A signer's issuedAt further than this from the node's recordedAt is shown beside it. */
export const SIGNED_TIME_SHOWN_AFTER_MS = 24 * 60 * 60 * 1000

import type { ActorView, GoodsLine, StepView, InspectionView, ProvenanceView, ProductView, ProvenanceInput } from './provenance-view.js'

/** `{lateDays}` for an entry recorded more than LATE_RECORD's window after it was signed, else nothing. */
function lateMark(issuedAt: string, recordedAt: string): { lateDays?: number } {
  const gap = lateBy(issuedAt, recordedAt)
  return gap === undefined ? {} : { lateDays: lateDays(gap) }
}

/** Whose location is this GLN/SGLN (the actors' registrations), for "shipped to ...". */
function locationOwners(actors: Iterable<ActorProfile>): Map<string, ActorProfile> {
  const owners = new Map<string, ActorProfile>()
  // The first registered wins, so the server and the browser, holding the same profiles in another order, agree.
  for (const actor of [...actors].sort((a, b) => a.registeredAt - b.registeredAt)) for (const location of actor.locations) if (!owners.has(location)) owners.set(location, actor)
  return owners
}

/** Its place: the region its registered address names, else a guess from its Chinese name. */
function actorView(id: string, profile: ActorProfile | undefined): ActorView {
  const name = (profile?.name ?? id) as Bilingual
  const zh = typeof name === 'string' ? name : name?.zh
  const region = (profile?.address && regionOfAddress(profile.address)) || regionOf(zh)
  return { id, name, ...(region ? { region } : {}), ...(profile?.custody === 'node' ? { custody: true } : {}) }
}

const ROUTE_RANK: StageKind[] = ['origin', 'processing', 'sale', 'packing', 'storage', 'receiving', 'inspection', 'other']

interface EventItem {
  seq: number
  actor: string
  recordedAt: string
  event: EpcisEvent
  eventTime: string
  objects: ReturnType<typeof objectsOf>
  lateDays?: number
}

/** The object key of an identifier, or undefined where it does not parse. */
function keyOf(id: string): string | undefined {
  try {
    return canonicalObject(id).key
  } catch {
    return undefined
  }
}

/**
 * The page view of `input.subject` from the evidence. Throws BoundViewError when the input cannot be
 * what an honest page was rendered from (the subject does not parse, the claimed checkpoint does not
 * cover the evidence, the operator is not the log's entry 0).
 */
/** True for the page of a registered product itself (its GTIN alone, as a product's label carries): known, with no lot or item. */
export function isProductPage(view: ProvenanceView): boolean {
  return view.product !== null && view.gtin !== undefined && view.lot === undefined && view.serial === undefined
}

export function provenanceViewOf(input: ProvenanceInput): ProvenanceView {
  let start: ReturnType<typeof canonicalObject>
  try {
    start = canonicalObject(input.subject)
  } catch {
    throw new BoundViewError(`the page's subject ${input.subject.slice(0, 100)} is no GS1 identifier`)
  }
  const lastSeq = input.entries.reduce((max, e) => Math.max(max, e.seq), -1)
  if (!Number.isSafeInteger(input.asOf) || input.asOf <= lastSeq) throw new BoundViewError(`checkpoint ${input.asOf} does not cover entry ${lastSeq}`)
  const operator = input.actors.get(input.operator)
  if (!operator || operator.registeredAt !== 0) throw new BoundViewError(`${input.operator} is not the log's operator (its entry 0)`)

  // Products: each GTIN's latest food.product statement.
  const products = new Map<string, ProductView>()
  for (const { statement } of input.entries) {
    if (statement.type === 'food.product') products.set(String(statement.body.gtin), statement.body as unknown as ProductView)
  }
  const prefixLength = (gtin: string) => products.get(gtin)?.companyPrefixLength
  const corrections = pageCorrections(input.entries, input.actors)
  const events: EventItem[] = []
  for (const { seq, recordedAt, statement } of input.entries) {
    if (statement.type !== 'food.event' || corrections.declarations.has(seq)) continue
    const event = eventOf(statement.body)
    let objects: EventItem['objects'] = []
    try {
      objects = objectsOf(event, prefixLength)
    } catch {
      objects = [] // an identifier the node accepted but this reader cannot place: the step shows without goods
    }
    events.push({ seq, actor: statement.actor, recordedAt, event, eventTime: utcMillis(event.eventTime), objects, ...lateMark(statement.issuedAt, recordedAt) })
  }
  events.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.seq - b.seq))

  // The graph the evidence draws, as corrected: what went into what, and what carried what.
  const { backward, forward } = evidenceGraph(events.filter(({ seq }) => !corrections.marks.has(seq)))
  const itemLot = itemLotKey(start.identifier)
  const upstream = new Set([...reach(start.key, backward, true), ...(itemLot !== undefined ? reach(itemLot, backward, true) : [])])
  // The lot's journey: itself, everything upstream, and whatever carried it (not what it was made into).
  const journey = new Set([...upstream, ...reach(start.key, forward, false)])
  // What the page names goods of: the journey and what the lot was made into.
  const relevant = new Set([...journey, ...reach(start.key, forward, true)])
  const owners = locationOwners(input.actors.values())
  const actor = (id: string) => actorView(id, input.actors.get(id))
  const productName = (gtin: string | undefined) => (gtin && products.has(gtin) ? productNameOrGtin(products.get(gtin)?.name, gtin) : null)

  const pageProduct = start.identifier.gtin ? (products.get(start.identifier.gtin) ?? null) : null
  const steps: StepView[] = []
  // The steps EVENT_AFTER_RECALL judges (cbv.ts): those the page marks when recorded after the recall.
  const distribution = new Set<number>()
  let bestBefore: string | undefined
  let madeOn: ProvenanceView['madeOn']
  let madeSeq: number | undefined
  for (const item of events) {
    const { event, objects } = item
    if (!objects.some((o) => journey.has(o.key))) continue
    if (event.type === 'TransformationEvent' && !objects.some((o) => o.role === 'output' && relevant.has(o.key))) continue
    const quantities = new Map<string, { quantity?: number; uom?: string }>()
    for (const list of [event.quantityList, event.inputQuantityList, event.outputQuantityList, event.childQuantityList]) {
      for (const q of list ?? []) {
        const key = keyOf(q.epcClass)
        if (key) quantities.set(key, { quantity: q.quantity, uom: q.uom })
      }
    }
    const goods: GoodsLine[] = []
    const names: string[] = []
    let storage: StepView['storage']
    for (const object of objects) {
      if ((object.role === 'parent' && event.type !== 'ObjectEvent') || !relevant.has(object.key)) continue
      const product = object.identifier.gtin ? products.get(object.identifier.gtin) : undefined
      if (!product) continue
      storage ??= product.storage
      const name = product.name
      names.push(...(typeof name === 'string' ? [name] : [name.zh ?? '', name.en ?? '']))
      const amount = quantities.get(object.key)
      goods.push({
        name: productNameOrGtin(name, product.gtin),
        ...(object.identifier.lot !== undefined ? { lot: object.identifier.lot } : {}),
        ...(amount?.quantity !== undefined ? { quantity: amount.quantity, uom: amount.uom } : {}),
        role: object.role === 'input' ? 'input' : object.role === 'output' ? 'output' : 'goods',
      })
    }
    const readings = temperatureReadings(event)
    const sensorAlarms = temperatureAlarms(event).length
    const profile = input.actors.get(item.actor)
    const destination = event.destinationList?.map((d) => owners.get(d.destination)).find((owner) => owner !== undefined)
    const bizStep = bizStepOf(event)
    if (bizStep !== undefined && DISTRIBUTION_STEPS.has(bizStep)) distribution.add(item.seq)
    const stage = stageOf({ bizStep: bizStep ?? null, eventType: event.type, roles: profile?.roles ?? [], productNames: names, hasReadings: readings.length > 0 || sensorAlarms > 0 })
    const harvest = ilmdDayOf(ilmdDate(event, 'harvestStartDate', 'harvestEndDate'))
    const eventBestBefore = ilmdDayOf(ilmdDate(event, 'bestBeforeDate', 'itemExpirationDate'))
    // What makes the lot is what the node's best-before index counts (makers.ts): a commissioning's ObjectEvent ADD too.
    const makesThisLot =
      start.identifier.lot !== undefined && madeObjects(event, objects).some((o) => o.identifier.lot === start.identifier.lot && o.identifier.gtin === start.identifier.gtin)
    const correction = corrections.marks.get(item.seq)
    // The first making in the log's order (seq), as the node's best-before index fixes it (best-before.ts), not the
    // earliest eventTime (the order of this loop): a later making, back-dated, must not set the day the page shows.
    if (makesThisLot && !correction && (madeSeq === undefined || item.seq < madeSeq)) {
      madeSeq = item.seq
      madeOn = { time: item.eventTime, offset: event.eventTimeZoneOffset }
      // The node's own rule (best-before.ts): an ILMD date that names no day gives none, and no shelf life either.
      bestBefore = bestBeforeOf(event, item.eventTime, pageProduct?.shelfLifeDays)
    }
    steps.push({
      seq: item.seq,
      kind: stage.kind,
      stage: { zh: stage.zh, en: stage.en },
      eventTime: item.eventTime,
      ...(event.eventTimeZoneOffset ? { timeZoneOffset: event.eventTimeZoneOffset } : {}),
      actor: actor(item.actor),
      ...(destination && destination.id !== item.actor ? { destination: actorView(destination.id, destination) } : {}),
      goods,
      readings,
      ...(sensorAlarms > 0 ? { sensorAlarms } : {}),
      ...((storage ?? pageProduct?.storage) && readings.length > 0 ? { storage: storage ?? pageProduct?.storage } : {}),
      certificates: certificatesOf(event),
      dates: { ...(harvest ? { harvest } : {}), ...(eventBestBefore ? { bestBefore: eventBestBefore } : {}) },
      ...(item.lateDays ? { lateDays: item.lateDays } : {}),
      ...(correction ? { corrected: { by: actor(correction.by), seq: correction.seq } } : {}),
    })
  }

  // A recall of the lot or of anything upstream of it in the evidence's graph: the earliest.
  let recall: ProvenanceView['recall']
  let recallSeq: number | undefined
  for (const { seq, recordedAt, statement } of input.entries) {
    if (statement.type !== 'food.recall' || recall) continue
    const ids = Array.isArray(statement.body.ids) ? (statement.body.ids as unknown[]).filter((id): id is string => typeof id === 'string') : []
    const hit = ids.map((id) => ({ id, key: keyOf(id) })).find(({ key }) => key !== undefined && upstream.has(key))
    if (!hit) continue
    const recalled = canonicalObject(hit.id).identifier
    recallSeq = seq
    recall = {
      reason: String(statement.body.reason),
      at: recordedAt,
      ...(Math.abs(Date.parse(statement.issuedAt) - Date.parse(recordedAt)) > SIGNED_TIME_SHOWN_AFTER_MS ? { signedAt: statement.issuedAt } : {}),
      severity: String(statement.body.severity),
      lotName: productName(recalled.gtin),
      ...(recalled.lot !== undefined ? { lot: recalled.lot } : {}),
      self: hit.key === start.key || hit.key === itemLot,
      by: actor(statement.actor),
    }
  }
  // After the recall in the log's order, not by the times signers claim (eventTime, issuedAt).
  if (recallSeq !== undefined) for (const step of steps) if (distribution.has(step.seq) && step.seq > recallSeq && !step.corrected) step.afterRecall = true

  const inspections: InspectionView[] = []
  for (const { seq, statement, recordedAt } of input.entries) {
    if (statement.type !== 'food.inspection') continue
    const body = statement.body as unknown as InspectionBody
    const key = keyOf(body.lot)
    if (key === undefined || !journey.has(key)) continue
    const tested = canonicalObject(body.lot).identifier
    inspections.push({
      seq,
      by: actor(statement.actor),
      lotName: productName(tested.gtin),
      ...(tested.lot !== undefined ? { lot: tested.lot } : {}),
      self: key === start.key,
      sampleId: body.sampleId,
      method: body.method,
      outcome: body.result.outcome,
      measurements: body.result.measurements ?? [],
      certificate: body.certificate,
      // In UTC as the steps' times: the schema admits forms Date cannot read ("+08"), which the page formats with Date.
      inspectedAt: utcMillis(body.inspectedAt),
      ...lateMark(statement.issuedAt, recordedAt),
    })
  }
  // Each place once, in the order first reached, named by the most telling thing done there.
  const route: ProvenanceView['route'] = []
  const rank = (kind: StageKind) => (ROUTE_RANK.indexOf(kind) < 0 ? ROUTE_RANK.length : ROUTE_RANK.indexOf(kind))
  const ranks: number[] = []
  for (const step of steps) {
    const place = step.actor.region?.short
    if (!place || step.kind === 'transport') continue
    const at = route.findIndex((stop) => stop.place.zh === place.zh)
    if (at < 0) {
      route.push({ place, stage: step.stage })
      ranks.push(rank(step.kind))
    } else if (rank(step.kind) < ranks[at]) {
      route[at] = { place, stage: step.stage }
      ranks[at] = rank(step.kind)
    }
  }
  const { identifier } = start
  const gtin = identifier.gtin
  return {
    id: start.id,
    digitalLink: toDigitalLink(identifier),
    ...(gtin ? { gtin } : {}),
    ...(identifier.lot !== undefined ? { lot: identifier.lot } : {}),
    ...(identifier.serial !== undefined ? { serial: identifier.serial } : {}),
    ...(gtin
      ? { traceCode: traceCodeOf({ gtin, ...(identifier.lot !== undefined ? { lot: identifier.lot } : {}), ...(identifier.serial !== undefined ? { serial: identifier.serial } : {}) }) }
      : {}),
    product: pageProduct,
    ...(recall ? { recall } : {}),
    ...(bestBefore ? { bestBefore } : {}),
    ...(madeOn ? { madeOn } : {}),
    steps,
    inspections,
    route,
    checkpointSize: input.asOf,
    operator: actorView(operator.id, operator),
    empty: steps.length === 0,
    truncated: input.truncated,
  }
}
