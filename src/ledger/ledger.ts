// The log: one sequencer with group commit. A request's statements are checked as they arrive, all
// together (schema, payload form, signatures: in worker threads on the server, see checks.ts), then
// sequenced in groups of requests: rules, seqs, chain, tree, one synced commit, one signed checkpoint,
// then every caller is answered. Durable before acknowledged.

import { toBase64, toHex } from '../core/bytes.js'
import { signCheckpoint, type NoteSigner } from '../core/checkpoint.js'
import { buildStatementEnvelope, decodeEnvelope, type DecodedEnvelope, type Envelope } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { TracechainError, fail, isTracechainError } from '../core/errors.js'
import type { Signer } from '../core/keys.js'
import { sha256 } from '../core/hash.js'
import { formatVerifierKey } from '../core/signed-note.js'
import type { Statement } from '../core/statement.js'
import type { LevelStore, RangeOptions, RecordWrite } from '../store/level-store.js'
import { actorKinds, requireRole, type RecordReader, type StatementKind } from './kinds.js'
import { ACTOR_SPACE, Registry, type ActorRecord } from './registry.js'
import { inlineChecker, keyidsOf, type CheckOutcome, type StatementChecker } from './checks.js'
import { leafInput } from './entry-bytes.js'
import { checkGenesis, checkSigners, resolveDeferredSignatures } from './signers.js'
import { LedgerTree } from './tree.js'

export const DEFAULT_MAX_BATCH = 500
export const DEFAULT_MAX_CLOCK_SKEW_MS = 10 * 60 * 1000
export const GENESIS_PREV = '0'.repeat(64)
const IDEMPOTENCY_SPACE = 'idem'
/** Commits whose idempotency records are kept in memory, for lookups made before they landed. */
const RECENT_COMMITS_KEPT = 8

export interface AsyncEd25519 extends Ed25519 {
  verifyAsync?(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>
}

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
}

export interface LedgerObserver {
  onCommit?(accepted: number, repeated: number, refused: number, milliseconds: number): void
  onRefused?(code: string): void
}

export interface Entry {
  seq: number
  prev: string
  recordedAt: string
  envelope: Envelope
}

export interface SubmitResult {
  seq: number
  leafHash: string
  /** false when this was a repeat of a statement already in the log */
  created: boolean
}

interface IdempotencyRecord {
  seq: number
  payloadHash: string
  leafHash: string
}

/** A statement that passed every check that needs no ledger state. */
export interface Prepared {
  envelope: Envelope
  statement: Statement
  kind: StatementKind
  payloadHash: string
  /** per signature: the base64 public key it verified against, null if it verified against no known key, undefined if the key was unknown when it arrived */
  verifiedKeys: (string | null | undefined)[]
  /** the envelope's bytes, decoded again on the rare paths that need them (genesis, keys registered in the same group) */
  decode(): DecodedEnvelope
}

export type SubmitOutcome = SubmitResult | TracechainError

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

/** The idempotency key of a statement: its actor and id. */
function idempotencyKey(statement: Statement): string {
  return `${statement.actor}\u0000${statement.id}`
}

/** A statement of a request, ready for the sequencer. */
interface Sequencing {
  request: number
  index: number
  prepared: Prepared
}

export class Ledger {
  readonly origin: string
  readonly verifierKey: string
  private readonly store: LevelStore
  private readonly nodeNoteSigner: NoteSigner
  private readonly ed: AsyncEd25519
  private readonly checker: StatementChecker
  private readonly clock: () => Date
  private readonly kinds = new Map<string, StatementKind>()
  private readonly types: string[]
  private readonly typesWithChecks: string[]
  private readonly maxBatch: number
  private readonly maxClockSkewMs: number
  private readonly observers: LedgerObserver[] = []
  private registry: Registry
  private tree: LedgerTree
  private lastLeafHash: string
  private latestCheckpoint: string
  private queue: Pending[] = []
  /** commits landed since open */
  private commits = 0
  /** the idempotency records of the last RECENT_COMMITS_KEPT commits, oldest first */
  private readonly recentRepeats: { commit: number; records: Map<string, IdempotencyRecord> }[] = []
  private draining: Promise<void> | undefined
  private closing = false

