// food.inspection: a regulator's or lab's signed test result for one lot the ledger knows, indexed by
// lot so the resolver lists a lot's inspections; a failed one raises INSPECTION_FAILED with its entry.

import { heldInstant, parseDateTime } from '../core/date-time.js'
import { fail } from '../core/errors.js'
import { alertRecord, heldAlertSource, type Alert, type AlertSource } from '../ledger/alerts.js'
import type { LedgerRecords, RecordReader, RuleContext, StatementKind } from '../ledger/kinds.js'
import type { LevelStore } from '../store/level-store.js'
import { buildIndexOnce } from '../store/index-build.js'
import { recallMarkOf } from './recall-index.js'
import { RECALL_START_HOURS } from './recall-class.js'
import { canonicalObject } from './objects.js'
import { SEP, joinKey, prefixRange, seqKey } from '../store/keys.js'
import { SPACES, type ObjectRecord, type RecallRecord } from './records.js'

/** objectKey SEP seq -> InspectionRecord */
export const INSPECTION_SPACE = 'food.inspection'

export interface Measurement {
  analyte: string
  value: number
  unit: string
  limit?: number
}

export interface InspectionBody {
  lot: string
  sampleId: string
  method: string
  result: { outcome: 'pass' | 'fail'; measurements?: Measurement[] }
  certificate: { name: string; sha256: string }
  inspectedAt: string
}

export interface InspectionRecord extends Omit<InspectionBody, 'lot'> {
  seq: number
  /** the canonical EPC URN of the lot */
  lot: string
  by: string
  recordedAt: string
}

export const inspectionKind: StatementKind = {
  type: 'food.inspection',
  roles: ['regulator', 'lab'],
  async accept(ctx) {
    const body = ctx.statement.body as unknown as InspectionBody
    // Attacker-controlled text: parsing checks its syntax and check digits.
    const object = canonicalObject(body.lot)
    if (object.identifier.kind !== 'lgtin') fail('IDENTIFIER_INVALID', `${body.lot} names no lot (a GTIN with a lot number, no serial)`, { lot: body.lot })
    const known = await ctx.get<ObjectRecord>(SPACES.object, object.key)
    if (!known) fail('RULE_VIOLATION', `no event in the ledger names lot ${object.id}; an inspection is of a lot it knows`, { lot: object.id })
    // A result is signed once the test is done: it cannot be from after the statement that reports it.
    if (!((parseDateTime(body.inspectedAt) ?? Number.NaN) <= Date.parse(ctx.statement.issuedAt))) {
      fail('RULE_VIOLATION', `inspectedAt ${body.inspectedAt} is after the statement's issuedAt ${ctx.statement.issuedAt}`, {
        inspectedAt: body.inspectedAt,
        issuedAt: ctx.statement.issuedAt,
      })
    }
    const record: InspectionRecord = { ...body, lot: known.id, seq: ctx.seq, by: ctx.actor.id, recordedAt: ctx.recordedAt }
    // The lot's first failure starts its recall clock (RECALL_OVERDUE, which skips a lot a recall covers when asked).
    if (body.result.outcome === 'fail' && (await firstFailure(ctx, object.key)) === undefined) {
      ctx.put(RECALL_DUE_SPACE, recallDueKey(record, object.key), recallDueOf(record, object.key))
    }
    ctx.put(INSPECTION_SPACE, joinKey(object.key, seqKey(ctx.seq)), record)
    if (body.result.outcome === 'fail') {
      const { space, key, value } = alertRecord(
        { kind: 'INSPECTION_FAILED', at: ctx.recordedAt, seqs: [ctx.seq], ids: [known.id], message: `${known.id} failed ${body.method} (sample ${body.sampleId})` },
        seqKey(ctx.seq),
      )
      ctx.put(space, key, value)
    }
  },
}


/** Hours from a lot's failed inspection to `at`, both the node's recordedAt: the recall clock RECALL_LATE and the console read. */
export function hoursSinceFailure(failedRecordedAt: string, at: string | Date): number {
  return ((typeof at === 'string' ? Date.parse(at) : at.getTime()) - Date.parse(failedRecordedAt)) / 3_600_000
}

/**
 * RECALL_LATE: the first recall of lot `key` (being recorded by `ctx`, of `severity`) comes more than its class's
 * hours after the lot's first failed inspection in the log. Both times are the node's recordedAt, as the log
 * holds them: what a signer dates its statement is checked by LATE_RECORD.
 */
