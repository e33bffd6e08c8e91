// Capture jobs (POST /capture), kept in the node's LevelDB beside the log: meta `capture:<id>` holds a job's
// state, `capture-events:<id>` the statements still to append while it runs. Every write is synced, so a job
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

const JOB_PREFIX = 'capture:'
const EVENTS_PREFIX = 'capture-events:'

export class CaptureJobStore {
  constructor(private readonly store: LevelStore) {}

  async get(captureID: string): Promise<CaptureJob | undefined> {
    return this.store.getMeta<CaptureJob>(JOB_PREFIX + captureID)
  }

  /** A new job with its statements, in one synced batch: durable when it resolves. */
  async create(job: CaptureJob, statements: readonly PendingStatement[]): Promise<void> {
    await this.store.batchMeta([
      { key: JOB_PREFIX + job.captureID, value: job },
      { key: EVENTS_PREFIX + job.captureID, value: statements },
    ])
  }

  async statementsOf(captureID: string): Promise<PendingStatement[]> {
    return (await this.store.getMeta<PendingStatement[]>(EVENTS_PREFIX + captureID)) ?? []
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
