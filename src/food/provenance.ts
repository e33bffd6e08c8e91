// The resolver's JSON view of a lot: what the consumer page shows and verifies. Each event and
// inspection comes with its log entry and an inclusion proof against one checkpoint, and each signer with its keys, so a
// browser can check everything without trusting the node.

import { toHex } from '../core/bytes.js'
import { checkedStatementOf } from '../core/statement.js'
import type { Entry, Ledger } from '../ledger/ledger.js'
import { inspectionsOf, type InspectionRecord } from './inspection.js'
import { servedEventId } from './event-ids.js'
import { journeyOf } from './journey.js'
import { eventOf } from './objects.js'
import { traceGraph, type TraceGraph } from './trace.js'
import type { ProductRecord, RecallRecord } from './records.js'

/** A signer's issuedAt further than this from the node's recordedAt is shown beside it. */
export const SIGNED_TIME_SHOWN_AFTER_MS = 24 * 60 * 60 * 1000

export interface ProvenanceEvent {
  seq: number
  /** the event's own eventID, else its CBV 2.0 event hash ID */
  eventID: string
  eventType: string
  bizStep: string | null
  eventTime: string
  /** when the node logged it: the time rules judge by */
  recordedAt: string
  /** the signer's own time, when more than a day from recordedAt */
  issuedAt?: string
  actor: { id: string; name: unknown; roles: string[] }
  /** the EPCIS event as signed */
  event: unknown
  /** the seq of the error declaration that corrected it (docs/food.md#corrections) */
  correctedBy?: number
  /** for an error declaration, the seqs of the events it corrected */
  declares?: number[]
  entry: Entry
}

/** An inspection of the lot or of a lot it was made from, with the entry that signed it. */
export interface ProvenanceInspection extends InspectionRecord {
  actor: { id: string; name: unknown; roles: string[] }
  entry: Entry
}

/** The recall covering the lot; `at` and `recordedAt` are when it took effect, `issuedAt` the signer's time when more than a day apart. */
export interface ProvenanceRecall extends RecallRecord {
  recordedAt: string
  issuedAt?: string
}

export interface Provenance {
  id: string
  digitalLink: string
  product: ProductRecord | null
  lot: string | null
  serial: string | null
  recalled: boolean
  recall?: ProvenanceRecall
  events: ProvenanceEvent[]
  /** test results of the lot and of the lots it was made from, oldest first */
  inspections: ProvenanceInspection[]
  trace: TraceGraph
  /** present when a limit cut the journey or the trace short: the answer shows part of the lot's history */
  truncated?: true
  /** the checkpoint every proof below is against */
  checkpoint: string
  proofs: { size: number; inclusion: { seq: number; leafHash: string; proof: string[] }[] }
}

/** Bytes of signed payloads one answer carries at most: a producer can sign events of any number of objects. */
export const MAX_PROVENANCE_PAYLOAD_BYTES = 256_000

export async function buildProvenance(ledger: Ledger, text: string): Promise<Provenance> {
  const reader = ledger.records
  // Every read below is one trip to the thread pool, and under appends each trip waits its turn on the
  // event loop: the walks, then the entries, then the proofs are each read at once, not one by one.
  const [journey, trace] = await Promise.all([journeyOf(reader, text), traceGraph(reader, text, 'both', undefined, { uncarriedItems: false })])
  const checkpoint = ledger.checkpoint
  const size = ledger.size
  const inspectionRecords = await inspectionsOf(reader, journey.keys)
  const [eventEntries, inspectionEntries, recallEntry] = await Promise.all([
    Promise.all(journey.events.map((record) => ledger.getEntry(record.seq))),
    Promise.all(inspectionRecords.map((record) => ledger.getEntry(record.seq))),
    journey.recall ? ledger.getEntry(journey.recall.seq) : undefined,
  ])
  const events: ProvenanceEvent[] = []
  const proven: { seq: number; leafHash: string }[] = []
  let payloadBytes = 0
  let truncated = journey.truncated
  for (let i = 0; i < journey.events.length; i++) {
    const record = journey.events[i]
    const { entry, leafHash } = eventEntries[i]
    payloadBytes += entry.envelope.payload.length
    if (payloadBytes > MAX_PROVENANCE_PAYLOAD_BYTES && events.length > 0) {
      truncated = true
      break
    }
    const statement = checkedStatementOf(entry.envelope)
    const actor = ledger.actors.get(statement.actor)
    events.push({
      seq: record.seq,
      eventID: servedEventId(record),
      eventType: record.eventType,
      bizStep: record.bizStep ?? null,
      eventTime: record.eventTime,
      recordedAt: entry.recordedAt,
      ...signedTimeApart(entry.recordedAt, statement.issuedAt),
      actor: { id: statement.actor, name: actor?.name ?? statement.actor, roles: actor?.roles ?? [] },
      event: eventOf(statement.body),
      ...(record.correctedBy !== undefined ? { correctedBy: record.correctedBy } : {}),
      ...(record.declares ? { declares: record.declares } : {}),
      entry,
    })
    proven.push({ seq: record.seq, leafHash })
  }
  const inspections: ProvenanceInspection[] = inspectionRecords.map((record, i) => {
    const { entry, leafHash } = inspectionEntries[i]
    const actor = ledger.actors.get(record.by)
    proven.push({ seq: record.seq, leafHash })
    return { ...record, actor: { id: record.by, name: actor?.name ?? record.by, roles: actor?.roles ?? [] }, entry }
  })
  const proofs = await Promise.all(proven.map(({ seq }) => ledger.inclusionProof(seq, size)))
  const inclusion = proven.map(({ seq, leafHash }, i) => ({ seq, leafHash, proof: proofs[i].proof.map(toHex) }))
  let recall: ProvenanceRecall | undefined
  if (journey.recall && recallEntry) {
    const { issuedAt } = checkedStatementOf(recallEntry.entry.envelope)
    recall = { ...journey.recall, recordedAt: journey.recall.at, ...signedTimeApart(journey.recall.at, issuedAt) }
  }
  return {
    id: journey.id,
    digitalLink: journey.object?.digitalLink ?? text,
    product: journey.product,
    lot: journey.object?.lot ?? null,
    serial: journey.object?.serial ?? null,
    recalled: recall !== undefined,
    ...(recall ? { recall } : {}),
    events,
    inspections,
    trace,
    ...(truncated || trace.truncated ? { truncated: true as const } : {}),
    checkpoint,
    proofs: { size, inclusion },
  }
}

/** `{issuedAt}` when the signer's time is more than a day from the node's, else nothing. */
export function signedTimeApart(recordedAt: string, issuedAt: string): { issuedAt?: string } {
  return Math.abs(Date.parse(issuedAt) - Date.parse(recordedAt)) > SIGNED_TIME_SHOWN_AFTER_MS ? { issuedAt } : {}
}
