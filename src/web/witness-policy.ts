// A witness policy as a person types it into the standalone page: one witness verifier key per line
// (`name+keyhash+base64`, as `tracechain witness init` prints it) and how many of them must cosign.

import { parseWitnessVerifierKey } from '../core/cosignature.js'
import type { WitnessPolicy } from './verify-log.js'

/** The policy, undefined for an empty list, or a message naming what does not parse. */
export function parseWitnessPolicy(keysText: string, minText: string): WitnessPolicy | undefined | { error: string } {
  const lines = keysText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  if (lines.length === 0) return undefined
  const keys = []
  for (const [index, line] of lines.entries()) {
    try {
      keys.push(parseWitnessVerifierKey(line))
    } catch (error) {
      return { error: `line ${index + 1}: ${error instanceof Error ? error.message : String(error)}` }
    }
  }
  const names = new Set(keys.map((key) => key.name))
  if (names.size !== keys.length) return { error: 'each witness is named once' }
  const min = minText.trim() === '' ? keys.length : Number(minText)
  if (!Number.isSafeInteger(min) || min < 1 || min > keys.length) return { error: `at least 1 and at most ${keys.length} witnesses must cosign, not ${minText.trim().slice(0, 20)}` }
  return { min, keys }
}
