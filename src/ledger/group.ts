// One group of statements being sequenced: for each in turn, its repeat check, its signers against the
// registry as of its seq, its kind's rules, then its entry, chained to the one before and hashed as an
// RFC 9162 leaf. Nothing is written here: the sequencer commits what the group accepted.

import type { DecodedEnvelope, Envelope } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { TracechainError, isTracechainError } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import { bytesEqual, toHex } from '../core/bytes.js'
import type { Statement } from '../core/statement.js'
import type { RangeOptions, RecordWrite } from '../store/level-store.js'
import { joinKey, seqKey } from '../store/keys.js'
import { DEFAULT_LATE_RECORD_AFTER_MS } from '../core/late-record.js'
import { alertRecord, lateRecordAlert } from './alerts.js'
import { slowRecordWrite } from './witnessed.js'
import type { Entry } from './entry.js'
import { leafInput } from './entry-bytes.js'
import { IDEMPOTENCY_SPACE, idempotencyKey as idempotencyKeyOf, type IdempotencyRecord } from './idempotency.js'
import { requireRole, type Repeat, type StatementFacts, type StatementKind } from './kinds.js'
import type { PendingWrites } from './pending-writes.js'
import type { Registry } from './registry.js'
import { checkGenesis, checkSigners, resolveDeferredSignatures } from './signers.js'
import { fail } from '../core/errors.js'

/** A statement that passed every check that needs no ledger state. */
export interface Prepared {
  envelope: Envelope
  statement: Statement
  kind: StatementKind
  payloadHash: string
  /** per signature: the base64 public key it verified against, null if it verified against no known key, undefined if the key was unknown when it arrived */
  verifiedKeys: (string | null | undefined)[]
  /** what its kind derived from it (StatementKind.facts) */
  facts?: StatementFacts
  /** the envelope's bytes, decoded again on the rare paths that need them (genesis, keys registered in the same group) */
  decode(): DecodedEnvelope
  /** a mirror's: the followed log's bytes of this entry and the leaf hash its tiles authenticate for them */
  logged?: { bytes: Uint8Array; leaf: Uint8Array }
}

export interface SubmitResult {
  seq: number
  leafHash: string
  /** false when this was a repeat of a statement already in the log */
  created: boolean
}

export type SubmitOutcome = SubmitResult | TracechainError

export interface GroupObserver {
  onRefused?(code: string): void
}

/** An accepted statement's entry: its bytes and leaf hash, for the commit. */
export interface AcceptedEntry {
  seq: number
  entryBytes: Uint8Array
  leaf: Uint8Array
}

export class Group {
  readonly accepted: AcceptedEntry[] = []
  /** records kinds keep about refused statements; they land even when nothing is accepted */
  readonly refusalRecords: RecordWrite[] = []
  /** the latest of refusalRecords by space and key, so a later refusal in the group reads what an earlier one kept; made at the first refusal */
  private refusalLatest: Map<string, RecordWrite> | undefined
  repeated = 0
  refused = 0
  /** hex leaf hash of the last entry, accepted here or before */
  prev: string
  private nextSeq: number

  /**
   * @param registry a fork of the ledger's registry: the group's changes, adopted once committed
   * @param size the log's size before the group; its first accepted statement gets this seq
   */
  constructor(
    private readonly ed: Ed25519,
    readonly registry: Registry,
    readonly pending: PendingWrites,
    size: number,
    prev: string,
    private readonly recordedAt: string,
    private readonly observers: readonly GroupObserver[],
    /** LATE_RECORD's window (core/late-record.ts) */
    private readonly lateRecordAfterMs: number = DEFAULT_LATE_RECORD_AFTER_MS,
  ) {
    this.nextSeq = size
    this.prev = prev
  }

  /**
   * Sequences one statement; `known` is its stored idempotency record, if any. Returns its answer, or a
   * promise of it only when its kind's rules are asynchronous: the common path allocates no promise.
   */
  sequence(prepared: Prepared, idempotencyKey: string, known: IdempotencyRecord | undefined): SubmitOutcome | Promise<SubmitOutcome> {
    const { statement } = prepared
    try {
      resolveDeferredSignatures(this.ed, prepared, this.registry, this.nextSeq === 0)
      const repeat = (this.pending.pending(IDEMPOTENCY_SPACE, idempotencyKey)?.value as IdempotencyRecord | undefined) ?? known
      if (repeat) {
        if (repeat.payloadHash !== prepared.payloadHash) {
          fail('STATEMENT_ID_CONFLICT', `${statement.actor} already used id ${statement.id} at seq ${repeat.seq} for other bytes`, {
            seq: repeat.seq,
          })
        }
        this.repeated++
        return { seq: repeat.seq, leafHash: repeat.leafHash, created: false }
      }
      const seq = this.nextSeq
      const writes: RecordWrite[] = []
      const { actor, cosigners } = seq === 0 ? checkGenesis(this.ed, prepared) : checkSigners(prepared, this.registry, seq)
      if (prepared.kind.roles !== 'any') requireRole(actor, prepared.kind.roles, statement.type)
      const pending = this.pending
      const accepting = prepared.kind.accept({
        statement,
        envelope: prepared.envelope,
        seq,
        recordedAt: this.recordedAt,
        actor,
        cosigners,
        ...(prepared.facts ? { facts: prepared.facts } : {}),
        ...(prepared.logged ? { replaying: true } : {}),
        registry: this.registry,
        get: <T>(space: string, key: string) => {
          const own = writes.findLast((w) => w.space === space && w.key === key)
          return Promise.resolve(own ? ((own.value ?? undefined) as T | undefined) : pending.get<T>(space, key))
        },
        range: <T>(space: string, options: RangeOptions) => pending.range<T>(space, options, writes),
        put: (space, key, value) => writes.push({ space, key, value }),
      })
      if (accepting instanceof Promise) {
        return accepting.then((repeat) => this.settle(prepared, idempotencyKey, seq, writes, repeat)).catch((error: unknown) => this.refuse(prepared, error))
      }
      return this.settle(prepared, idempotencyKey, seq, writes, accepting)
    } catch (error) {
      return this.refuse(prepared, error)
    }
  }

