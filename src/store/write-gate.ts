// The store's writes, one at a time, and none after one has failed until the store is reopened
// (docs/storage.md, "When a write fails"). LevelDB 1.20 (classic-level's) refuses further writes by itself
// only after a failed sync: a write that fails before it, as it appends its record to the log (a full disk),
// can leave a torn record there, and a later write that lands behind it is dropped with it when the log is
// replayed on the next open. Whoever writes (a group commit, a capture job, a webhook's state), the first
// failure closes the gate for all of them, and its owner is told so that it reopens the store.

import { TracechainError, isTracechainError } from '../core/errors.js'

export type WriteFailureListener = (error: Error) => void

export class WriteGate {
  private failure: Error | undefined
  /** the last write queued: the next one starts after it settles */
  private tail: Promise<unknown> = Promise.resolve()
  private readonly listeners = new Set<WriteFailureListener>()

  /** The write that failed since the gate was last opened, if one did. */
  get failed(): Error | undefined {
    return this.failure
  }

  /** Tells `listener` of the failure that closes the gate. Returns the unsubscribe. */
  onFailure(listener: WriteFailureListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Runs `write` once the writes queued before it have settled. Throws STORE_UNAVAILABLE when the gate is
   * closed, and when `write` fails having perhaps written (`mayHaveWritten()` at the failure: false when the
   * database was not open, so nothing reached it), which closes it. Errors of a write that wrote nothing are
   * thrown as they are.
   */
  run<T>(write: () => Promise<T>, mayHaveWritten: () => boolean): Promise<T> {
    const turn = this.tail.then(async () => {
      if (this.failure) {
        throw new TracechainError('STORE_UNAVAILABLE', `a write to the store failed (${this.failure.message}); nothing is written until the store is reopened`)
      }
      try {
        return await write()
      } catch (error) {
        if (!mayHaveWritten()) throw error
        const failure = error instanceof Error ? error : new Error(String(error))
        this.failure = failure
        for (const listener of [...this.listeners]) listener(failure)
        throw isTracechainError(failure) && failure.code === 'STORE_UNAVAILABLE' ? failure : new TracechainError('STORE_UNAVAILABLE', failure.message)
      }
    })
    this.tail = turn.catch(() => undefined)
    return turn
  }

  /** Opens the gate again: the store was reopened, LevelDB's log replayed. */
  reopen(): void {
    this.failure = undefined
  }
}
