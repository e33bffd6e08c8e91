// An offline proof bundle (core/proof-bundle.ts, docs/bundles.md) verified with nothing but the log key a
// person trusts: the bundle is of that key, its checkpoint's note is signed by it (cosignature lines after
// the log's signature are skipped, as signed-note requires), every entry's C2SP tlog-proof carries that very
// note and proves the entry's exact leaf bytes in its tree, and every entry the bundle is about is signed by
// keys established from the bundle's own registry entries back to entry 0, by the same code the pages run
// (verify-registry.ts, verify-signed-entry.ts). No DOM and no network: the CLI and the browser run it alike.

import { bytesEqual, fromBase64, fromUtf8, toBase64 } from '../core/bytes.js'
import { canonicalBytes } from '../core/canonical-json.js'
import { verifyCheckpoint, type Checkpoint } from '../core/checkpoint.js'
import { buildDigitalLink, gtinElements } from '../core/digital-link-path.js'
import type { Ed25519 } from '../core/ed25519.js'
import { isTracechainError } from '../core/errors.js'
import { isKeyIdOf, isLogKeyId, logKeyIdOf } from '../core/log-key-id.js'
import { leafHash, verifyInclusion } from '../core/merkle.js'
import { parseProofBundle, type BundleEntry, type BundleSubject, type ProofBundle } from '../core/proof-bundle.js'
import { parseTlogProof } from '../core/tlog-proof.js'
import { verifyCosignatures } from '../core/cosignature.js'
import type { Statement } from '../core/statement.js'
import { DEFAULT_LATE_RECORD_AFTER_MS } from '../core/late-record.js'
import { describeStatement, type AccountEntry, type BundleAccount } from './bundle-account.js'
import { namesLot } from './names-lot.js'
import { isRecord, type ServedEntry } from './served.js'
import { EntryCheckError, type EntrySource, type VerifiedEntry } from './verify-entries.js'
import type { EntryOutcome, Failure, WitnessPolicy } from './verify-log.js'
import { KeyChainError, RegistryVerifier, type ActorDirectory } from './verify-registry.js'
import { keyChainFailure, message, verifySignedEntry } from './verify-signed-entry.js'
import type { ActorProfile } from './bound-view.js'
import { entryTimes } from './verify-witnessed-time.js'

export type { BundleAccount } from './bundle-account.js'

/** What the person trusts: the log's whole verifier key (the CLI's --key), or its key id (a label's #log=). */
export type BundleTrust = { verifierKey: string } | { keyId: string }

export interface BundleVerification {
  /** true only when every check passed */
  ok: boolean
  /** what the bundle says and how much of it held, once its shape, key and checkpoint did */
  account?: BundleAccount
  failures: Failure[]
}

/** The bundle's entries, each proved by its own tlog-proof against the verified checkpoint before it is used. */
class BundleEntries implements EntrySource {
  private readonly checked = new Map<number, Promise<VerifiedEntry>>()
  private readonly bySeq: Map<number, BundleEntry>

  constructor(
    private readonly checkpoint: Checkpoint,
    private readonly note: string,
    entries: readonly BundleEntry[],
  ) {
    this.bySeq = new Map(entries.map((entry) => [entry.seq, entry]))
  }

  verified(seq: number): Promise<VerifiedEntry> {
    let verified = this.checked.get(seq)
    if (!verified) {
      verified = Promise.resolve().then(() => this.check(seq))
      this.checked.set(seq, verified)
    }
    return verified
  }

  private check(seq: number): VerifiedEntry {
    const carried = this.bySeq.get(seq)
    if (!carried) throw new EntryCheckError('entry', seq, `the bundle carries no entry ${seq}`)
    let proof: ReturnType<typeof parseTlogProof>
    try {
      proof = parseTlogProof(carried.proof)
    } catch (error) {
      throw new EntryCheckError('inclusion', seq, message(error))
    }
    // One checkpoint for the whole bundle: a proof against another note proves nothing about this one.
    if (proof.checkpoint !== this.note) throw new EntryCheckError('inclusion', seq, `the tlog-proof of entry ${seq} carries another checkpoint than the bundle's`)
    if (proof.index !== seq) throw new EntryCheckError('inclusion', seq, `the tlog-proof of entry ${seq} is for index ${proof.index}`)
    let bytes: Uint8Array
    let entry: ServedEntry
    try {
      bytes = fromBase64(carried.leaf, `leaf of entry ${seq}`)
      const parsed = JSON.parse(fromUtf8(bytes)) as unknown
      if (!isRecord(parsed) || parsed.seq !== seq) throw new Error(`the leaf bytes of entry ${seq} are not entry ${seq}`)
      entry = parsed as unknown as ServedEntry
    } catch (error) {
      throw new EntryCheckError('entry', seq, message(error))
    }
    // The entry used is the one its bytes are the JCS form of, so what is checked is what was logged.
    try {
      if (!bytesEqual(canonicalBytes(entry), bytes)) throw new Error(`the leaf bytes of entry ${seq} are not the JCS form of the entry they hold`)
    } catch (error) {
      throw new EntryCheckError('leaf-hash', seq, message(error))
    }
    const leaf = leafHash(bytes)
    try {
      verifyInclusion(seq, this.checkpoint.size, leaf, proof.proof, this.checkpoint.rootHash)
    } catch (error) {
      throw new EntryCheckError('inclusion', seq, message(error))
    }
    return { entry, leaf }
  }
}

