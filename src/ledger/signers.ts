// Who signed a statement, decided against the registry as of its place in the batch: the actor must
// exist, be active and have signed with a key valid at the statement's seq (core/key-validity); every
// co-signature must be by such a key too.

import { fromBase64 } from '../core/bytes.js'
import { pae } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { fail } from '../core/errors.js'
import { keyIdOf } from '../core/keys.js'
import type { Prepared } from './group.js'
import type { ActorRecord, Registry } from './registry.js'

/** Verifies, now, signatures whose keys were unknown when they arrived (registered earlier in this batch). */
export function resolveDeferredSignatures(ed: Ed25519, prepared: Prepared, registry: Registry, genesis: boolean): void {
  if (!prepared.verifiedKeys.includes(undefined)) return
  const decoded = prepared.decode()
  const message = pae(decoded.payloadType, decoded.payload)
  decoded.signatures.forEach(({ keyid, sig }, index) => {
    if (prepared.verifiedKeys[index] !== undefined) return
    const candidates = registry.publicKeysFor(keyid)
    if (candidates.length === 0) {
      if (genesis) return // checked by checkGenesis
      fail('UNKNOWN_KEY', `no registered key has keyid ${keyid}`, { keyid })
    }
    const verified = candidates.find((c) => ed.verify(fromBase64(c), message, sig))
    if (!verified) fail('SIGNATURE_INVALID', 'a signature does not verify over the DSSE PAE', { signatures: [keyid] })
    prepared.verifiedKeys[index] = verified
  })
}

/** The signing actor must exist, be active and have signed with a key valid at `seq`; co-signers likewise. */
export function checkSigners(prepared: Prepared, registry: Registry, seq: number): { actor: ActorRecord; cosigners: string[] } {
  const { statement, envelope, verifiedKeys } = prepared
  const actor = registry.get(statement.actor)
  if (!actor) fail('UNKNOWN_ACTOR', `no actor ${statement.actor}`, { actor: statement.actor })
  if (actor.revokedAt !== undefined) fail('ACTOR_REVOKED', `actor ${actor.id} is revoked`, { actor: actor.id, seq: actor.revokedAt })
  let signedByActor = false
  const cosigners: string[] = []
  envelope.signatures.forEach(({ keyid }, index) => {
    const publicKey = verifiedKeys[index] as string
    const owner = registry.keyOwnerAt(keyid, publicKey, seq)
    if (!owner) {
      const owners = registry.actorsWithKeyId(keyid).filter((id) => registry.get(id)?.keys.some((k) => k.publicKey === publicKey))
      fail('KEY_NOT_VALID', `key ${keyid} is rotated out or its actor revoked`, { keyid, owners })
    }
    if (owner === actor.id) signedByActor = true
    else if (!cosigners.includes(owner)) cosigners.push(owner)
  })
  if (!signedByActor) fail('SIGNATURE_MISSING', `no signature by a current key of ${actor.id}`, { actor: actor.id })
  return { actor, cosigners }
}

/** Entry 0: the operator registers itself as admin and signs with the key it registers. */
export function checkGenesis(ed: Ed25519, prepared: Prepared): { actor: ActorRecord; cosigners: string[] } {
  const { statement } = prepared
  const decoded = prepared.decode()
  const body = statement.body as { id?: string; publicKey?: string; roles?: string[] }
  if (statement.type !== 'actor.register' || body.id !== statement.actor || !body.roles?.includes('admin')) {
    fail('RULE_VIOLATION', 'entry 0 must be an admin registering itself', { seq: 0 })
  }
  const publicKey = fromBase64(body.publicKey ?? '', 'publicKey')
  const message = pae(decoded.payloadType, decoded.payload)
  const selfSigned = decoded.signatures.some(
    ({ keyid, sig }) => keyid === keyIdOf(publicKey) && ed.verify(publicKey, message, sig),
  )
  if (!selfSigned) fail('SIGNATURE_MISSING', 'the genesis statement must be signed by the key it registers')
  // The kind's accept registers the actor; the signer record is what it will be.
  return {
    actor: { id: statement.actor, name: '', roles: ['admin'], locations: [], keys: [], seqs: [] },
    cosigners: [],
  }
}
