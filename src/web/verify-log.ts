// What the browser checks before a page may say "verified": the checkpoint's signature, that the
// log still extends the largest checkpoint this browser saw (RFC 9162 section 2.1.4 consistency),
// and for each seq the entry's leaf hash (RFC 9162 section 2.1.1 over its JCS bytes), its inclusion
// proof against the checkpoint root, and every DSSE signature on it: the actor's, by a key it held at
// that seq, and each co-signer's, with those keys established from the log's own registry entries
// back to entry 0 (verify-registry.ts), not taken from the node's registry. Where the page was opened
// from a label, the label's key id (`#log=`, core/log-key-id.ts) must name the log key the node serves:
// the one trust root the node cannot swap, since the node never sees the fragment and cannot reprint labels.
// The checkpoint comes from the log's C2SP tiles (core/tiled-log.ts), from whichever copy serves them (the
// node's /tlog/, a mirror, a CDN); the entries and proofs from the API where the source has one that gives
// them (a phone then fetches a kilobyte or two an entry, not its tiles), else from the tiles too. The checks
// are the same for all.
// No DOM here: it runs in Node's tests as it runs in the page (verify.ts is the DOM side).

import { fromUtf8, toBase64 } from '../core/bytes.js'
import type { Checkpoint } from '../core/checkpoint.js'
import type { Ed25519 } from '../core/ed25519.js'
import { DEFAULT_LATE_RECORD_AFTER_MS } from '../core/late-record.js'
import { logKeyIdOf } from '../core/log-key-id.js'
import { parseVerifierKey } from '../core/signed-note.js'
import type { VerifiedCosignature, WitnessKey } from '../core/cosignature.js'
import type { Statement } from '../core/statement.js'
import type { FetchResource } from '../core/tiled-log.js'
import { EntryVerifier, type DeferredLog } from './verify-entries.js'
import { nodeActorDirectory, RegistryVerifier } from './verify-registry.js'
import { keyChainFailure, message, verifySignedEntry } from './verify-signed-entry.js'
import { checkAgainstSeen, labelKeyFailure, openCheckpoint, sizeOf, tileFailure } from './verify-checkpoint.js'
import type { ActorProfile } from './bound-view.js'
import { entryTimes, fetchWitnessedProofs } from './verify-witnessed-time.js'
import { checkWitnesses, witnessPolicyOf } from './witness-policy.js'
import { likelyActors } from './early-requests.js'

/** Reads the node's API (attacker-controlled answers); throws on a network or HTTP failure. */
export interface LogFetcher {
  text(path: string): Promise<string>
  json(path: string): Promise<unknown>
}

/** Where the verifier reads a log: every answer of either is attacker-controlled and checked. */
export interface LogSource {
  /**
   * The node's API, for what tiles do not hold: the log key (`/v1/log/key`), which actors hold a key id
   * and which seqs changed an actor (`/v1/actors`), and a lot's entries (the standalone page).
   */
  api: LogFetcher
  /** Any copy of the log's C2SP tiles: `checkpoint` (never from a cache), hash tiles, entry bundles. */
  tiles: FetchResource
  /**
   * One entry and its inclusion proof in a tree of `size` as the node's API serves them (GET /v1/proofs/entries,
   * which the source may ask for many at once), or undefined where it does not give them. A page needs a few entries scattered
   * over the log: from the API each costs a kilobyte or two, from the tiles a level-0 hash tile (8 kB) and a
   * bundle of 256 entries (some 80 kB in brotli). The entry's leaf is computed here and the proof checked
   * against the verified checkpoint's root, as for one from the tiles; without this, or when it gives
   * nothing, the entry and its proof come from the tiles.
   */
  entry?(seq: number, size: number): Promise<ServedWithProof | undefined>
  /**
   * The consistency proof between two tree sizes as the node's API serves it (GET /v1/proofs/consistency), or
   * undefined where it does not: a kilobyte where the tiles' proof costs the old tree's edge tiles. It is
   * checked against both roots as one built from the tiles is.
   */
  consistencyProof?(from: number, to: number): Promise<Uint8Array[] | undefined>
  /**
   * The checkpoint the node's API serves, with `seqs` and the registry entries of `actors` in its tree, asked
   * for beside the log key (GET /v1/proofs/entries without a size): `entry` then has them at hand for that size,
   * a round trip sooner. Undefined where the API does not give them.
   */
  latest?(seqs: readonly number[], actors: readonly string[]): Promise<{ note: Uint8Array } | undefined>
}

