// Food alerts, raised by a food.event and written with its entry: one function per alert. They flag what
// the rules let through (the event is still recorded), for a regulator or producer to follow up.

import type { RuleContext } from '../ledger/kinds.js'
import { alertRecord, type Alert } from '../ledger/alerts.js'
import { seqKey } from '../store/keys.js'
import { canonicalObject, itemLotKey, kilograms, objectsOf, temperatureAlarms, temperatureReadings, type EpcisEvent } from './objects.js'
import { MAX_CARRIER_EDGES, MAX_CONTAINED_EDGES, contentsBudget, contentsOf, gtinOfKey, latestShipment, productOf } from './queries.js'
import { lotBalance } from './lot-balance.js'
import { findRecallOf } from './recall-index.js'
import type { FoodEventRecord } from './records.js'
import { BEST_BEFORE_SPACE, type BestBeforeRecord } from './best-before.js'
import { localDay } from '../core/zone-offset.js'
import { DISTRIBUTION_STEPS } from './cbv.js'

export const RECEIVING_STEPS = new Set(['receiving', 'arriving', 'accepting'])
/** How far a transformation's output mass may exceed its input mass before MASS_BALANCE (moisture, brine). */
export const MASS_BALANCE_TOLERANCE = 0.02

/** Every alert the event raises, written with it in the order they are checked. */
export async function raiseFoodAlerts(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord): Promise<void> {
  const contents = containedObjects(ctx, record)
  const alerts = [
    await temperatureExcursionAlert(ctx, event, record, contents),
    transformationMassAlert(ctx, event, record),
    ...(await overConsumedLotAlerts(ctx, event)),
    await eventAfterRecallAlert(ctx, event, record),
    await brokenChainOfCustodyAlert(ctx, record),
    await eventAfterExpiryAlert(ctx, event, record, contents),
  ].filter((alert): alert is Alert => alert !== undefined)
  alerts.forEach((alert, i) => {
    const { space, key, value } = alertRecord(alert, `${seqKey(ctx.seq)}.${i}`)
    ctx.put(space, key, value)
  })
}

/** What the containers an event names hold (contentsOf each object that is no GTIN), read once when first asked,
 *  within one budget for the event (MAX_CONTAINED_EDGES); `cut` when some of it was left unread. */
type ContainedObjects = () => Promise<{ objects: { key: string; id: string }[]; cut: boolean }>

function containedObjects(ctx: RuleContext, record: FoodEventRecord): ContainedObjects {
  let contents: Promise<{ objects: { key: string; id: string }[]; cut: boolean }> | undefined
  return () =>
    (contents ??= (async () => {
      const held: { key: string; id: string }[] = []
      const budget = contentsBudget()
      for (const object of record.objects) {
        if (budget.cut) break
        if (!gtinOfKey(object.key)) held.push(...(await contentsOf(ctx, object.key, undefined, budget)))
      }
      return { objects: held, cut: budget.cut }
    })())
}

/** What an alert adds when it judged only part of the contents of the containers an event names. */
function contentsNote(contents: { cut: boolean }, record: FoodEventRecord): string {
  if (!contents.cut) return ''
  const containers = record.objects.filter((object) => !gtinOfKey(object.key)).map((object) => object.id)
  return ` (contents of ${containers.join(', ')} cut at ${MAX_CONTAINED_EDGES} edges: lots beyond were not checked)`
}

/** TEMPERATURE_EXCURSION: a sensor reading outside the storage range of a product in the event (or in a container it names),
 *  or the temperature sensor's own ALARM_CONDITION. */
