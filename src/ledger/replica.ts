// A mirror's append in two stages that overlap (Ledger.checkReplica, Ledger.commitReplica): the stateless
// checks of a chunk of another log's entries run in the checker's threads while the chunk before it is
// sequenced again and committed on this thread.
//
// A chunk's signatures are checked against candidate keys: the registry as committed when its checks start,
// and the keys the chunk before it names (registered or rotated in), whose commit may not have landed yet.
// They are candidates only, as for the node's own requests, which are checked while earlier groups commit:
// the sequencer judges each verified key against the registry as of the entry's seq (signers.ts), and a
// signature no candidate matched is verified there against the registry of its time
// (resolveDeferredSignatures). So checking ahead changes where a signature is verified, never the verdict.

import type { Checkpoint } from '../core/checkpoint.js'
import { decodeEnvelope } from '../core/dsse.js'
import { fail } from '../core/errors.js'
import { fromBase64 } from '../core/bytes.js'
import { keyIdOf } from '../core/keys.js'
import { actorKinds } from './actor-kinds.js'
import type { ReplicaCheckOutcome, StatementChecker } from './checks.js'
import type { Prepared } from './group.js'
import type { StatementKind } from './kinds.js'
import type { Registry } from './registry.js'
import type { ReplicaEntry } from './sequencer.js'

/** What the stateless checks of a log's entries need: where they run, and the node's statement types. */
export interface LogChecks {
  checker: StatementChecker
  /** the statement types the node records */
  types: string[]
  /** those whose kinds have a stateless check of their own */
  typesWithChecks: string[]
  maxClockSkewMs: number
}

/** LogChecks for a log of `kinds` (with the registry's own, actor-kinds.ts), run by `checker`. */
export function logChecksOf(kinds: readonly StatementKind[], checker: StatementChecker, maxClockSkewMs: number): LogChecks {
  const byType = new Map<string, StatementKind>()
  for (const kind of [...actorKinds, ...kinds]) byType.set(kind.type, kind)
  return { checker, types: [...byType.keys()], typesWithChecks: [...byType.values()].filter((kind) => kind.check).map((kind) => kind.type), maxClockSkewMs }
}

/** The stateless checks of consecutive entries of a log, one outcome per entry, refusals included. */
export interface CheckedLogChunk {
  /** the seq of its first entry */
  from: number
  outcomes: ReplicaCheckOutcome[]
  /** public keys its accepted actor statements name, by keyid: candidates for the next chunk's checks */
  keys: ReadonlyMap<string, readonly string[]>
}

/** A chunk of a followed log's entries that passed every stateless check, ready to be sequenced again. */
export interface ReplicaChunk {
  /** the seq of its first entry */
  from: number
  /** the followed log's signed checkpoint that covers it, as served, and parsed */
  note: string
  checkpoint: Checkpoint
  entries: ReplicaEntry[]
  /** public keys its actor statements name, by keyid: candidates for the next chunk's checks */
  keys: ReadonlyMap<string, readonly string[]>
}

export interface ReplicaChecks extends LogChecks {
  /** the registry as committed */
  registry: Registry
  kinds: ReadonlyMap<string, StatementKind>
}

/** Actor statements whose body names a key that signs from then on. */
const KEY_STATEMENTS = new Set(['actor.register', 'actor.rotate-key'])

const KEYID = Buffer.from('"keyid":"')
const QUOTE = 0x22

/**
 * The keyids an entry's signatures name, in order, found in its bytes without parsing them (the check threads
 * parse them). In the canonical JSON of an entry the node accepted, `"keyid":"` occurs only as the key of a
 * signature (within a string every quote is escaped), and a keyid is 16 hex digits (schemas/envelope.json).
 * The bytes are attacker-controlled, and for an entry that is not such JSON this may name other keyids; they
 * only choose candidate keys, which cannot make a signature verify under a key it was not made with, nor make
 * a key count for a keyid other than the envelope's own (signers.ts): such an entry is refused as the node
 * refused it, at most with another code.
 */
