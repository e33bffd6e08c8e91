// Builds an offline proof bundle (core/proof-bundle.ts, docs/bundles.md) from a ledger: the entries asked
// for and every registry entry of the actors needed to check them (their signers and co-signers, the actors
// a page names, and the admins who registered or rotated those, back to the operator's entry 0), each with a
// C2SP tlog-proof against one checkpoint note, kept verbatim: the note a node serves may later carry witness
// cosignatures, and the proofs carry it as it is.

import { toBase64, utf8 } from '../core/bytes.js'
import { noteTreeSize } from '../core/checkpoint.js'
import { decodeEnvelope } from '../core/dsse.js'
import { fail } from '../core/errors.js'
import { BUNDLE_FORMAT, MAX_BUNDLE_ACTOR_HISTORY, MAX_BUNDLE_ACTORS, MAX_BUNDLE_BYTES, MAX_BUNDLE_ENTRIES, type BundleEntry, type BundleSubject, type ProofBundle } from '../core/proof-bundle.js'
import { parseStatementPayload, type Statement } from '../core/statement.js'
import { formatTlogProof } from '../core/tlog-proof.js'
import { checkedEntryOf } from './entry.js'
import type { Ledger } from './ledger.js'
import { witnessedProof } from './witnessed.js'

export interface BundleRequest {
  about: BundleSubject
  /** the entries the bundle is about */
  seqs: readonly number[]
  /** actors whose registrations it needs beyond the entries' signers (a lot page names the owners of places, the operator) */
  actors?: readonly string[]
  /** the signed note to prove against, verbatim (default: the ledger's latest checkpoint) */
  checkpoint?: string
}

interface ReadEntry {
  bytes: Uint8Array
  statement: Statement
  /** keyids of its signatures */
  keyids: string[]
}

async function readEntry(ledger: Ledger, seq: number): Promise<ReadEntry> {
  const bytes = await ledger.getEntryBytes(seq)
  const entry = checkedEntryOf(bytes)
  const decoded = decodeEnvelope(entry.envelope)
  return { bytes, statement: parseStatementPayload(decoded.payload), keyids: decoded.signatures.map((s) => s.keyid) }
}

/**
 * The bundle of `request` from `ledger`. Throws RANGE_INVALID for a seq outside the checkpoint's tree,
 * NOTE_MALFORMED for a note that does not parse, RANGE_TOO_LARGE past the format's bounds, STORE_CORRUPT.
 */
export async function buildProofBundle(ledger: Ledger, request: BundleRequest): Promise<ProofBundle> {
  const note = request.checkpoint ?? ledger.checkpoint
  const size = noteTreeSize(note)
  const aboutSeqs = [...new Set(request.seqs)].sort((a, b) => a - b)
  if (aboutSeqs.length === 0) throw new RangeError('"seqs" must name at least one entry')
  for (const seq of aboutSeqs) {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) fail('RANGE_INVALID', `seq ${seq} is not in the checkpoint's tree of size ${size}`, { seq, size })
  }
  const read = new Map<number, Promise<ReadEntry>>()
  const entryAt = (seq: number) => {
    let entry = read.get(seq)
    if (!entry) {
      entry = readEntry(ledger, seq)
      read.set(seq, entry)
    }
    return entry
  }

  // The actors, to a fixed point: each one's registry entries name the admin who signed them.
  const histories = new Map<string, number[]>()
  let wanted = new Set<string>(request.actors ?? [])
  for (const entry of await Promise.all(aboutSeqs.map(entryAt))) {
    wanted.add(entry.statement.actor)
    // A co-signature is by a key some actor held: every actor that held a key of that id is checked.
    for (const keyid of entry.keyids) for (const id of ledger.actors.actorsWithKeyId(keyid)) wanted.add(id)
  }
  while (wanted.size > 0) {
    const next = new Set<string>()
    for (const id of wanted) {
      if (histories.has(id)) continue
      const seqs = ledger.actors.seqsBefore(id, size)
      // An actor registered after the checkpoint signed nothing in its tree: a page may name it, the bundle cannot.
      if (seqs.length === 0) continue
      if (seqs.length > MAX_BUNDLE_ACTOR_HISTORY) fail('RANGE_TOO_LARGE', `actor ${id} has ${seqs.length} registry entries, over the ${MAX_BUNDLE_ACTOR_HISTORY} a bundle carries`, { actor: id })
      histories.set(id, seqs)
      for (const entry of await Promise.all(seqs.map(entryAt))) if (!histories.has(entry.statement.actor)) next.add(entry.statement.actor)
    }
    if (histories.size > MAX_BUNDLE_ACTORS) fail('RANGE_TOO_LARGE', `the bundle would list ${histories.size} actors, over ${MAX_BUNDLE_ACTORS}`)
    wanted = next
  }

  const all = [...new Set([...aboutSeqs, ...[...histories.values()].flat()])].sort((a, b) => a - b)
  if (all.length > MAX_BUNDLE_ENTRIES) fail('RANGE_TOO_LARGE', `the bundle would carry ${all.length} entries, over ${MAX_BUNDLE_ENTRIES}`)
  const about = new Set(aboutSeqs)
  const entries = await Promise.all(
    all.map(async (seq) => {
      const [{ bytes }, { proof }, witnessed] = await Promise.all([entryAt(seq), ledger.inclusionProof(seq, size), about.has(seq) ? witnessedProof(ledger, seq, size) : undefined])
      const entry: BundleEntry = { seq, leaf: toBase64(bytes), proof: formatTlogProof({ index: seq, proof, checkpoint: note }) }
      if (witnessed !== undefined) entry.witnessed = witnessed
      return entry
    }),
  )
  const actors = [...histories.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, seqs]) => ({ id, seqs }))
  const bundle: ProofBundle = { format: BUNDLE_FORMAT, about: { ...request.about, seqs: aboutSeqs }, verifierKey: ledger.verifierKey, checkpoint: note, entries, actors }
  // UTF-8 is at most three bytes a UTF-16 unit: only a bundle that long is encoded to be measured.
  const text = JSON.stringify(bundle)
  if (text.length * 3 > MAX_BUNDLE_BYTES && utf8(text).length > MAX_BUNDLE_BYTES) {
    fail('RANGE_TOO_LARGE', `the bundle would be over the ${MAX_BUNDLE_BYTES} bytes a bundle may be`, { maxBytes: MAX_BUNDLE_BYTES })
  }
  return bundle
}