export async function temperatureExcursionAlert(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord, contents: ContainedObjects): Promise<Alert | undefined> {
  const readings = temperatureReadings(event)
  // The logger's own ALARM_CONDITION is an excursion it saw against its thresholds, whatever values the report gives.
  const alarms = temperatureAlarms(event)
  if (readings.length === 0 && alarms.length === 0) return undefined
  const affected: string[] = []
  const details: string[] = []
  const contained = await contents()
  const candidates: { key: string; id: string }[] = [...record.objects, ...contained.objects]
  for (const object of candidates) {
    const product = await productOf(ctx, object.key)
    const range = product?.storage
    // A sensor's alarm counts for a product with no storage range too: the logger judged it by its own thresholds.
    if (!product || (!range && alarms.length === 0)) continue
    const outside = range ? readings.filter((r) => (range.minC !== undefined && r.celsius < range.minC) || (range.maxC !== undefined && r.celsius > range.maxC)) : []
    if (outside.length === 0 && alarms.length === 0) continue
    affected.push(object.id)
    const said: string[] = []
    if (alarms.length > 0) said.push(`the temperature sensor raised ALARM_CONDITION ${alarms.length} time(s)${alarms[0].time ? ` (first at ${alarms[0].time})` : ''}`)
    if (outside.length > 0) {
      const worst = outside.reduce((a, b) => (Math.abs(b.celsius) > Math.abs(a.celsius) ? b : a))
      said.push(`${outside.length} reading(s) outside ${range?.minC ?? '-∞'}..${range?.maxC ?? '∞'} °C (e.g. ${worst.celsius} °C)`)
    }
    details.push(`${object.id}: ${said.join('; ')}`)
  }
  return affected.length > 0 ? { kind: 'TEMPERATURE_EXCURSION', ...origin(ctx), ids: affected, message: details.join('; ') + contentsNote(contained, record) } : undefined
}

/** MASS_BALANCE: a transformation whose outputs weigh more than its inputs allow (all in mass units). */
export function transformationMassAlert(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord): Alert | undefined {
  if (event.type !== 'TransformationEvent') return undefined
  const mass = (list: EpcisEvent['inputQuantityList']) =>
    (list ?? []).reduce<number | undefined>((sum, q) => {
      const kg = typeof q.quantity === 'number' ? kilograms(q.quantity, q.uom) : undefined
      return sum === undefined || kg === undefined ? undefined : sum + kg
    }, 0)
  const input = mass(event.inputQuantityList)
  const output = mass(event.outputQuantityList)
  if (input === undefined || output === undefined || (event.inputQuantityList ?? []).length === 0 || !(output > input * (1 + MASS_BALANCE_TOLERANCE))) {
    return undefined
  }
  return {
    kind: 'MASS_BALANCE',
    ...origin(ctx),
    ids: record.objects.filter((o) => o.role === 'output').map((o) => o.id),
    message: `transformation outputs ${round(output)} kg from ${round(input)} kg of inputs`,
  }
}

/** MASS_BALANCE: an input lot consumed in transformations beyond what was produced of it, one alert per lot. */
export async function overConsumedLotAlerts(ctx: RuleContext, event: EpcisEvent): Promise<Alert[]> {
  if (event.type !== 'TransformationEvent') return []
  const alerts: Alert[] = []
  const seen = new Set<string>()
  for (const q of event.inputQuantityList ?? []) {
    const { key, id } = canonicalObject(q.epcClass)
    // A lot named twice among the inputs is one lot.
    if (seen.has(key)) continue
    seen.add(key)
    const balance = await lotBalance(ctx, key)
    if (balance.produced > 0 && balance.consumed > balance.produced * (1 + MASS_BALANCE_TOLERANCE)) {
      alerts.push({
        kind: 'MASS_BALANCE',
        ...origin(ctx),
        ids: [id],
        message: `${id}: ${round(balance.consumed)} ${balance.uom} consumed in transformations, only ${round(balance.produced)} ${balance.uom} produced`,
      })
    }
  }
  return alerts
}

/**
 * EVENT_AFTER_EXPIRY: a distribution step, on a local day after the best-before day of a lot or item it moves (or
 * one a container it names holds), as the lot's making event fixed it (best-before.ts).
 */
