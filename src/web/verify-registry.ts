// The actors' keys for the browser verifier, established from the log itself rather than taken from
// the node's registry: every actor.register, actor.rotate-key and actor.revoke that changed an actor
// is fetched, checked in the signed tree, and checked to be signed by a key entitled to sign it at its
// seq (an admin's; the actor's own for its own rotation; the operator's own, for entry 0), the admins'
// keys established the same way, back to entry 0. The same rules as the sequencer's and the audit's.
// Which entries changed an actor comes from an ActorDirectory (the node's /v1/actors, or a proof bundle's
// list), and the entries from an EntrySource (the log's tiles, or a bundle's proofs): both are hints and
// bytes, checked here entry by entry.

import type { Checkpoint } from '../core/checkpoint.js'
import { decodeEnvelope, verifyEnvelopeSignature, type DecodedEnvelope } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { keyValidAt } from '../core/key-validity.js'
import { recordedTimeRefusal } from '../core/late-record.js'
import { keyIdOf, parsePublicKey } from '../core/keys.js'
import { masterDataOf } from '../core/master-data.js'
import { parseStatementPayload, type Statement } from '../core/statement.js'
import { batched } from './batched.js'
import { actorsPath } from './early-requests.js'
import { isRecord } from './served.js'
import type { EntrySource } from './verify-entries.js'
import type { LogFetcher } from './verify-log.js'
import type { ActorProfile } from './bound-view.js'

/** At most this many entries may have changed one actor: a node cannot make a page fetch without end. */
export const MAX_ACTOR_HISTORY = 1000

export interface EstablishedKey {
  keyid: string
  /** base64 of the raw 32-byte key */
  publicKey: string
  addedAt: number
  retiredAt?: number
}

/** Thrown when an actor's history in the log does not establish its keys; names the entry. */
export class KeyChainError extends Error {
  constructor(
    message: string,
    readonly actor: string,
    readonly keySeq?: number,
  ) {
    super(message)
    this.name = 'KeyChainError'
  }
}

/** One actor's registry entries, replayed in seq order as far as they have been needed. */
class ActorReplay {
  roles: string[] = []
  /** what its registration says of it: name, organisation, locations */
  profile: Pick<ActorProfile, 'name' | 'org' | 'custody' | 'locations' | 'address' | 'contact'> | undefined
  keys: EstablishedKey[] = []
  registeredAt: number | undefined
  revokedAt: number | undefined
  /** entries replayed so far (a prefix of `seqs`) */
  done = 0
  /** the replay running now, so that concurrent callers wait for one */
  running: Promise<void> | undefined

  constructor(
    readonly id: string,
    readonly seqs: number[],
  ) {}

  /** Whether every entry of this actor before `seq` has been replayed (and entry 0, which establishes
   *  the key that signs it, for seq 0). */
  covers(seq: number): boolean {
    return this.done === this.seqs.length || this.seqs[this.done] >= Math.max(seq, 1)
  }
}

/** Who says which entries changed an actor, and which actors hold a key id: attacker-controlled hints. */
export interface ActorDirectory {
  /** the seqs that changed `actor`, as the source claims them (checked by the verifier) */
  seqsOf(actor: string): Promise<unknown>
  /** actors said to hold or have held a key of `keyid` (each then checked through its own history) */
  actorsWithKeyId(keyid: string): Promise<string[]>
}

/**
 * The node's registry API as an ActorDirectory: GET /v1/actors?ids= for the actors asked for in one turn (one
 * request for a page's signers; an actor it leaves out is one the node does not have), /v1/actors/:id where that
 * request failed (a node without it), and /v1/actors?keyid=.
 */
export function nodeActorDirectory(fetcher: LogFetcher): ActorDirectory {
  // Every id asked for is in the map of an answer that came: its record, or null where the node left it out.
  const listed = batched(async (ids: string[]) => {
    const answer = await fetcher.json(actorsPath(ids))
    if (!isRecord(answer) || !Array.isArray(answer.actors)) throw new Error('the node did not answer the actors asked for')
    const records = new Map<string, Record<string, unknown> | null>(ids.map((id) => [id, null]))
    for (const record of answer.actors) if (isRecord(record) && typeof record.id === 'string' && records.has(record.id)) records.set(record.id, record)
    return records
  }, MAX_ACTOR_IDS)
  const recordOf = async (actor: string) => {
    const record = await listed(actor)
    if (record !== undefined) return record
    const answer = await fetcher.json(`/v1/actors/${encodeURIComponent(actor)}`)
    return isRecord(answer) && isRecord(answer.actor) ? answer.actor : null
  }
  // Each actor is asked for once a verification: a page's signers are asked for before its checkpoint is in.
  const asked = new Map<string, ReturnType<typeof recordOf>>()
  return {
    async seqsOf(actor) {
      let answer = asked.get(actor)
      if (answer === undefined) asked.set(actor, (answer = recordOf(actor)))
      const record = await answer
      if (!record || record.id !== actor) throw new KeyChainError(`the node did not answer actor ${actor}`, actor)
      return record.seqs
    },
    async actorsWithKeyId(keyid) {
      const answer = await fetcher.json(`/v1/actors?keyid=${encodeURIComponent(keyid)}`)
      if (!isRecord(answer) || !Array.isArray(answer.actors)) throw new Error(`the node did not answer the actors with keyid ${keyid}`)
      return answer.actors.flatMap((actor) => (isRecord(actor) && typeof actor.id === 'string' ? [actor.id] : []))
    },
  }
}

