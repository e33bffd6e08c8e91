// Audits a range of this node's own log with the Auditor, its checks run as the ledger runs its own: what
// GET /v1/verify and `tracechain verify --dir` run. The root is checked against the signed checkpoint.

import { bytesEqual, toHex } from '../core/bytes.js'
import { verifyCheckpoint } from '../core/checkpoint.js'
import { fail } from '../core/errors.js'
import { Auditor, GENESIS_PREV, auditRange, type AuditFinding, type AuditRangeOptions } from './audit.js'
import type { AsyncEd25519, Ledger } from './ledger.js'

export const AUDIT_CHUNK = 1000
/**
 * Entries one GET /v1/verify audits at most: an audit checks every signature in its range, and the
 * route is public. Whole logs are `tracechain verify`'s job (it reads /v1/entries page by page).
 */
export const MAX_VERIFY_RANGE = 10_000

export interface AuditReport {
  ok: boolean
  checked: number
  from: number
  to: number
  /** hex root of the tree at `to` as recomputed (from 0) or as stored (from > 0) */
  root: string
  firstBad?: { seq: number; code: string; reason: string }
}

export interface AuditLedgerOptions extends Pick<AuditRangeOptions, 'checkedAhead'> {
  onProgress?: (checked: number, total: number) => void
}

/** Audits entries from <= seq < to. Requires 0 <= from < to <= size; throws RANGE_INVALID otherwise. */
export async function auditLedger(ledger: Ledger, ed: AsyncEd25519, from = 0, to = ledger.size, options: AuditLedgerOptions = {}): Promise<AuditReport> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to > ledger.size || from >= to) {
    fail('RANGE_INVALID', `need 0 <= from < to <= ${ledger.size}, got from ${from} to ${to}`, { from, to, size: ledger.size })
  }
  const prevLeafHash = from === 0 ? GENESIS_PREV : toHex(await ledger.leafHashAt(from - 1))
  const auditor = new Auditor({ ed, checks: ledger.logChecks, from, prevLeafHash, registry: ledger.actors })
  const report = (firstBad?: AuditFinding, root = ''): AuditReport => ({
    ok: !firstBad,
    checked: auditor.checked,
    from,
    to,
    root,
    ...(firstBad ? { firstBad } : {}),
  })
  const read = async (seq: number, count: number) => {
    const bytes = await ledger.getEntriesBytes(seq, count)
    const leaves = await ledger.leafHashesAt(seq, bytes.length)
    return bytes.map((b, i) => ({ seq: seq + i, bytes: b, expectedLeafHash: leaves[i] }))
  }
  const { onProgress, checkedAhead } = options
  const progress = onProgress && ((checked: number) => onProgress(checked, to - from))
  const { shortAt } = await auditRange(auditor, from, to, AUDIT_CHUNK, read, { onProgress: progress, checkedAhead })
  if (auditor.firstBad) return report(auditor.firstBad)
  if (shortAt !== undefined) return report({ seq: shortAt, code: 'ENTRY_INVALID', reason: 'entry missing from the store' })
  // Leaves must be the ones the tree commits to, and the tree the one the checkpoint signs.
  const storedRoot = await ledger.rootAt(to)
  if (auditor.accumulator) {
    const recomputed = auditor.accumulator.root()
    if (!bytesEqual(recomputed, storedRoot)) {
      return report({ seq: to - 1, code: 'CHECKPOINT_MISMATCH', reason: `leaves give root ${toHex(recomputed)}, the tree holds ${toHex(storedRoot)}` })
    }
  }
  const checkpoint = verifyCheckpoint(ed, ledger.checkpoint, ledger.verifierKey)
  // A mirror's tree may run past its checkpoint (a catch-up cut short): the tree at the checkpoint's size must be the one it signs.
  if (checkpoint.size > ledger.size) {
    return report({ seq: ledger.size - 1, code: 'CHECKPOINT_MISMATCH', reason: `the signed checkpoint is of size ${checkpoint.size}; the tree holds ${ledger.size} entries` })
  }
  if (checkpoint.size > 0 && !bytesEqual(checkpoint.rootHash, await ledger.rootAt(checkpoint.size))) {
    return report({ seq: checkpoint.size - 1, code: 'CHECKPOINT_MISMATCH', reason: `the tree root at size ${checkpoint.size} differs from the signed checkpoint` })
  }
  return report(undefined, toHex(storedRoot))
}