  private constructor(options: LedgerOptions, registry: Registry, tree: LedgerTree, lastLeafHash: string, checkpoint: string) {
    this.store = options.store
    this.origin = options.origin
    this.ed = options.ed
    const kinds = [...actorKinds, ...(options.kinds ?? [])]
    this.checker = options.checker ?? inlineChecker(options.ed, kinds)
    this.clock = options.clock ?? (() => new Date())
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS
    for (const kind of kinds) this.kinds.set(kind.type, kind)
    this.types = [...this.kinds.keys()]
    this.typesWithChecks = [...this.kinds.values()].filter((kind) => kind.check).map((kind) => kind.type)
    const nodeSigner = options.nodeSigner
    this.nodeNoteSigner = { name: options.origin, publicKey: nodeSigner.publicKey, sign: (m) => nodeSigner.sign(m) }
    this.verifierKey = formatVerifierKey(options.origin, nodeSigner.publicKey)
    this.registry = registry
    this.tree = tree
    this.lastLeafHash = lastLeafHash
    this.latestCheckpoint = checkpoint
  }

  /** Opens an initialised ledger: reads the head, the registry and the upper tiles; never replays the log. */
  static async open(options: LedgerOptions): Promise<Ledger> {
    const head = await options.store.getHead()
    if (!head) fail('NOT_INITIALISED', `no ledger in ${options.store.location}; run tracechain init`)
    const actors: ActorRecord[] = []
    for await (const [, record] of options.store.rangeRecords<ActorRecord>(ACTOR_SPACE)) actors.push(record)
    const tree = await LedgerTree.load(options.store, head.size)
    if (toHex(tree.root()) !== head.rootHash) {
      fail('STORE_CORRUPT', `stored tiles give root ${toHex(tree.root())} at size ${head.size}, head says ${head.rootHash}`)
    }
    return new Ledger(options, Registry.fromRecords(actors), tree, head.lastLeafHash, head.checkpoint)
  }

  /**
   * Creates the genesis entry in an empty store: the operator's own actor.register, self-signed.
   * Throws ALREADY_INITIALISED when the store has a head.
   */
  static async initialise(options: LedgerOptions, operator: Signer, operatorName = 'Operator'): Promise<Ledger> {
    if (await options.store.getHead()) fail('ALREADY_INITIALISED', `${options.store.location} already holds a ledger`)
    const tree = await LedgerTree.load(options.store, 0)
    const ledger = new Ledger(options, new Registry(), tree, GENESIS_PREV, '')
    const clock = options.clock ?? (() => new Date())
    const statement: Statement = {
      type: 'actor.register',
      actor: 'operator',
      id: 'operator',
      issuedAt: clock().toISOString(),
      body: { id: 'operator', name: operatorName, roles: ['admin'], publicKey: toBase64(operator.publicKey) },
    }
    await ledger.submit(buildStatementEnvelope(statement, [operator]))
    return ledger
  }

  addObserver(observer: LedgerObserver): void {
    this.observers.push(observer)
  }

  get size(): number {
    return this.tree.size
  }

  get checkpoint(): string {
    return this.latestCheckpoint
  }

  get actors(): Registry {
    return this.registry
  }

