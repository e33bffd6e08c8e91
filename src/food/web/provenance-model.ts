// The consumer page's view of a lot: the resolver's provenance (food/provenance.ts) read for a
// shopper: who did what, where and when, with temperatures, certificates and any recall.

import { canonicalObject, objectsOf, temperatureReadings, type EpcisEvent } from '../objects.js'
import type { Measurement } from '../inspection.js'
import type { Provenance } from '../provenance.js'
import { SPACES, type ObjectRecord, type ProductRecord } from '../records.js'
import type { RecordReader } from '../../ledger/kinds.js'
import type { ActorRecord } from '../../ledger/registry.js'
import { traceCodeOf } from '../../labels/digital-link.js'
import { offsetMinutes, type Bilingual } from '../../web/i18n.js'
import { regionOf, type Region } from './places.js'
import { stageOf, type StageKind } from './stages.js'

export interface ActorView {
  id: string
  name: Bilingual
  region?: Region
}

export interface GoodsLine {
  name: Bilingual
  lot?: string
  quantity?: number
  uom?: string
  role: 'input' | 'output' | 'goods'
}

export interface Reading {
  celsius: number
  time?: string
}

export interface StepView {
  seq: number
  kind: StageKind
  stage: { zh: string; en: string }
  eventTime: string
  timeZoneOffset?: string
  actor: ActorView
  /** where a shipment is going, when the ledger knows whose location it is */
  destination?: ActorView
  goods: GoodsLine[]
  readings: Reading[]
  storage?: { minC?: number; maxC?: number }
  certificates: string[]
  /** a sale or shipment of this lot recorded after its recall was */
  afterRecall?: boolean
  /** ilmd dates worth showing: harvest start, best before */
  dates: { harvest?: string; bestBefore?: string }
}

export interface InspectionView {
  seq: number
  by: ActorView
  /** the lot tested: this one, or one it was made from */
  lotName: Bilingual
  lot?: string
  self: boolean
  sampleId: string
  method: string
  outcome: 'pass' | 'fail'
  measurements: Measurement[]
  certificate: { name: string; sha256: string }
  inspectedAt: string
}

export interface ProvenanceView {
  id: string
  digitalLink: string
  gtin?: string
  lot?: string
  serial?: string
  traceCode?: string
  product: ProductRecord | null
  recall?: {
    reason: string
    /** when the node recorded the recall: when it took effect */
    at: string
    /** the signer's issuedAt, when more than a day from `at` */
    signedAt?: string
    severity: string
    lotName: Bilingual
    lot?: string
    self: boolean
    by: ActorView
  }
  bestBefore?: string
  madeOn?: { time: string; offset?: string }
  steps: StepView[]
  /** test results of the lot and its ingredients, oldest first */
  inspections: InspectionView[]
  /** the places the lot and its ingredients passed, in order, each with what happened there first */
  route: { place: { zh: string; en: string }; stage: { zh: string; en: string } }[]
  checkpointSize: number
  /** the lot is unknown to the ledger */
  empty: boolean
  /** the node cut the journey short (its read limits): more happened than the page shows */
  truncated: boolean
}

const ROUTE_RANK: StageKind[] = ['origin', 'processing', 'sale', 'packing', 'storage', 'receiving', 'inspection', 'other']

export interface ViewSources {
  reader: RecordReader
  actor(id: string): ActorRecord | undefined
  actors(): ActorRecord[]
}

/** Whose location is this GLN/SGLN (the registry's locations), for "shipped to ...". */
function locationOwners(actors: ActorRecord[]): Map<string, ActorRecord> {
  const owners = new Map<string, ActorRecord>()
  for (const actor of actors) for (const location of actor.locations ?? []) owners.set(location, actor)
  return owners
}

function actorView(id: string, record: ActorRecord | undefined, fallbackName?: unknown): ActorView {
  const name = (record?.name ?? fallbackName ?? id) as Bilingual
  const zh = typeof name === 'string' ? name : name?.zh
  const region = regionOf(zh)
  return { id, name, ...(region ? { region } : {}) }
}

