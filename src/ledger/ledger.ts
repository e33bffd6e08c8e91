// The log: statements are checked as they arrive, all of a request together (schema, payload form,
// signatures: in worker threads on the server, see checks.ts), then sequenced in groups with one synced
// commit and one signed checkpoint each (sequencer.ts). Reads and proofs are in ledger-reads.ts.

import { DEFAULT_LATE_RECORD_AFTER_MS, MAX_CLOCK_SKEW_MS } from '../core/late-record.js'
import { bytesEqual, toBase64, toHex } from '../core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../core/dsse.js'
import type { AsyncEd25519 } from '../core/ed25519.js'
import { TracechainError, fail } from '../core/errors.js'
import type { Signer } from '../core/keys.js'
import { formatVerifierKey, parseVerifierKey } from '../core/signed-note.js'
import { supersedesCheckpoint, type Checkpoint, type NoteSigner } from '../core/checkpoint.js'
import type { WitnessKey } from '../core/cosignature.js'
import { verifyServableCheckpoint } from '../core/servable-checkpoint.js'
import type { Statement } from '../core/statement.js'
import type { LevelStore, RecordWrite } from '../store/level-store.js'
import { actorKinds } from './actor-kinds.js'
import { hasKindChecks, inlineChecker, keyidsOf, type StatementChecker } from './checks.js'
import { checkReplicaChunk, PendingKeys, type LogChecks, type ReplicaChunk } from './replica.js'
import type { SubmitOutcome, SubmitResult } from './group.js'
import type { StatementKind } from './kinds.js'
import { LedgerReads } from './ledger-reads.js'
import type { Registry } from './registry.js'
import { Sequencer, type SequencerObserver, type SequencerOptions } from './sequencer.js'
import { emptyState, loadState, type LedgerState } from './ledger-state.js'

export type { AsyncEd25519 } from '../core/ed25519.js'
export type { Entry } from './entry.js'
export { GENESIS_PREV } from './entry.js'
export type { Prepared, SubmitOutcome, SubmitResult } from './group.js'
export type { LogChecks, ReplicaChunk } from './replica.js'

export const DEFAULT_MAX_BATCH = 500
export const DEFAULT_MAX_CLOCK_SKEW_MS = MAX_CLOCK_SKEW_MS
/** How often a node whose store failed a write tries to re-establish it. */
export const DEFAULT_RECOVERY_INTERVAL_MS = 1000

export interface LedgerOptions {
  store: LevelStore
  /** the node's own key: signs checkpoints, never statements */
  nodeSigner: Signer
  origin: string
  ed: AsyncEd25519
  clock?: () => Date
  kinds?: StatementKind[]
  /** where the stateless checks run (default: in this thread with `ed`; the server passes CheckPool.shared()) */
  checker?: StatementChecker
  /** statements per group commit, at least one whole request */
  maxBatch?: number
  maxClockSkewMs?: number
  recoveryIntervalMs?: number
  /**
   * LATE_RECORD's window: a statement signed more than this before the node records it raises the alert
   * (default 24 h; 0 turns it off). Like every pattern alert it is written with the entry, so a change
   * applies to statements recorded after it, and a mirror must be given the node's value.
   */
  lateRecordAfterMs?: number
}

/** Whether the node takes appends: after a failed write it refuses them until the store is reopened. */
export interface StoreStatus {
  available: boolean
  /** when the failure happened, and what failed (the latest attempt to recover, once one was made) */
  since?: string
  reason?: string
}

export type LedgerObserver = SequencerObserver

/** A mirror's ledger: the same store and reads as a node's, its entries another log's (replicate, replica.ts). */
export interface ReplicaOptions extends Omit<LedgerOptions, 'nodeSigner' | 'origin' | 'maxBatch' | 'clock'> {
  /** the followed log's note verifier key: only checkpoints it signed are kept and served */
  verifierKey: string
  /** where writes go: named in the 405 the mirror answers them with */
  primary: string
  /** the witnesses whose cosignatures it serves, each line verified; lines under other keys are never served */
  witnesses?: readonly WitnessKey[]
}

