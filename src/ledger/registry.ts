// The actor registry: who may sign what, with which key, as of each seq. The same code serves the
// live node (in memory, persisted as records) and the auditor (rebuilt from the log).

import { fail } from '../core/errors.js'
import { fromBase64 } from '../core/bytes.js'
import { keyIdOf } from '../core/keys.js'
import { keyValidAt } from '../core/key-validity.js'
import type { ContactPoint, PostalAddress } from '../core/master-data.js'
import { ObjectActorTable, PackedActorTable, type ActorTable } from './actor-table.js'

/** The one role the ledger itself gives meaning to (it registers and revokes actors). */
export const ADMIN_ROLE = 'admin'
/** 'admin' or a role a domain declares; actor.register's schema lists every one. */
export type Role = string

export interface ActorKey {
  keyid: string
  /** base64 */
  publicKey: string
  /** the seq of the statement that added it */
  addedAt: number
  /** the seq of the statement that retired it (rotation or revocation); refused from then on */
  retiredAt?: number
}

export interface ActorRecord {
  id: string
  name: string | { zh?: string; en?: string }
  roles: Role[]
  org?: string
  /** 'node': the node holds the actor's key and signs what it captures for it (POST /capture) */
  custody?: 'node'
  locations: string[]
  /** master data: each of its own locations (as spelled in `locations`) and the locations directly within it */
  locationChildren?: Record<string, string[]>
  address?: PostalAddress
  contact?: ContactPoint
  keys: ActorKey[]
  revokedAt?: number
  revokeReason?: string
  /** every seq that changed this actor, in order */
  seqs: number[]
}

export interface ActorRegisterBody {
  id: string
  name: ActorRecord['name']
  roles: Role[]
  publicKey: string
  org?: string
  custody?: 'node'
  locations?: string[]
  locationChildren?: Record<string, string[]>
  address?: PostalAddress
  contact?: ContactPoint
}

export const ACTOR_SPACE = 'actor'

/** A changed actor staged in the root's packed table: where it starts there, and its JSON as UTF-8. */
export interface StagedActor {
  record: ActorRecord
  position: number
  json: Uint8Array
}

/**
 * A copy-on-write view: a fork sees its parent's actors until it changes one; `adopt` folds a
 * fork's changes back once its batch is durable, so a failed commit leaves the registry untouched.
 */
export class Registry {
  /** the root's committed actors, packed; a fork's changes, as objects */
  private readonly own: ActorTable
  private readonly parent?: Registry
  /** records set or published here: with the parent's, a number that grows whenever what `get` answers may change */
  private changes = 0

  constructor(parent?: Registry) {
    this.parent = parent
    this.own = parent ? new ObjectActorTable() : new PackedActorTable()
  }

  static fromRecords(records: Iterable<ActorRecord>): Registry {
    const registry = new Registry()
    for (const record of records) registry.put(record)
    return registry
  }

  fork(): Registry {
    return new Registry(this)
  }

  /**
   * A fork's changes, written ahead of its commit into this (the root's) packed table but not yet
   * visible, with their JSON as UTF-8: the bytes its LevelDB batch stores. `adopt` makes them visible.
   */
  stage(fork: Registry): StagedActor[] {
    const table = this.packedTable()
    return fork.changed().map((record) => ({ record, ...table.stage(record) }))
  }

  /** Folds a fork's changes, as `stage` wrote them, into this (the root) registry, once they are durable. */
  adopt(staged: readonly StagedActor[]): void {
    const table = this.packedTable()
    for (const { record, position } of staged) table.publish(record, position)
    this.changes += staged.length
  }

  /** Grows with every change to the actors this view answers: what is derived from them is still current while it stays. */
  get version(): number {
    return (this.parent?.version ?? 0) + this.changes
  }

  private packedTable(): PackedActorTable {
    // Only the ledger's root registry stages and adopts; a fork's changes are objects until then.
    if (!(this.own instanceof PackedActorTable)) throw new TypeError('only a root registry stages and adopts changes')
    return this.own
  }

  /** The actors a fork changed, for persisting. */
  changed(): ActorRecord[] {
    return this.own instanceof ObjectActorTable ? [...this.own.values()] : []
  }

  get(id: string): ActorRecord | undefined {
    return this.own.get(id) ?? this.parent?.get(id)
  }

  /** The seqs of the registry entries of `id` in the tree of `size` (none for an actor not registered then). */
  seqsBefore(id: string, size: number): number[] {
    return (this.get(id)?.seqs ?? []).filter((seq) => seq < size)
  }