function certificatesOf(event: EpcisEvent): string[] {
  const info = event.certificationInfo
  const list = Array.isArray(info) ? info : info ? [info] : []
  return list.filter((url): url is string => typeof url === 'string' && /^https?:\/\//.test(url))
}

function ilmdDate(event: EpcisEvent, ...names: string[]): string | undefined {
  const ilmd = event.ilmd as Record<string, unknown> | undefined
  for (const name of names) {
    const value = ilmd?.[name] ?? ilmd?.[`cbvmda:${name}`]
    if (typeof value === 'string') return value
  }
  return undefined
}

/** Builds the page view. Lookups are by key only: at most a few per event. */
export async function buildProvenanceView(provenance: Provenance, sources: ViewSources): Promise<ProvenanceView> {
  const { reader } = sources
  const owners = locationOwners(sources.actors())
  const products = new Map<string, ProductRecord | undefined>()
  const productOf = async (gtin: string | undefined) => {
    if (!gtin) return undefined
    if (!products.has(gtin)) products.set(gtin, await reader.get<ProductRecord>(SPACES.product, gtin))
    return products.get(gtin)
  }
  const pageProduct = provenance.product
  // What this lot is made of and travelled in (the trace graph), so a shared upstream event shows
  // only this lot's inputs and the making of sibling lots is left out.
  const relevant = new Set(provenance.trace.nodes.map((node) => keyOf(node.id)).filter((key): key is string => key !== undefined))
  const isRelevant = (key: string) => relevant.size === 0 || relevant.has(key)
  const steps: StepView[] = []
  let bestBefore: string | undefined
  let madeOn: ProvenanceView['madeOn']
  for (const item of provenance.events) {
    const event = item.event as EpcisEvent
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
    let objects: ReturnType<typeof objectsOf> = []
    try {
      objects = objectsOf(event)
    } catch {
      objects = [] // an identifier the node accepted but this reader cannot place: show the step without goods
    }
    if (event.type === 'TransformationEvent' && !objects.some((o) => o.role === 'output' && isRelevant(o.key))) continue
    for (const object of objects) {
      if ((object.role === 'parent' && event.type !== 'ObjectEvent') || !isRelevant(object.key)) continue
      const record = await reader.get<ObjectRecord>(SPACES.object, object.key)
      const product = await productOf(record?.gtin)
      if (!product) continue
      storage ??= product.storage
      const name = product.name
      names.push(...(typeof name === 'string' ? [name] : [name.zh ?? '', name.en ?? '']))
      const amount = quantities.get(object.key)
      goods.push({
        name,
        ...(record?.lot ? { lot: record.lot } : {}),
        ...(amount?.quantity !== undefined ? { quantity: amount.quantity, uom: amount.uom } : {}),
        role: object.role === 'input' ? 'input' : object.role === 'output' ? 'output' : 'goods',
      })
    }
    const readings = temperatureReadings(event)
    const actorRecord = sources.actor(item.actor.id)
    const destinationId = event.destinationList?.find((d) => owners.has(d.destination))?.destination
    const destinationOwner = destinationId ? owners.get(destinationId) : undefined
    const stage = stageOf({ bizStep: item.bizStep, eventType: item.eventType, roles: item.actor.roles, productNames: names, hasReadings: readings.length > 0 })
    const harvest = ilmdDate(event, 'harvestStartDate', 'harvestEndDate')
    const eventBestBefore = ilmdDate(event, 'bestBeforeDate', 'itemExpirationDate')
    const makesThisLot = provenance.lot !== null && objects.some((o) => o.role === 'output' && o.identifier.lot === provenance.lot && o.identifier.gtin === pageProduct?.gtin)
    if (makesThisLot && !madeOn) {
      madeOn = { time: item.eventTime, offset: event.eventTimeZoneOffset }
      bestBefore = eventBestBefore
    }
    steps.push({
      seq: item.seq,
      kind: stage.kind,
      stage: { zh: stage.zh, en: stage.en },
      eventTime: item.eventTime,
      ...(event.eventTimeZoneOffset ? { timeZoneOffset: event.eventTimeZoneOffset } : {}),
      actor: actorView(item.actor.id, actorRecord, item.actor.name),
      ...(destinationOwner && destinationOwner.id !== item.actor.id ? { destination: actorView(destinationOwner.id, destinationOwner) } : {}),
      goods,
      readings,
      ...((storage ?? pageProduct?.storage) && readings.length > 0 ? { storage: storage ?? pageProduct?.storage } : {}),
      certificates: certificatesOf(event),
      dates: { ...(harvest ? { harvest } : {}), ...(eventBestBefore ? { bestBefore: eventBestBefore } : {}) },
    })
  }

  const lotRecord = provenance.lot !== null ? { gtin: pageProduct?.gtin ?? gtinFromLink(provenance.digitalLink), lot: provenance.lot } : undefined
  let recall: ProvenanceView['recall']
  if (provenance.recall) {
    const recalled = await reader.get<ObjectRecord>(SPACES.object, keyOf(provenance.recall.id) ?? '')
    const recalledProduct = await productOf(recalled?.gtin)
    recall = {
      reason: provenance.recall.reason,
      at: provenance.recall.recordedAt,
      ...(provenance.recall.issuedAt ? { signedAt: provenance.recall.issuedAt } : {}),
      severity: provenance.recall.severity,
      lotName: recalledProduct?.name ?? null,
      ...(recalled?.lot ? { lot: recalled.lot } : {}),
      self: provenance.recall.id === provenance.id,
      by: actorView(provenance.recall.by, sources.actor(provenance.recall.by)),
    }
  }
  const inspections: InspectionView[] = []
  for (const item of provenance.inspections ?? []) {
    const tested = await reader.get<ObjectRecord>(SPACES.object, keyOf(item.lot) ?? '')
    inspections.push({
      seq: item.seq,
      by: actorView(item.by, sources.actor(item.by), item.actor.name),
      lotName: (await productOf(tested?.gtin))?.name ?? null,
      ...(tested?.lot ? { lot: tested.lot } : {}),
      self: item.lot === provenance.id,
      sampleId: item.sampleId,
      method: item.method,
      outcome: item.result.outcome,
      measurements: item.result.measurements ?? [],
      certificate: item.certificate,
      inspectedAt: item.inspectedAt,
    })
  }
  // Without an ilmd best-before date, the product's shelf life from the day it was made (GB 7718 date marking).
  if (!bestBefore && madeOn && pageProduct?.shelfLifeDays !== undefined) {
    const localMillis = Date.parse(madeOn.time) + (offsetMinutes(madeOn.offset) ?? 480) * 60_000
    bestBefore = new Date(localMillis + pageProduct.shelfLifeDays * 86_400_000).toISOString().slice(0, 10)
  }
  // After the recall in the log's order, not by the times signers claim (eventTime, issuedAt).
  if (provenance.recall) {
    const recallSeq = provenance.recall.seq
    for (const step of steps) if ((step.kind === 'sale' || step.kind === 'transport') && step.seq > recallSeq) step.afterRecall = true
  }
  // Each place once, in the order first reached, named by the most telling thing done there.
  const route: ProvenanceView['route'] = []
  const rank = (kind: StageKind) => ROUTE_RANK.indexOf(kind) < 0 ? ROUTE_RANK.length : ROUTE_RANK.indexOf(kind)
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
  const gtin = lotRecord?.gtin ?? pageProduct?.gtin ?? gtinFromLink(provenance.digitalLink)
  return {
    id: provenance.id,
    digitalLink: provenance.digitalLink,
    ...(gtin ? { gtin } : {}),
    ...(provenance.lot !== null ? { lot: provenance.lot } : {}),
    ...(provenance.serial !== null ? { serial: provenance.serial } : {}),
    ...(gtin ? { traceCode: traceCodeOf({ gtin, ...(provenance.lot !== null ? { lot: provenance.lot } : {}), ...(provenance.serial !== null ? { serial: provenance.serial } : {}) }) } : {}),
    product: pageProduct,
    ...(recall ? { recall } : {}),
    ...(bestBefore ? { bestBefore } : {}),
    ...(madeOn ? { madeOn } : {}),
    steps,
    inspections,
    route,
    checkpointSize: provenance.proofs.size,
    empty: provenance.events.length === 0,
    truncated: provenance.truncated === true,
  }
}

function gtinFromLink(link: string): string | undefined {
  return /\/01\/(\d{14})/.exec(link)?.[1]
}

/** The object-index key of an EPC URN or Digital Link, or undefined where it does not parse. */
function keyOf(id: string): string | undefined {
  try {
    return canonicalObject(id).key
  } catch {
    return undefined
  }
}
