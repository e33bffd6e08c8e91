// What the standalone verifier (GET /verify, or its files copied to any static origin) checks for a
// lot: the log's key against the key id the person gave, the checkpoint and its consistency with what
// this browser saw, and every entry the node lists for the lot in its resolver JSON
// (GET /01/...?format=json: events, inspections, the recall), each as the page verifier checks them
// (verify-log.ts). No DOM here: it runs in Node's tests as in the page (verify-standalone.ts).
// Which entries belong to a lot is the node's word: inclusion proofs cannot show one was left out. So that
// another lot's entries are not shown as this one's, one of them must name the lot itself (names-lot.ts).

import { CANONICAL_DIGITAL_LINK_BASE } from '../core/digital-link-path.js'
import type { Ed25519 } from '../core/ed25519.js'
import { namesLot } from './names-lot.js'
import { isRecord } from './served.js'
import { verifyLogEntries, type CheckpointMemory, type LogSource, type LogVerification, type WitnessPolicy } from './verify-log.js'

/** More seqs than any resolver answer lists (its payload cap is 256 kB): a longer list is refused as hostile. */
export const MAX_LOT_ENTRIES = 2000

export interface LotVerification extends LogVerification {
  /** the resolver path asked, `/01/...` */
  lotPath?: string
  /** the seqs the node listed for the lot, ascending */
  listed: number[]
  /** the node said its answer is cut short */
  truncated?: boolean
  /** why the lot could not be asked for or read, when it could not */
  lotError?: string
}

/**
 * The resolver path (`/01/{gtin}...`, no query or fragment) of a Digital Link given as a URI on any
 * domain or as a path (attacker-influenced text). Throws TypeError when it names no GTIN path.
 */
export function resolverPathOf(lot: string): string {
  const url = new URL(lot.trim(), 'http://lot.invalid')
  const at = url.pathname.indexOf('/01/')
  if (at < 0 || !/^\/01\/[0-9]{8,14}(\/|$)/.test(url.pathname.slice(at))) throw new TypeError(`${lot} is not a GS1 Digital Link (/01/{gtin}/...)`)
  return url.pathname.slice(at)
}

/** The seqs a resolver answer names (attacker-controlled): its events', inspections' and recall's. */
export function listedSeqs(answer: unknown): { seqs: number[]; truncated: boolean } {
  if (!isRecord(answer)) throw new TypeError('the resolver answer is not a JSON object')
  const seqs: unknown[] = []
  for (const field of ['events', 'inspections'] as const) {
    const list = answer[field] ?? []
    if (!Array.isArray(list)) throw new TypeError(`the resolver answer's ${field} is not a list`)
    if (list.length > MAX_LOT_ENTRIES) throw new TypeError(`the resolver answer lists more than ${MAX_LOT_ENTRIES} ${field}`)
    for (const item of list) seqs.push(isRecord(item) ? item.seq : undefined)
  }
  if (answer.recall !== undefined) seqs.push(isRecord(answer.recall) ? answer.recall.seq : undefined)
  for (const seq of seqs) {
    if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw new TypeError(`the resolver answer names a seq that is not one: ${JSON.stringify(seq)}`)
  }
  return { seqs: [...new Set(seqs as number[])].sort((a, b) => a - b), truncated: answer.truncated === true }
}

/**
 * Verifies the log `source` serves against `expectedKeyId` and, when `lot` is given, every entry its
 * resolver answer (from the node's API) lists. Never throws: `ok` is true only when the key matched, every check passed
 * and the lot (if any) could be read.
 */
export async function verifyLot(
  source: LogSource,
  ed: Ed25519,
  input: { expectedKeyId: string; lot?: string; witnessPolicy?: WitnessPolicy },
  memory?: CheckpointMemory,
): Promise<LotVerification> {
  let lotPath: string | undefined
  let listed: number[] = []
  let truncated = false
  let lotError: string | undefined
  if (input.lot !== undefined) {
    try {
      lotPath = resolverPathOf(input.lot)
      ;({ seqs: listed, truncated } = listedSeqs(await source.api.json(`${lotPath}?format=json`)))
      // Nothing to verify is not a verified lot.
      if (listed.length === 0) lotError = `the node lists no entries for ${lotPath}`
    } catch (error) {
      lotError = error instanceof Error ? error.message : String(error)
    }
  }
  const outcome = await verifyLogEntries(source, ed, listed, memory, [], {
    expectedKeyId: input.expectedKeyId,
    ...(input.witnessPolicy ? { witnessPolicy: input.witnessPolicy } : {}),
  })
  // Genuine entries of other lots prove nothing of this one.
  const verified = outcome.entries.filter((entry) => entry.ok && entry.statement !== undefined)
  if (lotPath !== undefined && lotError === undefined && verified.length > 0 && !verified.some(({ statement }) => statement && namesLot(statement, CANONICAL_DIGITAL_LINK_BASE + lotPath))) {
    lotError = `none of the entries the node lists for ${lotPath} names that lot`
  }
  return {
    ...outcome,
    ok: outcome.ok && lotError === undefined,
    listed,
    ...(lotPath !== undefined ? { lotPath } : {}),
    ...(truncated ? { truncated } : {}),
    ...(lotError !== undefined ? { lotError } : {}),
  }
}
