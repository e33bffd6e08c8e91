// How many bytes of request bodies a write route holds at once. A body is read whole before it is parsed (up to the
// route's limit, 32 MiB for a batch of statements), and a batch of 30 MB then costs some 135 MiB of memory while
// it is parsed and checked: forty junk batches sent at once, no key needed, took a node from 124 MiB to 2 GiB. Each
// request reserves what its Content-Length says (its route's limit when it says nothing) before a byte is read;
// one that would take the route past its budget is answered 429 BUSY with Retry-After, unread, and the ones
// already in hand go on. A producer's usual batch (a few MB) never waits on another's.

import type { FastifyReply, FastifyRequest } from 'fastify'
import { TracechainError } from '../core/errors.js'

/** What a node's statements route holds at once by default: two full batches, some forty usual ones (1.5 MB). */
export const DEFAULT_INTAKE_BYTES = 64 * 1024 * 1024

/** Seconds a client refused for the budget waits: a batch takes about that long to check and commit. */
const INTAKE_RETRY_AFTER_SECONDS = 1

export class IntakeBudget {
  private held = 0

  constructor(
    readonly maxBytes: number,
    /** what a body may be on the route (its bodyLimit): reserved for one that names no length */
    private readonly bodyLimit: number,
  ) {}

  /** Bytes reserved by requests in hand. */
  get inFlight(): number {
    return this.held
  }

  /** An onRequest hook: reserves the request's body, released when its answer is sent or the client goes. */
  readonly reserve = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const declared = Number(request.headers['content-length'])
    // A length over the limit is the body limit's to refuse (413), after this: it reserves only the limit.
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, this.bodyLimit) : this.bodyLimit
    if (bytes > 0 && this.held + bytes > this.maxBytes && this.held > 0) {
      throw new TracechainError('BUSY', `the node is holding ${this.held} bytes of requests to this route, its most; retry later`, { retryAfterSeconds: INTAKE_RETRY_AFTER_SECONDS })
    }
    this.held += bytes
    let released = false
    reply.raw.once('close', () => {
      if (released) return
      released = true
      this.held -= bytes
    })
  }
}
