// A log entry: what the sequencer writes and the auditor reads back. Its bytes are the RFC 8785 form of
// this object, and its leaf hash is RFC 9162's SHA-256(0x00 || bytes).

import { fromUtf8 } from '../core/bytes.js'
import type { Envelope } from '../core/dsse.js'

export interface Entry {
  seq: number
  /** hex leaf hash of entry seq-1; GENESIS_PREV for entry 0 */
  prev: string
  recordedAt: string
  envelope: Envelope
}

/** The `prev` of entry 0: there is no entry before it. */
export const GENESIS_PREV = '0'.repeat(64)

/**
 * The entry in bytes the log holds, or that the checks accepted: they are its canonical JSON, so they are
 * parsed here without the checks again (as core/statement.ts's checkedStatementOf parses a checked payload).
 * Never for bytes nobody checked: checks.ts's parseReplicaEntry is for those.
 */
export function checkedEntryOf(bytes: Uint8Array): Entry {
  return JSON.parse(fromUtf8(bytes)) as Entry
}
