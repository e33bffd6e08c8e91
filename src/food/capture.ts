// EPCIS 2.0 capture in custody (openapi.yaml POST /capture, CaptureJob): a producer's system sends an
// EPCISDocument with an actor's capture token; the node signs each event as that actor's food.event with the
// custodial key it holds and appends it under the same rules as any signed append. Jobs run one at a time in
// the background, their state kept in the store (store/capture-jobs.ts), and are taken up again after a restart.

import { randomBytes } from 'node:crypto'
import { canonicalBytes } from '../core/canonical-json.js'
import { bytesEqual, fromBase64 } from '../core/bytes.js'
import { actorOfCaptureToken, type CustodyKeys } from '../core/custody-token.js'
import { buildStatementEnvelope } from '../core/dsse.js'
import { TracechainError, errorStatus, fail } from '../core/errors.js'
import type { Signer } from '../core/keys.js'
import { parseStatementPayload } from '../core/statement.js'
import { IDEMPOTENCY_SPACE, idempotencyKey, type IdempotencyRecord } from '../ledger/idempotency.js'
import type { Ledger } from '../ledger/ledger.js'
import { CaptureJobStore, type CaptureError, type CaptureJob, type PendingStatement } from '../store/capture-jobs.js'
import { eventsOfDocument, refuseUnsignable, statementIdOf, underContext } from './epcis-import.js'

/** Events in one capture (GS1-EPCIS-Capture-Limit): a batch of POST /v1/statements. */
export const CAPTURE_EVENT_LIMIT = 1000
/** Bytes in one capture (GS1-EPCIS-Capture-File-Size-Limit): 1000 events of 16 KiB. */
export const CAPTURE_FILE_SIZE_LIMIT = 16 * 1024 * 1024
/** Events signed and appended together; the job's progress is saved after each slice. */
export const CAPTURE_SLICE = 100
/** How long a job waits before it tries again after the store refused a whole slice (STORE_UNAVAILABLE). */
export const CAPTURE_RETRY_MS = 1000

/** The EPCIS exception a refusal is, by its status: a refused event is invalid for this node (ValidationException). */
function captureError(error: TracechainError, captureID: string, eventIndex: number, eventID: unknown): CaptureError {
  const status = errorStatus(error)
  const exception = status >= 500 ? 'ImplementationException' : status === 403 ? 'SecurityException' : 'ValidationException'
  return {
    type: `epcisException:${exception}`,
    title: exception === 'ValidationException' ? 'The event was refused' : exception === 'SecurityException' ? 'The actor may not record this event' : 'The node could not record the event',
    status,
    detail: error.message,
    instance: `/capture/${captureID}#event-${eventIndex}`,
    code: error.code,
    eventIndex,
    ...(typeof eventID === 'string' ? { eventID } : {}),
  }
}

export interface CaptureServiceOptions {
  ledger: Ledger
  jobs: CaptureJobStore
  custody: CustodyKeys
  clock: () => Date
}

export class CaptureService {
  private readonly queue: string[] = []
  private running: Promise<void> | undefined
  private closed = false
  private actorIndexReady: Promise<void> = Promise.resolve()

  constructor(private readonly options: CaptureServiceOptions) {}

  /**
   * The actor a bearer token (attacker-controlled) captures for, once its custody is checked against the
   * registry: registered with custody "node", not revoked, and its current key the one the node holds.
   * Throws UNAUTHORIZED for a token the node does not know, CUSTODY_NOT_REGISTERED otherwise.
   */
  authorise(token: string | undefined): { actor: string; signer: Signer } {
    const actor = token === undefined ? undefined : actorOfCaptureToken(this.options.custody, token)
    if (actor === undefined) fail('UNAUTHORIZED', 'send Authorization: Bearer <capture token> (tracechain actor custody makes one; tracechain actor token rotates it)')
    const signer = this.options.custody.signerOf(actor)
    const record = this.options.ledger.actors.get(actor)
    if (!signer || !record || record.custody !== 'node') {
      fail('CUSTODY_NOT_REGISTERED', `actor ${actor} is not registered with custody "node" under a key this node holds`, { actor })
    }
    if (record.revokedAt !== undefined) fail('CUSTODY_NOT_REGISTERED', `actor ${actor} is revoked`, { actor })
    const current = record.keys.filter((key) => key.retiredAt === undefined)
    if (!current.some((key) => bytesEqual(fromBase64(key.publicKey), signer.publicKey))) {
      fail('CUSTODY_NOT_REGISTERED', `the custodial key of ${actor} is not its current registered key`, { actor })
    }
    return { actor, signer }
  }