/** The bundle's actor list as a directory: the only histories a check may use are the ones it carries. */
function bundleDirectory(bundle: ProofBundle): ActorDirectory {
  const seqs = new Map(bundle.actors.map((actor) => [actor.id, actor.seqs]))
  return {
    seqsOf: async (actor) => {
      const listed = seqs.get(actor)
      if (!listed) throw new KeyChainError(`the bundle carries no registration of ${actor}`, actor)
      return listed
    },
    // Any actor of the bundle may have made a co-signature; each is checked through its own history.
    actorsWithKeyId: async () => [...seqs.keys()],
  }
}

/** The key the bundle names against the one trusted: a failure, or undefined when they agree. */
function keyFailure(bundle: ProofBundle, trust: BundleTrust): Failure | undefined {
  let bundleKeyId: string
  try {
    bundleKeyId = logKeyIdOf(bundle.verifierKey)
  } catch (error) {
    return { check: 'log-key', detail: message(error) }
  }
  if ('verifierKey' in trust) {
    if (bundle.verifierKey === trust.verifierKey.trim()) return undefined
    return { check: 'bundle-key', servedKeyId: bundleKeyId, ...keyIdOfTrusted(trust.verifierKey.trim()), detail: `the bundle is of log key ${bundle.verifierKey}, not ${trust.verifierKey.trim()}` }
  }
  const keyId = trust.keyId.trim().toLowerCase()
  if (isLogKeyId(keyId) && isKeyIdOf(bundle.verifierKey, keyId)) return undefined
  return { check: 'bundle-key', expectedKeyId: keyId.slice(0, 64), servedKeyId: logKeyIdOf(bundle.verifierKey, isLogKeyId(keyId) ? keyId.length : undefined), detail: `the bundle is of log key ${bundle.verifierKey}, whose id is not ${keyId.slice(0, 64)}` }
}

function keyIdOfTrusted(verifierKey: string): { expectedKeyId?: string } {
  try {
    return { expectedKeyId: logKeyIdOf(verifierKey) }
  } catch {
    return {}
  }
}

/** What the bundle says of its subject beyond the signatures: the lot's own link, the application's every entry. */
function aboutFailures(about: BundleSubject, outcomes: readonly EntryOutcome[]): Failure[] {
  const failures: Failure[] = []
  if (about.kind === 'lot') {
    const link = buildDigitalLink(gtinElements({ gtin: about.gtin, lot: about.lot }))
    if (link !== about.digitalLink) failures.push({ check: 'about', detail: `the lot's Digital Link ${about.digitalLink} is not ${link}` })
    // `about` is the bundle maker's word: another lot's signed entries under this lot's name prove nothing of it.
    else if (!outcomes.some(({ statement }) => statement !== undefined && namesLot(statement, about.digitalLink))) {
      failures.push({ check: 'about', detail: `no signed entry of the bundle names lot ${about.lot} of GTIN ${about.gtin}` })
    }
  }
  if (about.kind === 'seal-application') {
    let applied = false
    for (const { seq, statement } of outcomes) {
      if (!statement) continue
      const body = statement.body
      // The seal's own entries name it; every other entry names the application.
      const ofSeal = statement.type === 'seal.register' || statement.type === 'seal.revoke'
      if (ofSeal && body.sealId === about.sealId) continue
      if (statement.type === 'seal.apply' && body.sealId === about.sealId && body.applicationId === about.applicationId) applied = true
      else if (!statement.type.startsWith('seal.') || ofSeal || body.applicationId !== about.applicationId) {
        failures.push({ check: 'about', seq, detail: `entry ${seq} (${statement.type}) is not about application ${about.applicationId} of seal ${about.sealId}` })
      }
    }
    if (!applied && failures.length === 0) failures.push({ check: 'about', detail: `no entry applies for ${about.applicationId} to use seal ${about.sealId}` })
  }
  return failures
}

/**
 * Verifies `value` (a parsed JSON document, attacker-controlled) as a proof bundle of the log `trust` names,
 * with `ed` (@noble in the browser). Never throws: every failure is in `failures`, and `ok` is true only when
 * there are none. The account is there once the bundle's shape, key and checkpoint held.
 */