/** Who signs this ledger's checkpoints: its own node key, or, for a mirror, the followed log's (whose checkpoints it keeps). */
type CheckpointSource = { nodeSigner: Signer; origin: string } | { verifierKey: string; primary: string; witnesses?: readonly WitnessKey[] }

export class Ledger extends LedgerReads {
  readonly origin: string
  readonly verifierKey: string
  private readonly checker: StatementChecker
  private readonly clock: () => Date
  /** while a replayed statement is being recorded (submitReplayed): the time it is recorded at */
  private replayedAt: Date | undefined
  private readonly types: string[]
  private readonly typesWithChecks: string[]
  private readonly maxClockSkewMs: number
  private readonly observers: LedgerObserver[] = []
  private readonly sequencerOptions: Omit<SequencerOptions, keyof LedgerState | 'store'>
  private sequencer: Sequencer
  private closing = false
  private storeFailure: { since: string; reason: string } | undefined
  private readonly recoveryIntervalMs: number
  private recoveryTimer: NodeJS.Timeout | undefined
  private recovering: Promise<boolean> | undefined
  private readonly stopWatchingStore: () => void
  /** a mirror's: keys named by entries checked and not yet committed, candidates for those after them */
  private readonly replicaKeys = new PendingKeys()

  /** set on a mirror: where writes go */
  readonly primary: string | undefined
  /** a mirror's: the witnesses whose verified cosignatures its checkpoints keep */
  readonly witnesses: readonly WitnessKey[] = []

  private constructor(options: Omit<LedgerOptions, 'nodeSigner' | 'origin'>, source: CheckpointSource, state: LedgerState) {
    super(options.store, state.tree)
    const kinds = [...actorKinds, ...(options.kinds ?? [])]
    const byType = new Map<string, StatementKind>()
    for (const kind of kinds) byType.set(kind.type, kind)
    this.checker = options.checker ?? inlineChecker(options.ed, kinds)
    const clock = options.clock ?? (() => new Date())
    this.clock = () => this.replayedAt ?? clock()
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS
    this.types = [...byType.keys()]
    this.typesWithChecks = [...byType.values()].filter(hasKindChecks).map((kind) => kind.type)
    let noteSigner: NoteSigner
    if ('nodeSigner' in source) {
      const { nodeSigner, origin } = source
      this.origin = origin
      this.verifierKey = formatVerifierKey(origin, nodeSigner.publicKey)
      noteSigner = { name: origin, publicKey: nodeSigner.publicKey, sign: (m) => nodeSigner.sign(m) }
    } else {
      const verifier = parseVerifierKey(source.verifierKey)
      this.origin = verifier.name
      this.verifierKey = source.verifierKey
      this.primary = source.primary
      this.witnesses = source.witnesses ?? []
      noteSigner = { name: verifier.name, publicKey: verifier.publicKey, sign: () => fail('MIRROR_READ_ONLY', 'a mirror signs no checkpoints') }
    }
    this.recoveryIntervalMs = options.recoveryIntervalMs ?? DEFAULT_RECOVERY_INTERVAL_MS
    this.sequencerOptions = {
      ed: options.ed,
      kinds: byType,
      clock: this.clock,
      lateRecordAfterMs: options.lateRecordAfterMs ?? DEFAULT_LATE_RECORD_AFTER_MS,
      maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
      noteSigner,
      observers: this.observers,
      onWriteFailed: (error) => this.writeFailed(error),
    }
    this.sequencer = new Sequencer({ ...this.sequencerOptions, ...state, store: options.store })
    // A write outside the groups (a capture job, a webhook's state) that fails leaves the store as a failed
    // commit does: appends are refused until it is reopened.
    this.stopWatchingStore = options.store.onWriteFailed((error) => this.writeFailed(error))
  }

  /** Opens an initialised ledger: reads the head, the registry and the upper tiles; never replays the log. */
  static async open(options: LedgerOptions): Promise<Ledger> {
    return new Ledger(options, options, await loadState(options.store))
  }

  /** Opens a mirror's ledger, new (an empty store) or not; its entries come only through replicate(). */
  static async openReplica(options: ReplicaOptions): Promise<Ledger> {
    const state = (await options.store.getHead()) ? await loadState(options.store) : await emptyState(options.store)
    return new Ledger(options, options, state)
  }

