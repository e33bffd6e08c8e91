// What the console's Recalls view (GET /console/recalls) is rendered from: each recall (newest first),
// the recalled lot, the lots its recall mark reached downstream (recall-index.ts) and the serialised items of
// those lots, the events that named any of them counted by step and by shop (a retailer's events), and the
// EVENT_AFTER_RECALL alerts: the lots and items moved or sold after the recall; and before them the failed lots no recall covers yet, each with its
// failed inspection, whose recall clock runs (inspection.ts awaitingRecall). Every count is the node's reading
// of its indexes; the entries the view names (the recall, each sale after it, each failed inspection) are read
// from the log for the browser to verify.

import { decodeEnvelope } from '../core/dsse.js'
import { parseStatementPayload } from '../core/statement.js'
import { listAlerts, type Alert } from '../ledger/alerts.js'
import type { Ledger } from '../ledger/ledger.js'
import { actorProfile, type ActorProfile, type EvidenceEntry } from '../web/bound-view.js'
import { seqKey } from '../store/keys.js'
import { awaitingRecall, type RecallDue } from './inspection.js'
import { eventsNaming, gtinOfKey, itemScan, itemsOfLots } from './queries.js'
import { eventOf, isItemKey, itemLotKey, keyOrText, objectsOf, recordedLotKey } from './objects.js'
import { SPACES, type FoodEventRecord, type ObjectRecord, type ProductRecord, type RecallMark, type RecallRecord } from './records.js'

/** Recalls the view shows, newest first. */
export const RECALLS_SHOWN = 50
/** Failed lots awaiting a recall it shows, oldest failure first. */
export const AWAITING_SHOWN = 50
/** Recall marks it reads at most (every lot any recall reached). */
export const MARKS_READ = 20_000
/** Events it counts at most for one recall. */
export const EVENTS_COUNTED = 5_000
/** EVENT_AFTER_RECALL alerts it reads at most. */
export const AFTER_RECALL_READ = 500
/** Items of the recalled lots it reads at most (lot-index.ts), every recall's together. */
export const ITEMS_READ = 20_000

export interface RecallSummary {
  recall: RecallRecord
  lot: ObjectRecord | undefined
  product: ProductRecord | undefined
  /** the lots the recall reached, itself first */
  reached: ObjectRecord[]
  /** events naming any of them, by bizStep ('' for none) */
  bySteps: Map<string, number>
  /** events signed by a retailer, by actor */
  byShop: Map<string, number>
  /** true when a bound cut the counts short (or the recall's own walk was truncated) */
  partial: boolean
  /** the lots moved after the recall: each alert with its entries */
  afterRecall: { alert: Alert; entries: EvidenceEntry[] }[]
  /** the recall's own entry */
  entry: EvidenceEntry | undefined
}

/** A failed lot no recall covers yet: its failed inspection, its lot and product, and that inspection's entry. */
export interface AwaitingRecall {
  due: RecallDue
  lot: ObjectRecord | undefined
  product: ProductRecord | undefined
  entry: EvidenceEntry | undefined
}

async function evidenceEntry(ledger: Ledger, seq: number): Promise<EvidenceEntry | undefined> {
  try {
    const { entry } = await ledger.getEntry(seq)
    return { seq, recordedAt: entry.recordedAt, statement: parseStatementPayload(decodeEnvelope(entry.envelope).payload) }
  } catch {
    return undefined // an entry that does not read is the audit's to name
  }
}