export async function verifyBundle(
  value: unknown,
  ed: Ed25519,
  trust: BundleTrust,
  witnessPolicy?: WitnessPolicy,
  lateRecordAfterMs: number = DEFAULT_LATE_RECORD_AFTER_MS,
): Promise<BundleVerification> {
  const failures: Failure[] = []
  let bundle: ProofBundle
  try {
    bundle = parseProofBundle(value)
  } catch (error) {
    failures.push({ check: 'bundle', detail: message(error) })
    return { ok: false, failures }
  }
  const wrongKey = keyFailure(bundle, trust)
  if (wrongKey) return { ok: false, failures: [wrongKey] }
  let checkpoint: Checkpoint
  try {
    checkpoint = verifyCheckpoint(ed, bundle.checkpoint, bundle.verifierKey)
  } catch (error) {
    const code = isTracechainError(error) ? error.code : ''
    return { ok: false, failures: [{ check: code === 'VERIFIER_KEY_INVALID' ? 'log-key' : 'checkpoint-signature', detail: message(error) }] }
  }

  const entries = new BundleEntries(checkpoint, bundle.checkpoint, bundle.entries)
  const registry = new RegistryVerifier(bundleDirectory(bundle), ed, checkpoint, entries)
  // Every proof first, so that each one that fails is named, whether or not a later check reaches its entry.
  const aboutSeqs = new Set(bundle.about.seqs)
  const proved = await Promise.all(
    bundle.entries.map(({ seq }) =>
      entries.verified(seq).then(
        () => true,
        (error: unknown) => {
          const check = error instanceof EntryCheckError ? error.check : 'entry'
          failures.push({ seq, check, detail: message(error) })
          return false
        },
      ),
    ),
  )
  const provedSeqs = new Set(bundle.entries.filter((_, i) => proved[i]).map((e) => e.seq))
  const outcomes = await Promise.all(
    [...aboutSeqs].map((seq) => (provedSeqs.has(seq) ? verifySignedEntry(entries, registry, ed, seq, failures) : Promise.resolve<EntryOutcome>({ seq, ok: false }))),
  )
  const actors: ActorProfile[] = []
  for (const { id } of bundle.actors) {
    try {
      actors.push(await registry.profile(id))
    } catch (error) {
      // An entry whose proof failed is already named; its actor's history failing with it says nothing new.
      if (!(error instanceof EntryCheckError && !provedSeqs.has(error.seq))) failures.push(keyChainFailure(id, error))
    }
  }
  failures.push(...aboutFailures(bundle.about, outcomes))

  const witnessedProofs = new Map(bundle.entries.flatMap((entry) => (entry.witnessed !== undefined ? [[entry.seq, entry.witnessed] as const] : [])))
  const times = await entryTimes(ed, bundle.verifierKey, witnessedProofs, entries, outcomes, lateRecordAfterMs, witnessPolicy, failures)
  const { seqs: _seqs, ...about } = bundle.about
  const accountEntries: AccountEntry[] = outcomes.map((outcome) =>
    outcome.statement
      ? { seq: outcome.seq, ok: outcome.ok, ...describeStatement(outcome.statement), recordedAt: outcome.recordedAt ?? '', ...times.get(outcome.seq) }
      : { seq: outcome.seq, ok: false },
  )
  const witnessed = witnessPolicy ? checkBundleWitnesses(ed, bundle.checkpoint, witnessPolicy, failures) : undefined
  const account: BundleAccount = {
    about: about as BundleSubject,
    log: { origin: checkpoint.origin, keyId: logKeyIdOf(bundle.verifierKey), verifierKey: bundle.verifierKey },
    checkpoint: { size: checkpoint.size, rootHash: toBase64(checkpoint.rootHash) },
    entries: accountEntries,
    actors,
    registryEntries: bundle.entries.length - aboutSeqs.size,
    ...(witnessed ? { witnessed } : {}),
  }
  return { ok: failures.length === 0, account, failures }
}

/**
 * The verifier's own policy held against the cosignature lines the bundle's checkpoint carries. The witness
 * keys inside the bundle are the bundle maker's word and are not used.
 */
function checkBundleWitnesses(ed: Ed25519, note: string, policy: WitnessPolicy, failures: Failure[]): NonNullable<BundleAccount['witnessed']> {
  let cosignatures: { name: string; timestamp: number }[] = []
  try {
    cosignatures = verifyCosignatures(ed, note, policy.keys).cosignatures.map(({ name, timestamp }) => ({ name, timestamp }))
  } catch (error) {
    failures.push({ check: 'witness', count: 0, min: policy.min, detail: message(error) })
    return { min: policy.min, cosignatures }
  }
  if (cosignatures.length < policy.min) {
    failures.push({ check: 'witness', count: cosignatures.length, min: policy.min, detail: `cosigned by ${cosignatures.length} of the ${policy.min} witnesses required` })
  }
  return { min: policy.min, cosignatures }
}
