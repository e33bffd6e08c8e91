// Statement kinds: who may sign each type and the rules it must keep. Domain layers (food, seal)
// contribute their kinds, the actor statements are in actor-kinds.ts; the sequencer runs them in order
// inside a group commit.

import type { Statement } from '../core/statement.js'
import type { Envelope } from '../core/dsse.js'
import { fail, type TracechainError } from '../core/errors.js'
import type { RangeOptions, RecordWrite } from '../store/level-store.js'
import { hasRole, type ActorRecord, type Registry, type Role } from './registry.js'

/** Reads of record spaces; at rule time they include the writes pending in the batch. */
export interface RecordReader {
  get<T>(space: string, key: string): Promise<T | undefined>
  /** several records of a space in one read of the store, where the reader can (one trip to the thread pool) */
  getMany?<T>(space: string, keys: string[]): Promise<(T | undefined)[]>
  /** records in key order within the bounds (reverse and limit as in LevelDB iterators) */
  range<T>(space: string, options: RangeOptions): Promise<[string, T][]>
}

/** The committed records as the read layers above see them: a RecordReader that can also stream a range. */
export interface LedgerRecords extends RecordReader {
  /** records in key order within the bounds, read as they are consumed: for ranges too long to hold */
  scan<T>(space: string, options?: RangeOptions): AsyncIterable<[string, T]>
}

/** What a rule sees: the registry and the indexes as of this statement, including earlier ones in its batch. */
export interface RuleContext extends RecordReader {
  readonly statement: Statement
  readonly envelope: Envelope
  /** the seq the statement gets if accepted */
  readonly seq: number
  readonly recordedAt: string
  /** the signing actor, already checked to exist, be active and have signed */
  readonly actor: ActorRecord
  /** ids of co-signing actors whose signatures verified */
  readonly cosigners: readonly string[]
  /** what the kind's `facts` derived from this statement, when it has them */
  readonly facts?: StatementFacts
  readonly registry: Registry
  /** true on a mirror's replay of the log it follows, which recorded the entry: a check of new submissions
   *  only (an actor's blank name) is not run again there */
  readonly replaying?: boolean
  /** a write that lands only if this statement is accepted, visible to later statements in the batch */
  put(space: string, key: string, value: unknown): void
}

/** What a kind may record about a refused statement (seal attempts are evidence for inspectors). Its
 *  reads see the accepted writes pending in the group and the records earlier refusals in it kept. */
export interface RefusalContext extends RecordReader {
  readonly statement: Statement
  readonly envelope: Envelope
  readonly error: TracechainError
  readonly at: string
  readonly registry: Registry
}

/** What a kind's check learnt of a statement that its accept needs again (an EPCIS event's hash ID): JSON values, as they cross threads. */
export type StatementFacts = Readonly<Record<string, string | number | boolean>>

/**
 * A statement that repeats another of its actor's under another id (an EPCIS event with the same content,
 * say): the ledger drops its writes and answers it as a repeat of that one, its seq and leaf hash, nothing
 * written. A mirror records it all the same, since the log it follows holds it.
 */
export interface Repeat {
  /** the id of the actor's statement already in the log */
  repeats: string
}

export interface StatementKind {
  readonly type: string
  /** roles that may sign it; 'any' leaves the decision to `accept` */
  readonly roles: readonly Role[] | 'any'
  /**
   * Checks of the statement alone, beyond its body's JSON Schema (a domain standard's own schema, say).
   * They need no ledger state, so they run before the statement is queued: in a worker thread on the
   * server, which imports the kind's module (its `kinds` export) to find them. Throws a TracechainError.
   */
  check?(statement: Statement): void
  /**
   * What `accept` needs again, derived from the statement alone (an EPCIS event's hash ID), after `check`
   * and in the same thread: it reaches `accept` as ctx.facts, work done once, off the sequencer. Never a
   * verdict: an audit, which runs no `accept`, does not ask for it.
   */
  facts?(statement: Statement): StatementFacts
  /**
   * Checks the rules and writes index records through ctx.put; throws a TracechainError to refuse. Returns
   * a Repeat when the statement says again what one of its actor's already in the log says.
   */
  accept(ctx: RuleContext): Promise<Repeat | void> | Repeat | void
  /** records kept outside the log when a validly signed statement of this kind is refused */
  onRefused?(ctx: RefusalContext): Promise<RecordWrite[]> | RecordWrite[]
}

export function requireRole(actor: ActorRecord, roles: readonly Role[], type: string): void {
  if (!hasRole(actor, roles)) {
    fail('ROLE_FORBIDDEN', `${actor.id} (roles ${actor.roles.join(', ')}) may not sign ${type}; needs one of ${roles.join(', ')}`, {
      actor: actor.id,
      roles: actor.roles,
      allowed: roles,
    })
  }
}