  get statementTypes(): string[] {
    return [...this.kinds.keys()]
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
    if (this.closing) fail('SHUTTING_DOWN', 'the node is closing')
    if (envelopes.length === 0) return []
    const checking = this.checker.check({
      envelopes: envelopes as unknown[],
      candidates: envelopes.map((value) => keyidsOf(value).map((keyid) => this.registry.publicKeysFor(keyid))),
      types: this.types,
      typesWithChecks: this.typesWithChecks,
      nowMs: this.clock().getTime(),
      maxClockSkewMs: this.maxClockSkewMs,
    })
    return new Promise<SubmitOutcome[]>((resolve, reject) => {
      const pending: Pending = { envelopes, checking, repeatsAsOf: 0, resolve, reject }
      // The lookup of repeats starts once the checks are done, not when the sequencer reaches the request:
      // it is a LevelDB read on the thread pool, off the sequencer's path while earlier groups commit.
      // A failed check goes to the caller from the sequencer, never as an unhandled rejection.
      checking.then(
        (outcomes) => {
          pending.repeatsAsOf = this.commits
          const keys = outcomes.flatMap((o) => ('refused' in o ? [] : [idempotencyKey(o.statement)]))
          pending.repeats = this.store.getRecords<IdempotencyRecord>(IDEMPOTENCY_SPACE, keys).then((found) => {
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

  /** Stops accepting, waits for queued statements to commit. The store stays open (its owner closes it). */
  async close(): Promise<void> {
    this.closing = true
    while (this.draining) await this.draining
  }

  // ---- the sequencer ----

  private drain(): void {
    if (this.draining) return
    this.draining = (async () => {
      // Let a synchronous burst (a whole HTTP batch) join the queue before the first cut.
      await Promise.resolve()
      try {
        while (this.queue.length > 0) {
          let cut = 1
          let statements = this.queue[0].envelopes.length
          while (cut < this.queue.length && statements + this.queue[cut].envelopes.length <= this.maxBatch) statements += this.queue[cut++].envelopes.length
          await this.commitBatch(this.queue.splice(0, cut))
        }
      } finally {
        this.draining = undefined
      }
    })()
  }

  /** What the checks said of a request's statements: refusals are its answers now, the rest go to the sequencer. */
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
          kind: this.kinds.get(outcome.statement.type) as StatementKind,
          payloadHash: outcome.payloadHash,
          verifiedKeys: outcome.verifiedKeys,
          decode: () => decodeEnvelope(envelope),
        },
      })
    }
  }

  private async commitBatch(queued: Pending[]): Promise<void> {
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

    const registry = this.registry.fork()
    const pendingRecords = new Map<string, RecordWrite>()
    const recordKey = (space: string, key: string) => `${space}\u0000${key}`
    // Reads are synchronous underneath; rules see promises (RecordReader), made already settled rather
    // than through async functions, whose promise chains were a measurable share of a food.event's rule.
    const readRecord = <T>(space: string, key: string): T | undefined => {
      const pending = pendingRecords.get(recordKey(space, key))
      if (pending) return (pending.value ?? undefined) as T | undefined
      return this.store.getRecordSync<T>(space, key)
    }
    const getRecord = <T>(space: string, key: string): Promise<T | undefined> => Promise.resolve(readRecord<T>(space, key))
    const rangeRecords = <T>(space: string, options: RangeOptions, own: RecordWrite[] = []) =>
      this.rangeWithPending<T>(space, options, [...pendingRecords.values(), ...own])
    const idempotencyKeys = batch.map((p) => idempotencyKey(p.prepared.statement))
    const knownRepeats = await this.knownRepeats(queued, batch, idempotencyKeys)

    const recordedAt = this.clock().toISOString()
    const accepted: { entryBytes: Uint8Array; leaf: Uint8Array; seq: number }[] = []
    const refusalRecords: RecordWrite[] = []
    let repeated = 0
    let refused = 0
    let prev = this.lastLeafHash
    let nextSeq = this.tree.size

    for (let i = 0; i < batch.length; i++) {
      const { request, index, prepared } = batch[i]
      const { statement } = prepared
      try {
        resolveDeferredSignatures(this.ed, prepared, registry, nextSeq === 0)
        const repeat =
          (pendingRecords.get(recordKey(IDEMPOTENCY_SPACE, idempotencyKeys[i]))?.value as IdempotencyRecord | undefined) ??
          knownRepeats[i]
        if (repeat) {
          if (repeat.payloadHash !== prepared.payloadHash) {
            fail('STATEMENT_ID_CONFLICT', `${statement.actor} already used id ${statement.id} at seq ${repeat.seq} for other bytes`, {
              seq: repeat.seq,
            })
          }
          answers[request][index] = { seq: repeat.seq, leafHash: repeat.leafHash, created: false }
          repeated++
          continue
        }
        const seq = nextSeq
        const writes: RecordWrite[] = []
        const genesis = seq === 0
        const { actor, cosigners } = genesis ? checkGenesis(this.ed, prepared) : checkSigners(prepared, registry)
        if (prepared.kind.roles !== 'any') requireRole(actor, prepared.kind.roles, statement.type)
        const accepting = prepared.kind.accept({
          statement,
          envelope: prepared.envelope,
          seq,
          recordedAt,
          actor,
          cosigners,
          registry,
          get: <T>(space: string, key: string) => {
            const own = writes.findLast((w) => w.space === space && w.key === key)
            return Promise.resolve(own ? ((own.value ?? undefined) as T | undefined) : readRecord<T>(space, key))
          },
          range: <T>(space: string, options: RangeOptions) => rangeRecords<T>(space, options, writes),
          put: (space, key, value) => writes.push({ space, key, value }),
        })
        if (accepting) await accepting
        const entry: Entry = { seq, prev, recordedAt, envelope: prepared.envelope }
        const input = leafInput(entry)
        const entryBytes = input.subarray(1)
        const leaf = sha256(input) // the leaf hash, RFC 9162's SHA-256(0x00 || entry)
        const leafHex = toHex(leaf)
        writes.push({
          space: IDEMPOTENCY_SPACE,
          key: idempotencyKeys[i],
          value: { seq, payloadHash: prepared.payloadHash, leafHash: leafHex } satisfies IdempotencyRecord,
        })
        for (const w of writes) pendingRecords.set(recordKey(w.space, w.key), w)
        accepted.push({ entryBytes, leaf, seq })
        answers[request][index] = { seq, leafHash: leafHex, created: true }
        prev = leafHex
        nextSeq++
      } catch (error) {
        const refusal = isTracechainError(error) ? error : new TracechainError('INTERNAL', (error as Error).message)
        answers[request][index] = refusal
        refused++
        for (const o of this.observers) o.onRefused?.(refusal.code)
        if (prepared.kind.onRefused && refusal.code !== 'INTERNAL') {
          try {
            refusalRecords.push(
              ...(await prepared.kind.onRefused({
                statement,
                envelope: prepared.envelope,
                error: refusal,
                at: recordedAt,
                registry,
                get: getRecord,
                range: (space, options) => rangeRecords(space, options),
              })),
            )
          } catch {
            // Evidence of an attempt is best effort; the refusal itself stands.
          }
        }
      }
    }

    try {
      if (accepted.length > 0 || refusalRecords.length > 0) {
        const records = [...pendingRecords.values(), ...refusalRecords]
        const stagedActors = this.registry.stage(registry)
        for (const { record, json } of stagedActors) records.push({ space: ACTOR_SPACE, key: record.id, value: record, encoded: json })
        if (accepted.length > 0) {
          const draft = this.tree.draft(accepted.map((a) => a.leaf))
          const checkpoint = signCheckpoint({ origin: this.origin, size: draft.size, rootHash: draft.root, extensions: [] }, this.nodeNoteSigner)
          await this.store.commit({
            entries: accepted.map((a) => ({ seq: a.seq, bytes: a.entryBytes })),
            tiles: draft.tiles,
            head: { size: draft.size, rootHash: toHex(draft.root), lastLeafHash: prev, checkpoint },
            records,
          })
          this.tree.adopt(draft)
          this.lastLeafHash = prev
          this.latestCheckpoint = checkpoint
          this.registry.adopt(stagedActors)
          this.landed(pendingRecords)
        } else {
          await this.store.commit({ entries: [], tiles: [], records })
        }
      }
    } catch (error) {
      const failure = new TracechainError('INTERNAL', `commit failed: ${(error as Error).message}`)
      queued.forEach((pending, request) => {
        if (live[request]) pending.reject(failure)
      })
      return
    }
    answerAll()
    const elapsed = performance.now() - started
    for (const o of this.observers) o.onCommit?.(accepted.length, repeated, refused, elapsed)
  }

  /**
   * The stored idempotency records of a group's statements: the lookups made when each request was
   * checked, with what commits landed since then wrote; looked up again if it was too long ago.
   */
  private async knownRepeats(queued: Pending[], batch: Sequencing[], keys: string[]): Promise<(IdempotencyRecord | undefined)[]> {
    const prefetched = await Promise.all(queued.map((p) => p.repeats?.catch(() => undefined)))
    const known = new Array<IdempotencyRecord | undefined>(batch.length)
    const stale: number[] = []
    batch.forEach(({ request, index }, i) => {
      const asOf = queued[request].repeatsAsOf
      const found = prefetched[request]
      if (!found || asOf < this.commits - RECENT_COMMITS_KEPT) {
        stale.push(i)
        return
      }
      known[i] = found[index]
      for (const recent of this.recentRepeats) if (!known[i] && recent.commit > asOf) known[i] = recent.records.get(keys[i])
    })
    if (stale.length > 0) {
      const fresh = await this.store.getRecords<IdempotencyRecord>(IDEMPOTENCY_SPACE, stale.map((i) => keys[i]))
      stale.forEach((i, j) => (known[i] = fresh[j]))
    }
    return known
  }

  /** A commit landed: its idempotency records are kept for lookups that started before it. */
  private landed(records: Map<string, RecordWrite>): void {
    this.commits++
    const repeats = new Map<string, IdempotencyRecord>()
    for (const write of records.values()) if (write.space === IDEMPOTENCY_SPACE) repeats.set(write.key, write.value as IdempotencyRecord)
    this.recentRepeats.push({ commit: this.commits, records: repeats })
    if (this.recentRepeats.length > RECENT_COMMITS_KEPT) this.recentRepeats.shift()
  }

  // ---- reads ----

  async getEntryBytes(seq: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.size) {
      fail('ENTRY_NOT_FOUND', `no entry at seq ${seq}; the log has ${this.size}`, { seq, size: this.size })
    }
    const bytes = await this.store.getEntryBytes(seq)
    if (!bytes) fail('STORE_CORRUPT', `entry ${seq} is missing from the store`, { seq })
    return bytes
  }

  /** The entry with the leaf hash the tree commits to (not one recomputed from the stored bytes, so a
   *  damaged entry shows up as a mismatch at its own seq). */
  async getEntry(seq: number): Promise<{ entry: Entry; leafHash: string }> {
    const bytes = await this.getEntryBytes(seq)
    return { entry: JSON.parse(new TextDecoder().decode(bytes)) as Entry, leafHash: toHex(await this.tree.leafHash(seq)) }
  }

  /** Up to `limit` entries from `from`, in seq order. */
  async getEntries(from: number, limit: number): Promise<{ entry: Entry; leafHash: string }[]> {
    const count = Math.max(0, Math.min(limit, this.size - from))
    const decoder = new TextDecoder()
    const all = await this.store.getEntriesBytes(from, count)
    const leaves = await this.tree.leafHashes(from, all.length)
    return all.map((bytes, i) => ({ entry: JSON.parse(decoder.decode(bytes)) as Entry, leafHash: toHex(leaves[i]) }))
  }

  /** Inclusion proof of `seq` in the tree of `size` (default: current). Throws RANGE_INVALID. */
  async inclusionProof(seq: number, size = this.size): Promise<{ leafHash: Uint8Array; proof: Uint8Array[] }> {
    this.checkSize(size)
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) fail('RANGE_INVALID', `seq ${seq} is not below size ${size}`, { seq, size })
    const proof = await this.tree.inclusionProof(seq, size)
    return { leafHash: await this.tree.leafHash(seq), proof }
  }