export async function recallSummaries(ledger: Ledger, now: Date): Promise<{ recalls: RecallSummary[]; awaiting: AwaitingRecall[]; actors: Map<string, ActorProfile> }> {
  const records = ledger.records
  const recalls: [string, RecallRecord][] = []
  for await (const entry of records.scan<RecallRecord>(SPACES.recall)) recalls.push(entry)
  recalls.sort(([, a], [, b]) => b.seq - a.seq)
  const marks = new Map<string, string[]>()
  for (const [key, mark] of await records.range<RecallMark>(SPACES.recalled, { limit: MARKS_READ })) {
    const keys = marks.get(mark.origin) ?? []
    keys.push(key)
    marks.set(mark.origin, keys)
  }
  const { alerts: after } = await listAlerts(ledger, { kind: 'EVENT_AFTER_RECALL', order: 'desc', limit: AFTER_RECALL_READ }, [], now)
  const actors = new Map<string, ActorProfile>()
  const addActor = (id: string) => {
    const record = ledger.actors.get(id)
    if (record && !actors.has(id)) actors.set(id, actorProfile(record))
  }
  const entriesOf = new Map<Alert, EvidenceEntry[]>()
  const keysOf = new Map<Alert, Set<string>>()
  for (const alert of after) {
    const entries = (await Promise.all(alert.seqs.map((seq) => evidenceEntry(ledger, seq)))).filter((e): e is EvidenceEntry => e !== undefined)
    entriesOf.set(alert, entries)
    keysOf.set(alert, await alertKeys(records, alert, entries))
  }
  const scanned = itemScan(ITEMS_READ)
  const summaries: RecallSummary[] = []
  for (const [key, recall] of recalls.slice(0, RECALLS_SHOWN)) {
    const reachedKeys = [key, ...(marks.get(key) ?? []).filter((k) => k !== key)]
    const reached = (await Promise.all(reachedKeys.map((k) => records.get<ObjectRecord>(SPACES.object, k)))).filter((o): o is ObjectRecord => o !== undefined)
    const items = await itemsOfLots(records, reachedKeys, scanned)
    // An alert about an item counts for the recall of its lot, as EVENT_AFTER_RECALL judged it; and so does the
    // item's history, though the ledger first knew the item under no lot.
    const covered = new Set([...reachedKeys, ...items.keys])
    const afterRecall: RecallSummary['afterRecall'] = []
    const alertItems: string[] = []
    for (const alert of after) {
      if (![...(keysOf.get(alert) ?? [])].some((k) => covered.has(k))) continue
      const entries = entriesOf.get(alert) ?? []
      for (const e of entries) addActor(e.statement.actor)
      afterRecall.push({ alert, entries })
      alertItems.push(...(alert.ids ?? []).map(keyOrText).filter(isItemKey))
    }
    const links = await eventsNaming(records, new Set([...covered, ...alertItems]))
    const bySteps = new Map<string, number>()
    const byShop = new Map<string, number>()
    for (const link of links.slice(0, EVENTS_COUNTED)) {
      bySteps.set(link.bizStep ?? '', (bySteps.get(link.bizStep ?? '') ?? 0) + 1)
      const event = await records.get<FoodEventRecord>(SPACES.event, seqKey(link.seq))
      if (event && ledger.actors.get(event.actor)?.roles.includes('retailer')) byShop.set(event.actor, (byShop.get(event.actor) ?? 0) + 1)
    }
    const entry = await evidenceEntry(ledger, recall.seq)
    if (entry) addActor(entry.statement.actor)
    for (const shop of byShop.keys()) addActor(shop)
    const gtin = gtinOfKey(key)
    summaries.push({
      recall,
      lot: reached.find((o) => o.key === key),
      product: gtin ? await records.get<ProductRecord>(SPACES.product, gtin) : undefined,
      reached,
      bySteps,
      byShop,
      partial: recall.truncated === true || links.length > EVENTS_COUNTED || marks.size >= MARKS_READ || items.partial,
      afterRecall,
      entry,
    })
  }
  const awaiting: AwaitingRecall[] = []
  for (const due of await awaitingRecall(records, AWAITING_SHOWN)) {
    const entry = await evidenceEntry(ledger, due.seq)
    if (entry) addActor(entry.statement.actor)
    const gtin = gtinOfKey(due.key)
    awaiting.push({
      due,
      lot: await records.get<ObjectRecord>(SPACES.object, due.key),
      product: gtin ? await records.get<ProductRecord>(SPACES.product, gtin) : undefined,
      entry,
    })
  }
  return { recalls: summaries, awaiting, actors }
}

/**
 * The keys an alert's ids stand for: each id's own and, for an item, the lots it is of: the one the ledger first
 * knew it under and any its alert's events' links name beside it (the lots EVENT_AFTER_RECALL read).
 */
async function alertKeys(records: Ledger['records'], alert: Alert, entries: readonly EvidenceEntry[]): Promise<Set<string>> {
  const keys = new Set<string>()
  for (const id of alert.ids ?? []) {
    const key = keyOrText(id)
    keys.add(key)
    if (!isItemKey(key)) continue
    const recorded = recordedLotKey(await records.get<ObjectRecord>(SPACES.object, key))
    if (recorded !== undefined) keys.add(recorded)
    for (const { statement } of entries) {
      if (statement.type !== 'food.event') continue
      try {
        for (const object of objectsOf(eventOf(statement.body))) {
          const lot = object.key === key ? itemLotKey(object.identifier) : undefined
          if (lot !== undefined) keys.add(lot)
        }
      } catch {
        // an entry whose identifiers do not parse names no lot; the audit is the place to say so
      }
    }
  }
  return keys
}
