// The full audit of a run of entries: canonical bytes, seqs, the hash chain, every statement's stateless
// checks and DSSE signatures as the node ran them (in the check threads, as a mirror's replay runs them),
// each signature's key against the registry as of its seq, and the Merkle root. No I/O: the node, the CLI
// (over HTTP or a data directory) feed it entries in order, so all three check with the same code.

import { bytesEqual, fromBase64, toHex } from '../core/bytes.js'
import { decodeEnvelope, pae, type Envelope } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { TracechainError, fail, isTracechainError, type ErrorCode } from '../core/errors.js'
import { leafHash } from '../core/merkle.js'
import { RootAccumulator } from '../core/root-accumulator.js'
import { keyValidAt } from '../core/key-validity.js'
import { applyActorStatement, requireActorStatementRole } from './actor-kinds.js'
import type { AuditCheckOutcome, AuditedEntry } from './checks.js'
import { checkedEntryOf, GENESIS_PREV } from './entry.js'
import { Registry, type ActorRecord } from './registry.js'
import { checkedInOrder, logChunkJob, PendingKeys, type LogChecks } from './replica.js'

export interface AuditFinding {
  seq: number
  code: ErrorCode
  reason: string
}

/** Whether `actor` holds `publicKey` as a key that may sign the statement at `seq`. */
function holdsKeyAt(actor: ActorRecord, publicKey: string, seq: number): boolean {
  return actor.keys.some((k) => k.publicKey === publicKey && keyValidAt(k, seq))
}

export interface AuditorOptions {
  /** verifies here the signatures no candidate key matched in the checks: keys registered in the same chunk */
  ed: Ed25519
  /** where and how every entry's stateless checks run: the node's own (Ledger.logChecks, replica.ts) */
  checks: LogChecks
  /** first seq fed; 0 replays the registry from genesis */
  from: number
  /** hex leaf hash of entry from-1 (GENESIS_PREV when from is 0) */
  prevLeafHash: string
  /** for from > 0: the registry to judge signatures with (keys carry the seqs they were valid for) */
  registry?: Registry
}

export interface AuditInput {
  seq: number
  bytes: Uint8Array
  /** the leaf hash the tree (or the serving node) claims for this seq */
  expectedLeafHash?: Uint8Array
}

/** A chunk whose stateless checks are done, to be walked in order. */
export interface CheckedAuditChunk {
  /** the seq of its first entry */
  from: number
  outcomes: AuditCheckOutcome[]
  inputs: readonly AuditInput[]
}

/**
 * Audits entries fed in seq order; stops at the first bad one. Each chunk in two stages, as a mirror replays
 * (replica.ts): check() runs every entry's stateless checks in the checker's threads (its bytes parsed there,
 * its statement checked as the node checked it, its signatures verified against candidate keys), and may run
 * while the chunks before it are checked or walked; walk() then follows the chain in order on this thread,
 * judging each signature's key against the registry as of its seq and each leaf against the tree.
 */
export class Auditor {
  private readonly ed: Ed25519
  private readonly checks: LogChecks
  private readonly replay: boolean
  private readonly registry: Registry
  /** keys named by entries checked and not yet walked: candidates for the entries after them */
  private readonly pending = new PendingKeys()
  private expectedSeq: number
  private prev: string
  private keepRootAt: number | undefined
  readonly accumulator?: RootAccumulator
  /** the root at the size keepRoot named, once the walk passed it */
  keptRoot?: Uint8Array
  checked = 0
  firstBad?: AuditFinding

  constructor(options: AuditorOptions) {
    this.ed = options.ed
    this.checks = options.checks
    this.replay = options.from === 0
    this.registry = this.replay ? new Registry() : (options.registry ?? new Registry())
    this.expectedSeq = options.from
    this.prev = options.prevLeafHash
    if (this.replay) this.accumulator = new RootAccumulator()
  }

  /** Keeps the root of the tree at `size` as the walk passes it (keptRoot); only when replaying from 0. */
  keepRoot(size: number): void {
    this.keepRootAt = size
  }

  /** Checks a chunk of consecutive entries; returns false once a bad entry was found. */
  async feed(chunk: AuditInput[]): Promise<boolean> {
    if (this.firstBad) return false
    return this.walk(await this.check(chunk.length > 0 ? chunk[0].seq : this.expectedSeq, chunk))
  }

  /**
   * The first stage: the stateless checks of a chunk from seq `from`, which may run while the chunks before it
   * are checked or walked; chunks in order, each called once the one before it was (their keys are candidates
   * here). Throws only when the checks cannot run (INTERNAL).
   */
  async check(from: number, chunk: readonly AuditInput[]): Promise<CheckedAuditChunk> {
    // checkAudit: the walk runs no kind's accept, which alone reads what the kinds derive (an event's hash ID).
    const job = logChunkJob(this.checks, this.registry, this.pending, from, chunk.map((input) => input.bytes))
    return { from, outcomes: await this.checks.checker.checkAudit(job), inputs: chunk }
  }