  async consistencyProof(from: number, to = this.size): Promise<Uint8Array[]> {
    this.checkSize(to)
    if (!Number.isSafeInteger(from) || from < 1 || from > to) fail('RANGE_INVALID', `need 1 <= from <= to, got from ${from} to ${to}`, { from, to })
    return this.tree.consistencyProof(from, to)
  }

  async rootAt(size: number): Promise<Uint8Array> {
    this.checkSize(size)
    return this.tree.rootAt(size)
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size) {
      fail('RANGE_INVALID', `size ${size} is outside the tree (1..${this.size})`, { size, treeSize: this.size })
    }
  }

  /** Raw leaf bytes of entries from..from+count-1 (clipped to the log). */
  async getEntriesBytes(from: number, count: number): Promise<Uint8Array[]> {
    return this.store.getEntriesBytes(from, Math.max(0, Math.min(count, this.size - from)))
  }

  /** Leaf hash of the entry at `seq`, from the tree. */
  leafHashAt(seq: number): Promise<Uint8Array> {
    return this.tree.leafHash(seq)
  }

  /** Leaf hashes from..from+count-1 as the tree holds them. */
  leafHashesAt(from: number, count: number): Promise<Uint8Array[]> {
    return this.tree.leafHashes(from, count)
  }

  /** Store records in a range merged with writes not yet committed (later writes win). */
  private async rangeWithPending<T>(space: string, options: RangeOptions, pending: RecordWrite[]): Promise<[string, T][]> {
    const inBounds = (key: string) =>
      (options.gte === undefined || key >= options.gte) &&
      (options.gt === undefined || key > options.gt) &&
      (options.lte === undefined || key <= options.lte) &&
      (options.lt === undefined || key < options.lt)
    const overlay = new Map<string, unknown>()
    for (const w of pending) if (w.space === space && inBounds(w.key)) overlay.set(w.key, w.value)
    const { limit, ...bounds } = options
    // Pending deletes or replacements may hide store records, so read past the limit by their count.
    const storeLimit = limit === undefined ? undefined : limit + overlay.size
    const stored = await this.store.getRange(space, { ...bounds, ...(storeLimit !== undefined ? { limit: storeLimit } : {}) })
    if (overlay.size === 0) return stored as [string, T][]
    const merged = new Map<string, unknown>(stored)
    for (const [key, value] of overlay) merged.set(key, value)
    const keys = [...merged.keys()].filter((k) => merged.get(k) !== null).sort()
    if (options.reverse) keys.reverse()
    const picked = limit === undefined ? keys : keys.slice(0, limit)
    return picked.map((k) => [k, merged.get(k) as T])
  }

  /** Reads of the committed record spaces, in the shape rules use. */
  get records(): RecordReader {
    return {
      get: (space, key) => this.store.getRecord(space, key),
      range: <T>(space: string, options: RangeOptions) => this.store.getRange<T>(space, options),
    }
  }

  /** Records in a domain space, for the read layers above (food, seal). */
  getRecord<T>(space: string, key: string): Promise<T | undefined> {
    return this.store.getRecord<T>(space, key)
  }

  rangeRecords<T>(space: string, options?: Parameters<LevelStore['rangeRecords']>[1]): AsyncGenerator<[string, T]> {
    return this.store.rangeRecords<T>(space, options)
  }
}
