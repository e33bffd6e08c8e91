// A witness policy as a person types it into the standalone page: one witness verifier key per line
// (`name+keyhash+base64`, as `tracechain witness init` prints it) and how many of them must cosign; and
// the verifier's check of a checkpoint's cosignatures against the policy it holds, or the node's.

import { parseWitnessVerifierKey, verifyCosignatures } from '../core/cosignature.js'
import type { Ed25519 } from '../core/ed25519.js'
import type { Failure, LogSource, WitnessedCheckpoint, WitnessPolicy } from './verify-log.js'
import { message } from './verify-signed-entry.js'

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

/**
 * A witness policy held against the checkpoint's cosignature lines: fewer than `min` valid cosignatures is a
 * failure, not "verified". `asked` is the verifier's own policy when it has one, else the node's
 * (witnessPolicyOf); a node that names no witnesses requires none.
 */
export async function checkWitnesses(
  asked: Promise<WitnessPolicy | undefined>,
  ed: Ed25519,
  note: string,
  failures: Failure[],
): Promise<{ witnessed?: WitnessedCheckpoint; policy?: WitnessPolicy }> {
  let policy: WitnessPolicy | undefined
  try {
    policy = await asked
  } catch (error) {
    failures.push({ check: 'witness', detail: `the node's witness policy does not read: ${message(error)}` })
    return {}
  }
  if (!policy) return {}
  const { min, keys } = policy
  const witnesses = keys.map((k) => k.name)
  try {
    const { cosignatures } = verifyCosignatures(ed, note, keys)
    if (cosignatures.length < min) {
      failures.push({ check: 'witness', count: cosignatures.length, min, detail: `cosigned by ${cosignatures.length} of the ${min} witnesses required` })
    }
    return { witnessed: { min, witnesses, cosignatures }, policy }
  } catch (error) {
    failures.push({ check: 'witness', count: 0, min, detail: message(error) })
    return { witnessed: { min, witnesses, cosignatures: [] }, policy }
  }
}

/**
 * The policy to hold the checkpoint to: the verifier's own, else the one the node names at GET /v1/witnesses
 * (undefined when it names no witnesses). Asked for first, beside the checkpoint: it costs a phone no round trip.
 */
export function witnessPolicyOf(source: LogSource, own?: WitnessPolicy): Promise<WitnessPolicy | undefined> {
  const asked = own ? Promise.resolve(own) : nodeWitnessPolicy(source)
  asked.catch(() => undefined) // read by checkWitnesses, or by nobody when the checkpoint fails first
  return asked
}

async function nodeWitnessPolicy(source: LogSource): Promise<WitnessPolicy | undefined> {
  const policy = (await source.api.json('/v1/witnesses')) as { min?: unknown; witnesses?: { verifierKey?: unknown }[] }
  if (!Array.isArray(policy.witnesses) || policy.witnesses.length === 0) return undefined
  return {
    min: typeof policy.min === 'number' ? policy.min : policy.witnesses.length,
    keys: policy.witnesses.map((w) => parseWitnessVerifierKey(String(w.verifierKey))),
  }
}
