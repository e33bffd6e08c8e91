// A node's side of witnessing: after commits, at most once a period, it sends its latest checkpoint to each
// witness it is configured with (C2SP tlog-witness add-checkpoint, client.ts), with a consistency proof from
// the size that witness last cosigned, and keeps the latest checkpoint that enough of them cosigned (the
// policy: k of n), with their cosignature lines after its own signature. That is the checkpoint the node
// serves; the unwitnessed latest stays available apart.

import { verifyCheckpoint } from '../core/checkpoint.js'
import { bytesEqual, fromBase64 } from '../core/bytes.js'
import { formatWitnessVerifierKey, parseWitnessVerifierKey, verifyCosignatures, withSignatureLines, witnessKeyOf, type VerifiedCosignature, type WitnessKey } from '../core/cosignature.js'
import type { Ed25519 } from '../core/ed25519.js'
import { fail, isTracechainError } from '../core/errors.js'
import { urlWithoutCredentials } from '../core/url-credentials.js'
import type { Ledger } from '../ledger/ledger.js'
import { policyMetAt } from '../core/witnessed-time.js'
import { keepWitnessed } from '../ledger/witnessed.js'
import { addCheckpoint } from '../witness/client.js'

/** Checkpoints are sent at most this often: witnesses cosign the latest, not every commit. */
export const DEFAULT_WITNESS_INTERVAL_MS = 1000
/** The longest wait before a round that fell short of the policy is tried again. */
export const MAX_RETRY_MS = 30_000

/** A witness the node submits to: where, and the key its cosignatures must verify with. */
export interface WitnessEndpoint {
  url: string
  key: WitnessKey
}

export interface WitnessPolicy {
  witnesses: WitnessEndpoint[]
  /** how many of them must cosign a checkpoint before it is served */
  min: number
}

/**
 * Parses `--witness 'URL|NAME|KEY'`, KEY being the witness's base64 Ed25519 public key or its whole
 * cosignature verifier key (NAME+hash+base64). Throws BAD_REQUEST.
 */
export function parseWitnessFlag(text: string): WitnessEndpoint {
  const parts = text.split('|')
  if (parts.length !== 3) fail('BAD_REQUEST', `--witness wants URL|NAME|KEY, got ${JSON.stringify(text)}`)
  const [url, name, key] = parts
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)')
  } catch {
    fail('BAD_REQUEST', `--witness: ${JSON.stringify(url)} is not an http(s) URL`)
  }
  try {
    const witness = key.startsWith(`${name}+`) ? parseWitnessVerifierKey(key) : witnessKeyOf(name, fromBase64(key, 'witness key'))
    if (witness.name !== name) throw new Error(`the key is named ${witness.name}`)
    return { url: url.replace(/\/+$/, ''), key: witness }
  } catch (error) {
    return fail('BAD_REQUEST', `--witness ${name}: ${(error as Error).message}`)
  }
}

/** Checks a policy: at least one witness, 1 <= min <= their number, no witness twice. Throws BAD_REQUEST. */
export function checkPolicy(policy: WitnessPolicy): void {
  const { witnesses, min } = policy
  if (!Number.isSafeInteger(min) || min < 1 || min > witnesses.length) {
    fail('BAD_REQUEST', `--witness-min must be 1..${witnesses.length} (the witnesses given), got ${min}`)
  }
  const names = new Set(witnesses.map((w) => w.key.name))
  if (names.size !== witnesses.length) fail('BAD_REQUEST', 'a witness is named twice')
}

/** What the node knows of one witness, for /healthz. */
export interface WitnessStatus {
  name: string
  url: string
  /** the size it last cosigned, as far as the node knows */
  size?: number
  lastCosignedAt?: string
  lastError?: { at: string; message: string }
}

export interface CosigningOptions {
  ed: Ed25519
  /** the latest witnessed checkpoint kept from an earlier run (checked before it is served again) */
  witnessed?: string
  intervalMs?: number
  clock?: () => Date
}