  /**
   * A new job for `document` (attacker-controlled, parsed JSON), durable when it resolves; its events are
   * signed and appended in the background. Throws EPCIS_INVALID for a document without an event list,
   * BATCH_TOO_LARGE beyond CAPTURE_EVENT_LIMIT events, INVALID_JSON for an event no statement can carry.
   */
  async start(actor: string, document: unknown): Promise<CaptureJob> {
    const type = (document as { type?: unknown } | null)?.type
    if (type !== 'EPCISDocument' && type !== 'EPCISQueryDocument') fail('EPCIS_INVALID', 'POST /capture takes an EPCISDocument or an EPCISQueryDocument (JSON-LD)', { type })
    const events = eventsOfDocument(document)
    if (events.length > CAPTURE_EVENT_LIMIT) {
      fail('BATCH_TOO_LARGE', `${events.length} events; at most ${CAPTURE_EVENT_LIMIT} per capture`, { count: events.length, max: CAPTURE_EVENT_LIMIT })
    }
    if (events.some((event) => event === null || typeof event !== 'object' || Array.isArray(event))) {
      fail('EPCIS_INVALID', 'every item of epcisBody.eventList must be an event object')
    }
    refuseUnsignable(document, events)
    const createdAt = this.options.clock()
    // Each event is signed under the document's context, kept once in the job rather than in every body.
    const context = (document as { '@context'?: unknown })['@context']
    const statements: PendingStatement[] = events.map((event) => ({ id: statementIdOf(event), body: event }))
    const job: CaptureJob = {
      captureID: newCaptureId(createdAt),
      actor,
      createdAt: createdAt.toISOString(),
      running: true,
      success: true,
      captureErrorBehaviour: 'proceed',
      eventCount: statements.length,
      done: 0,
      captured: [],
      errors: [],
    }
    await this.options.jobs.create(job, context === undefined ? { statements } : { context, statements })
    this.enqueue(job.captureID)
    return job
  }

  /** A job as it stands, or undefined. */
  async job(captureID: string): Promise<CaptureJob | undefined> {
    return this.options.jobs.get(captureID)
  }

  /** `actor`'s jobs, newest first, a page of `perPage` after the job `after` (the last of the page before). */
  async jobsOf(actor: string, perPage: number, after?: string): Promise<{ jobs: CaptureJob[]; next?: string }> {
    // A store from before the by-actor list gets it at start; a listing waits for that, not for the jobs.
    await this.actorIndexReady
    const { jobs, more } = await this.options.jobs.listOf(actor, { limit: perPage, ...(after !== undefined ? { before: after } : {}) })
    return { jobs, ...(more ? { next: jobs[jobs.length - 1]?.captureID } : {}) }
  }

  /** Takes up the jobs a stopped node left running. Resolves false when the store could not be read: the jobs not reached wait for the next start. */
  async resume(): Promise<boolean> {
    try {
      const listed = this.options.jobs.completeActorIndex()
      this.actorIndexReady = listed.then(
        () => undefined,
        () => undefined,
      )
      for await (const job of this.options.jobs.all()) if (job.running) this.enqueue(job.captureID)
      await listed
      return true
    } catch {
      return false
    }
  }

  /** Stops after the slice in hand; unfinished jobs stay running in the store for the next start. */
  async close(): Promise<void> {
    this.closed = true
    await this.running
  }

