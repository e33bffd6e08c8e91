// When an actor's key may sign: the one rule the sequencer, the auditor and the browser verifier apply.

/** A key's life in the log: the seq of the statement that added it, and of the one that retired it. */
export interface KeyLife {
  addedAt: number
  retiredAt?: number
}

/**
 * Whether `key` may sign the statement at `seq`: it was added by an earlier statement and not retired
 * by an earlier one. The statement that retires a key (a rotation, a revocation) is still signed by it,
 * so `seq === retiredAt` is valid. Entry 0 is the operator registering itself with the key it signs
 * with, so a key added at 0 is valid at 0.
 */
export function keyValidAt(key: KeyLife, seq: number): boolean {
  return (key.addedAt < seq || (seq === 0 && key.addedAt === 0)) && (key.retiredAt === undefined || seq <= key.retiredAt)
}
