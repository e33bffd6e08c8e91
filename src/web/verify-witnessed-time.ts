// Verified entries held against witnessed time (core/witnessed-time.ts). An entry may come with a tlog-proof
// against the earliest checkpoint the log's witnesses cosigned that holds it (in a bundle, or from the node's
// GET /v1/proofs/witnessed); with the
// verifier's own witness policy, the time by which that policy was met bounds when the entry was recorded.
// A log whose recordedAt is later than that bound is caught; a statement late by that bound, though not by
// the log's word, is marked late. The witness keys are the verifier's, never the bundle's.

import { verifyCheckpoint } from '../core/checkpoint.js'
import { verifyCosignatures } from '../core/cosignature.js'
import type { Ed25519 } from '../core/ed25519.js'
import { lateBy, lateDays } from '../core/late-record.js'
import { verifyInclusion } from '../core/merkle.js'
import { parseTlogProof } from '../core/tlog-proof.js'
import { policyMetAt, witnessedTiming } from '../core/witnessed-time.js'
import type { AccountEntry } from './bundle-account.js'
import type { EntrySource } from './verify-entries.js'
import type { EntryOutcome, Failure, WitnessPolicy } from './verify-log.js'
import { message } from './verify-signed-entry.js'

/** Seqs one request for witnessed proofs names (the node's limit, http/routes/log.ts). */
const MAX_WITNESSED_SEQS = 200

/** What the bundle proves of each entry's times, as the account shows them. */
export type EntryTimes = Pick<AccountEntry, 'witnessedAt' | 'late'>

/**
 * The times of the verified `outcomes`: late by the log's recordedAt against `afterMs`, and with `policy`,
 * each one's witnessed time from its proof in `witnessedProofs` (a C2SP tlog-proof by seq). A witnessed proof that does not hold, or a recordedAt
 * later than the witnesses saw the entry, is a failure.
 */
export async function entryTimes(
  ed: Ed25519,
  verifierKey: string,
  witnessedProofs: ReadonlyMap<number, string>,
  entries: EntrySource,
  outcomes: readonly EntryOutcome[],
  afterMs: number,
  policy: WitnessPolicy | undefined,
  failures: Failure[],
): Promise<Map<number, EntryTimes>> {
  const times = new Map<number, EntryTimes>()
  for (const { seq, ok, statement, recordedAt } of outcomes) {
    if (!ok || !statement || recordedAt === undefined) continue
    const own: EntryTimes = {}
    const gap = lateBy(statement.issuedAt, recordedAt, afterMs)
    if (gap !== undefined) own.late = { days: lateDays(gap), by: 'recorded' }
    const proof = witnessedProofs.get(seq)
    if (policy && proof !== undefined) {
      try {
        const witnessedAt = await witnessedBound(ed, verifierKey, proof, seq, (await entries.verified(seq)).leaf, policy)
        const timing = witnessedTiming(statement.issuedAt, recordedAt, witnessedAt, afterMs)
        own.witnessedAt = timing.witnessedAt
        if (timing.lateByWitnessed !== undefined) own.late = { days: lateDays(timing.lateByWitnessed), by: 'witnessed' }
        if (timing.recordedAfterWitnessed !== undefined) {
          failures.push({ check: 'witnessed-time', seq, detail: `the log says it recorded entry ${seq} at ${recordedAt}, after its witnesses had seen it at ${timing.witnessedAt}` })
        }
      } catch (error) {
        failures.push({ check: 'witnessed-time', seq, detail: message(error) })
      }
    }
    if (own.late || own.witnessedAt) times.set(seq, own)
  }
  return times
}

/** The POSIX seconds by which `policy` had cosigned a checkpoint of this log holding entry `seq` (leaf hash `leaf`). */
async function witnessedBound(ed: Ed25519, verifierKey: string, text: string, seq: number, leaf: Uint8Array, policy: WitnessPolicy): Promise<number> {
  const proof = parseTlogProof(text)
  if (proof.index !== seq) throw new Error(`the witnessed proof of entry ${seq} is for index ${proof.index}`)
  const checkpoint = verifyCheckpoint(ed, proof.checkpoint, verifierKey)
  verifyInclusion(seq, checkpoint.size, leaf, proof.proof, checkpoint.rootHash)
  const { cosignatures } = verifyCosignatures(ed, proof.checkpoint, policy.keys)
  const metAt = policyMetAt(cosignatures, policy.min)
  if (metAt === undefined) throw new Error(`the witnessed checkpoint of entry ${seq} is cosigned by ${cosignatures.length} of the ${policy.min} witnesses required`)
  return metAt
}

/** The witnessed proofs a node offers for `seqs` (GET /v1/proofs/witnessed), by seq; none where it offers none. */
export async function fetchWitnessedProofs(api: { json(path: string): Promise<unknown> }, seqs: readonly number[]): Promise<Map<number, string>> {
  const proofs = new Map<number, string>()
  const asked = new Set(seqs)
  for (let at = 0; at < seqs.length; at += MAX_WITNESSED_SEQS) {
    let answer: unknown
    try {
      answer = await api.json(`/v1/proofs/witnessed?seqs=${seqs.slice(at, at + MAX_WITNESSED_SEQS).join(',')}`)
    } catch {
      // A copy without the route (static tiles, an older node): no witnessed times, nothing claimed.
      return proofs
    }
    const offered = (answer as { proofs?: unknown } | null)?.proofs
    if (typeof offered !== 'object' || offered === null) continue
    for (const [seq, proof] of Object.entries(offered)) if (typeof proof === 'string' && asked.has(Number(seq))) proofs.set(Number(seq), proof)
  }
  return proofs
}
