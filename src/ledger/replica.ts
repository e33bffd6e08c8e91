// A mirror's append in two stages that overlap (Ledger.checkReplica, Ledger.commitReplica): the stateless
// checks of the next chunks of another log's entries run in the checker's threads while the chunk before
// them is sequenced again and committed on this thread. An audit (audit.ts) walks chunks as they come the same way.
//
// A chunk's signatures are checked against candidate keys: the registry as committed when its checks start,
// and the keys entries before it name (registered or rotated in), whose commit may not have landed yet
// (PendingKeys).
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
import { hasKindChecks, type ReplicaCheckJob, type StatementChecker } from './checks.js'
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
  return { checker, types: [...byType.keys()], typesWithChecks: [...byType.values()].filter(hasKindChecks).map((kind) => kind.type), maxClockSkewMs }
}

/** A chunk of a followed log's entries that passed every stateless check, ready to be sequenced again. */
export interface ReplicaChunk {
  /** the seq of its first entry */
  from: number
  /** the followed log's signed checkpoint that covers it, as served, and parsed */
  note: string
  checkpoint: Checkpoint
  entries: ReplicaEntry[]
}

export interface ReplicaChecks extends LogChecks {
  /** the registry as committed */
  registry: Registry
  /** keys named by entries checked ahead of the registry */
  pending: PendingKeys
  kinds: ReadonlyMap<string, StatementKind>
}

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
  const buffer = asBuffer(bytes)
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

const PAYLOAD = Buffer.from('"payload":"')
/** Actor statements whose body names a key that signs from then on. */
const KEY_STATEMENTS = new Set(['actor.register', 'actor.rotate-key'])
/** How such a statement's canonical JSON ends: `type` sorts after its other members (core/statement.ts). */
const KEY_STATEMENT_ENDS = [...KEY_STATEMENTS].map((type) => Buffer.from(`"type":"${type}"}`))
/** The base64 of a payload's last 33 bytes at most: whole groups of 4, more than the longest ending needs. */
const TAIL_CHARS = 44

/**
 * The key an entry's actor statement registers or rotates in, found without the checks: the end of its
 * payload decoded here, and the whole parsed only when it ends with such a type. Attacker-controlled bytes,
 * read as keyidsInEntry reads them: what this finds is a candidate key, never a verdict, and what it misses
 * (a payload not in canonical base64 of canonical JSON, which the checks refuse) is verified where it is judged.
 */