export class CheckpointCosigning {
  private readonly sizes = new Map<string, number>()
  private readonly status = new Map<string, WitnessStatus>()
  /** Witnesses that answered a size larger than this log's tree: evidence of a fork, so never asked again. */
  private readonly forkEvidence = new Set<string>()
  private witnessedNote: string | undefined
  private witnessedBy: VerifiedCosignature[] = []
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private closed = false
  private lastRound = 0
  private readonly listeners: ((note: string, witnessedAt: number) => void)[] = []
  private failedRounds = 0
  private retryTimer: NodeJS.Timeout | undefined
  private readonly rounds = new Set<Promise<void>>()
  private lastKeepError: { at: string; message: string } | undefined

  private constructor(
    private readonly ledger: Ledger,
    private readonly witnessPolicy: WitnessPolicy,
    private readonly options: CosigningOptions,
  ) {
    // Credentials in a witness's URL are the operator's secret: /healthz names it without them.
    for (const { url, key } of witnessPolicy.witnesses) this.status.set(key.name, { name: key.name, url: urlWithoutCredentials(url).replace(/\/+$/, '') })
  }

  /** Checks the policy (BAD_REQUEST) and takes up the checkpoint kept from an earlier run if it still holds. */
  static async open(ledger: Ledger, policy: WitnessPolicy, options: CosigningOptions): Promise<CheckpointCosigning> {
    checkPolicy(policy)
    const cosigning = new CheckpointCosigning(ledger, policy, options)
    if (options.witnessed !== undefined) await cosigning.adoptKept(options.witnessed)
    return cosigning
  }

  /** The latest checkpoint that meets the policy, with its cosignatures; undefined until one does. */
  get checkpoint(): string | undefined {
    return this.witnessedNote
  }

  /** Who cosigned the served checkpoint, and when. */
  get cosignatures(): readonly VerifiedCosignature[] {
    return this.witnessedBy
  }

  /** The policy as verifiers read it (GET /v1/witnesses): how many must cosign, and each witness's verifier key. */
  get policy(): { min: number; witnesses: { name: string; verifierKey: string }[] } {
    return {
      min: this.witnessPolicy.min,
      witnesses: this.witnessPolicy.witnesses.map(({ key }) => ({ name: key.name, verifierKey: formatWitnessVerifierKey(key.name, key.publicKey) })),
    }
  }

  /** The last failure to keep a witnessed checkpoint in the store (/healthz): its entries' bound is then the next one kept. */
  get keepError(): { at: string; message: string } | undefined {
    return this.lastKeepError
  }

  get witnesses(): WitnessStatus[] {
    return [...this.status.values()].map((s) => ({ ...s }))
  }

  /**
   * Called with each newly witnessed checkpoint and the POSIX seconds by which its policy was met (to keep
   * it durably, to publish it); a listener that throws is skipped.
   */
  onWitnessed(listener: (note: string, witnessedAt: number) => void): void {
    this.listeners.push(listener)
  }