export interface ServedWithProof {
  /** the entry as served: attacker input, its shape checked where it is used */
  entry: unknown
  proof: Uint8Array[]
}

/** Where the largest checkpoint seen is kept between scans (localStorage in the browser). */
export interface CheckpointMemory {
  read(origin: string): RememberedCheckpoint | undefined
  write(origin: string, checkpoint: RememberedCheckpoint): void
}

export interface RememberedCheckpoint {
  size: number
  /** base64 root hash */
  root: string
  /** the verifier key that signed it */
  key: string
}

export type CheckName =
  | 'network'
  | 'log-key'
  | 'label-key'
  | 'checkpoint-signature'
  | 'key-changed'
  | 'rollback'
  | 'consistency'
  | 'entry'
  | 'leaf-hash'
  | 'inclusion'
  | 'signature'
  | 'actor-key'
  | 'key-registration'
  | 'cosigner'
  | 'witness'
  | 'witnessed-time'
  | 'tile'
  | 'bundle'
  | 'bundle-key'
  | 'about'

export interface Failure {
  check: CheckName
  seq?: number
  actor?: string
  /** the seq of the key registration, for key-registration */
  keySeq?: number
  /** for rollback and consistency: the remembered size */
  seenSize?: number
  /** for label-key: the key id the label (or the person) gave, and the served key's id of the same length */
  expectedKeyId?: string
  servedKeyId?: string
  /** for tile: the path of the tile or entry bundle that did not authenticate against the checkpoint */
  tile?: string
  /** for witness: the valid cosignatures, and how many the policy requires */
  count?: number
  min?: number
  /** the underlying error's message, for the curious */
  detail: string
}

export interface EntryOutcome {
  seq: number
  ok: boolean
  /** the verified statement, when the entry decoded */
  statement?: Statement
  /** the entry's recordedAt, once verified */
  recordedAt?: string
  /** with a witness policy and the node's witnessed proof of it: by when the policy's witnesses had seen it */
  witnessedAt?: string
  /** signed more than the window before it was recorded: by recordedAt, or by witnessed time alone */
  late?: { days: number; by: 'recorded' | 'witnessed' }
}

export interface LogVerification {
  ok: boolean
  checkpoint?: Checkpoint
  /** the served log key's id (8 hex), once the key parsed */
  keyId?: string
  /** true when an expected key id was given and the served key matched it */
  keyPinned?: boolean
  /** the remembered checkpoint this one was checked against, if any */
  seen?: RememberedCheckpoint
  entries: EntryOutcome[]
  /** the profiles of every verified entry's actor and of the actors asked for, from their registrations */
  actors?: Map<string, ActorProfile>
  /** where the node names witnesses: who cosigned the checkpoint, of how many required */
  witnessed?: WitnessedCheckpoint
  failures: Failure[]
}


/** The witnesses' cosignatures on the checkpoint a page was verified against. */
export interface WitnessedCheckpoint {
  min: number
  /** every witness the node names */
  witnesses: string[]
  cosignatures: VerifiedCosignature[]
}