  /**
   * An accepted statement's answer: its entry, or for a Repeat its kind found, the first statement's answer
   * with nothing written. A mirror appends what its followed log holds, repeats included: that log recorded them.
   */
  private settle(prepared: Prepared, idempotencyKey: string, seq: number, writes: RecordWrite[], repeat: Repeat | void): SubmitResult {
    if (repeat === undefined || prepared.logged !== undefined) return this.append(prepared, idempotencyKey, seq, writes)
    const key = idempotencyKeyOf({ actor: prepared.statement.actor, id: repeat.repeats })
    const first = this.pending.get<IdempotencyRecord>(IDEMPOTENCY_SPACE, key)
    if (!first) throw new TracechainError('INTERNAL', `${prepared.statement.type} ${prepared.statement.id} repeats ${repeat.repeats}, which is not in the log`)
    this.repeated++
    return { seq: first.seq, leafHash: first.leafHash, created: false }
  }

  /** The statement's entry: chained, hashed, its writes and idempotency record pending. */
  private append(prepared: Prepared, idempotencyKey: string, seq: number, writes: RecordWrite[]): SubmitResult {
    const entry: Entry = { seq, prev: this.prev, recordedAt: this.recordedAt, envelope: prepared.envelope }
    const input = leafInput(entry)
    // The leaf hash, RFC 9162's SHA-256(0x00 || entry); for bytes equal to a followed log's, the hash its tiles
    // hold for them (the mirror checked that they hash to it), so a mirror hashes each entry once, not twice.
    const { logged } = prepared
    const leaf = logged !== undefined && bytesEqual(input.subarray(1), logged.bytes) ? logged.leaf : sha256(input)
    const leafHex = toHex(leaf)
    const late = lateRecordAlert(prepared.statement, seq, this.recordedAt, this.lateRecordAfterMs)
    if (late) writes.push(alertRecord(late, seqKey(seq)))
    const slow = slowRecordWrite(prepared.statement.issuedAt, this.recordedAt, seq, this.lateRecordAfterMs)
    if (slow) writes.push(slow)
    writes.push({
      space: IDEMPOTENCY_SPACE,
      key: idempotencyKey,
      value: { seq, payloadHash: prepared.payloadHash, leafHash: leafHex } satisfies IdempotencyRecord,
    })
    this.pending.add(writes)
    this.accepted.push({ seq, entryBytes: input.subarray(1), leaf })
    this.prev = leafHex
    this.nextSeq++
    return { seq, leafHash: leafHex, created: true }
  }

  /** A refusal is the statement's answer; its kind may keep records of it (best effort). */
  private refuse(prepared: Prepared, error: unknown): SubmitOutcome | Promise<SubmitOutcome> {
    const refusal = isTracechainError(error) ? error : new TracechainError('INTERNAL', (error as Error).message)
    this.refused++
    for (const o of this.observers) o.onRefused?.(refusal.code)
    const onRefused = prepared.kind.onRefused
    if (!onRefused || refusal.code === 'INTERNAL') return refusal
    const pending = this.pending
    const kept = (this.refusalLatest ??= new Map<string, RecordWrite>())
    const keep = (records: RecordWrite[]) => {
      this.refusalRecords.push(...records)
      for (const record of records) kept.set(joinKey(record.space, record.key), record)
      return refusal
    }
    try {
      const recording = onRefused.call(prepared.kind, {
        statement: prepared.statement,
        envelope: prepared.envelope,
        error: refusal,
        at: this.recordedAt,
        registry: this.registry,
        get: <T>(space: string, key: string) => {
          const own = kept.get(joinKey(space, key))
          return Promise.resolve(own ? ((own.value ?? undefined) as T | undefined) : pending.get<T>(space, key))
        },
        range: <T>(space: string, options: RangeOptions) => pending.range<T>(space, options),
      })
      // Evidence of an attempt is best effort; the refusal itself stands.
      return Array.isArray(recording) ? keep(recording) : Promise.resolve(recording).then(keep, () => refusal)
    } catch {
      return refusal
    }
  }
}