  all(): ActorRecord[] {
    const out: ActorRecord[] = []
    for (const id of this.ids()) out.push(this.get(id) as ActorRecord)
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  private ids(): Set<string> {
    const ids = this.parent?.ids() ?? new Set<string>()
    for (const id of this.own.ids()) ids.add(id)
    return ids
  }

  /** Actor ids with a key of this keyid, current or retired (keyids are 64-bit hints, not unique by force). */
  actorsWithKeyId(keyid: string): readonly string[] {
    const own = this.own.idsWithKeyId(keyid)
    const inherited = this.parent?.actorsWithKeyId(keyid) ?? []
    if (own.length === 0) return inherited
    return inherited.length === 0 ? own : [...new Set([...inherited, ...own])]
  }

  /** The actor whose key `publicKey` (of this keyid) may sign the statement at `seq` (core/key-validity), if any. */
  keyOwnerAt(keyid: string, publicKey: string, seq: number): string | undefined {
    for (const id of this.actorsWithKeyId(keyid)) {
      const actor = this.get(id) as ActorRecord
      for (const key of actor.keys) if (key.publicKey === publicKey && keyValidAt(key, seq)) return id
    }
    return undefined
  }

  /** Every public key (base64) registered under this keyid, to verify a signature against. */
  publicKeysFor(keyid: string): string[] {
    const out: string[] = []
    for (const id of this.actorsWithKeyId(keyid)) {
      for (const key of this.get(id)?.keys ?? []) if (key.keyid === keyid) out.push(key.publicKey)
    }
    return out
  }

  private put(record: ActorRecord): void {
    this.own.set(record)
    this.changes++
  }

  /** A key about to be added: its canonical text and keyid; KEY_IN_USE if any actor has it already. */
  private newKey(publicKeyText: string): { publicKey: string; keyid: string } {
    const { publicKey, keyid } = normalisePublicKey(publicKeyText)
    if (this.publicKeysFor(keyid).includes(publicKey)) fail('KEY_IN_USE', 'that public key is already registered', { publicKey })
    return { publicKey, keyid }
  }

  /** actor.register: requires an unused id and key. Throws ACTOR_EXISTS, KEY_IN_USE. */
  register(body: ActorRegisterBody, seq: number): ActorRecord {
    if (this.get(body.id)) fail('ACTOR_EXISTS', `actor ${body.id} is already registered`, { actor: body.id })
    const locations = body.locations ?? []
    if (new Set(locations).size !== locations.length) fail('SCHEMA_INVALID', 'actor.register body: /locations must not repeat an item')
    // An actor speaks only for its own places: naming another's as a parent would put strangers' events under it.
    for (const parent of Object.keys(body.locationChildren ?? {})) {
      if (!locations.includes(parent)) {
        fail('SCHEMA_INVALID', `actor.register body: /locationChildren names ${parent}, which is not one of its /locations`, { parent, locations })
      }
    }
    const { publicKey, keyid } = this.newKey(body.publicKey)
    const record: ActorRecord = {
      id: body.id,
      name: body.name,
      roles: [...body.roles],
      ...(body.org !== undefined ? { org: body.org } : {}),
      ...(body.custody !== undefined ? { custody: body.custody } : {}),
      locations: [...locations],
      ...(body.locationChildren !== undefined ? { locationChildren: structuredClone(body.locationChildren) } : {}),
      ...(body.address !== undefined ? { address: body.address } : {}),
      ...(body.contact !== undefined ? { contact: body.contact } : {}),
      keys: [{ keyid, publicKey, addedAt: seq }],
      seqs: [seq],
    }
    this.put(record)
    return record
  }

  /** actor.rotate-key: retires every current key of the actor and adds the new one. */
  rotateKey(actorId: string, publicKeyText: string, seq: number): ActorRecord {
    const actor = this.requireActive(actorId)
    const { publicKey, keyid } = this.newKey(publicKeyText)
    const keys = actor.keys.map((k) => (k.retiredAt === undefined ? { ...k, retiredAt: seq } : k))
    keys.push({ keyid, publicKey, addedAt: seq })
    const record = { ...actor, keys, seqs: [...actor.seqs, seq] }
    this.put(record)
    return record
  }

  /** actor.revoke: the actor's keys are refused from `seq` on. */
  revoke(actorId: string, reason: string, seq: number): ActorRecord {
    const actor = this.requireActive(actorId)
    const keys = actor.keys.map((k) => (k.retiredAt === undefined ? { ...k, retiredAt: seq } : k))
    const record = { ...actor, keys, revokedAt: seq, revokeReason: reason, seqs: [...actor.seqs, seq] }
    this.put(record)
    return record
  }

  /** Records that `seq` concerned this actor (for GET /v1/actors/:id). */
  private requireActive(actorId: string): ActorRecord {
    const actor = this.get(actorId)
    if (!actor) return fail('UNKNOWN_ACTOR', `no actor ${actorId}`, { actor: actorId })
    if (actor.revokedAt !== undefined) return fail('ACTOR_REVOKED', `actor ${actorId} is revoked`, { actor: actorId })
    return actor
  }
}

function normalisePublicKey(text: string): { publicKey: string; keyid: string } {
  const raw = fromBase64(text, 'publicKey')
  if (raw.length !== 32) fail('ENCODING_INVALID', 'publicKey must be 32 bytes')
  // Strict base64 has one text form per byte string, so the text is already the canonical one.
  return { publicKey: text, keyid: keyIdOf(raw) }
}

export function hasRole(actor: ActorRecord, roles: readonly Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r))
}