export function keyNamedIn(bytes: Uint8Array): { keyid: string; publicKey: string } | undefined {
  const buffer = asBuffer(bytes)
  const at = buffer.indexOf(PAYLOAD)
  const end = at < 0 ? -1 : buffer.indexOf(QUOTE, at + PAYLOAD.length)
  if (end < 0) return undefined
  const start = at + PAYLOAD.length
  const tail = Buffer.from(buffer.toString('latin1', Math.max(start, end - TAIL_CHARS), end), 'base64')
  if (!KEY_STATEMENT_ENDS.some((ending) => tail.length >= ending.length && tail.lastIndexOf(ending) === tail.length - ending.length)) return undefined
  const payload = Buffer.from(buffer.toString('latin1', start, end), 'base64')
  try {
    const statement = JSON.parse(payload.toString()) as { type?: unknown; body?: { publicKey?: unknown } }
    const publicKey = statement.body?.publicKey
    if (typeof statement.type !== 'string' || !KEY_STATEMENTS.has(statement.type) || typeof publicKey !== 'string') return undefined
    return { keyid: keyIdOf(fromBase64(publicKey)), publicKey }
  } catch {
    return undefined // a malformed statement or key is the checks' to refuse
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * The keys named by entries sent to the checks but not yet applied to the registry (walked by an audit,
 * committed by a mirror), with the seq of the entry that named each. An entry's candidate keys are the
 * registry's and those named before it, so a key registered in one chunk verifies in the check threads
 * in the chunks after it and later in its own, however many chunks are checked ahead.
 */
export class PendingKeys {
  private readonly named = new Map<string, Map<string, number>>()

  /** The candidate keys of each signature of entries from..; notes the keys they name. */
  candidatesOf(registry: Registry, from: number, entries: readonly Uint8Array[]): string[][][] {
    return entries.map((bytes, i) => {
      const seq = from + i
      const candidates = keyidsInEntry(bytes).map((keyid) => this.candidatesFor(registry, keyid, seq))
      const named = keyNamedIn(bytes)
      if (named !== undefined) {
        let keys = this.named.get(named.keyid)
        if (keys === undefined) this.named.set(named.keyid, (keys = new Map()))
        if (!keys.has(named.publicKey)) keys.set(named.publicKey, seq)
      }
      return candidates
    })
  }

  /** Forgets the keys named before `seq`: the registry has applied those entries. */
  forgetBefore(seq: number): void {
    for (const [keyid, keys] of this.named) {
      for (const [publicKey, namedAt] of keys) if (namedAt < seq) keys.delete(publicKey)
      if (keys.size === 0) this.named.delete(keyid)
    }
  }

  private candidatesFor(registry: Registry, keyid: string, seq: number): string[] {
    const held = registry.publicKeysFor(keyid)
    const pending = this.named.get(keyid)
    if (pending === undefined) return held
    const named = [...pending].flatMap(([publicKey, namedAt]) => (namedAt < seq && !held.includes(publicKey) ? [publicKey] : []))
    return named.length === 0 ? held : [...held, ...named]
  }
}

/**
 * The job of every stateless check the node ran on entries from..from+entries.length-1 of a log
 * (attacker-controlled bytes), for the checker's threads, one job for the chunk: each entry parsed there and its
 * statement checked against the entry's recordedAt as the clock. Candidate keys are the registry's and those
 * `pending` holds from entries before each one; it notes the keys these entries name.
 */
export function logChunkJob(checks: LogChecks, registry: Registry, pending: PendingKeys, from: number, entries: readonly Uint8Array[]): ReplicaCheckJob {
  return {
    entries: [...entries],
    from,
    candidates: pending.candidatesOf(registry, from, entries),
    types: checks.types,
    typesWithChecks: checks.typesWithChecks,
    maxClockSkewMs: checks.maxClockSkewMs,
  }
}

/**
 * The checks of logChunkJob for a mirror: entries of a followed log (whose `leaves` the caller checked they hash
 * to: the sequencer then takes them for the bytes it rebuilds). Throws a TracechainError with details.seq at the
 * first entry refused.
 */
export async function checkReplicaChunk(
  checks: ReplicaChecks,
  from: number,
  entries: readonly Uint8Array[],
  leaves: readonly Uint8Array[],
  signed: { note: string; checkpoint: Checkpoint },
): Promise<ReplicaChunk> {
  const outcomes = await checks.checker.checkReplica(logChunkJob(checks, checks.registry, checks.pending, from, entries))
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
  return { from, ...signed, entries: replica }
}

/** What checkedInOrder runs. */
export interface ChunksInOrder<Read, Checked> {
  /** the seq of the first chunk, and the end of the last */
  from: number
  to: number
  /** where the chunk starting at `from` ends (at most `to`) */
  end(from: number): number
  read(from: number, count: number): Promise<Read>
  /** starts a chunk's checks; what the chunks before it lend (PendingKeys) must be taken before its first await */
  check(from: number, read: Read): Promise<Checked>
  /** chunks checked at once, besides the one the caller has */
  depth: number
}

/**
 * The chunks from..to checked, in order: while the caller works on one (commits it, walks it), the next
 * `depth` are checked and the one after them read, so the check threads always have a queue. A chunk's
 * checks start once it is read and those of the chunk before it have started, so PendingKeys sees the
 * entries in seq order. A read or check that fails is thrown in its turn; a caller that stops early leaves
 * the rest to settle unobserved.
 */
export async function* checkedInOrder<Read, Checked>(chunks: ChunksInOrder<Read, Checked>): AsyncGenerator<Checked> {
  const reads = new Map<number, Promise<Read>>()
  const readAt = (from: number) => {
    let reading = reads.get(from)
    if (reading === undefined) {
      reading = chunks.read(from, chunks.end(from) - from)
      reading.catch(() => undefined)
      reads.set(from, reading)
    }
    return reading
  }
  const queue: Promise<Checked>[] = []
  let next = chunks.from
  let started: Promise<unknown> = Promise.resolve()
  const fill = () => {
    for (; queue.length < chunks.depth && next < chunks.to; next = chunks.end(next)) {
      const from = next
      // Wrapped, so that `started` settles when the checks start, not when they end.
      const starting = Promise.all([readAt(from), started]).then(([read]) => {
        reads.delete(from)
        return { checking: chunks.check(from, read) }
      })
      started = starting.catch(() => undefined)
      const checking = starting.then(({ checking }) => checking)
      checking.catch(() => undefined)
      queue.push(checking)
    }
    if (next < chunks.to) readAt(next)
  }
  fill()
  for (let checking = queue.shift(); checking !== undefined; checking = queue.shift()) {
    const checked = await checking
    fill()
    // Let the chunks just read reach the check threads before the caller works on this one.
    await new Promise<void>((resolve) => setImmediate(resolve))
    yield checked
  }
}