export async function recallLateAlert(ctx: RuleContext, key: string, id: string, severity: string): Promise<ReturnType<typeof alertRecord> | undefined> {
  const hours = RECALL_START_HOURS[severity]
  if (hours === undefined) return undefined
  const failed = await firstFailure(ctx, key)
  if (failed === undefined) return undefined
  const elapsedHours = hoursSinceFailure(failed.recordedAt, ctx.recordedAt)
  if (!(elapsedHours > hours)) return undefined
  return alertRecord(
    {
      kind: 'RECALL_LATE',
      at: ctx.recordedAt,
      seqs: [failed.seq, ctx.seq],
      ids: [id],
      message: `${id} recalled (${severity}) ${Math.floor(elapsedHours)} h after its failed inspection (seq ${failed.seq}, sample ${failed.sampleId}); a ${severity} recall starts within ${hours} h`,
    },
    joinKey(seqKey(ctx.seq), key),
  )
}

/** Due records one recall reads to find the failed lots its walk was the first to cover. */
export const MAX_DUES_READ_BY_RECALL = 10_000

/**
 * RECALL_LATE of the failed lots the recall at ctx.seq was the first to cover through its walk downstream (their
 * recall mark is this recall's, not one they had before): the clock stops at the first recall that covers a lot,
 * its own or an ingredient's, and a late one says so. The lots it names are judged before it marks them
 * (recallLateAlert), so `named` are skipped here. Reads at most MAX_DUES_READ_BY_RECALL due records.
 */
export async function coveredLateAlerts(ctx: RuleContext, severity: string, named: ReadonlySet<string>): Promise<ReturnType<typeof alertRecord>[]> {
  const alerts: ReturnType<typeof alertRecord>[] = []
  for (const [, due] of await ctx.range<RecallDue>(RECALL_DUE_SPACE, { limit: MAX_DUES_READ_BY_RECALL })) {
    if (named.has(due.key) || (await recallMarkOf(ctx, due.key))?.seq !== ctx.seq) continue
    const late = await recallLateAlert(ctx, due.key, due.id, severity)
    if (late) alerts.push(late)
  }
  return alerts
}

/** The lot's first failed inspection in the log, if any. */
async function firstFailure(reader: RecordReader, key: string): Promise<InspectionRecord | undefined> {
  return (await inspectionsOf(reader, [key])).find((inspection) => inspection.result.outcome === 'fail')
}

/**
 * A recall naming lot `key` takes it out of RECALL_OVERDUE's index, as a settled seal application leaves OVERDUE's,
 * so that what the alert reads at each query is the failed lots no recall has named. A lot covered only through
 * an ingredient's recall stays in it, skipped by its recall mark.
 */
export async function settleRecallDue(ctx: RuleContext, key: string): Promise<void> {
  const failed = await firstFailure(ctx, key)
  if (failed !== undefined) ctx.put(RECALL_DUE_SPACE, recallDueKey(failed, key), null)
}

/**
 * dueAt SEP objectKey -> RecallDue: a lot's first failed inspection, due a recall by `dueAt`, the longest of
 * RECALL_START_HOURS after it (past that, a recall of any class is late). RECALL_OVERDUE reads it.
 */
export const RECALL_DUE_SPACE = 'food.recall-due'

export interface RecallDue {
  /** the lot's canonical EPC URN and index key */
  id: string
  key: string
  /** the failed inspection */
  seq: number
  sampleId: string
  recordedAt: string
}

/** Hours after a lot's first failed inspection by which a recall of any class has started. */
const RECALL_DUE_HOURS = Math.max(...Object.values(RECALL_START_HOURS))

function recallDueKey(inspection: Pick<InspectionRecord, 'recordedAt'>, key: string): string {
  return joinKey(heldInstant(Date.parse(inspection.recordedAt) + RECALL_DUE_HOURS * 3_600_000), key)
}

function recallDueOf(inspection: InspectionRecord, key: string): RecallDue {
  return { id: inspection.lot, key, seq: inspection.seq, sampleId: inspection.sampleId, recordedAt: inspection.recordedAt }
}

/**
 * RECALL_OVERDUE, computed at query time: a lot whose first failed inspection is more than RECALL_DUE_HOURS old by
 * `now`, and which no recall covers (its own or an ingredient's, the recall index's mark). `at` is when it fell due.
 * A recall that then comes raises RECALL_LATE, and this one is no longer computed.
 */
