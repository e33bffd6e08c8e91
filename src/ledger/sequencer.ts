// The sequencer: requests queue in submission order and are cut into groups of at most maxBatch
// statements; each group is sequenced (group.ts), then written in one synced commit with its tiles and
// one signed C2SP checkpoint, and only then answered. Durable before acknowledged.

import { toHex } from '../core/bytes.js'
import { signCheckpoint, type NoteSigner } from '../core/checkpoint.js'
import { decodeEnvelope, type Envelope } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { TracechainError } from '../core/errors.js'
import type { LevelStore, RecordWrite } from '../store/level-store.js'
import type { CheckOutcome } from './checks.js'
import { Group, type AcceptedEntry, type GroupObserver, type Prepared, type SubmitOutcome } from './group.js'
import { IDEMPOTENCY_SPACE, RecentCommits, idempotencyKey, knownRepeats, type IdempotencyRecord, type RepeatLookup } from './idempotency.js'
import type { StatementKind } from './kinds.js'
import { PendingWrites } from './pending-writes.js'
import { ACTOR_SPACE, type Registry } from './registry.js'
import type { LedgerTree, TreeDraft } from './tree.js'

/** How long sequencing may hold the event loop before it lets waiting requests in. */
export const GROUP_SLICE_MS = 3

export interface SequencerObserver extends GroupObserver {
  onCommit?(accepted: number, repeated: number, refused: number, milliseconds: number): void
  /**
   * The records a commit wrote (indexes, alerts, attempts; a null value deleted its key), once durable, in
   * the order written: a node's groups and a mirror's replicated chunks alike. Called synchronously; an
   * observer that throws is the observer's bug and does not undo the commit.
   */
  onRecordsCommitted?(records: readonly RecordWrite[]): void
}

export interface SequencerOptions {
  store: LevelStore
  tree: LedgerTree
  /** the root registry: forked for each group, its changes adopted once durable */
  registry: Registry
  /** hex leaf hash of the last entry */
  lastLeafHash: string
  checkpoint: string
  ed: Ed25519
  kinds: ReadonlyMap<string, StatementKind>
  clock: () => Date
  /** LATE_RECORD's window (core/late-record.ts) */
  lateRecordAfterMs: number
  maxBatch: number
  noteSigner: NoteSigner
  observers: readonly SequencerObserver[]
  /** a commit failed: from then on this sequencer refuses everything; the owner re-establishes the store */
  onWriteFailed(error: unknown): void
}

/** One request: its statements are checked together and answered together, in order. */
interface Pending {
  /** as received: the checks decide what they are */
  envelopes: readonly unknown[]
  /** the stateless checks, already running; the queue keeps submission order */
  checking: Promise<CheckOutcome[]>
  /** the idempotency records of its checked statements, looked up as soon as they were checked, by index */
  repeats?: Promise<(IdempotencyRecord | undefined)[]>
  /** commits that had landed when that lookup started */
  repeatsAsOf: number
  resolve(results: SubmitOutcome[]): void
  reject(error: unknown): void
}

/** A statement of a request, ready for the sequencer. */
interface Sequencing {
  request: number
  index: number
  prepared: Prepared
}

export class Sequencer {
  readonly registry: Registry
  lastLeafHash: string
  checkpoint: string
  private readonly store: LevelStore
  private readonly tree: LedgerTree
  private readonly recent = new RecentCommits()
  private queue: Pending[] = []
  private draining: Promise<void> | undefined
  /** set by the first failed commit: what was not written cannot be answered, nor anything after it */
  private failure: TracechainError | undefined

  constructor(private readonly options: SequencerOptions) {
    this.store = options.store
    this.tree = options.tree
    this.registry = options.registry
    this.lastLeafHash = options.lastLeafHash
    this.checkpoint = options.checkpoint
  }