  /** Resolves once every queued job has run (tests and the CLI wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private enqueue(captureID: string): void {
    if (this.closed || this.queue.includes(captureID)) return
    this.queue.push(captureID)
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined
      })
    }
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.queue.length > 0) {
      const captureID = this.queue[0] as string
      try {
        await this.run(captureID)
      } catch (error) {
        // The store refused to save its progress (a full disk), or was closed under a read while the node
        // reopens it: that happens with no restart to take the job up, so it is tried again from its last
        // saved progress (what it appended since is found as repeats), after the wait a refused slice gets.
        const storeDown = (error instanceof TracechainError && error.code === 'STORE_UNAVAILABLE') || !this.options.ledger.storeStatus.available
        if (storeDown && !this.closed) {
          await new Promise((resolve) => setTimeout(resolve, CAPTURE_RETRY_MS))
          continue
        }
        // Any other failure under the job (a read): it stays running in the store, where the next start
        // takes it up; the jobs behind it go on.
      }
      this.queue.shift()
    }
  }

  private async run(captureID: string): Promise<void> {
    const job = await this.options.jobs.get(captureID)
    if (!job || !job.running) return
    const { context, statements } = await this.options.jobs.statementsOf(captureID)
    const signer = this.options.custody.signerOf(job.actor)
    while (!this.closed && job.done < statements.length) {
      const slice = statements.slice(job.done, job.done + CAPTURE_SLICE).map(({ id, body }) => ({ id, body: underContext(context, body) }))
      try {
        if (!signer) fail('CUSTODY_NOT_REGISTERED', `the node no longer holds the custodial key of ${job.actor}`, { actor: job.actor })
        await this.appendSlice(job, slice, signer)
      } catch (error) {
        if (!(error instanceof TracechainError)) throw error
        if (error.code === 'SHUTTING_DOWN') return
        if (error.code === 'STORE_UNAVAILABLE') {
          await new Promise((resolve) => setTimeout(resolve, CAPTURE_RETRY_MS))
          continue
        }
        // A refusal of the whole slice (the custodial key gone) is a refusal of each of its events.
        slice.forEach((statement, i) => job.errors.push(captureError(error, captureID, job.done + i, statement.body.eventID)))
        job.done += slice.length
      }
      job.success = job.errors.length === 0
      if (job.done >= statements.length) {
        job.running = false
        job.finishedAt = this.options.clock().toISOString()
      }
      await this.options.jobs.update(job)
    }
    if (statements.length === 0 && job.running) {
      job.running = false
      job.finishedAt = this.options.clock().toISOString()
      await this.options.jobs.update(job)
    }
  }

  /** Signs and appends one slice, recording each event's seq or refusal in `job` (saved by the caller). */
  private async appendSlice(job: CaptureJob, slice: PendingStatement[], signer: Signer): Promise<void> {
    const { ledger } = this.options
    const statements = slice.map(({ id, body }) => ({ type: 'food.event', actor: job.actor, id, issuedAt: job.createdAt, body }))
    // An event this actor captured before, in an earlier job (so under another issuedAt), is a repeat of it,
    // as a retried capture expects; the same id with another event is left to the ledger to refuse.
    const earlier = await Promise.all(statements.map((statement) => ledger.records.get<IdempotencyRecord>(IDEMPOTENCY_SPACE, idempotencyKey(statement))))
    const repeats = await Promise.all(
      earlier.map(async (record, i) => {
        if (!record) return undefined
        const { entry } = await ledger.getEntry(record.seq)
        const stored = parseStatementPayload(fromBase64(entry.envelope.payload))
        return bytesEqual(canonicalBytes(stored.body), canonicalBytes(statements[i]?.body)) ? record.seq : undefined
      }),
    )
    // An event that cannot be a statement (over the payload cap, an id the statement refuses) is refused alone.
    const refused = new Map<number, TracechainError>()
    const toSubmit = statements.flatMap((statement, i) => {
      if (repeats[i] !== undefined) return []
      try {
        return [{ i, envelope: buildStatementEnvelope(statement, [signer]) }]
      } catch (error) {
        if (!(error instanceof TracechainError)) throw error
        refused.set(i, error)
        return []
      }
    })
    const outcomes = await ledger.submitMany(toSubmit.map(({ envelope }) => envelope))
    const byIndex = new Map<number, (typeof outcomes)[number] | TracechainError>(refused)
    toSubmit.forEach(({ i }, n) => byIndex.set(i, outcomes[n] as (typeof outcomes)[number]))
    slice.forEach((statement, i) => {
      const eventIndex = job.done + i
      const repeatSeq = repeats[i]
      if (repeatSeq !== undefined) return job.captured.push({ eventIndex, seq: repeatSeq, repeat: true })
      const outcome = byIndex.get(i)
      if (outcome instanceof TracechainError) return job.errors.push(captureError(outcome, job.captureID, eventIndex, statement.body.eventID))
      if (outcome) job.captured.push({ eventIndex, seq: outcome.seq, repeat: !outcome.created })
    })
    job.done += slice.length
  }
}

/** A capture id that sorts by creation time and cannot be guessed: ms since 1970 in base 36, then 64 random bits. */
function newCaptureId(at: Date): string {
  return `c${at.getTime().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`
}
