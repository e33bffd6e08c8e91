// Worker threads for the stateless checks (checks.ts), one per core: Ed25519 verification is most of an
// append's CPU, and sending a request's statements to a worker in one message costs the event loop far
// less than a crypto.verify callback per signature (bench/steps.mjs measures both). The sequencer stays
// on the main thread; workers only ever see one request's envelopes and the keys their keyids name.

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { TracechainError } from '../core/errors.js'
import { replicaOutcomeFromWire, statementOutcomeFromWire, type AuditCheckOutcome, type CheckJob, type CheckOutcome, type ReplicaCheckJob, type ReplicaCheckOutcome, type StatementChecker, type WireOutcome } from './checks.js'

/** A request is split so both cores work on it, but not into pieces so small that messages dominate. */
const MIN_CHUNK = 64

/**
 * The nice value of a check thread (on Linux, where it is per thread). The sequencer on the main thread
 * is the append path's one serial stage, while these threads have a queue of requests to work through:
 * at the same priority they took a share of its core and group commits took longer (bench/append.mjs).
 * Lower priority costs the checks nothing while cores are free.
 */
export const CHECK_THREAD_NICE = 10

/** What a check thread is sent (check-worker.ts). */
export type PoolMessage = { kind: 'statements'; job: CheckJob } | { kind: 'replica' | 'audit'; job: ReplicaCheckJob }

interface Job {
  resolve(outcomes: unknown[]): void
  reject(error: unknown): void
  size: number
}

interface PoolWorker {
  worker: Worker
  jobs: Map<number, Job>
  /** statements sent and not yet answered */
  load: number
}

// Under tap the sources run as TypeScript, and workers inherit the loader.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './check-worker.ts' : './check-worker.js', import.meta.url)

const shared = new Map<string, CheckPool>()

export interface CheckPoolOptions {
  /** threads (default: one per core) */
  size?: number
  /** URLs of modules whose exported `kinds` have checks to run here (StatementKind.check) */
  modules?: readonly string[]
  /** the threads' nice value on Linux (default CHECK_THREAD_NICE; 0 leaves it as the process's) */
  nice?: number
}

export class CheckPool implements StatementChecker {
  readonly size: number
  private readonly modules: readonly string[]
  private readonly nice: number
  private readonly workers: PoolWorker[] = []
  private nextId = 0
  private closed = false

  constructor(options: CheckPoolOptions = {}) {
    this.size = options.size ?? availableParallelism()
    this.modules = options.modules ?? []
    this.nice = options.nice ?? CHECK_THREAD_NICE
    for (let i = 0; i < this.size; i++) this.workers.push(this.spawn())
  }

  /** The process's pool for these kind modules, started on first use. Idle, its threads never keep the process alive. */
  static shared(modules: readonly string[] = []): CheckPool {
    const key = modules.join('\n')
    let pool = shared.get(key)
    if (!pool) {
      pool = new CheckPool({ modules })
      shared.set(key, pool)
    }
    return pool
  }

  async check(job: CheckJob): Promise<CheckOutcome[]> {
    const wire = await this.split<WireOutcome>(job.envelopes.length, (from, to) => ({
      kind: 'statements',
      job: from === 0 && to === job.envelopes.length ? job : { ...job, envelopes: job.envelopes.slice(from, to), candidates: job.candidates.slice(from, to) },
    }))
    return wire.map((outcome, i) => statementOutcomeFromWire(outcome, job.envelopes[i]))
  }

  /** A chunk of a followed log, split across the threads as a request's statements are. */
  async checkReplica(job: ReplicaCheckJob): Promise<ReplicaCheckOutcome[]> {
    const wire = await this.splitReplica<WireOutcome>('replica', job)
    return wire.map((outcome, i) => replicaOutcomeFromWire(outcome, job.entries[i]))
  }

  /** A chunk of an audited log: its outcomes come back as the walk reads them. */
  checkAudit(job: ReplicaCheckJob): Promise<AuditCheckOutcome[]> {
    return this.splitReplica<AuditCheckOutcome>('audit', job)
  }

  private splitReplica<T>(kind: 'replica' | 'audit', job: ReplicaCheckJob): Promise<T[]> {
    return this.split<T>(job.entries.length, (from, to) => ({
      kind,
      job: { ...job, entries: job.entries.slice(from, to), candidates: job.candidates.slice(from, to), from: job.from + from },
    }))
  }

  private async split<T>(n: number, part: (from: number, to: number) => PoolMessage): Promise<T[]> {
    if (this.closed) throw new TracechainError('SHUTTING_DOWN', 'the check pool is closed')
    if (n === 0) return []
    const chunk = Math.max(MIN_CHUNK, Math.ceil(n / this.workers.length))
    const parts: Promise<T[]>[] = []
    for (let from = 0; from < n; from += chunk) parts.push(this.send<T>(part(from, Math.min(n, from + chunk)), Math.min(n, from + chunk) - from))
    return parts.length === 1 ? parts[0] : (await Promise.all(parts)).flat()
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.workers.map((w) => w.worker.terminate()))
    for (const [key, pool] of shared) if (pool === this) shared.delete(key)
  }

  private send<T>(message: PoolMessage, size: number): Promise<T[]> {
    const target = this.workers.reduce((a, b) => (b.load < a.load ? b : a))
    const id = this.nextId++
    return new Promise<T[]>((resolve, reject) => {
      target.jobs.set(id, { resolve: resolve as Job['resolve'], reject, size })
      target.load += size
      if (target.jobs.size === 1) target.worker.ref()
      target.worker.postMessage({ id, ...message })
    })
  }

  private spawn(): PoolWorker {
    const worker = new Worker(WORKER_URL, { workerData: { modules: this.modules, nice: this.nice } })
    const entry: PoolWorker = { worker, jobs: new Map(), load: 0 }
    worker.on('message', ({ id, outcomes, failure }: { id: number; outcomes?: unknown[]; failure?: string }) => {
      const job = entry.jobs.get(id)
      if (!job) return
      entry.jobs.delete(id)
      entry.load -= job.size
      if (entry.jobs.size === 0) worker.unref()
      if (outcomes) job.resolve(outcomes)
      else job.reject(new TracechainError('INTERNAL', `statement checks failed: ${failure}`))
    })
    const replace = (reason: string) => {
      const index = this.workers.indexOf(entry)
      for (const job of entry.jobs.values()) job.reject(new TracechainError('INTERNAL', `a check worker stopped: ${reason}`))
      entry.jobs.clear()
      if (index >= 0 && !this.closed) this.workers[index] = this.spawn()
    }
    worker.on('error', (error) => replace(error.message))
    worker.on('exit', (code) => {
      if (!this.closed) replace(`exit code ${code}`)
    })
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref()
    return entry
  }
}