/** Actors the node answers in one request (MAX_ACTOR_IDS of http/routes/actors.ts). */
const MAX_ACTOR_IDS = 100

export class RegistryVerifier {
  private readonly replays = new Map<string, Promise<ActorReplay>>()

  constructor(
    private readonly directory: ActorDirectory,
    private readonly ed: Ed25519,
    private readonly checkpoint: Checkpoint,
    private readonly entries: EntrySource,
  ) {}

  /** The keys of `actor` that may sign the statement at `seq`, as its verified registry entries establish them. */
  async keysAt(actor: string, seq: number): Promise<EstablishedKey[]> {
    const replay = await this.replayBefore(actor, seq)
    return replay.keys.filter((key) => keyValidAt(key, seq))
  }

  /** What `actor`'s verified registry entries in the tree say of it: its profile as of the checkpoint. */
  async profile(actor: string): Promise<ActorProfile> {
    const replay = await this.replayBefore(actor, this.checkpoint.size)
    if (!replay.profile || replay.registeredAt === undefined) throw new KeyChainError(`${actor} has no registration in the tree`, actor)
    return { id: actor, ...replay.profile, roles: [...replay.roles], registeredAt: replay.registeredAt, ...(replay.revokedAt !== undefined ? { revokedAt: replay.revokedAt } : {}) }
  }

  /** The keys `signer` held at `seq` as an admin; a KeyChainError naming `subject`'s entry at `seq` if it was none. */
  private async adminKeysAt(signer: string, seq: number, subject: string): Promise<EstablishedKey[]> {
    const replay = await this.replayBefore(signer, seq)
    if (!replay.roles.includes('admin')) throw new KeyChainError(`entry ${seq}: signed by ${signer}, who is no admin`, subject, seq)
    return replay.keys.filter((key) => keyValidAt(key, seq))
  }

  /** Actors the directory says hold a key of this keyid (a hint: each is then checked through its own history). */
  actorsWithKeyId(keyid: string): Promise<string[]> {
    return this.directory.actorsWithKeyId(keyid)
  }

  /**
   * Replays the actor's entries before `seq`. A rule checked at an entry only asks about strictly
   * earlier seqs, of this actor (already replayed) or of its signer, so the recursion ends at entry 0.
   */
  private async replayBefore(actor: string, seq: number): Promise<ActorReplay> {
    const replay = await this.replayOf(actor)
    while (!replay.covers(seq)) {
      if (!replay.running) {
        replay.running = this.replayNext(replay).finally(() => (replay.running = undefined))
      }
      await replay.running
    }
    return replay
  }