  /**
   * Creates the genesis entry in an empty store: the operator's own actor.register, self-signed; recorded
   * as of `genesisAt` when given (submitReplayed).
   * Throws ALREADY_INITIALISED when the store has a head.
   */
  static async initialise(options: LedgerOptions, operator: Signer, operatorName = 'Operator', genesisAt?: Date): Promise<Ledger> {
    if (await options.store.getHead()) fail('ALREADY_INITIALISED', `${options.store.location} already holds a ledger`)
    const ledger = new Ledger(options, options, await emptyState(options.store))
    const clock = options.clock ?? (() => new Date())
    const statement: Statement = {
      type: 'actor.register',
      actor: 'operator',
      id: 'operator',
      issuedAt: (genesisAt ?? clock()).toISOString(),
      body: { id: 'operator', name: operatorName, roles: ['admin'], publicKey: toBase64(operator.publicKey) },
    }
    const genesis = buildStatementEnvelope(statement, [operator])
    await (genesisAt ? ledger.submitReplayed(genesis, genesisAt) : ledger.submit(genesis))
    return ledger
  }

  /**
   * Records `envelope` as though the node's clock read `recordedAt`. Only the demo seed calls it, to replay a
   * story signed over months as a node running then would have recorded it (so its statements are not late
   * records); nothing reachable over HTTP does. Nothing else may submit meanwhile: their entries would carry
   * that time too.
   */
  async submitReplayed(envelope: Envelope, recordedAt: Date): Promise<SubmitResult> {
    if (this.replayedAt) fail('BAD_REQUEST', 'one replayed statement at a time')
    this.replayedAt = recordedAt
    try {
      return await this.submit(envelope)
    } finally {
      this.replayedAt = undefined
    }
  }

  /** Writes records that belong to no statement (ledger/witnessed.ts). Throws STORE_UNAVAILABLE after a failed write. */
  async commitRecords(records: readonly RecordWrite[]): Promise<void> {
    if (this.closing) fail('SHUTTING_DOWN', 'the node is closing')
    if (this.storeFailure) fail('STORE_UNAVAILABLE', `a write to the store failed at ${this.storeFailure.since}: ${this.storeFailure.reason}`)
    await this.sequencer.commitRecords(records)
  }

  /** The node's clock, as its entries' recordedAt reads it: for what the ledger raises outside an append. */
  now(): Date {
    return this.clock()
  }

  /** LATE_RECORD's window this ledger writes the alert by (LedgerOptions) */
  get lateRecordAfterMs(): number {
    return this.sequencerOptions.lateRecordAfterMs
  }

  /** How this ledger runs the stateless checks of its statements: also those of an audit of its log (audit-ledger.ts). */
  get logChecks(): LogChecks {
    return { checker: this.checker, types: this.types, typesWithChecks: this.typesWithChecks, maxClockSkewMs: this.maxClockSkewMs }
  }

  addObserver(observer: LedgerObserver): void {
    this.observers.push(observer)
  }

  /** Stops telling `observer` (an app closing before its ledger does). */
  removeObserver(observer: LedgerObserver): void {
    const at = this.observers.indexOf(observer)
    if (at >= 0) this.observers.splice(at, 1)
  }

  get checkpoint(): string {
    return this.sequencer.checkpoint
  }

  get actors(): Registry {
    return this.sequencer.registry
  }

  /** Submits one envelope (attacker-controlled). Resolves once durable; rejects with a TracechainError. */
  async submit(envelope: Envelope): Promise<SubmitResult> {
    const [outcome] = await this.submitMany([envelope])
    if (outcome instanceof TracechainError) throw outcome
    return outcome
  }

