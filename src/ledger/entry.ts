// A log entry: what the sequencer writes and the auditor reads back. Its bytes are the RFC 8785 form of
// this object, and its leaf hash is RFC 9162's SHA-256(0x00 || bytes).

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