export interface VerifyLogOptions {
  /**
   * The key id the log's key must have (a label's `#log=`; attacker-influenced, so one that is not 8 to
   * 64 lowercase hex digits fails too). A different served key fails with `label-key` before anything
   * else is checked or remembered.
   */
  expectedKeyId?: string
  /** The checkpoint must be at least this size (a page's claim "as of checkpoint N"): a smaller one is asked for again, briefly. */
  minSize?: number
  /**
   * The witness policy the verifier holds itself (the standalone page's, the CLI's): it replaces the one the
   * node names at /v1/witnesses, which the node could weaken.
   */
  witnessPolicy?: WitnessPolicy
  /** LATE_RECORD's window for entries checked against witnessed time (default 24 h) */
  lateRecordAfterMs?: number
  /**
   * Actors the page names as signers of its entries (`data-actor`): their registry entries are looked up beside
   * the entries rather than after them. A hint only: every signer is still the one its verified statement names.
   */
  likelySigners?: readonly string[]
}

/** At least `min` of these witnesses must have cosigned the checkpoint. */
export interface WitnessPolicy {
  min: number
  keys: readonly WitnessKey[]
}

/**
 * Verifies the listed seqs of the log `source` serves with `ed` (@noble in the browser).
 * Never throws: every failure is reported in `failures`, and `ok` is true only when there are none.
 * The checkpoint is remembered only once its signature, its tiles and its consistency have verified.
 */
