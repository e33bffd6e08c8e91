// What the browser checks before a page may say "verified": the checkpoint's signature, that the
// log still extends the largest checkpoint this browser saw (RFC 9162 section 2.1.4 consistency),
// and for each seq the entry's leaf hash (RFC 9162 section 2.1.1 over its JCS bytes), its inclusion
// proof against the checkpoint root, and its DSSE signature by a key its actor held at that seq.
// No DOM here: it runs in Node's tests as it runs in the page (verify.ts is the DOM side).

import { bytesEqual, fromBase64, toBase64, toHex } from '../core/bytes.js'
import { canonicalBytes } from '../core/canonical-json.js'
import { verifyCheckpoint, type Checkpoint } from '../core/checkpoint.js'
import { decodeEnvelope, verifyEnvelopeSignature } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { isTracechainError } from '../core/errors.js'
import { parsePublicKey } from '../core/keys.js'
import { leafHash, verifyConsistency, verifyInclusion } from '../core/merkle.js'
import { parseStatementPayload, type Statement } from '../core/statement.js'
import { isRecord, proofOf, type ServedActorKey, type ServedEntry } from './served.js'
import { KeyChecker } from './verify-keys.js'

/** Reads the node's API (attacker-controlled answers); throws on a network or HTTP failure. */
export interface LogFetcher {
  text(path: string): Promise<string>
  json(path: string): Promise<unknown>
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

export interface Failure {
  check: CheckName
  seq?: number
  actor?: string
  /** the seq of the key registration, for key-registration */
  keySeq?: number
  /** for rollback and consistency: the remembered size */
  seenSize?: number
  /** the underlying error's message, for the curious */
  detail: string
}

export interface EntryOutcome {
  seq: number
  ok: boolean
  /** the verified statement, when the entry decoded */
  statement?: Statement
}

export interface LogVerification {
  ok: boolean
  checkpoint?: Checkpoint
  /** the remembered checkpoint this one was checked against, if any */
  seen?: RememberedCheckpoint
  entries: EntryOutcome[]
  failures: Failure[]
}

function message(error: unknown): string {
  if (isTracechainError(error)) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

/**
 * Verifies the listed seqs of the log served by `fetcher` with `ed` (@noble in the browser).
 * Never throws: every failure is reported in `failures`, and `ok` is true only when there are none.
 * The checkpoint is remembered only once its signature and consistency have verified.
 */
export async function verifyLogEntries(fetcher: LogFetcher, ed: Ed25519, seqs: readonly number[], memory?: CheckpointMemory): Promise<LogVerification> {
  const failures: Failure[] = []
  const result = (extra: Partial<LogVerification> = {}): LogVerification => ({ ok: failures.length === 0, entries: [], failures, ...extra })

  let verifierKey: string
  let note: string
  try {
    ;[verifierKey, note] = await Promise.all([fetcher.text('/v1/log/key'), fetcher.text('/v1/checkpoint')])
    verifierKey = verifierKey.trim()
  } catch (error) {
    failures.push({ check: 'network', detail: message(error) })
    return result()
  }
  let checkpoint: Checkpoint
  try {
    checkpoint = verifyCheckpoint(ed, note, verifierKey)
  } catch (error) {
    const code = isTracechainError(error) ? error.code : ''
    failures.push({ check: code === 'VERIFIER_KEY_INVALID' ? 'log-key' : 'checkpoint-signature', detail: message(error) })
    return result()
  }

  const seen = memory?.read(checkpoint.origin)
  await checkAgainstSeen(fetcher, checkpoint, verifierKey, seen, failures)
  if (failures.length === 0 && (!seen || checkpoint.size >= seen.size)) {
    memory?.write(checkpoint.origin, { size: checkpoint.size, root: toBase64(checkpoint.rootHash), key: verifierKey })
  }

  const keys = new KeyChecker(fetcher, checkpoint)
  const unique = [...new Set(seqs)].sort((a, b) => a - b)
  const entries = await Promise.all(
    unique.map((seq) =>
      verifyEntry(fetcher, ed, checkpoint, seq, keys, failures).catch((error: unknown): EntryOutcome => {
        failures.push({ seq, check: 'entry', detail: message(error) })
        return { seq, ok: false }
      }),
    ),
  )
  return result({ checkpoint, entries, ...(seen ? { seen } : {}) })
}

/** The log must extend what this browser saw before: same key, not shorter, consistent. */
async function checkAgainstSeen(fetcher: LogFetcher, checkpoint: Checkpoint, verifierKey: string, seen: RememberedCheckpoint | undefined, failures: Failure[]) {
  if (!seen) return
  if (seen.key !== verifierKey) {
    failures.push({ check: 'key-changed', detail: `remembered key ${seen.key}, served ${verifierKey}` })
    return
  }
  if (seen.size > checkpoint.size) {
    failures.push({ check: 'rollback', seenSize: seen.size, detail: `remembered size ${seen.size}, served ${checkpoint.size}` })
    return
  }
  try {
    const seenRoot = fromBase64(seen.root, 'remembered root')
    if (seen.size === checkpoint.size) {
      if (!bytesEqual(seenRoot, checkpoint.rootHash)) throw new Error(`two different roots for size ${seen.size}`)
      return
    }
    if (seen.size === 0) return
    const proof = proofOf(await fetcher.json(`/v1/proofs/consistency?from=${seen.size}&to=${checkpoint.size}`))
    verifyConsistency(seen.size, checkpoint.size, proof, seenRoot, checkpoint.rootHash)
  } catch (error) {
    failures.push({ check: 'consistency', seenSize: seen.size, detail: message(error) })
  }
}

async function verifyEntry(
  fetcher: LogFetcher,
  ed: Ed25519,
  checkpoint: Checkpoint,
  seq: number,
  keys: KeyChecker,
  failures: Failure[],
): Promise<EntryOutcome> {
  const failed = (failure: Omit<Failure, 'seq'>): EntryOutcome => {
    failures.push({ seq, ...failure })
    return { seq, ok: false }
  }
  if (!Number.isSafeInteger(seq) || seq < 0 || seq >= checkpoint.size) {
    return failed({ check: 'inclusion', detail: `seq ${seq} is outside the signed tree of size ${checkpoint.size}` })
  }
  let served: ServedEntry
  let proof: Uint8Array[]
  try {
    const [entryAnswer, proofAnswer] = await Promise.all([
      fetcher.json(`/v1/entries/${seq}`),
      fetcher.json(`/v1/proofs/inclusion?seq=${seq}&size=${checkpoint.size}`),
    ])
    served = entryAnswer as ServedEntry
    if (!isRecord(served) || !isRecord(served.entry) || served.entry.seq !== seq) throw new Error(`the node did not answer entry ${seq}`)
    proof = proofOf(proofAnswer)
  } catch (error) {
    return failed({ check: 'entry', detail: message(error) })
  }

  // The leaf is recomputed from the entry's bytes: the node's own leafHash is only compared.
  let leaf: Uint8Array
  try {
    leaf = leafHash(canonicalBytes(served.entry))
  } catch (error) {
    return failed({ check: 'leaf-hash', detail: message(error) })
  }
  if (served.leafHash !== toHex(leaf)) return failed({ check: 'leaf-hash', detail: `served ${served.leafHash}, computed ${toHex(leaf)}` })
  try {
    verifyInclusion(seq, checkpoint.size, leaf, proof, checkpoint.rootHash)
  } catch (error) {
    return failed({ check: 'inclusion', detail: message(error) })
  }

  let statement: Statement
  let decoded: ReturnType<typeof decodeEnvelope>
  try {
    decoded = decodeEnvelope(served.entry.envelope)
    statement = parseStatementPayload(decoded.payload)
  } catch (error) {
    return failed({ check: 'signature', detail: message(error) })
  }
  const actor = statement.actor
  let held: ServedActorKey[]
  try {
    held = await keys.keysAt(actor, seq)
  } catch (error) {
    return failed({ check: 'key-registration', actor, detail: message(error) })
  }
  let signedBy = 0
  for (let index = 0; index < decoded.signatures.length; index++) {
    const key = held.find((k) => k.keyid === decoded.signatures[index].keyid)
    if (!key) continue // a co-signer's signature: the node checked it against its own actor
    try {
      verifyEnvelopeSignature(ed, decoded, index, parsePublicKey(key.publicKey))
      signedBy++
    } catch (error) {
      return failed({ check: 'signature', actor, detail: message(error) })
    }
  }
  if (signedBy === 0) return failed({ check: 'actor-key', actor, detail: `no signature by a key ${actor} held at seq ${seq}` })
  try {
    for (const key of held.filter((k) => decoded.signatures.some((s) => s.keyid === k.keyid))) await keys.verifyRegistration(actor, key)
  } catch (error) {
    const keySeq = (error as { keySeq?: number }).keySeq
    return failed({ check: 'key-registration', actor, ...(keySeq !== undefined ? { keySeq } : {}), detail: message(error) })
  }
  return { seq, ok: true, statement }
}

