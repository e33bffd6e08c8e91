// Entries of the log as the browser verifier may use them: fetched once each, the leaf hash
// recomputed from the entry's JCS bytes (RFC 9162 section 2.1.1) and its inclusion proof checked
// against the verified checkpoint's root (section 2.1.3). The node's own leaf hash is only compared.

import { toHex } from '../core/bytes.js'
import { canonicalBytes } from '../core/canonical-json.js'
import type { Checkpoint } from '../core/checkpoint.js'
import { leafHash, verifyInclusion } from '../core/merkle.js'
import { isRecord, proofOf, type ServedEntry } from './served.js'
import type { LogFetcher } from './verify-log.js'

/** Why an entry could not be used: which check failed, in the names the page reports. */
export class EntryCheckError extends Error {
  constructor(
    readonly check: 'entry' | 'leaf-hash' | 'inclusion',
    readonly seq: number,
    message: string,
  ) {
    super(message)
    this.name = 'EntryCheckError'
  }
}

export interface VerifiedEntry {
  entry: ServedEntry['entry']
  leaf: Uint8Array
}

export class EntryVerifier {
  private readonly cache = new Map<number, Promise<VerifiedEntry>>()

  constructor(
    private readonly fetcher: LogFetcher,
    private readonly checkpoint: Checkpoint,
  ) {}

  /** The entry at `seq`, in the checkpoint's tree. Throws EntryCheckError. */
  verified(seq: number): Promise<VerifiedEntry> {
    let verified = this.cache.get(seq)
    if (!verified) {
      verified = this.fetchAndCheck(seq)
      this.cache.set(seq, verified)
    }
    return verified
  }

  private async fetchAndCheck(seq: number): Promise<VerifiedEntry> {
    const { size, rootHash } = this.checkpoint
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) {
      throw new EntryCheckError('inclusion', seq, `seq ${seq} is outside the signed tree of size ${size}`)
    }
    let served: ServedEntry
    let proof: Uint8Array[]
    try {
      const [entryAnswer, proofAnswer] = await Promise.all([this.fetcher.json(`/v1/entries/${seq}`), this.fetcher.json(`/v1/proofs/inclusion?seq=${seq}&size=${size}`)])
      served = entryAnswer as ServedEntry
      if (!isRecord(served) || !isRecord(served.entry) || served.entry.seq !== seq) throw new Error(`the node did not answer entry ${seq}`)
      proof = proofOf(proofAnswer)
    } catch (error) {
      throw new EntryCheckError('entry', seq, (error as Error).message)
    }
    let leaf: Uint8Array
    try {
      leaf = leafHash(canonicalBytes(served.entry))
    } catch (error) {
      throw new EntryCheckError('leaf-hash', seq, (error as Error).message)
    }
    if (served.leafHash !== toHex(leaf)) throw new EntryCheckError('leaf-hash', seq, `served ${served.leafHash}, computed ${toHex(leaf)}`)
    try {
      verifyInclusion(seq, size, leaf, proof, rootHash)
    } catch (error) {
      throw new EntryCheckError('inclusion', seq, (error as Error).message)
    }
    return { entry: served.entry, leaf }
  }
}