  /** The second stage, in seq order; returns false once a bad entry was found. */
  walk(checked: CheckedAuditChunk): boolean {
    if (this.firstBad) return false
    for (let i = 0; i < checked.inputs.length; i++) {
      const { seq, bytes, expectedLeafHash } = checked.inputs[i]
      const outcome = checked.outcomes[i]
      try {
        if (seq !== this.expectedSeq) fail('ENTRY_INVALID', `expected seq ${this.expectedSeq}, found entry ${seq}`)
        if ('refused' in outcome) throw new TracechainError(outcome.refused.code, outcome.refused.message, outcome.refused.details)
        if (outcome.prev !== this.prev) fail('CHAIN_BROKEN', `prev is ${outcome.prev}, the leaf hash of entry ${seq - 1} is ${this.prev}`)
        this.checkSigners(seq, outcome, this.signingKeys(seq, outcome, bytes))
        const leaf = leafHash(bytes)
        if (expectedLeafHash && !bytesEqual(leaf, expectedLeafHash)) {
          fail('ENTRY_INVALID', `the entry's leaf hash ${toHex(leaf)} differs from the one the tree commits to, ${toHex(expectedLeafHash)}`)
        }
        this.prev = toHex(leaf)
        this.accumulator?.push(leaf)
        if (this.accumulator !== undefined && this.accumulator.size === this.keepRootAt) this.keptRoot = this.accumulator.root()
        this.expectedSeq++
        this.checked++
      } catch (error) {
        const finding = asFinding(error, 'ENTRY_INVALID')
        this.firstBad = { seq, code: finding.code, reason: finding.message }
        return false
      }
    }
    this.pending.forgetBefore(this.expectedSeq)
    return true
  }

  /**
   * The key each signature verified against: in the checks, or here for a key they did not know (the genesis
   * entry's own; a key registered in the entries before it is a candidate there). `bytes` passed the checks.
   */
  private signingKeys(seq: number, { keyids, verifiedKeys, statement }: AuditedEntry, bytes: Uint8Array): SigningKey[] {
    let envelope: Envelope | undefined
    let message: Uint8Array | undefined
    return keyids.map((keyid, index) => {
      const verified = verifiedKeys[index]
      if (typeof verified === 'string') return { keyid, publicKey: verified }
      const own = statement?.body.publicKey
      const candidates = seq === 0 && typeof own === 'string' ? [own] : this.registry.publicKeysFor(keyid)
      if (envelope === undefined || message === undefined) {
        envelope = checkedEntryOf(bytes).envelope
        const decoded = decodeEnvelope(envelope)
        message = pae(decoded.payloadType, decoded.payload)
      }
      const signature = fromBase64(envelope.signatures[index].sig, 'sig')
      const publicKey = candidates.find((candidate) => this.ed.verify(fromBase64(candidate), message as Uint8Array, signature))
      if (publicKey === undefined) fail('SIGNATURE_INVALID', `signature by key ${keyid} does not verify`, { keyid })
      return { keyid, publicKey }
    })
  }

  private checkSigners(seq: number, { type, actor: actorId, statement }: AuditedEntry, keys: SigningKey[]): void {
    if (seq === 0) {
      const body = (statement?.body ?? {}) as { id?: string; publicKey?: string; roles?: string[] }
      if (type !== 'actor.register' || body.id !== actorId || !body.roles?.includes('admin')) {
        fail('ENTRY_INVALID', 'entry 0 is not an admin registering itself')
      }
      if (!keys.some((k) => k.publicKey === body.publicKey)) fail('SIGNATURE_MISSING', 'entry 0 is not signed by the key it registers')
    } else {
      for (const { keyid, publicKey } of keys) {
        if (!this.registry.keyOwnerAt(keyid, publicKey, seq)) {
          fail('KEY_NOT_VALID', `key ${keyid} was not valid at seq ${seq}`, { keyid })
        }
      }
      const actor = this.registry.get(actorId)
      if (!actor) fail('UNKNOWN_ACTOR', `actor ${actorId} was not registered at seq ${seq}`)
      if (!keys.some((k) => holdsKeyAt(actor, k.publicKey, seq))) fail('SIGNATURE_MISSING', `no valid signature by ${actor.id}`)
      requireActorStatementRole(actor, type)
    }
    // The registry's own statements come whole (AuditedEntry); no other applies to it.
    if (this.replay && statement !== undefined) {
      try {
        applyActorStatement(this.registry, statement, seq)
      } catch (error) {
        fail('ENTRY_INVALID', `actor statement does not apply: ${(error as Error).message}`)
      }
    }
  }
}

interface SigningKey {
  keyid: string
  publicKey: string
}

function asFinding(error: unknown, fallback: ErrorCode): TracechainError {
  if (isTracechainError(error)) return error
  return new TracechainError(fallback, (error as Error)?.message ?? String(error))
}

export { GENESIS_PREV, RootAccumulator }

/** Chunks in the check threads while one is walked: enough that they always have the next one queued. */
export const CHUNKS_CHECKED_AHEAD = 3

export interface AuditRangeOptions {
  onProgress?: (checked: number) => void
  /** chunks checked while one is walked (default CHUNKS_CHECKED_AHEAD) */
  checkedAhead?: number
}

/**
 * Audits entries from..to-1, read `chunkSize` at a time by `read` (a store, a node's HTTP API), reading and
 * checking the next chunks while one is walked. Resolves when done or when the auditor found a bad entry,
 * with the seq where `read` came back short, if it did (the entries before it walked).
 */
export async function auditRange(
  auditor: Auditor,
  from: number,
  to: number,
  chunkSize: number,
  read: (from: number, count: number) => Promise<AuditInput[]>,
  { onProgress, checkedAhead = CHUNKS_CHECKED_AHEAD }: AuditRangeOptions = {},
): Promise<{ shortAt?: number }> {
  const end = (seq: number) => Math.min(to, seq + chunkSize)
  const chunks = checkedInOrder({ from, to, end, read, check: (seq, chunk: AuditInput[]) => auditor.check(seq, chunk), depth: checkedAhead })
  for await (const checked of chunks) {
    const short = checked.inputs.length < end(checked.from) - checked.from
    if (!auditor.walk(checked)) return {}
    onProgress?.(auditor.checked)
    if (short) return { shortAt: checked.from + checked.inputs.length }
  }
  return {}
}
