// One entry as every verifier of this layer checks it, whatever the entries come from (the log's tiles for
// a page, a proof bundle offline): in the checkpoint's tree (the EntrySource's part), decoded, and every
// DSSE signature on it verified: the actor's by a key it held at that seq, each co-signer's by a key some
// actor held then, with those keys established from the log's own registry entries back to entry 0
// (verify-registry.ts), never from a node's word.

import { decodeEnvelope, verifyEnvelopeSignature, type DecodedEnvelope } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { isTracechainError } from '../core/errors.js'
import { parsePublicKey } from '../core/keys.js'
import { recordedTimeRefusal } from '../core/late-record.js'
import { parseStatementPayload, type Statement } from '../core/statement.js'
import { EntryCheckError, type EntrySource, type VerifiedEntry } from './verify-entries.js'
import type { EntryOutcome, Failure } from './verify-log.js'
import { KeyChainError, type EstablishedKey, type RegistryVerifier } from './verify-registry.js'

export function message(error: unknown): string {
  if (isTracechainError(error)) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

/**
 * Verifies the entry at `seq`; never throws. Pushes what failed onto `failures` (one failure for the entry:
 * the first of the tree, the decoding, the actor's signature; a co-signature's is named only when the actor's held).
 */
export async function verifySignedEntry(entries: EntrySource, registry: RegistryVerifier, ed: Ed25519, seq: number, failures: Failure[]): Promise<EntryOutcome> {
  const failed = (failure: Omit<Failure, 'seq'>): EntryOutcome => {
    failures.push({ seq, ...failure })
    return { seq, ok: false }
  }
  let entry: VerifiedEntry['entry']
  try {
    ;({ entry } = await entries.verified(seq))
  } catch (error) {
    if (!(error instanceof EntryCheckError)) return failed({ check: 'entry', detail: message(error) })
    return failed({ check: error.check, ...(error.tile !== undefined ? { tile: error.tile } : {}), detail: message(error) })
  }

  let statement: Statement
  let decoded: ReturnType<typeof decodeEnvelope>
  try {
    decoded = decodeEnvelope(entry.envelope)
    statement = parseStatementPayload(decoded.payload)
  } catch (error) {
    return failed({ check: 'signature', detail: message(error) })
  }
  const actor = statement.actor
  // The node judged issuedAt by the clock that recorded the entry: one it refused is no entry it recorded then.
  const times = recordedTimeRefusal(statement.issuedAt, entry.recordedAt)
  if (times !== undefined) return failed({ check: 'entry', actor, detail: times })
  let held: EstablishedKey[]
  try {
    held = await registry.keysAt(actor, seq)
  } catch (error) {
    return failed(keyChainFailure(actor, error))
  }
  if (held.length === 0) return failed({ check: 'actor-key', actor, detail: `${actor} held no key at seq ${seq}` })
  // Every signature must verify: the actor's own, and each co-signer's against a key its signer held then.
  let signedByActor = false
  let cosignerFailure: Omit<Failure, 'seq'> | undefined
  for (let index = 0; index < decoded.signatures.length; index++) {
    const { keyid } = decoded.signatures[index]
    const own = held.find((k) => k.keyid === keyid)
    if (own) {
      try {
        verifyEnvelopeSignature(ed, decoded, index, parsePublicKey(own.publicKey))
        signedByActor = true
        continue
      } catch (error) {
        return failed({ check: 'signature', actor, detail: message(error) })
      }
    }
    try {
      await verifyCosignature(registry, ed, decoded, index, seq)
    } catch (error) {
      if (error instanceof KeyChainError) return failed(keyChainFailure(error.actor, error))
      cosignerFailure ??= { check: 'cosigner', actor, detail: message(error) }
    }
  }
  // A signature by a key the actor no longer (or not yet) held is no co-signature: the actor's is what is missing.
  if (!signedByActor) return failed({ check: 'actor-key', actor, detail: `no signature by a key ${actor} held at seq ${seq}` })
  if (cosignerFailure) return failed(cosignerFailure)
  return { seq, ok: true, statement, recordedAt: entry.recordedAt }
}

/** A further signature: by a key that some actor, established from its own registry entries, held at `seq`. */
async function verifyCosignature(registry: RegistryVerifier, ed: Ed25519, decoded: DecodedEnvelope, index: number, seq: number): Promise<void> {
  const { keyid } = decoded.signatures[index]
  for (const candidate of await registry.actorsWithKeyId(keyid)) {
    for (const key of (await registry.keysAt(candidate, seq)).filter((k) => k.keyid === keyid)) {
      try {
        verifyEnvelopeSignature(ed, decoded, index, parsePublicKey(key.publicKey))
        return
      } catch {
        // a keyid is a hint: another key of the same id may be the one
      }
    }
  }
  throw new Error(`signature ${index} (keyid ${keyid}) is by no key an actor held at seq ${seq}`)
}

/** The failure for an actor whose keys could not be established: which registry entry, or which tile, was at fault. */
export function keyChainFailure(actor: string, error: unknown): Omit<Failure, 'seq'> {
  // A registry entry whose tile did not authenticate: the copy of the log is at fault, not the actor's history.
  if (error instanceof EntryCheckError && error.check === 'tile') return { check: 'tile', actor, ...(error.tile !== undefined ? { tile: error.tile } : {}), detail: message(error) }
  const keySeq = error instanceof KeyChainError ? error.keySeq : undefined
  return { check: 'key-registration', actor, ...(keySeq !== undefined ? { keySeq } : {}), detail: message(error) }
}