export async function eventAfterExpiryAlert(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord, contents: ContainedObjects): Promise<Alert | undefined> {
  if (!record.bizStep || !DISTRIBUTION_STEPS.has(record.bizStep)) return undefined
  const day = localDay(record.eventTime, event.eventTimeZoneOffset)
  const contained = await contents()
  const candidates: { key: string; id: string }[] = [...record.objects.filter((object) => object.role !== 'output'), ...contained.objects]
  const expired: string[] = []
  const details: string[] = []
  for (const { key, id } of candidates) {
    const bestBefore = await ctx.get<BestBeforeRecord>(BEST_BEFORE_SPACE, key)
    if (bestBefore === undefined || !(day > bestBefore.date) || expired.includes(id)) continue
    expired.push(id)
    details.push(`${id} (best before ${bestBefore.date}, seq ${bestBefore.seq})`)
  }
  return expired.length > 0 ? { kind: 'EVENT_AFTER_EXPIRY', ...origin(ctx), ids: expired, message: `${record.bizStep} on ${day} of ${details.join(', ')}${contentsNote(contained, record)}` } : undefined
}

/**
 * EVENT_AFTER_RECALL: a distribution step of a recalled lot, or of one made from or carrying a recalled
 * lot, or of an item of a recalled lot, recorded after the recall (the recall index holds only recalls
 * already in the log). One read per object, two for a recalled one, four at most for an item.
 */
export async function eventAfterRecallAlert(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord): Promise<Alert | undefined> {
  if (!record.bizStep || !DISTRIBUTION_STEPS.has(record.bizStep)) return undefined
  // A pallet named as the parentID (a TransactionEvent shipping it, an aggregation loading it) moves with what
  // it carries, as one in an epcList does; only a DELETE, which takes the children off it, leaves it behind.
  const lots = record.objects.filter((o) => o.role !== 'parent' || event.action !== 'DELETE')
  // The lots the event's own identifiers put its items in (a Digital Link's 10 beside its 21).
  const itemLots = new Map<string, string>()
  for (const object of objectsOf(event)) {
    const lot = itemLotKey(object.identifier)
    if (lot !== undefined && !itemLots.has(object.key)) itemLots.set(object.key, lot)
  }
  const recalled: string[] = []
  const reasons: string[] = []
  for (const object of lots) {
    const recall = await findRecallOf(ctx, object.key, [itemLots.get(object.key)])
    if (recall) {
      recalled.push(object.id)
      reasons.push(`${object.id} (recalled at seq ${recall.seq}: ${recall.reason})`)
    }
  }
  return recalled.length > 0 ? { kind: 'EVENT_AFTER_RECALL', ...origin(ctx), ids: recalled, message: `${record.bizStep} of recalled ${reasons.join(', ')}` } : undefined
}

/**
 * BROKEN_CHAIN_OF_CUSTODY: goods received where no shipment of them (or of their container) was going. The containers
 * carrying each object are read within a bound (queries.ts latestShipment), one budget for the event: an object
 * whose containers were cut is not judged sound on part of them, it is named as not checked.
 */
export async function brokenChainOfCustodyAlert(ctx: RuleContext, record: FoodEventRecord): Promise<Alert | undefined> {
  if (!record.bizStep || !RECEIVING_STEPS.has(record.bizStep) || !record.bizLocation) return undefined
  const here = record.bizLocation
  const broken: string[] = []
  const budget = contentsBudget()
  for (const object of record.objects) {
    const { shipment, cut } = await latestShipment(ctx, object.key, budget)
    if (cut) {
      broken.push(`${object.id} is in more containers than were read (${MAX_CARRIER_EDGES} edges of an object, ${MAX_CONTAINED_EDGES} of an event): its custody was not checked`)
    } else if (!shipment) {
      broken.push(`${object.id} was never shipped`)
    } else if (shipment.destinations && !shipment.destinations.some((d) => sameLocation(d, here))) {
      broken.push(`${object.id} was shipped (seq ${shipment.seq}) to ${shipment.destinations.join(', ')}, not here`)
    }
  }
  if (broken.length === 0) return undefined
  return { kind: 'BROKEN_CHAIN_OF_CUSTODY', ...origin(ctx), ids: record.objects.map((o) => o.id), message: `received at ${here}: ${broken.join('; ')}` }
}

/** Every food alert is at the entry's recordedAt and names the entry. */
function origin(ctx: RuleContext): { at: string; seqs: number[] } {
  return { at: ctx.recordedAt, seqs: [ctx.seq] }
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