  /**
   * Submits a request's envelopes (attacker-controlled values, checked here); one bad envelope does not
   * hold back the rest. Resolves once the accepted ones are durable, with one outcome per envelope in order.
   */
  async submitMany(envelopes: readonly unknown[]): Promise<SubmitOutcome[]> {
    if (this.primary !== undefined) fail('MIRROR_READ_ONLY', `this is a mirror of ${this.origin}; send writes to ${this.primary}`, { primary: this.primary })
    if (this.closing) fail('SHUTTING_DOWN', 'the node is closing')
    if (this.storeFailure) {
      fail('STORE_UNAVAILABLE', `a write to the store failed at ${this.storeFailure.since}; appends are refused until it is re-established: ${this.storeFailure.reason}`)
    }
    if (envelopes.length === 0) return []
    const registry = this.sequencer.registry
    const checking = this.checker.check({
      envelopes: envelopes as unknown[],
      candidates: envelopes.map((value) => keyidsOf(value).map((keyid) => registry.publicKeysFor(keyid))),
      types: this.types,
      typesWithChecks: this.typesWithChecks,
      nowMs: this.clock().getTime(),
      maxClockSkewMs: this.maxClockSkewMs,
    })
    return this.sequencer.submit(envelopes, checking)
  }

  /**
   * A mirror's append: the followed log's entries from seq `from` (this ledger's size), their bytes and the
   * leaf hashes its tiles hold, with its signed checkpoint `note`, which must cover them. Every check the
   * node ran when it appended them runs again (the stateless ones in the checker's threads, each against the
   * entry's recordedAt as the clock), then its rules; the head keeps `note` once the entries reach its size,
   * whose root they must then give. Throws a TracechainError (details.seq for an entry) at the first thing
   * that differs, having written nothing of the call; STORE_UNAVAILABLE after a failed write.
   */
  async replicate(from: number, entries: readonly Uint8Array[], leaves: readonly Uint8Array[], note: string): Promise<void> {
    await this.commitReplica(await this.checkReplica(from, entries, leaves, note))
  }

  /**
   * replicate's first stage: the stateless checks of a chunk, which may run while the chunks before it are
   * still being checked or committed (replica.ts says why that is sound); chunks in order, each called once
   * the one before it was. Requires from >= size. Throws as replicate does, having written nothing.
   */
  async checkReplica(from: number, entries: readonly Uint8Array[], leaves: readonly Uint8Array[], note: string): Promise<ReplicaChunk> {
    if (this.primary === undefined) fail('BAD_REQUEST', 'only a mirror replicates another log')
    if (from < this.size) fail('RANGE_INVALID', `a mirror of size ${this.size} cannot take entries from ${from}`, { from, size: this.size })
    if (entries.length !== leaves.length) throw new RangeError(`"leaves" must be one per entry: ${leaves.length} for ${entries.length}`)
    // The note kept once the chunk reaches its size: the lines this mirror verified, none a copy added unchecked.
    const { checkpoint, note: servable } = this.servable(note)
    if (checkpoint.size < from + entries.length) {
      fail('CHECKPOINT_MISMATCH', `entries up to ${from + entries.length} are not covered by the checkpoint of size ${checkpoint.size}`, { size: checkpoint.size })
    }
    const checks = { ...this.logChecks, registry: this.sequencer.registry, pending: this.replicaKeys, kinds: this.sequencerOptions.kinds }
    return checkReplicaChunk(checks, from, entries, leaves, { note: servable, checkpoint })
  }

  /** replicate's second stage: a checked chunk sequenced again and committed; chunks in order, from this ledger's size. */
  async commitReplica(chunk: ReplicaChunk): Promise<void> {
    if (chunk.from !== this.size) fail('RANGE_INVALID', `a mirror of size ${this.size} cannot take entries from ${chunk.from}`, { from: chunk.from, size: this.size })
    if (this.storeFailure) fail('STORE_UNAVAILABLE', `a write to the store failed at ${this.storeFailure.since}: ${this.storeFailure.reason}`)
    const { checkpoint, note } = chunk
    await this.sequencer.replicate(chunk.entries, (size, root) => {
      if (size !== checkpoint.size) return undefined
      if (!bytesEqual(root, checkpoint.rootHash)) {
        fail('CHECKPOINT_MISMATCH', `the entries give root ${toHex(root)} at size ${size}; the checkpoint signs ${toHex(checkpoint.rootHash)}`, { seq: size - 1 })
      }
      return note
    })
    this.replicaKeys.forgetBefore(this.size)
  }

