// What the console's Recalls view (GET /console/recalls) is rendered from: each recall (newest first),
// the recalled lot, the lots its recall mark reached downstream (recall-index.ts), the events that named
// any of them counted by step and by shop (a retailer's events), and the EVENT_AFTER_RECALL alerts: the
// lots moved or sold after the recall; and before them the failed lots no recall covers yet, each with its
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
import { eventsNaming, gtinOfKey } from './queries.js'
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
  const summaries: RecallSummary[] = []
  for (const [key, recall] of recalls.slice(0, RECALLS_SHOWN)) {
    const reachedKeys = [key, ...(marks.get(key) ?? []).filter((k) => k !== key)]
    const reached = (await Promise.all(reachedKeys.map((k) => records.get<ObjectRecord>(SPACES.object, k)))).filter((o): o is ObjectRecord => o !== undefined)
    const links = await eventsNaming(records, reachedKeys)
    const bySteps = new Map<string, number>()
    const byShop = new Map<string, number>()
    for (const link of links.slice(0, EVENTS_COUNTED)) {
      bySteps.set(link.bizStep ?? '', (bySteps.get(link.bizStep ?? '') ?? 0) + 1)
      const event = await records.get<FoodEventRecord>(SPACES.event, seqKey(link.seq))
      if (event && ledger.actors.get(event.actor)?.roles.includes('retailer')) byShop.set(event.actor, (byShop.get(event.actor) ?? 0) + 1)
    }
    const ids = new Set(reached.map((o) => o.id))
    const afterRecall: RecallSummary['afterRecall'] = []
    for (const alert of after) {
      if (!(alert.ids ?? []).some((id) => ids.has(id))) continue
      const entries = (await Promise.all(alert.seqs.map((seq) => evidenceEntry(ledger, seq)))).filter((e): e is EvidenceEntry => e !== undefined)
      for (const e of entries) addActor(e.statement.actor)
      afterRecall.push({ alert, entries })
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
      partial: recall.truncated === true || links.length > EVENTS_COUNTED || marks.size >= MARKS_READ,
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