export function recallOverdueAlertSource(): AlertSource {
  return heldAlertSource(async (ledger, now) => {
    const alerts: Alert[] = []
    // The next due time: due records are keyed `dueAt SEP objectKey`, and one at `now` itself is not yet due.
    const [next] = await ledger.records.range<RecallDue>(RECALL_DUE_SPACE, { gte: now.toISOString(), limit: 1 })
    const changesAt = next === undefined ? undefined : Date.parse(next[0].slice(0, next[0].indexOf(SEP))) + 1
    for await (const [dueKey, due] of uncoveredDues(ledger.records, now)) {
      alerts.push({
        kind: 'RECALL_OVERDUE',
        at: dueKey.slice(0, dueKey.indexOf(SEP)),
        seqs: [due.seq],
        ids: [due.id],
        message: `${due.id} failed its inspection (seq ${due.seq}, sample ${due.sampleId}) at ${due.recordedAt}, and no recall covers it ${RECALL_DUE_HOURS} h later: a recall of any class starts within ${RECALL_DUE_HOURS} h`,
      })
    }
    return { alerts, ...(changesAt !== undefined && Number.isFinite(changesAt) ? { changesAt } : {}) }
  })
}

/**
 * The failed lots no recall covers yet (its own or an ingredient's), oldest failure first, at most `limit`: the
 * clock RECALL_LATE and RECALL_OVERDUE read, for the console to show before either is raised.
 */
export async function awaitingRecall(records: LedgerRecords, limit: number): Promise<RecallDue[]> {
  const awaiting: RecallDue[] = []
  for await (const [, due] of uncoveredDues(records)) {
    if (awaiting.length >= limit) break
    awaiting.push(due)
  }
  return awaiting
}

/**
 * The due records, by due time (those due strictly before `dueBefore` when given: at the deadline itself a recall is
 * not late, as RECALL_LATE holds it), of the lots no recall covers: its own or an ingredient's mark.
 */
async function* uncoveredDues(records: LedgerRecords, dueBefore?: Date): AsyncIterable<[string, RecallDue]> {
  // Keys are `dueAt SEP objectKey`, dueAt as toISOString writes it: those below the bare time are due before it.
  const range = dueBefore === undefined ? {} : { lt: dueBefore.toISOString() }
  for await (const [dueKey, due] of records.scan<RecallDue>(RECALL_DUE_SPACE, range)) {
    if ((await recallMarkOf(records, due.key)) === undefined) yield [dueKey, due]
  }
}

/** Meta key: set once every failed inspection's lot has its due record. */
export const RECALL_DUE_INDEX_META = 'food.recall-due-index'

/** Due records written in one batch while the index is built. */
const BUILD_BATCH = 1000

/**
 * The due records of a store whose failed inspections were written before them, built once at open: each lot's
 * first failure, unless a recall naming the lot came after it (its latest, in the lot's recall record), as the
 * log's replay would leave them.
 */
export async function buildRecallDueIndex(store: LevelStore): Promise<void> {
  // A lot's inspections are together, oldest first (objectKey SEP seq): its first failure is the first one read.
  const failedLots = new Set<string>()
  let lots = 0
  await buildIndexOnce<InspectionRecord>(store, {
    meta: RECALL_DUE_INDEX_META,
    version: 1,
    space: INSPECTION_SPACE,
    batch: BUILD_BATCH,
    writesOf: async (key, inspection) => {
      const lotKey = key.slice(0, key.lastIndexOf(SEP))
      if (inspection.result.outcome !== 'fail' || failedLots.has(lotKey)) return []
      failedLots.add(lotKey)
      const recalled = await store.getRecord<RecallRecord>(SPACES.recall, lotKey)
      if (recalled !== undefined && recalled.seq >= inspection.seq) return []
      lots++
      return [{ space: RECALL_DUE_SPACE, key: recallDueKey(inspection, lotKey), value: recallDueOf(inspection, lotKey) }]
    },
    summary: () => ({ lots }),
  })
}

/** The inspections of the lots with these keys, oldest first. */
export async function inspectionsOf(reader: RecordReader, keys: Iterable<string>): Promise<InspectionRecord[]> {
  const out: InspectionRecord[] = []
  for (const key of keys) for (const [, record] of await reader.range<InspectionRecord>(INSPECTION_SPACE, prefixRange(key))) out.push(record)
  return out.sort((a, b) => a.seq - b.seq)
}