  /**
   * A mirror's: keeps `note`, the followed log's signed checkpoint of a tree this ledger holds (attacker-controlled),
   * cut to its verified lines (servable-checkpoint.ts), in place of the one kept when it is of a larger tree (a
   * catch-up cut short), or of the same tree with every line of the kept one and more (the witnesses' cosignatures,
   * which the node adds after it first served the note). Returns whether it was kept. Throws NOTE_MALFORMED,
   * NOTE_SIGNATURE_INVALID, CHECKPOINT_MISMATCH (a root this tree does not have at its size), STORE_UNAVAILABLE.
   */
  async keepReplicaCheckpoint(note: string): Promise<boolean> {
    if (this.primary === undefined) fail('BAD_REQUEST', 'only a mirror keeps another log’s checkpoints')
    const { checkpoint: offered, note: servable } = this.servable(note)
    if (servable === this.checkpoint) return false
    if (offered.size === 0 || offered.size > this.size) return false
    if (!bytesEqual(await this.rootAt(offered.size), offered.rootHash)) {
      fail('CHECKPOINT_MISMATCH', `the checkpoint of size ${offered.size} signs root ${toHex(offered.rootHash)}; this tree has another there`, { size: offered.size })
    }
    // A note kept before its lines were checked (an earlier release), or by a witness no longer given, gives way.
    const kept = this.checkpoint === '' ? undefined : this.servable(this.checkpoint).note
    if (kept !== undefined && !supersedesCheckpoint(kept, servable) && !(kept !== this.checkpoint && kept === servable)) return false
    if (this.storeFailure) fail('STORE_UNAVAILABLE', `a write to the store failed at ${this.storeFailure.since}: ${this.storeFailure.reason}`)
    await this.sequencer.keepCheckpoint(servable)
    return true
  }

  /** A mirror's: the followed log's checkpoint verified, with only the lines verified (servable-checkpoint.ts). */
  private servable(note: string): { checkpoint: Checkpoint; note: string } {
    return verifyServableCheckpoint(this.sequencerOptions.ed, note, this.verifierKey, this.witnesses)
  }

  /** Stops accepting, waits for queued statements to commit. The store stays open (its owner closes it). */
  async close(): Promise<void> {
    this.closing = true
    this.stopWatchingStore()
    clearTimeout(this.recoveryTimer)
    await this.recovering
    await this.sequencer.idle()
  }

  get storeStatus(): StoreStatus {
    return this.storeFailure ? { available: false, ...this.storeFailure } : { available: true }
  }

  private writeFailed(error: unknown): void {
    this.storeFailure ??= { since: this.clock().toISOString(), reason: (error as Error).message }
    this.scheduleRecovery()
  }

  private scheduleRecovery(): void {
    if (this.recoveryTimer || this.closing) return
    this.recoveryTimer = setTimeout(() => {
      this.recoveryTimer = undefined
      this.recovering = this.recover().finally(() => (this.recovering = undefined))
    }, this.recoveryIntervalMs)
    this.recoveryTimer.unref()
  }

  /**
   * Re-establishes the store after a failed write, as a restart would: once the filesystem has room,
   * LevelDB is reopened (its log replayed, a torn record dropped), the entry files are cut back to the
   * head, and the head, the registry and the tree are read again, so the next seq follows the last one
   * on disk. Until then reads go on and appends are refused. Retries on an interval; resolves true once
   * appends are taken again.
   */
  async recover(): Promise<boolean> {
    const failure = this.storeFailure
    if (!failure) return true
    await this.sequencer.idle()
    try {
      if (!(await this.store.hasRoomToReopen())) {
        failure.reason = `waiting for free space in ${this.store.location} to reopen the store`
        this.scheduleRecovery()
        return false
      }
      await this.store.reopen()
      const state = await loadState(this.store)
      this.tree = state.tree
      this.sequencer = new Sequencer({ ...this.sequencerOptions, ...state, store: this.store })
      this.storeFailure = undefined
      return true
    } catch (error) {
      failure.reason = `reopening the store failed: ${(error as Error).message}`
      this.scheduleRecovery()
      return false
    }
  }
}
