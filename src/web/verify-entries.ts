// Entries of the log as the browser verifier may use them, read from any copy of the log's C2SP tiles
// (core/tiled-log.ts): each entry's bytes from its bundle, checked against the authenticated level-0 tile,
// its inclusion proof built from hash tiles; then, as for any served entry, the leaf hash recomputed from
// the entry's JCS bytes (RFC 9162 section 2.1.1) and the proof checked against the verified checkpoint's
// root (section 2.1.3). A bundle is fetched and checked once for all the entries a page needs from it.

import { bytesEqual, fromUtf8, toHex } from '../core/bytes.js'
import { canonicalBytes } from '../core/canonical-json.js'
import { isTracechainError } from '../core/errors.js'
import { leafHash, verifyInclusion } from '../core/merkle.js'
import { TILE_WIDTH, tileWidthAt } from '../core/tile-paths.js'
import type { Checkpoint } from '../core/checkpoint.js'
import type { TiledLog } from '../core/tiled-log.js'
import { isRecord, type ServedEntry } from './served.js'
import type { ServedWithProof } from './verify-log.js'

/** Why an entry could not be used: which check failed, in the names the page reports. */
export class EntryCheckError extends Error {
  constructor(
    readonly check: 'entry' | 'leaf-hash' | 'inclusion' | 'tile',
    readonly seq: number,
    message: string,
    /** for 'tile': the path of the tile or bundle that did not authenticate */
    readonly tile?: string,
  ) {
    super(message)
    this.name = 'EntryCheckError'
  }
}

/**
 * The path a TILE_INVALID error of the tile reader names (the tile, the bundle, or the rightmost tiles that
 * did not give the root), or undefined for any other error.
 */
export function invalidTileOf(error: unknown): string | undefined {
  if (!isTracechainError(error) || error.code !== 'TILE_INVALID') return undefined
  const details = isRecord(error.details) ? error.details : {}
  if (typeof details.path === 'string') return details.path
  if (Array.isArray(details.paths)) return details.paths.join(', ')
  return 'checkpoint'
}

export interface VerifiedEntry {
  entry: ServedEntry
  leaf: Uint8Array
}

/** Entries of one verified checkpoint's tree, each checked before it is handed out. */
export interface EntrySource {
  /** The entry at `seq`, in the checkpoint's tree. Throws EntryCheckError. */
  verified(seq: number): Promise<VerifiedEntry>
}

/** A checkpoint whose signature verified, with its tiles read and authenticated only once something needs them. */
export interface DeferredLog {
  readonly checkpoint: Checkpoint
  /** the tiles, their rightmost checked to give the checkpoint's root (TILE_INVALID otherwise); one reader however often asked */
  open(): Promise<TiledLog>
}

export class EntryVerifier implements EntrySource {
  private readonly cache = new Map<number, Promise<VerifiedEntry>>()
  private readonly bundles = new Map<number, Promise<Uint8Array[]>>()

  private readonly log: DeferredLog

  /**
   * `log`: the checkpoint the page verified (its signature checked by the caller) and its tiles. `fromApi`:
   * where an entry and its proof cost less than its tiles (LogSource.entry); when it gives nothing or fails,
   * the tiles stand in.
   */
  constructor(
    log: TiledLog | DeferredLog,
    private readonly fromApi?: (seq: number, size: number) => Promise<ServedWithProof | undefined>,
  ) {
    this.log = 'open' in log ? log : { checkpoint: log.checkpoint, open: () => Promise.resolve(log) }
  }

  /** The entry at `seq`, in the checkpoint's tree. Throws EntryCheckError. */
  verified(seq: number): Promise<VerifiedEntry> {
    let verified = this.cache.get(seq)
    if (!verified) {
      verified = this.fetchAndCheck(seq)
      this.cache.set(seq, verified)
    }
    return verified
  }

  /** Every entry of bundle `index` as this tree holds them, each checked to hash to its leaf. */
  private bundle(index: number): Promise<Uint8Array[]> {
    let bundle = this.bundles.get(index)
    if (!bundle) {
      const { size } = this.log.checkpoint
      bundle = this.log.open().then((log) => log.entries(index * TILE_WIDTH, tileWidthAt(size, 0, index)))
      this.bundles.set(index, bundle)
    }
    return bundle
  }

  /**
   * The entry at `seq` as served, not yet checked, with its proof: from the API if it gives them, else from the
   * tiles, with the leaf the level-0 tile holds for it.
   */
  private async served(seq: number): Promise<ServedWithProof & { tileLeaf?: Uint8Array }> {
    if (this.fromApi) {
      try {
        const served = await this.fromApi(seq, this.log.checkpoint.size)
        if (served) return served
      } catch {
        // the API could not give it (refused, down, not JSON): the tiles can
      }
    }
    let bytes: Uint8Array
    let tileLeaf: Uint8Array
    let proof: Uint8Array[]
    try {
      ;[bytes, { leafHash: tileLeaf, proof }] = await Promise.all([this.bundle(Math.floor(seq / TILE_WIDTH)).then((entries) => entries[seq % TILE_WIDTH]), this.log.open().then((log) => log.inclusionProof(seq))])
    } catch (error) {
      const message = (error as Error).message
      const tile = invalidTileOf(error)
      if (tile !== undefined) throw new EntryCheckError('tile', seq, message, tile)
      throw new EntryCheckError(isTracechainError(error) && error.code === 'PROOF_INVALID' ? 'inclusion' : 'entry', seq, message)
    }
    try {
      return { entry: JSON.parse(fromUtf8(bytes)) as unknown, proof, tileLeaf }
    } catch (error) {
      throw new EntryCheckError('entry', seq, (error as Error).message)
    }
  }

  private async fetchAndCheck(seq: number): Promise<VerifiedEntry> {
    const { size, rootHash } = this.log.checkpoint
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) {
      throw new EntryCheckError('inclusion', seq, `seq ${seq} is outside the signed tree of size ${size}`)
    }
    const { entry: parsed, proof, tileLeaf } = await this.served(seq)
    if (!isRecord(parsed) || parsed.seq !== seq) throw new EntryCheckError('entry', seq, `what was served as entry ${seq} is not entry ${seq}`)
    const entry = parsed as unknown as ServedEntry
    // Whichever copy served it, the leaf is computed from the entry as read: the tiles' leaf must be it, and the
    // proof must lead from it to the signed root.
    let leaf: Uint8Array
    try {
      leaf = leafHash(canonicalBytes(entry))
    } catch (error) {
      throw new EntryCheckError('leaf-hash', seq, (error as Error).message)
    }
    if (tileLeaf && !bytesEqual(leaf, tileLeaf)) throw new EntryCheckError('leaf-hash', seq, `the tiles hold ${toHex(tileLeaf)}, the entry's JCS form hashes to ${toHex(leaf)}`)
    try {
      verifyInclusion(seq, size, leaf, proof, rootHash)
    } catch (error) {
      throw new EntryCheckError('inclusion', seq, (error as Error).message)
    }
    return { entry, leaf }
  }
}
