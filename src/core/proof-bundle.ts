// The offline proof bundle (tracechain.bundle/v1, schemas/proof-bundle.json, docs/bundles.md): what it is
// about, the log's verifier key, one checkpoint note verbatim, and entries as their exact leaf bytes, each
// with a C2SP tlog-proof against that checkpoint, among them every registry entry of the actors it needs.
// This file reads its shape only; web/verify-bundle.ts checks what it claims.

import { fail } from './errors.js'

export const BUNDLE_MEDIA_TYPE = 'application/vnd.tracechain.bundle+json'
export const BUNDLE_FORMAT = 'tracechain.bundle/v1'

/** Entries one bundle may carry: a lot page's evidence is bounded well below (food/provenance.ts caps its payloads). */
export const MAX_BUNDLE_ENTRIES = 5000
/** Actors one bundle may list. */
export const MAX_BUNDLE_ACTORS = 1000
/** Registry entries of one actor a bundle may list (as web/verify-registry.ts's MAX_ACTOR_HISTORY). */
export const MAX_BUNDLE_ACTOR_HISTORY = 1000
/**
 * The longest a bundle may be, as UTF-8 JSON: a node makes none longer, and whatever reads one (the CLI's download,
 * `verify --bundle`, the page a bundle is dropped on) reads no more. Far above any lot's (tens of kB); 5000
 * entries at their longest would be over 400 MB, which no reader should be made to hold.
 */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024

/** A lot (GS1: GTIN and batch/lot, AI 01 and 10), with its Digital Link on GS1's canonical domain. */
export interface LotSubject {
  kind: 'lot'
  gtin: string
  lot: string
  digitalLink: string
}

/** One entry of the log, any statement. */
export interface EntrySubject {
  kind: 'entry'
  seq: number
}

/** One application to use a seal, from seal.apply to seal.close. */
export interface SealApplicationSubject {
  kind: 'seal-application'
  applicationId: string
  sealId: string
}

export type BundleSubject = LotSubject | EntrySubject | SealApplicationSubject

export interface BundleEntry {
  seq: number
  /** base64 of the entry's leaf bytes: UTF-8 of JCS(entry) */
  leaf: string
  /** a C2SP tlog-proof of the entry at index `seq`, its checkpoint the bundle's own */
  proof: string
  /** for an entry the bundle is about, on a witnessed log: a tlog-proof against the earliest cosigned checkpoint that holds it */
  witnessed?: string
}

export interface BundleActor {
  id: string
  /** every actor.register, actor.rotate-key and actor.revoke of this actor in the checkpoint's tree, ascending */
  seqs: number[]
}

export interface ProofBundle {
  format: typeof BUNDLE_FORMAT
  /** what it is about, and the entries that say it (ascending) */
  about: BundleSubject & { seqs: number[] }
  /** the log's note verifier key; a verifier checks it against the key it was given */
  verifierKey: string
  /** the checkpoint's signed note as the log served it, cosignature lines and all */
  checkpoint: string
  /** ascending by seq, each once */
  entries: BundleEntry[]
  actors: BundleActor[]
}

const ACTOR_ID = /^[A-Za-z0-9._-]{1,64}$/
const SEAL_ID = /^[A-Za-z0-9._-]{1,64}$/
const GTIN = /^[0-9]{8,14}$/

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The bundle in `value` (parsed JSON, attacker-controlled), its shape checked and nothing verified. Throws
 * BUNDLE_INVALID (details.path names the field) unless it is exactly tracechain.bundle/v1: no unknown fields,
 * seqs safe integers ascending without repeats, within the bounds above; every seq it is about and every
 * actor's seq has its entry, and every entry is one of those.
 */
