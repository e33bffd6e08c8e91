// The log: statements are checked as they arrive, all of a request together (schema, payload form,
// signatures: in worker threads on the server, see checks.ts), then sequenced in groups with one synced
// commit and one signed checkpoint each (sequencer.ts). Reads and proofs are in ledger-reads.ts.

import { toBase64, toHex } from '../core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../core/dsse.js'
import type { AsyncEd25519 } from '../core/ed25519.js'
import { TracechainError, fail } from '../core/errors.js'
import type { Signer } from '../core/keys.js'
import { formatVerifierKey } from '../core/signed-note.js'
import type { Statement } from '../core/statement.js'
import type { LevelStore } from '../store/level-store.js'
import { actorKinds } from './actor-kinds.js'
import { inlineChecker, keyidsOf, type StatementChecker } from './checks.js'
import { GENESIS_PREV } from './entry.js'
import type { SubmitOutcome, SubmitResult } from './group.js'
import type { StatementKind } from './kinds.js'
import { LedgerReads } from './ledger-reads.js'
import { ACTOR_SPACE, Registry, type ActorRecord } from './registry.js'
import { Sequencer, type SequencerObserver } from './sequencer.js'
import { LedgerTree } from './tree.js'

export type { AsyncEd25519 } from '../core/ed25519.js'
export type { Entry } from './entry.js'
export { GENESIS_PREV } from './entry.js'
export type { Prepared, SubmitOutcome, SubmitResult } from './group.js'

export const DEFAULT_MAX_BATCH = 500
export const DEFAULT_MAX_CLOCK_SKEW_MS = 10 * 60 * 1000

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

export type LedgerObserver = SequencerObserver

export class Ledger extends LedgerReads {
  readonly origin: string
  readonly verifierKey: string
  private readonly checker: StatementChecker
  private readonly clock: () => Date
  private readonly types: string[]
  private readonly typesWithChecks: string[]
  private readonly maxClockSkewMs: number
  private readonly observers: LedgerObserver[] = []
  private readonly sequencer: Sequencer
  private closing = false

  private constructor(options: LedgerOptions, registry: Registry, tree: LedgerTree, lastLeafHash: string, checkpoint: string) {
    super(options.store, tree)
    this.origin = options.origin
    const kinds = [...actorKinds, ...(options.kinds ?? [])]
    const byType = new Map<string, StatementKind>()
    for (const kind of kinds) byType.set(kind.type, kind)
    this.checker = options.checker ?? inlineChecker(options.ed, kinds)
    this.clock = options.clock ?? (() => new Date())
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS
    this.types = [...byType.keys()]
    this.typesWithChecks = [...byType.values()].filter((kind) => kind.check).map((kind) => kind.type)
    const nodeSigner = options.nodeSigner
    this.verifierKey = formatVerifierKey(options.origin, nodeSigner.publicKey)
    this.sequencer = new Sequencer({
      store: options.store,
      tree,
      registry,
      lastLeafHash,
      checkpoint,
      ed: options.ed,
      kinds: byType,
      clock: this.clock,
      maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
      noteSigner: { name: options.origin, publicKey: nodeSigner.publicKey, sign: (m) => nodeSigner.sign(m) },
      observers: this.observers,
    })
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
    if (this.closing) fail('SHUTTING_DOWN', 'the node is closing')
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

  /** Stops accepting, waits for queued statements to commit. The store stays open (its owner closes it). */
  async close(): Promise<void> {
    this.closing = true
    await this.sequencer.idle()
  }
}
