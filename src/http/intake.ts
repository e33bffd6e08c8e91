// How many bytes of request bodies a write route holds at once. A body is read whole before it is parsed (up to the
// route's limit, 32 MiB for a batch of statements), and a batch of 30 MB then costs some 135 MiB of memory while
// it is parsed and checked: forty junk batches sent at once, no key needed, took a node from 124 MiB to 2 GiB.
// Bytes are counted as they arrive, and held until the request is answered or its client goes: a body that would
// take the route past its budget while others are held is cut off with 429 BUSY and Retry-After, and one that
// comes when the budget is spent is refused before a byte is read. Counting what arrived rather than what a
// Content-Length promises means a client that sends slowly holds only what it sent: it cannot lock others out.
// A producer's usual batch (a few MB) goes on beside a large one.

import { Transform, type TransformCallback } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { TracechainError } from '../core/errors.js'

/** What a node's statements route holds at once by default: two full batches, some forty usual ones (1.5 MB). */
export const DEFAULT_INTAKE_BYTES = 64 * 1024 * 1024

const MIB = 1024 * 1024
const MIN_INTAKE_MIB = 32
const MAX_INTAKE_MIB = 65_536

/**
 * `serve --intake-mib N` (or TRACECHAIN_INTAKE_MIB): each write route's budget in MiB, at least the largest body a
 * route takes (a 32 MiB batch of statements: a smaller budget would refuse it for good). Throws BAD_REQUEST.
 */
export function parseIntakeMib(text: string, what = '--intake-mib'): number {
  const mib = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN
  if (!(mib >= MIN_INTAKE_MIB && mib <= MAX_INTAKE_MIB)) throw new TracechainError('BAD_REQUEST', `${what} "${text}" is not a whole number of MiB from ${MIN_INTAKE_MIB} (the largest batch a write route takes) to ${MAX_INTAKE_MIB}`)
  return mib * MIB
}

/** Seconds a client refused for the budget waits: a batch takes about that long to check and commit. */
const INTAKE_RETRY_AFTER_SECONDS = 1

export class IntakeBudget {
  private held = 0

  constructor(readonly maxBytes: number) {}

  /** An onRequest hook: a request that comes when the budget is spent is refused unread. */
  readonly admit = async (): Promise<void> => {
    if (this.held >= this.maxBytes) throw this.busy()
  }

  /** A preParsing hook: the body counted as it arrives, its bytes held until the answer is sent or the client goes. */
  readonly count = async (_request: FastifyRequest, reply: FastifyReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> => {
    let mine = 0
    let released = false
    reply.raw.once('close', () => {
      released = true
      this.held -= mine
      mine = 0
    })
    const budget = this
    const counted = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, next: TransformCallback) {
        // Past the budget only while others hold some: a body alone may use it all (and its route's limit).
        if (!released && budget.held + chunk.length > budget.maxBytes && budget.held > mine) return next(budget.busy())
        if (!released) {
          mine += chunk.length
          budget.held += chunk.length
        }
        next(null, chunk)
      },
    })
    payload.on('error', (error) => counted.destroy(error))
    return payload.pipe(counted)
  }

  private busy(): TracechainError {
    return new TracechainError('BUSY', `the node is holding ${this.held} bytes of requests to this route, its most; retry later`, { retryAfterSeconds: INTAKE_RETRY_AFTER_SECONDS })
  }
}