export function parseProofBundle(value: unknown): ProofBundle {
  const invalid = (path: string, message: string): never => fail('BUNDLE_INVALID', `proof bundle: ${path} ${message}`, { path })
  const object = (v: unknown, path: string, keys: readonly string[], optional: readonly string[] = []): Record<string, unknown> => {
    if (!isRecord(v)) return invalid(path, 'is not an object')
    for (const key of Object.keys(v)) if (!keys.includes(key) && !optional.includes(key)) invalid(`${path}.${key}`, 'is not a field of the format')
    for (const key of keys) if (!(key in v)) invalid(`${path}.${key}`, 'is missing')
    return v
  }
  const text = (v: unknown, path: string, pattern?: RegExp, max = 1 << 20): string => {
    if (typeof v !== 'string' || v.length === 0 || v.length > max) return invalid(path, 'is not a non-empty string within bounds')
    if (pattern && !pattern.test(v)) invalid(path, `does not match ${pattern.source}`)
    return v
  }
  const seqList = (v: unknown, path: string, max: number): number[] => {
    if (!Array.isArray(v) || v.length === 0 || v.length > max) return invalid(path, `is not a list of 1 to ${max} seqs`)
    v.forEach((seq, i) => {
      if (!Number.isSafeInteger(seq) || (seq as number) < 0) invalid(`${path}[${i}]`, 'is not a seq')
      if (i > 0 && (seq as number) <= (v[i - 1] as number)) invalid(`${path}[${i}]`, 'is not above the seq before it')
    })
    return v as number[]
  }

  const bundle = object(value, 'bundle', ['format', 'about', 'verifierKey', 'checkpoint', 'entries', 'actors'])
  if (bundle.format !== BUNDLE_FORMAT) invalid('format', `is not ${BUNDLE_FORMAT}`)
  const aboutKind = isRecord(bundle.about) ? bundle.about.kind : undefined
  let about: ProofBundle['about']
  if (aboutKind === 'lot') {
    const v = object(bundle.about, 'about', ['kind', 'gtin', 'lot', 'digitalLink', 'seqs'])
    about = { kind: 'lot', gtin: text(v.gtin, 'about.gtin', GTIN), lot: text(v.lot, 'about.lot', undefined, 128), digitalLink: text(v.digitalLink, 'about.digitalLink', /^https:\/\//, 512), seqs: [] }
  } else if (aboutKind === 'entry') {
    const v = object(bundle.about, 'about', ['kind', 'seq', 'seqs'])
    if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 0) invalid('about.seq', 'is not a seq')
    about = { kind: 'entry', seq: v.seq as number, seqs: [] }
  } else if (aboutKind === 'seal-application') {
    const v = object(bundle.about, 'about', ['kind', 'applicationId', 'sealId', 'seqs'])
    about = { kind: 'seal-application', applicationId: text(v.applicationId, 'about.applicationId', SEAL_ID), sealId: text(v.sealId, 'about.sealId', SEAL_ID), seqs: [] }
  } else {
    return invalid('about.kind', 'is not lot, entry or seal-application')
  }
  about.seqs = seqList((bundle.about as Record<string, unknown>).seqs, 'about.seqs', MAX_BUNDLE_ENTRIES)
  if (about.kind === 'entry' && (about.seqs.length !== 1 || about.seqs[0] !== about.seq)) invalid('about.seqs', 'of an entry bundle is not [about.seq]')

  const verifierKey = text(bundle.verifierKey, 'verifierKey', undefined, 1024)
  const checkpoint = text(bundle.checkpoint, 'checkpoint', undefined, 64 * 1024)
  if (!Array.isArray(bundle.entries) || bundle.entries.length === 0 || bundle.entries.length > MAX_BUNDLE_ENTRIES) {
    return invalid('entries', `is not a list of 1 to ${MAX_BUNDLE_ENTRIES} entries`)
  }
  const entries = bundle.entries.map((v, i): BundleEntry => {
    const entry = object(v, `entries[${i}]`, ['seq', 'leaf', 'proof'], ['witnessed'])
    if (!Number.isSafeInteger(entry.seq) || (entry.seq as number) < 0) invalid(`entries[${i}].seq`, 'is not a seq')
    const parsed: BundleEntry = { seq: entry.seq as number, leaf: text(entry.leaf, `entries[${i}].leaf`, undefined, 96 * 1024), proof: text(entry.proof, `entries[${i}].proof`, undefined, 72 * 1024) }
    if (entry.witnessed !== undefined) parsed.witnessed = text(entry.witnessed, `entries[${i}].witnessed`, undefined, 72 * 1024)
    return parsed
  })
  seqList(entries.map((e) => e.seq), 'entries[].seq', MAX_BUNDLE_ENTRIES)
  if (!Array.isArray(bundle.actors) || bundle.actors.length > MAX_BUNDLE_ACTORS) return invalid('actors', `is not a list of at most ${MAX_BUNDLE_ACTORS} actors`)
  const actors = bundle.actors.map((v, i): BundleActor => {
    const actor = object(v, `actors[${i}]`, ['id', 'seqs'])
    return { id: text(actor.id, `actors[${i}].id`, ACTOR_ID), seqs: seqList(actor.seqs, `actors[${i}].seqs`, MAX_BUNDLE_ACTOR_HISTORY) }
  })
  if (new Set(actors.map((a) => a.id)).size !== actors.length) invalid('actors', 'names an actor twice')

  // Every seq named has its entry, and every entry is named: a bundle carries nothing unexplained.
  const carried = new Set(entries.map((e) => e.seq))
  const named = new Set(about.seqs)
  for (const seq of about.seqs) if (!carried.has(seq)) invalid('about.seqs', `names seq ${seq}, whose entry is not in the bundle`)
  for (const actor of actors) {
    for (const seq of actor.seqs) {
      if (!carried.has(seq)) invalid(`actors[${actor.id}]`, `names seq ${seq}, whose entry is not in the bundle`)
      named.add(seq)
    }
  }
  for (const seq of carried) if (!named.has(seq)) invalid('entries', `carry seq ${seq}, which neither the subject nor an actor names`)
  return { format: BUNDLE_FORMAT, about, verifierKey, checkpoint, entries, actors }
}
