// What the node serves to the browser verifier, read as attacker input: entries and proof hashes. Shapes are checked where they are used; these helpers never trust a field's type.

import { fromHex } from '../core/bytes.js'
import type { Envelope } from '../core/dsse.js'

export interface ServedEntry {
  entry: { seq: number; prev: string; recordedAt: string; envelope: Envelope }
  leafHash: string
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The proof hashes of a served proof (attacker-controlled); throws on anything but hex strings. */
export function proofOf(value: unknown): Uint8Array[] {
  if (!isRecord(value) || !Array.isArray(value.proof)) throw new TypeError('the served proof has no "proof" array')
  return value.proof.map((hash, i) => {
    if (typeof hash !== 'string') throw new TypeError(`proof hash ${i} is not a string`)
    return fromHex(hash, `proof hash ${i}`)
  })
}
