// What a copy of the log serves the browser verifier, read as attacker input: an entry as its bundle holds
// it. Shapes are checked where they are used; these helpers never trust a field's type.

import type { Envelope } from '../core/dsse.js'

/** An entry of the log: the JSON whose JCS bytes are its leaf hash input. */
export interface ServedEntry {
  seq: number
  prev: string
  recordedAt: string
  envelope: Envelope
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