export function keyidsInEntry(bytes: Uint8Array): string[] {
  // Buffer's native search: half the time of a regular expression over the entry as a string.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const keyids: string[] = []
  for (let at = buffer.indexOf(KEYID); at >= 0; ) {
    const start = at + KEYID.length
    const end = buffer.indexOf(QUOTE, start)
    if (end < 0) break
    keyids.push(buffer.toString('latin1', start, end))
    at = buffer.indexOf(KEYID, end)
  }
  return keyids
}

/**
 * Runs every stateless check the node ran on entries from..from+entries.length-1 of a log (attacker-controlled
 * bytes), in the checker's threads, one job for the chunk: each entry parsed there and its statement checked
 * against the entry's recordedAt as the clock. Candidate keys are the registry's and those `lent` by the chunk
 * before, checked but perhaps not yet applied. Refusals come back as outcomes, at their place.
 */
export async function checkLogChunk(
  checks: LogChecks,
  registry: Registry,
  from: number,
  entries: readonly Uint8Array[],
  lent?: ReadonlyMap<string, readonly string[]>,
): Promise<CheckedLogChunk> {
  const candidatesFor = (keyid: string) => {
    const keys = lent?.get(keyid)
    const held = registry.publicKeysFor(keyid)
    return keys === undefined ? held : [...new Set([...held, ...keys])]
  }
  const outcomes = await checks.checker.checkReplica({
    entries: [...entries],
    from,
    candidates: entries.map((bytes) => keyidsInEntry(bytes).map(candidatesFor)),
    types: checks.types,
    typesWithChecks: checks.typesWithChecks,
    maxClockSkewMs: checks.maxClockSkewMs,
  })
  const keys = new Map<string, string[]>()
  for (const outcome of outcomes) {
    if ('refused' in outcome) continue
    const { statement } = outcome
    const publicKey = statement.body.publicKey
    if (KEY_STATEMENTS.has(statement.type) && typeof publicKey === 'string') {
      try {
        const keyid = keyIdOf(fromBase64(publicKey))
        keys.set(keyid, [...(keys.get(keyid) ?? []), publicKey])
      } catch {
        // a malformed key is its rule's to refuse
      }
    }
  }
  return { from, outcomes, keys }
}

/**
 * checkLogChunk for a mirror: entries of a followed log (whose `leaves` the caller checked they hash to: the
 * sequencer then takes them for the bytes it rebuilds), with `previous` (the chunk before, checked, perhaps
 * not yet committed) lending its keys. Throws a TracechainError with details.seq at the first entry refused.
 */
export async function checkReplicaChunk(
  checks: ReplicaChecks,
  from: number,
  entries: readonly Uint8Array[],
  leaves: readonly Uint8Array[],
  signed: { note: string; checkpoint: Checkpoint },
  previous?: ReplicaChunk,
): Promise<ReplicaChunk> {
  const { outcomes, keys } = await checkLogChunk(checks, checks.registry, from, entries, previous?.keys)
  const replica = outcomes.map((outcome, i): ReplicaEntry => {
    const seq = from + i
    if ('refused' in outcome) {
      fail(outcome.refused.code, `entry ${seq}: the log holds a statement the node's checks refuse: ${outcome.refused.message}`, { seq, refused: outcome.refused.details })
    }
    const { envelope, recordedAt, statement } = outcome
    const prepared: Prepared = {
      envelope,
      statement,
      kind: checks.kinds.get(statement.type) as StatementKind,
      payloadHash: outcome.payloadHash,
      verifiedKeys: outcome.verifiedKeys,
      ...(outcome.facts ? { facts: outcome.facts } : {}),
      decode: () => decodeEnvelope(envelope),
      logged: { bytes: entries[i], leaf: leaves[i] },
    }
    return { seq, recordedAt, prepared, leaf: leaves[i] }
  })
  return { from, ...signed, entries: replica, keys }
}
