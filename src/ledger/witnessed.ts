// The node's witnessed checkpoints, kept by tree size, and what each one shows of the entries it was the
// first to witness (core/witnessed-time.ts): a statement late by witnessed time though not by the node's own
// recordedAt raises LATE_RECORD, written with the checkpoint. Bundles carry, for each entry, the earliest kept
// checkpoint that holds it, so a verifier can bound the entry's time by the witnesses' clocks, not the node's.

import { parseCheckpoint } from '../core/checkpoint.js'
import { decodeEnvelope } from '../core/dsse.js'
import { lateBy, lateDays } from '../core/late-record.js'
import { parseSignedNote } from '../core/signed-note.js'
import { parseStatementPayload, type Statement } from '../core/statement.js'
import { formatTlogProof } from '../core/tlog-proof.js'
import { witnessedTiming, DEFAULT_WITNESS_SLACK_MS } from '../core/witnessed-time.js'
import { seqKey } from '../store/keys.js'
import type { RecordWrite } from '../store/level-store.js'
import { alertRecord, type Alert } from './alerts.js'
import type { Entry } from './entry.js'
import type { LedgerRecords } from './kinds.js'
import type { Ledger } from './ledger.js'

export const WITNESSED_SPACE = 'witnessed'
/**
 * Entries recorded more than half the window after they were signed, by seq (their issuedAt): the only ones a
 * witnessed checkpoint can show late while its witnesses lag the node by less than half the window, so a
 * checkpoint after an outage of its witnesses reads these, not every entry since.
 */
export const SLOW_RECORD_SPACE = 'slow-record'
/** Entries read at a time while looking for what a checkpoint shows late. */
const SCAN_CHUNK = 256

/** A checkpoint that met the node's witness policy, as kept. */
export interface KeptWitnessed {
  size: number
  /** the note with its cosignature lines, verbatim */
  note: string
  /** POSIX seconds by which the policy was met (core/witnessed-time.ts policyMetAt) */
  witnessedAt: number
}

/**
 * The earliest kept witnessed checkpoint whose tree holds `seq`, if the log was witnessed before `seq` was
 * appended: the first checkpoint a log's witnesses ever cosign holds its whole history, and bounds none of it.
 */
export async function witnessedCovering(records: LedgerRecords, seq: number): Promise<KeptWitnessed | undefined> {
  if ((await keptBefore(records, seq + 1)) === undefined) return undefined
  const [found] = await records.range<KeptWitnessed>(WITNESSED_SPACE, { gt: seqKey(seq), limit: 1 })
  return found?.[1]
}

/** The latest kept witnessed checkpoint below `size`. */
async function keptBefore(records: LedgerRecords, size: number): Promise<KeptWitnessed | undefined> {
  const [found] = await records.range<KeptWitnessed>(WITNESSED_SPACE, { lt: seqKey(size), reverse: true, limit: 1 })
  return found?.[1]
}

/** The slow-record index entry of a statement recorded more than half the window after it was signed (group.ts). */
export function slowRecordWrite(issuedAt: string, recordedAt: string, seq: number, afterMs: number): RecordWrite | undefined {
  if (!(afterMs > 0) || lateBy(issuedAt, recordedAt, afterMs / 2) === undefined) return undefined
  return { space: SLOW_RECORD_SPACE, key: seqKey(seq), value: issuedAt }
}

/**
 * LATE_RECORD by witnessed time for the entries `kept` is the first to witness, from..kept.size-1. Entries
 * are recorded in order, so a scan stops at the first one the node recorded within the slack of the
 * witnesses' time: from there on recordedAt and witnessed time agree, and recordedAt's own check has spoken.
 * While the witnesses lag the first of them by less than half the window, only the slow records can be late
 * by witnessed time; past that (an outage of the witnesses), every entry up to that point is read.
 */