  private replayOf(actor: string): Promise<ActorReplay> {
    let replay = this.replays.get(actor)
    if (!replay) {
      replay = this.directory.seqsOf(actor).then((listed) => {
        if (!Array.isArray(listed)) throw new KeyChainError(`no entries are listed for actor ${actor}`, actor)
        const seqs = listed as unknown[]
        if (seqs.length > MAX_ACTOR_HISTORY) throw new KeyChainError(`actor ${actor} lists ${seqs.length} entries`, actor)
        for (let i = 0; i < seqs.length; i++) {
          const s = seqs[i]
          if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0 || s >= this.checkpoint.size || (i > 0 && s <= (seqs[i - 1] as number))) {
            throw new KeyChainError(`actor ${actor}'s entries are not increasing seqs within the tree`, actor)
          }
        }
        // Asked for together, so a source that gathers what is asked in one turn (the page's API) reads an
        // actor's whole history in one round trip; the replay then takes them in order as ever.
        for (const s of seqs as number[]) this.entries.verified(s).catch(() => undefined)
        return new ActorReplay(actor, seqs as number[])
      })
      this.replays.set(actor, replay)
    }
    return replay
  }

  /** Replays the actor's next entry: it must be in the tree, concern the actor, and be signed by a key entitled to it. */
  private async replayNext(replay: ActorReplay): Promise<void> {
    const seq = replay.seqs[replay.done]
    const fail = (message: string): never => {
      throw new KeyChainError(`entry ${seq}: ${message}`, replay.id, seq)
    }
    const { entry } = await this.entries.verified(seq)
    let statement: Statement
    let decoded: DecodedEnvelope
    try {
      decoded = decodeEnvelope(entry.envelope)
      statement = parseStatementPayload(decoded.payload)
    } catch (error) {
      return fail((error as Error).message)
    }
    // A registry entry is held to what any entry is (verify-signed-entry.ts): one its node could not have recorded then establishes nothing.
    const times = recordedTimeRefusal(statement.issuedAt, entry.recordedAt)
    if (times !== undefined) return fail(times)
    const body = statement.body as { id?: unknown; actor?: unknown; publicKey?: unknown; roles?: unknown }
    switch (statement.type) {
      case 'actor.register': {
        if (body.id !== replay.id || replay.registeredAt !== undefined) return fail(`does not register ${replay.id}`)
        if (typeof body.publicKey !== 'string' || !Array.isArray(body.roles)) return fail('has no key or roles')
        const key = establish(body.publicKey, seq)
        if (seq === 0) {
          // The genesis entry: the operator registers itself, signed by the key it registers.
          if (statement.actor !== replay.id) return fail('the genesis entry is not self-signed')
          await this.requireSignature(decoded, [key], statement.actor, seq, replay.id)
        } else {
          await this.requireSignature(decoded, await this.adminKeysAt(statement.actor, seq, replay.id), statement.actor, seq, replay.id)
        }
        replay.roles = body.roles.filter((role): role is string => typeof role === 'string')
        replay.profile = profileOf(statement.body)
        replay.keys = [key]
        replay.registeredAt = seq
        break
      }
      case 'actor.rotate-key': {
        const target = body.actor ?? statement.actor
        if (target !== replay.id || replay.registeredAt === undefined || replay.revokedAt !== undefined) return fail(`does not rotate a key of ${replay.id}`)
        if (typeof body.publicKey !== 'string') return fail('has no key')
        const entitled = statement.actor === replay.id ? replay.keys.filter((key) => keyValidAt(key, seq)) : await this.adminKeysAt(statement.actor, seq, replay.id)
        await this.requireSignature(decoded, entitled, statement.actor, seq, replay.id)
        replay.keys = [...retire(replay.keys, seq), establish(body.publicKey, seq)]
        break
      }
      case 'actor.revoke': {
        if (body.actor !== replay.id || statement.actor === replay.id || replay.registeredAt === undefined || replay.revokedAt !== undefined) {
          return fail(`does not revoke ${replay.id}`)
        }
        await this.requireSignature(decoded, await this.adminKeysAt(statement.actor, seq, replay.id), statement.actor, seq, replay.id)
        replay.keys = retire(replay.keys, seq)
        replay.revokedAt = seq
        break
      }
      default:
        return fail(`is a ${statement.type}, which changes no actor`)
    }
    replay.done++
  }

  /** Some signature on `subject`'s entry at `seq` must be by one of `keys` (the signer's, entitled then) and verify. */
  private async requireSignature(decoded: DecodedEnvelope, keys: readonly EstablishedKey[], signer: string, seq: number, subject: string): Promise<void> {
    for (let index = 0; index < decoded.signatures.length; index++) {
      const key = keys.find((k) => k.keyid === decoded.signatures[index].keyid)
      if (!key) continue
      try {
        verifyEnvelopeSignature(this.ed, decoded, index, parsePublicKey(key.publicKey))
        return
      } catch {
        // another signature may still be the entitled one
      }
    }
    throw new KeyChainError(`entry ${seq}: not signed by a key ${signer} was entitled to sign with then`, subject, seq)
  }
}

/** The profile fields of an actor.register body (signed input: only well-typed values are kept). */
function profileOf(body: Record<string, unknown>): Pick<ActorProfile, 'name' | 'org' | 'custody' | 'locations' | 'address' | 'contact'> {
  const name = body.name
  const typedName: ActorProfile['name'] =
    typeof name === 'string'
      ? name
      : typeof name === 'object' && name !== null
        ? Object.fromEntries(Object.entries(name).filter(([lang, text]) => (lang === 'zh' || lang === 'en') && typeof text === 'string'))
        : String(body.id)
  const locations = Array.isArray(body.locations) ? body.locations.filter((l): l is string => typeof l === 'string') : []
  return { name: typedName, ...(typeof body.org === 'string' ? { org: body.org } : {}), ...(body.custody === 'node' ? { custody: 'node' as const } : {}), locations, ...masterDataOf(body) }
}

function establish(publicKey: string, seq: number): EstablishedKey {
  return { keyid: keyIdOf(parsePublicKey(publicKey)), publicKey, addedAt: seq }
}

function retire(keys: readonly EstablishedKey[], seq: number): EstablishedKey[] {
  return keys.map((key) => (key.retiredAt === undefined ? { ...key, retiredAt: seq } : key))
}
