// The signers' keys for the browser verifier: an actor's keys valid at a seq (from /v1/actors/:id,
// by core/key-validity's rule) and proof that each key used was put in the log by the entry that names it.

import { decodeEnvelope } from '../core/dsse.js'
import type { Checkpoint } from '../core/checkpoint.js'
import { canonicalBytes } from '../core/canonical-json.js'
import { keyValidAt } from '../core/key-validity.js'
import { leafHash, verifyInclusion } from '../core/merkle.js'
import { parseStatementPayload } from '../core/statement.js'
import type { LogFetcher } from './verify-log.js'
import { isRecord, proofOf, type ServedActorKey, type ServedEntry } from './served.js'

/**
 * Actors' keys from /v1/actors/:id, and proof that each key used was put in the log by the entry
 * the registry names (an actor.register or actor.rotate-key of that key for that actor, included
 * in the same checkpoint). That entry's own admin signature is the node's audit's concern, not
 * re-checked here, so a page costs one extra entry per signer rather than the registry's history.
 */
export class KeyChecker {
  private readonly actors = new Map<string, Promise<ServedActorKey[]>>()
  private readonly registrations = new Map<string, Promise<void>>()

  constructor(
    private readonly fetcher: LogFetcher,
    private readonly checkpoint: Checkpoint,
  ) {}

  /**
   * Keys of `actor` that may sign the statement at `seq`, by the rule the node's sequencer and audit
   * apply (core/key-validity.ts).
   */
  async keysAt(actor: string, seq: number): Promise<ServedActorKey[]> {
    let keys = this.actors.get(actor)
    if (!keys) {
      keys = this.fetcher.json(`/v1/actors/${encodeURIComponent(actor)}`).then((answer) => {
        const record = isRecord(answer) && isRecord(answer.actor) ? answer.actor : undefined
        if (!record || record.id !== actor || !Array.isArray(record.keys)) throw new Error(`the node did not answer actor ${actor}`)
        return record.keys as ServedActorKey[]
      })
      this.actors.set(actor, keys)
    }
    return (await keys).filter((k) => keyValidAt(k, seq))
  }

  verifyRegistration(actor: string, key: ServedActorKey): Promise<void> {
    const id = `${actor}\u0000${key.keyid}`
    let check = this.registrations.get(id)
    if (!check) {
      check = this.checkRegistration(actor, key).catch((error: unknown) => {
        throw Object.assign(error instanceof Error ? error : new Error(String(error)), { keySeq: key.addedAt })
      })
      this.registrations.set(id, check)
    }
    return check
  }

  private async checkRegistration(actor: string, key: ServedActorKey): Promise<void> {
    const seq = key.addedAt
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.checkpoint.size) throw new Error(`key registration seq ${seq} is outside the tree`)
    const [served, proofAnswer] = await Promise.all([
      this.fetcher.json(`/v1/entries/${seq}`) as Promise<ServedEntry>,
      this.fetcher.json(`/v1/proofs/inclusion?seq=${seq}&size=${this.checkpoint.size}`),
    ])
    const leaf = leafHash(canonicalBytes(served.entry))
    verifyInclusion(seq, this.checkpoint.size, leaf, proofOf(proofAnswer), this.checkpoint.rootHash)
    const statement = parseStatementPayload(decodeEnvelope(served.entry.envelope).payload)
    const body = statement.body as { id?: string; actor?: string; publicKey?: string }
    const registers =
      (statement.type === 'actor.register' && body.id === actor) ||
      (statement.type === 'actor.rotate-key' && (body.actor ?? statement.actor) === actor)
    if (!registers || body.publicKey !== key.publicKey) throw new Error(`entry ${seq} does not register key ${key.keyid} for ${actor}`)
  }
}