export async function verifyLogEntries(
  source: LogSource,
  ed: Ed25519,
  seqs: readonly number[],
  memory?: CheckpointMemory,
  actorIds: readonly string[] = [],
  options: VerifyLogOptions = {},
): Promise<LogVerification> {
  const failures: Failure[] = []
  const result = (extra: Partial<LogVerification> = {}): LogVerification => ({ ok: failures.length === 0, entries: [], failures, ...extra })

  let verifierKey: string
  let served: Uint8Array | undefined
  const witnessPolicy = witnessPolicyOf(source, options.witnessPolicy)
  // The actors the page names are asked for beside the key and the checkpoint, which their lookup does not
  // need: their registry entries then come with the page's entries, a round trip sooner.
  const directory = nodeActorDirectory(source.api)
  const likely = likelyActors(actorIds, options.likelySigners)
  for (const actor of likely) directory.seqsOf(actor).catch(() => undefined)
  // The entries and the signers' registry entries in the tree of the API's checkpoint, beside the key: where
  // that checkpoint is as new as the tiles', no round trip waits for them after it.
  const latest = seqs.length > 0 ? source.latest?.(seqs, likely).catch(() => undefined) : undefined
  try {
    ;[verifierKey, served] = await Promise.all([source.api.text('/v1/log/key'), source.tiles('checkpoint')])
    verifierKey = verifierKey.trim()
    if (served === undefined) throw new Error('the tiles have no checkpoint')
  } catch (error) {
    failures.push({ check: 'network', detail: message(error) })
    return result()
  }
  let keyId: string
  try {
    keyId = logKeyIdOf(verifierKey)
  } catch (error) {
    failures.push({ check: 'log-key', detail: message(error) })
    return result()
  }
  const { expectedKeyId } = options
  if (expectedKeyId !== undefined) {
    const pinned = labelKeyFailure(verifierKey, expectedKeyId)
    if (pinned) {
      failures.push(pinned)
      // The remembered key is named too: "changed since you last looked" is worth knowing as well.
      const seen = memory?.read(parseVerifierKey(verifierKey).name)
      if (seen && seen.key !== verifierKey) failures.push({ check: 'key-changed', detail: `remembered key ${seen.key}, served ${verifierKey}` })
      return result({ keyId })
    }
  }
  const pin = expectedKeyId !== undefined ? { keyId, keyPinned: true } : { keyId }
  let noteBytes: Uint8Array = served
  // The API's checkpoint where it is at least as new as the tiles' and verifies; the tiles' otherwise.
  let early: DeferredLog | Failure | undefined
  const api = await latest
  if (api && sizeOf(api.note) >= sizeOf(served)) {
    early = await openCheckpoint(source, ed, verifierKey, api.note)
    if ('check' in early) early = undefined
    else noteBytes = api.note
  }
  // A page may name entries newer than the checkpoint its copy of the tiles serves yet (a checkpoint that waits
  // for its witnesses, a CDN a commit behind the mirror that rendered the page): ask again, briefly.
  const newest = Math.max(-1, ...seqs, (options.minSize ?? 0) - 1)
  let opened: DeferredLog | Failure
  for (let wait = 0; ; wait++) {
    opened = wait === 0 && early ? early : await openCheckpoint(source, ed, verifierKey, noteBytes)
    if ('check' in opened || newest < opened.checkpoint.size || wait >= NEWER_CHECKPOINT_WAITS_MS.length) break
    await new Promise((resolve) => setTimeout(resolve, NEWER_CHECKPOINT_WAITS_MS[wait]))
    try {
      noteBytes = (await source.tiles('checkpoint')) ?? noteBytes
    } catch {
      break
    }
  }
  if ('check' in opened) {
    failures.push(opened)
    return result(pin)
  }
  const log = opened
  const { checkpoint } = log
  const unique = [...new Set(seqs)].sort((a, b) => a - b)
  // The checkpoint's tiles are read when something is read from them; a page with no entries checks them all the same.
  if (unique.length === 0) {
    const failure = await log.open().then(
      () => undefined,
      (error: unknown): Failure => tileFailure(error) ?? { check: 'network', detail: message(error) },
    )
    if (failure) {
      failures.push(failure)
      return result(pin)
    }
  }

  const seen = memory?.read(checkpoint.origin)
  const consistent = checkAgainstSeen(source, log, verifierKey, seen, failures)

  const entries = new EntryVerifier(log, source.entry)
  const registry = new RegistryVerifier(directory, ed, checkpoint, entries)
  // Their registry entries are read beside the page's entries, not after them.
  for (const actor of likely) registry.profile(actor).catch(() => undefined)
  const outcomes = await Promise.all(
    unique.map((seq) =>
      verifySignedEntry(entries, registry, ed, seq, failures).catch((error: unknown): EntryOutcome => {
        failures.push({ seq, check: 'entry', detail: message(error) })
        return { seq, ok: false }
      }),
    ),
  )
  // Remembered once its signature, its consistency and every tile read from it have verified.
  if ((await consistent) && !failures.some((f) => f.check === 'tile') && (!seen || checkpoint.size >= seen.size)) {
    memory?.write(checkpoint.origin, { size: checkpoint.size, root: toBase64(checkpoint.rootHash), key: verifierKey })
  }
  const actors = new Map<string, ActorProfile>()
  const wanted = new Set([...actorIds, ...outcomes.flatMap((o) => (o.statement ? [o.statement.actor] : []))])
  await Promise.all(
    [...wanted].map(async (actor) => {
      try {
        actors.set(actor, await registry.profile(actor))
      } catch (error) {
        failures.push(keyChainFailure(actor, error))
      }
    }),
  )
  const { witnessed, policy } = await checkWitnesses(witnessPolicy, ed, fromUtf8(noteBytes), failures)
  if (policy) {
    const verified = outcomes.filter((o) => o.ok).map((o) => o.seq)
    const proofs = verified.length > 0 ? await fetchWitnessedProofs(source.api, verified) : new Map<number, string>()
    const times = await entryTimes(ed, verifierKey, proofs, entries, outcomes, options.lateRecordAfterMs ?? DEFAULT_LATE_RECORD_AFTER_MS, policy, failures)
    for (const outcome of outcomes) Object.assign(outcome, times.get(outcome.seq))
  }
  return result({ checkpoint, ...pin, entries: outcomes, actors, ...(seen ? { seen } : {}), ...(witnessed ? { witnessed } : {}) })
}

/** How long a page waits, at most three times, for a checkpoint that covers the entries it names. */
const NEWER_CHECKPOINT_WAITS_MS = [400, 800, 1600]
