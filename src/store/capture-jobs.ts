// Capture jobs (POST /capture), kept in the node's LevelDB beside the log: meta `capture:<id>` holds a job's
// state, `capture-events:<id>` the statements still to append while it runs, `capture-by-actor:<actor>:<id>`
// lists an actor's jobs (GET /capture) without reading anyone else's. Every write is synced, so a job
// the node answered 202 for survives a kill -9 and is taken up again on the next start.

import type { LevelStore } from './level-store.js'

/** One refusal in a job: RFC 7807 problem details, as the EPCIS CaptureJob's `errors` carries them, with ours beside. */
export interface CaptureError {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  code: string
  /** the refused event's place in the document, from 0 */
  eventIndex: number
  eventID?: string
}

/** Where a captured event landed. */
export interface CapturedEvent {
  eventIndex: number
  seq: number
  /** whether an earlier capture (or this job before a restart) had already appended it */
  repeat: boolean
}

export interface CaptureJob {
  captureID: string
  /** the actor the node signed for */
  actor: string
  createdAt: string
  finishedAt?: string
  running: boolean
  success: boolean
  captureErrorBehaviour: 'proceed'
  /** events in the document */
  eventCount: number
  /** how many events have been dealt with (appended or refused), in document order */
  done: number
  captured: CapturedEvent[]
  errors: CaptureError[]
}

/** A statement a job still has to sign and append: its id and body (issuedAt is the job's createdAt). */
export interface PendingStatement {
  id: string
  body: Record<string, unknown>
}

/**
 * A job's statements, their bodies without the document's @context, which is kept once beside them: each is
 * signed under it, and a copy in each of a thousand bodies would store a large context a thousand times.
 */
export interface PendingStatements {
  /** the document's @context; absent for a job stored before it was kept apart (its bodies carry it) */
  context?: unknown
  statements: PendingStatement[]
}

const JOB_PREFIX = 'capture:'
const EVENTS_PREFIX = 'capture-events:'
const BY_ACTOR_PREFIX = 'capture-by-actor:'
/** Set once every job made before the by-actor list existed is in it. */
const BY_ACTOR_COMPLETE = 'capture-by-actor-complete'

/** Actor ids are [A-Za-z0-9._-]: ':' ends one, so no actor's prefix is another's. */
const byActorKey = (actor: string, captureID = '') => `${BY_ACTOR_PREFIX}${actor}:${captureID}`

export class CaptureJobStore {
  constructor(private readonly store: LevelStore) {}

  async get(captureID: string): Promise<CaptureJob | undefined> {
    return this.store.getMeta<CaptureJob>(JOB_PREFIX + captureID)
  }

  /** A new job with its statements, in one synced batch: durable when it resolves. */
  async create(job: CaptureJob, pending: PendingStatements): Promise<void> {
    await this.store.batchMeta([
      { key: JOB_PREFIX + job.captureID, value: job },
      { key: EVENTS_PREFIX + job.captureID, value: pending },
      { key: byActorKey(job.actor, job.captureID), value: 1 },
    ])
  }

  /**
   * `actor`'s jobs, newest first (ids sort by creation), at most `limit`, those created before the job
   * `before` when given; `more` when there are others after them.
   */
  async listOf(actor: string, options: { limit: number; before?: string }): Promise<{ jobs: CaptureJob[]; more: boolean }> {
    const jobs: CaptureJob[] = []
    const bounds = { reverse: true, limit: options.limit + 1, ...(options.before !== undefined ? { lt: byActorKey(actor, options.before) } : {}) }
    for await (const [key] of this.store.rangeMeta(byActorKey(actor), bounds)) {
      if (jobs.length === options.limit) return { jobs, more: true }
      const job = await this.get(key.slice(byActorKey(actor).length))
      if (job) jobs.push(job)
    }
    return { jobs, more: false }
  }

  /** Lists in the by-actor index the jobs a node made before it existed; once per store. */
  async completeActorIndex(): Promise<number> {
    if (await this.store.getMeta(BY_ACTOR_COMPLETE)) return 0
    let added = 0
    for await (const job of this.all()) {
      await this.store.putMeta(byActorKey(job.actor, job.captureID), 1)
      added++
    }
    await this.store.putMeta(BY_ACTOR_COMPLETE, true)
    return added
  }

  async statementsOf(captureID: string): Promise<PendingStatements> {
    const stored = await this.store.getMeta<PendingStatement[] | PendingStatements>(EVENTS_PREFIX + captureID)
    // A job stored before the context was kept apart holds a list of whole bodies.
    return Array.isArray(stored) ? { statements: stored } : (stored ?? { statements: [] })
  }

  /** The job's progress; once it is finished its statements are dropped with the same write. Durable when it resolves. */
  async update(job: CaptureJob): Promise<void> {
    await this.store.batchMeta([{ key: JOB_PREFIX + job.captureID, value: job }], job.running ? [] : [EVENTS_PREFIX + job.captureID])
  }

  /** Every job, oldest id first (ids sort by creation). */
  async *all(): AsyncGenerator<CaptureJob> {
    for await (const [, job] of this.store.rangeMeta<CaptureJob>(JOB_PREFIX)) yield job
  }
}