  /** A commit landed: a round starts within the interval. */
  notify(): void {
    if (this.closed) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) return
    const wait = Math.max(0, this.lastRound + (this.options.intervalMs ?? DEFAULT_WITNESS_INTERVAL_MS) - Date.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.running = this.round().finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.notify()
        }
      })
    }, wait)
    this.timer.unref()
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.timer)
    clearTimeout(this.retryTimer)
    await this.running
    await Promise.all([...this.rounds])
  }

  /**
   * One round: the latest checkpoint to every witness at once; kept if enough cosigned it. Never throws.
   * Rounds asked for directly are awaited by close() as the scheduled ones are, so none outlives its ledger.
   */
  async round(): Promise<void> {
    if (this.closed) return
    const round = this.roundOnce()
    this.rounds.add(round)
    try {
      await round
    } finally {
      this.rounds.delete(round)
    }
  }

  private async roundOnce(): Promise<void> {
    this.lastRound = Date.now()
    const note = this.ledger.checkpoint
    const { size } = verifyCheckpoint(this.options.ed, note, this.ledger.verifierKey)
    if (this.witnessedNote !== undefined && verifyCheckpoint(this.options.ed, this.witnessedNote, this.ledger.verifierKey).size >= size) return
    const lines = await Promise.all(this.witnessPolicy.witnesses.map((witness) => this.submit(witness, note, size)))
    const cosigned = lines.filter((line): line is string[] => line !== undefined)
    if (cosigned.length < this.witnessPolicy.min) {
      // Too few witnesses answered: try again without waiting for a commit, backing off while they stay away.
      this.retryAfter(Math.min(MAX_RETRY_MS, (this.options.intervalMs ?? DEFAULT_WITNESS_INTERVAL_MS) * 2 ** this.failedRounds++))
      return
    }
    this.failedRounds = 0
    const witnessed = withSignatureLines(note, cosigned.flat())
    this.adopt(witnessed)
    const witnessedAt = policyMetAt(this.witnessedBy, this.witnessPolicy.min) as number
    if (this.closed) return
    try {
      // Kept by size, with the late records it shows: bundles prove each entry against the first that held it.
      await keepWitnessed(this.ledger, witnessed, witnessedAt)
    } catch (error) {
      // Served all the same; the entries it was first to hold get the next kept checkpoint as their bound.
      this.lastKeepError = { at: new Date().toISOString(), message: (error as Error).message }
    }
    for (const listener of this.listeners) {
      try {
        listener(witnessed, witnessedAt)
      } catch {
        // Served from memory all the same; the next witnessed checkpoint is kept again.
      }
    }
  }

  private retryAfter(delayMs: number): void {
    if (this.closed || this.retryTimer) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.notify()
    }, delayMs)
    this.retryTimer.unref()
  }

  /** The witness's cosignature lines for `note`, or undefined (recorded in its status). */
  private async submit(witness: WitnessEndpoint, note: string, size: number): Promise<string[] | undefined> {
    const status = this.status.get(witness.key.name) as WitnessStatus
    const now = () => (this.options.clock ?? (() => new Date()))().toISOString()
    // Its status keeps the error that set it aside.
    if (this.forkEvidence.has(witness.key.name)) return undefined
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const oldSize = Math.min(this.sizes.get(witness.key.name) ?? 0, size)
        const proof = oldSize > 0 && oldSize < size ? await this.ledger.consistencyProof(oldSize, size) : []
        const result = await addCheckpoint(witness.url, witness.key, { oldSize, proof, checkpoint: note })
        if (result.status === 'cosigned') {
          this.sizes.set(witness.key.name, size)
          Object.assign(status, { size, lastCosignedAt: now() })
          delete status.lastError
          return result.lines
        }
        // The witness last cosigned another size: once more from there. A size beyond ours is a witness that saw
        // a larger tree of this log: not this node's, so evidence of a fork somewhere; never resent.
        this.sizes.set(witness.key.name, result.size)
        status.size = result.size
        if (result.size > size) {
          this.forkEvidence.add(witness.key.name)
          fail('CHECKPOINT_MISMATCH', `the witness cosigned size ${result.size}, larger than this log's ${size}; it is sent nothing more`, { size: result.size })
        }
      }
      fail('CHECKPOINT_MISMATCH', 'the witness answered a conflict twice')
    } catch (error) {
      status.lastError = { at: now(), message: isTracechainError(error) ? `${error.code}: ${error.message}` : (error as Error).message }
      return undefined
    }
  }

  private adopt(note: string): void {
    const { cosignatures } = verifyCosignatures(this.options.ed, note, this.witnessPolicy.witnesses.map((w) => w.key))
    this.witnessedNote = note
    this.witnessedBy = cosignatures
  }

  /** A kept checkpoint is served again only if it is this log's, meets the policy and is one of this tree's. */
  private async adoptKept(note: string): Promise<void> {
    try {
      const checkpoint = verifyCheckpoint(this.options.ed, note, this.ledger.verifierKey)
      const { cosignatures } = verifyCosignatures(this.options.ed, note, this.witnessPolicy.witnesses.map((w) => w.key))
      if (cosignatures.length < this.witnessPolicy.min || checkpoint.size > this.ledger.size) return
      if (!bytesEqual(await this.ledger.rootAt(checkpoint.size), checkpoint.rootHash)) return
      this.witnessedNote = note
      this.witnessedBy = cosignatures
    } catch {
      // Another policy's, or damaged: the next round makes a new one.
    }
  }
}