async function lateByWitnessedAlerts(ledger: Ledger, from: number, kept: KeptWitnessed, slackMs: number, raisedAt: string): Promise<Alert[]> {
  const afterMs = ledger.lateRecordAfterMs
  if (!(afterMs > 0) || from >= kept.size) return []
  const boundMs = kept.witnessedAt * 1000
  const first = (await ledger.getEntry(from)).entry
  const witnessesKeptUp = boundMs - Date.parse(first.recordedAt) <= afterMs / 2 + slackMs
  const alerts: Alert[] = []
  const check = (entry: Entry): boolean => {
    if (Date.parse(entry.recordedAt) >= boundMs - slackMs) return false
    const statement = parseStatementPayload(decodeEnvelope(entry.envelope).payload)
    const timing = witnessedTiming(statement.issuedAt, entry.recordedAt, kept.witnessedAt, afterMs, slackMs)
    if (timing.lateByWitnessed !== undefined) alerts.push(witnessedLateAlert(statement, entry, timing.witnessedAt, timing.lateByWitnessed, raisedAt))
    return true
  }
  if (witnessesKeptUp) {
    for (const [key] of await ledger.records.range<string>(SLOW_RECORD_SPACE, { gte: seqKey(from), lt: seqKey(kept.size) })) {
      if (!check((await ledger.getEntry(parseInt(key, 16))).entry)) break
    }
    return alerts
  }
  for (let seq = from; seq < kept.size; ) {
    const chunk = await ledger.getEntries(seq, Math.min(SCAN_CHUNK, kept.size - seq))
    if (chunk.length === 0) break
    for (const { entry } of chunk) if (!check(entry)) return alerts
    seq += chunk.length
  }
  return alerts
}

/**
 * At the witnesses' time, or the node's when it raises the alert if that is later: the witnesses' time (whole seconds
 * of their clocks) trails the node's, and an alert placed before ones already stored would be passed by every reader
 * that goes on from where it was (a webhook's cursor, a resumed stream).
 */
function witnessedLateAlert(statement: Statement, entry: Entry, witnessedAt: string, gapMs: number, raisedAt: string): Alert {
  return {
    kind: 'LATE_RECORD',
    at: raisedAt > witnessedAt ? raisedAt : witnessedAt,
    seqs: [entry.seq],
    actor: statement.actor,
    message:
      `${statement.type} ${statement.id} by ${statement.actor}, signed ${statement.issuedAt}, recorded ${entry.recordedAt} by the node's clock, ` +
      `first witnessed ${witnessedAt}: ${lateDays(gapMs)} days after signing by witnessed time`,
  }
}

/**
 * Keeps `note`, a checkpoint that met the policy at `witnessedAt` (POSIX seconds), with the LATE_RECORD
 * alerts it shows, raised at the node's clock (ledger.now()) or the witnesses' time if later. A checkpoint no larger
 * than one kept before adds nothing and is not kept.
 */
export async function keepWitnessed(ledger: Ledger, note: string, witnessedAt: number, slackMs = DEFAULT_WITNESS_SLACK_MS): Promise<KeptWitnessed | undefined> {
  const size = parseCheckpoint(parseSignedNote(note).text).size
  const latest = await keptBefore(ledger.records, Number.MAX_SAFE_INTEGER)
  if (latest !== undefined && latest.size >= size) return undefined
  const kept: KeptWitnessed = { size, note, witnessedAt }
  // The first checkpoint ever witnessed holds the history from before witnessing began: it dates none of it.
  const alerts = latest === undefined ? [] : await lateByWitnessedAlerts(ledger, latest.size, kept, slackMs, ledger.now().toISOString())
  const records: RecordWrite[] = [{ space: WITNESSED_SPACE, key: seqKey(size), value: kept }]
  for (const alert of alerts) records.push(alertRecord(alert, `${seqKey(alert.seqs[0])}.witnessed`))
  await ledger.commitRecords(records)
  return kept
}

/**
 * A C2SP tlog-proof of `seq` against the earliest kept witnessed checkpoint that holds it, if that checkpoint
 * is within a tree of `size` (a bundle's), and the log was witnessed before `seq` was appended.
 */
export async function witnessedProof(ledger: Ledger, seq: number, size = ledger.size): Promise<string | undefined> {
  const kept = await witnessedCovering(ledger.records, seq)
  if (kept === undefined || kept.size > size) return undefined
  const { proof } = await ledger.inclusionProof(seq, kept.size)
  return formatTlogProof({ index: seq, proof, checkpoint: kept.note })
}