  /** Queues a request whose checks are running; resolves with its answers once its group is durable. */
  submit(envelopes: readonly unknown[], checking: Promise<CheckOutcome[]>): Promise<SubmitOutcome[]> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<SubmitOutcome[]>((resolve, reject) => {
      const pending: Pending = { envelopes, checking, repeatsAsOf: 0, resolve, reject }
      // The lookup of repeats starts once the checks are done, not when the sequencer reaches the request:
      // it is a LevelDB read on the thread pool, off the sequencer's path while earlier groups commit.
      // A failed check goes to the caller from the sequencer, never as an unhandled rejection.
      checking.then(
        (outcomes) => {
          pending.repeatsAsOf = this.recent.count
          const keys = outcomes.flatMap((o) => ('refused' in o ? [] : [idempotencyKey(o.statement)]))
          pending.repeats = this.store.getRecords<IdempotencyRecord>(IDEMPOTENCY_SPACE, keys, { keep: false }).then((found) => {
            let next = 0
            return outcomes.map((o) => ('refused' in o ? undefined : found[next++]))
          })
          pending.repeats.catch(() => undefined)
        },
        () => undefined,
      )
      this.queue.push(pending)
      this.drain()
    })
  }

  /** Resolves once every queued request is committed. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining
  }

  private drain(): void {
    if (this.draining) return
    this.draining = (async () => {
      // Let a synchronous burst (a whole HTTP batch) join the queue before the first cut.
      await Promise.resolve()
      try {
        while (this.queue.length > 0) {
          let cut = 1
          let statements = this.queue[0].envelopes.length
          while (cut < this.queue.length && statements + this.queue[cut].envelopes.length <= this.options.maxBatch) {
            statements += this.queue[cut++].envelopes.length
          }
          await this.commitGroup(this.queue.splice(0, cut))
          if (this.failure) for (const pending of this.queue.splice(0)) pending.reject(this.failure)
        }
      } finally {
        this.draining = undefined
      }
    })()
  }

  /** What the checks said of a request's statements: refusals are its answers now, the rest go to the group. */
  private admit(request: number, pending: Pending, outcomes: CheckOutcome[], answers: SubmitOutcome[], batch: Sequencing[]): void {
    for (let index = 0; index < outcomes.length; index++) {
      const outcome = outcomes[index]
      if ('refused' in outcome) {
        answers[index] = new TracechainError(outcome.refused.code, outcome.refused.message, outcome.refused.details)
        continue
      }
      // The checks passed its shape, so these are the strings they checked; nothing else of the value is kept.
      const raw = pending.envelopes[index] as Envelope
      const envelope: Envelope = {
        payloadType: raw.payloadType,
        payload: raw.payload,
        signatures: raw.signatures.map(({ keyid, sig }) => ({ keyid, sig })),
      }
      batch.push({
        request,
        index,
        prepared: {
          envelope,
          statement: outcome.statement,
          kind: this.options.kinds.get(outcome.statement.type) as StatementKind,
          payloadHash: outcome.payloadHash,
          verifiedKeys: outcome.verifiedKeys,
          ...(outcome.facts ? { facts: outcome.facts } : {}),
          decode: () => decodeEnvelope(envelope),
        },
      })
    }
  }

  /** A group: its checks awaited, its statements sequenced, its writes committed, its requests answered. */
  private async commitGroup(queued: Pending[]): Promise<void> {
    const started = performance.now()
    const settled = await Promise.allSettled(queued.map((p) => p.checking))
    const answers: SubmitOutcome[][] = queued.map((p) => new Array<SubmitOutcome>(p.envelopes.length))
    const live: boolean[] = settled.map((checked) => checked.status === 'fulfilled')
    const batch: Sequencing[] = []
    settled.forEach((checked, request) => {
      if (checked.status === 'fulfilled') this.admit(request, queued[request], checked.value, answers[request], batch)
      else queued[request].reject(checked.reason)
    })
    const answerAll = () => {
      queued.forEach((pending, request) => {
        if (live[request]) pending.resolve(answers[request])
      })
    }
    if (batch.length === 0) {
      answerAll()
      return
    }

    const keys = batch.map((p) => idempotencyKey(p.prepared.statement))
    const prefetched = await Promise.all(queued.map((p) => p.repeats?.catch(() => undefined)))
    const lookups: RepeatLookup[] = queued.map((p, request) => ({ found: prefetched[request], asOf: p.repeatsAsOf }))
    const known = await knownRepeats(this.store, this.recent, lookups, batch, keys)

    const { options } = this
    const group = new Group(
      options.ed,
      this.registry.fork(),
      new PendingWrites(this.store),
      this.tree.size,
      this.lastLeafHash,
      options.clock().toISOString(),
      options.observers,
      options.lateRecordAfterMs,
    )
    let sliceStarted = performance.now()
    for (let i = 0; i < batch.length; i++) {
      const { request, index, prepared } = batch[i]
      const outcome = group.sequence(prepared, keys[i], known[i])
      answers[request][index] = outcome instanceof Promise ? await outcome : outcome
      // Rules that settle at once resolve as microtasks, which never let I/O in: reads would wait for
      // the whole group. A macrotask turn between slices lets them run.
      // The clock is read at every statement: a food event takes 50-500 µs here, a read of it far less.
      if (performance.now() - sliceStarted > GROUP_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        sliceStarted = performance.now()
      }
    }

    try {
      await this.write(group)
    } catch (error) {
      // Nothing of the group is acknowledged, and LevelDB's state after a failed write is unknown: no
      // later group may be written on top of it. The owner reopens the store and starts a new sequencer.
      this.failure = new TracechainError('STORE_UNAVAILABLE', `a write to the store failed: ${(error as Error).message}; appends are refused until the node has re-established its state from disk`)
      queued.forEach((pending, request) => {
        if (live[request]) pending.reject(this.failure)
      })
      options.onWriteFailed(error)
      return
    }
    answerAll()
    const elapsed = performance.now() - started
    for (const o of options.observers) o.onCommit?.(group.accepted.length, group.repeated, group.refused, elapsed)
  }

  /** One synced commit of what the group accepted (entries, tiles, head, records), then the tree, the
   *  registry and the recent commits adopt it. Records of refusals alone are committed without a head. */
  private async write(group: Group): Promise<void> {
    const { noteSigner } = this.options
    const draft = group.accepted.length > 0 ? this.tree.draft(group.accepted.map((a) => a.leaf)) : undefined
    const checkpoint = draft && signCheckpoint({ origin: noteSigner.name, size: draft.size, rootHash: draft.root, extensions: [] }, noteSigner)
    await this.writeAccepted(group.accepted, group.pending, group.refusalRecords, group.registry, group.prev, draft && { draft, checkpoint: checkpoint as string })
  }

  private async writeAccepted(
    accepted: readonly AcceptedEntry[],
    pending: PendingWrites,
    refusalRecords: readonly RecordWrite[],
    registry: Registry,
    prev: string,
    head: { draft: TreeDraft; checkpoint: string } | undefined,
  ): Promise<void> {
    if (accepted.length === 0 && refusalRecords.length === 0) return
    const records: RecordWrite[] = [...pending.values(), ...refusalRecords]
    const stagedActors = this.registry.stage(registry)
    for (const { record, json } of stagedActors) records.push({ space: ACTOR_SPACE, key: record.id, value: record, encoded: json })
    if (head === undefined) {
      await this.store.commit({ entries: [], tiles: [], records })
      this.recordsCommitted(records)
      return
    }
    const { draft, checkpoint } = head
    await this.store.commit({
      entries: accepted.map((a) => ({ seq: a.seq, bytes: a.entryBytes })),
      tiles: draft.tiles,
      head: { size: draft.size, rootHash: toHex(draft.root), lastLeafHash: prev, checkpoint },
      records,
    })
    this.tree.adopt(draft)
    this.lastLeafHash = prev
    this.checkpoint = checkpoint
    this.registry.adopt(stagedActors)
    this.recent.landed(pending.values())
    this.recordsCommitted(records)
  }

  /**
   * Records that belong to no statement (a witnessed checkpoint and what it showed), in one synced batch
   * beside the groups: their keys are their own, so they need not wait for the queue. Refused after a failed
   * commit, as appends are.
   */
  async commitRecords(records: readonly RecordWrite[]): Promise<void> {
    if (this.failure) throw this.failure
    if (records.length === 0) return
    await this.store.commit({ entries: [], tiles: [], records: [...records] })
    this.recordsCommitted(records)
  }

  private recordsCommitted(records: readonly RecordWrite[]): void {
    for (const o of this.options.observers) {
      try {
        o.onRecordsCommitted?.(records)
      } catch {
        // what is written stands; an observer's failure is its own
      }
    }
  }

  /**
   * A mirror's append: another log's entries, already checked statelessly, sequenced again under the same
   * rules and written as that log wrote them. Each must be accepted, new, at its seq, and give the leaf hash
   * that log's tree holds, so its bytes are the same; one entry that differs throws a TracechainError with
   * details.seq and nothing of the call is written. The head takes `checkpointOf(size, root)`, the other log's
   * signed checkpoint where it covers exactly the new size (it throws where that root is not the signed one),
   * else the last one kept.
   */
  async replicate(entries: readonly ReplicaEntry[], checkpointOf: (size: number, root: Uint8Array) => string | undefined): Promise<void> {
    await this.idle()
    if (this.failure) throw this.failure
    if (entries.length === 0) return
    const keys = entries.map((e) => idempotencyKey(e.prepared.statement))
    const known = await this.store.getRecords<IdempotencyRecord>(IDEMPOTENCY_SPACE, keys, { keep: false })
    const registry = this.registry.fork()
    const pending = new PendingWrites(this.store)
    const accepted: AcceptedEntry[] = []
    let group: Group | undefined
    let recordedAt = ''
    let prev = this.lastLeafHash
    let sliceStarted = performance.now()
    for (let i = 0; i < entries.length; i++) {
      const { seq, prepared, leaf } = entries[i]
      // An entry's recordedAt is its group's clock reading: one Group per run of entries that share it.
      if (group === undefined || entries[i].recordedAt !== recordedAt) {
        recordedAt = entries[i].recordedAt
        group = new Group(this.options.ed, registry, pending, this.tree.size + accepted.length, prev, recordedAt, [], this.options.lateRecordAfterMs)
      }
      let outcome = group.sequence(prepared, keys[i], known[i])
      if (outcome instanceof Promise) outcome = await outcome
      if (outcome instanceof TracechainError) {
        throw new TracechainError(outcome.code, `entry ${seq}: the log holds a statement its rules refuse: ${outcome.message}`, { seq, refused: outcome.details })
      }
      if (!outcome.created) {
        throw new TracechainError('ENTRY_INVALID', `entry ${seq} repeats the statement already at seq ${outcome.seq}`, { seq, repeats: outcome.seq })
      }
      if (outcome.seq !== seq || outcome.leafHash !== toHex(leaf)) {
        throw new TracechainError('ENTRY_INVALID', `entry ${seq} sequenced again gives leaf hash ${outcome.leafHash} at seq ${outcome.seq}; the log's tree holds ${toHex(leaf)}`, { seq })
      }
      accepted.push(group.accepted[group.accepted.length - 1])
      prev = group.prev
      if (performance.now() - sliceStarted > GROUP_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        sliceStarted = performance.now()
      }
    }
    const started = performance.now()
    const draft = this.tree.draft(accepted.map((a) => a.leaf))
    const checkpoint = checkpointOf(draft.size, draft.root) ?? this.checkpoint
    try {
      await this.writeAccepted(accepted, pending, [], registry, prev, { draft, checkpoint })
    } catch (error) {
      this.failure = new TracechainError('STORE_UNAVAILABLE', `a write to the store failed: ${(error as Error).message}; replication stops until the mirror has re-established its state from disk`)
      this.options.onWriteFailed(error)
      throw this.failure
    }
    for (const o of this.options.observers) o.onCommit?.(accepted.length, 0, 0, performance.now() - started)
  }

  /**
   * A mirror's: keeps `note` as the head's checkpoint, the tree as it is (the caller checked that `note` signs a
   * root of this tree). Throws STORE_UNAVAILABLE after a failed write, as replicate does.
   */
  async keepCheckpoint(note: string): Promise<void> {
    await this.idle()
    if (this.failure) throw this.failure
    try {
      await this.store.commit({
        entries: [],
        tiles: [],
        head: { size: this.tree.size, rootHash: toHex(this.tree.root()), lastLeafHash: this.lastLeafHash, checkpoint: note },
        records: [],
      })
    } catch (error) {
      this.failure = new TracechainError('STORE_UNAVAILABLE', `a write to the store failed: ${(error as Error).message}; replication stops until the mirror has re-established its state from disk`)
      this.options.onWriteFailed(error)
      throw this.failure
    }
    this.checkpoint = note
  }
}

/** An entry of another log (a mirror's primary), checked statelessly, to be sequenced again. */
export interface ReplicaEntry {
  seq: number
  recordedAt: string
  prepared: Prepared
  /** the leaf hash that log's tree holds for it */
  leaf: Uint8Array
}
