// A mirror follows a log from any copy of its static tiles (the node's /tlog/, nginx, a CDN) and trusts only
// what it verified: each checkpoint's signature with the key it was given, that it extends the tree the mirror
// holds, every entry against the authenticated tiles, and every check and rule the node ran, by sequencing the
// entries again into a store of the node's own format (Ledger.replicate). On the first thing that does not
// verify it stops following, keeps serving what it verified, and keeps the evidence: a split view or a
// rewritten tile is proof of the log's misbehaviour. Its own store holding what it cannot read back
// (STORE_CORRUPT) stops it too, but is no finding against the log: no evidence, and its status says so.

import { join } from 'node:path'
import { mkdirSync, writeFileSync } from 'node:fs'
import { boundedBody } from '../core/bounded-body.js'
import { bytesEqual, toHex } from '../core/bytes.js'
import { verifyCheckpoint } from '../core/checkpoint.js'
import type { Ed25519 } from '../core/ed25519.js'
import { fail, isTracechainError, type ErrorCode, type TracechainError } from '../core/errors.js'
import { HASH_SIZE } from '../core/hash.js'
import { maxResourceBytes } from '../core/tile-limits.js'
import { TILE_WIDTH, parseTilePath } from '../core/tile-paths.js'
import { TiledLog, type FetchResource } from '../core/tiled-log.js'
import { requestTarget } from '../core/url-credentials.js'
import { verifyServableCheckpoint, type DroppedSignature } from '../core/servable-checkpoint.js'
import type { Ledger } from '../ledger/ledger.js'
import { checkedInOrder } from '../ledger/replica.js'
import { buildForkEvidence, writeForkEvidence } from './fork-evidence.js'

export const DEFAULT_POLL_INTERVAL_MS = 500
/** Entries replicated in one commit during a catch-up: sixteen bundles. */
export const DEFAULT_CHUNK_ENTRIES = 16 * TILE_WIDTH
/** Chunks in the check threads while one commits: two, so they start the next as soon as one is done. */
const CHUNKS_CHECKED_AHEAD = 2
/** Resources of the log kept from the latest fetches, so a failure can keep the bytes that failed. */
const RECENT_RESOURCES_KEPT = 256
/** Dropped signature lines named in the status; a note holds up to 100. */
const DROPPED_SIGNATURES_NAMED = 10

/** A verification failure: following stopped here. */
export interface MirrorFailure {
  at: string
  code: ErrorCode
  reason: string
  /** the entry that failed, where one did */
  seq?: number
  /** the tile or bundle that failed, where one did */
  path?: string
  /** the directory holding the evidence */
  evidence: string
}

/** The mirror's own store cannot be read back (STORE_CORRUPT): following stopped; the log is not at fault. */
export interface MirrorStoreFailure {
  at: string
  code: 'STORE_CORRUPT'
  /** what could not be read back, and the remedy: rebuild the mirror's data directory */
  reason: string
  /** the entry that could not be read back, where one was named */
  seq?: number
}

export interface MirrorStatus {
  /** false once a verification failure, or its own store failing to read back, stopped it */
  following: boolean
  /** the source's tile tree */
  source: string
  /** entries verified and served */
  size: number
  /** the size of the latest checkpoint the source served whose signature and root verified */
  sourceSize: number
  lastPollAt?: string
  /** the last poll that failed for a reason that is not the log's (the source unreachable), until one succeeds */
  sourceError?: { at: string; message: string }
  /** a finding against the log: what it served did not verify (evidence kept) */
  failure?: MirrorFailure
  /** not the log's fault: the mirror's own store cannot be read back (no evidence) */
  storeFailure?: MirrorStoreFailure
  /**
   * while the source's checkpoint carries signature lines the mirror does not serve: under keys it was not given
   * (a witness to add with --witness-key?), or under a witness's key that do not verify (a forged cosignature)
   */
  droppedSignatures?: { at: string; count: number; lines: DroppedSignature[] }
}

export interface FollowerOptions {
  /** a mirror's ledger (Ledger.openReplica) */
  ledger: Ledger
  /** the base URL of the tile tree, for status and evidence */
  source: string
  fetch: FetchResource
  ed: Ed25519
  /** the mirror's data directory: evidence goes to DIR/evidence */
  dir: string
  pollIntervalMs?: number
  chunkEntries?: number
  clock?: () => Date
}

/** Redirects within the copy's origin followed for one resource (a trailing slash, an nginx rewrite). */
const MAX_REDIRECTS = 5

/**
 * A FetchResource over HTTP(S): 404 is "not there", any other failure throws. Credentials in `base` (a copy behind
 * Basic authentication) go as an Authorization header, which fetch refuses to take from the URL. Redirects are
 * followed within the copy's origin only: one elsewhere would have the mirror ask, from inside its network, what
 * the copy points it at, and say in /healthz what it found.
 */
export function httpResources(base: string, timeoutMs = 30_000): FetchResource {
  const target = requestTarget(base.endsWith('/') ? base : `${base}/`)
  const headers = target.authorization !== undefined ? { authorization: target.authorization } : undefined
  const { origin } = new URL(target.url)
  return async (path) => {
    const signal = AbortSignal.timeout(timeoutMs)
    const get = (at: URL) => fetch(at, { signal, redirect: 'manual', ...(headers ? { headers } : {}) })
    let url = new URL(path, target.url)
    let response = await get(url)
    for (let hops = 0; response.status >= 300 && response.status < 400 && response.headers.has('location'); hops++) {
      await response.body?.cancel()
      const next = new URL(response.headers.get('location') as string, url)
      if (next.origin !== origin) throw new Error(`GET ${path}: the copy redirects to ${next.origin}, another origin than ${origin}: not followed`)
      if (hops === MAX_REDIRECTS) throw new Error(`GET ${path}: more than ${MAX_REDIRECTS} redirects`)
      url = next
      response = await get(url)
    }
    if (response.status === 404) {
      await response.body?.cancel()
      return undefined
    }
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`GET ${path}: HTTP ${response.status}`)
    }
    // The copy is not trusted: what it sends past what the path can hold is not read, decoded or kept.
    const max = maxResourceBytes(path)
    const body = await boundedBody(response, max)
    if (body === undefined) fail('BODY_TOO_LARGE', `GET ${path}: the copy sent more than the ${max} bytes it can hold`, { path, max })
    return body
  }
}

export class Follower {
  private readonly options: FollowerOptions
  private readonly clock: () => Date
  private readonly recent = new Map<string, Uint8Array>()
  /** The hash tiles this poll was served while it checks the checkpoint against the tree held (a fork proof's). */
  private checkingTiles: Map<string, Uint8Array | undefined> | undefined
  private timer: NodeJS.Timeout | undefined
  private polling: Promise<void> | undefined
  private stopped = false
  private sourceSize = 0
  private lastPollAt: string | undefined
  private sourceError: { at: string; message: string } | undefined
  private failure: MirrorFailure | undefined
  private storeFailure: MirrorStoreFailure | undefined
  private droppedSignatures: MirrorStatus['droppedSignatures']
  private readonly waiters: (() => void)[] = []

  constructor(options: FollowerOptions) {
    this.options = options
    this.clock = options.clock ?? (() => new Date())
  }

  get status(): MirrorStatus {
    return {
      following: !this.halted,
      source: this.options.source,
      size: this.options.ledger.size,
      sourceSize: this.sourceSize,
      ...(this.lastPollAt ? { lastPollAt: this.lastPollAt } : {}),
      ...(this.sourceError ? { sourceError: this.sourceError } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
      ...(this.storeFailure ? { storeFailure: this.storeFailure } : {}),
      ...(this.droppedSignatures ? { droppedSignatures: this.droppedSignatures } : {}),
    }
  }

  /** Stopped for good (until a restart): the log misbehaved, or the mirror's own store cannot be read back. */
  private get halted(): boolean {
    return this.failure !== undefined || this.storeFailure !== undefined
  }

  /** Polls now and then every poll interval, until stop(), a verification failure or STORE_CORRUPT. */
  start(): void {
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.polling
  }

  /** Resolves after the next poll that completes (for tests and tools that wait for a catch-up). */
  nextPoll(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.halted) return
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined
        for (const resolve of this.waiters.splice(0)) resolve()
        this.schedule(this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS)
      })
    }, delayMs)
    this.timer.unref()
  }

  /** One round: the source's checkpoint, then every entry up to it. Never throws. */
  async poll(): Promise<void> {
    if (this.halted) return
    let offered: string | undefined
    this.checkingTiles = new Map()
    try {
      const log = await TiledLog.open({ fetch: (path) => this.fetchKept(path), verifierKey: this.options.ledger.verifierKey, ed: this.options.ed })
      offered = log.note
      // Its signature and rightmost tiles verified: the size to catch up to (lag is this less the size held).
      this.sourceSize = log.size
      this.noteDroppedSignatures(log.note)
      await this.follow(log)
      this.sourceError = undefined
    } catch (error) {
      if (isOwnStoreCorrupt(error)) this.stopOnOwnStore(error)
      else if (isMisbehaviour(error)) await this.stopFollowing(error, offered ?? this.keptText('checkpoint'))
      else this.sourceError = { at: this.clock().toISOString(), message: messageWithCause(error as Error) }
    } finally {
      this.checkingTiles = undefined
      this.lastPollAt = this.clock().toISOString()
    }
  }

  private async follow(log: TiledLog): Promise<void> {
    const { ledger } = this.options
    if (log.size <= ledger.size) {
      // An older checkpoint (a CDN's stale copy) is fine if it is one of this tree's; any other is a fork.
      if (log.size > 0 && !bytesEqual(await ledger.rootAt(log.size), log.root)) {
        throw new MisbehaviourError('CHECKPOINT_MISMATCH', `the source's checkpoint of size ${log.size} signs root ${toHex(log.root)}; the tree this mirror verified has ${toHex(await ledger.rootAt(log.size))} there`)
      }
      this.checkingTiles = undefined
      // Of this tree: kept if it carries cosignatures the one kept lacks, of the witnesses given and verified, or is past it.
      await ledger.keepReplicaCheckpoint(log.note)
      return
    }
    // The tree held must be the start of this one: checked against the last checkpoint kept before anything is
    // read, and, once the entries are in, by the root they give at the new size (Ledger.replicate).
    if (ledger.checkpoint !== '') await log.verifyExtends(verifyCheckpoint(this.options.ed, ledger.checkpoint, ledger.verifierKey))
    // Past the checks a fork proof is built from: a catch-up's thousands of tiles are not kept for one.
    this.checkingTiles = undefined
    // A chunk committed here while the next ones are checked in the check pool's threads and the one after
    // them fetched and hashed; their checks take the keys the chunks before them name as candidates (replica.ts).
    const chunk = this.options.chunkEntries ?? DEFAULT_CHUNK_ENTRIES
    // Chunks end on multiples of the chunk size, so bundles are not fetched and hashed twice. A new mirror's
    // first chunk is one bundle, so the chunks after it start checking soon.
    const endOf = (from: number) => Math.min(log.size, from === 0 ? Math.min(chunk, TILE_WIDTH) : (Math.floor(from / chunk) + 1) * chunk)
    const chunks = checkedInOrder({
      from: ledger.size,
      to: log.size,
      end: endOf,
      read: (from, count) => Promise.all([log.entries(from, count), log.leafHashes(from, count)]),
      // A failure of a chunk checked ahead surfaces only after the ones before it are committed.
      check: (from, [entries, leaves]) => ledger.checkReplica(from, entries, leaves, log.note),
      depth: CHUNKS_CHECKED_AHEAD,
    })
    for await (const checked of chunks) {
      // Stopping (SIGTERM) between chunks, each committed whole: a long catch-up must not hold the process up to
      // its end. The next start resumes from the last chunk committed.
      if (this.stopped) return
      await ledger.commitReplica(checked)
    }
  }

  /** What of the source's note the ledger will not keep (Ledger.keepReplicaCheckpoint), for its operator to see. */
  private noteDroppedSignatures(note: string): void {
    const { ledger, ed } = this.options
    const { dropped } = verifyServableCheckpoint(ed, note, ledger.verifierKey, ledger.witnesses)
    this.droppedSignatures = dropped.length === 0 ? undefined : { at: this.clock().toISOString(), count: dropped.length, lines: dropped.slice(0, DROPPED_SIGNATURES_NAMED) }
  }

  private async fetchKept(path: string): Promise<Uint8Array | undefined> {
    // A checkpoint of an earlier poll is not the one this poll was offered, if this one never arrives whole.
    if (path === 'checkpoint') this.recent.delete(path)
    const bytes = await this.options.fetch(path)
    if (this.checkingTiles !== undefined && path.startsWith('tile/') && !path.startsWith('tile/entries/')) this.checkingTiles.set(path, bytes)
    if (bytes !== undefined) {
      this.recent.delete(path)
      this.recent.set(path, bytes)
      if (this.recent.size > RECENT_RESOURCES_KEPT) this.recent.delete(this.recent.keys().next().value as string)
    }
    return bytes
  }

  private keptText(path: string): string | undefined {
    const bytes = this.recent.get(path)
    return bytes && new TextDecoder().decode(bytes)
  }

  /**
   * Stops following without accusing the log: the store read back what it cannot hold (a tile or entry missing
   * or garbled), so the tree it would check the log against, and every entry replicated onto it, is unsafe.
   */
  private stopOnOwnStore(error: TracechainError): void {
    const seq = (error.details as { seq?: unknown } | undefined)?.seq
    this.storeFailure = {
      at: this.clock().toISOString(),
      code: 'STORE_CORRUPT',
      reason:
        `this mirror's own store cannot be read back (${error.message}); the log is not at fault and no evidence was written. ` +
        `Rebuild the mirror's data directory: stop it, move ${this.options.dir} aside, and start it with an empty --dir; it catches up from the source`,
      ...(typeof seq === 'number' ? { seq } : {}),
    }
    clearTimeout(this.timer)
  }

  /**
   * Stops following and writes the evidence: both checkpoints, the failing resource, the finding, and for two
   * checkpoints that disagree (PROOF_INVALID, CHECKPOINT_MISMATCH) the fork proof with the tiles it was built from.
   */
  private async stopFollowing(error: unknown, offered: string | undefined): Promise<void> {
    const at = this.clock().toISOString()
    const { code, message, details } = error as { code: ErrorCode; message: string; details?: { seq?: unknown; path?: unknown; paths?: unknown } }
    const seq = typeof details?.seq === 'number' ? details.seq : undefined
    // One resource that failed, or the rightmost tiles that together did not give the checkpoint's root.
    const paths = typeof details?.path === 'string' ? [details.path] : Array.isArray(details?.paths) ? details.paths.filter((p): p is string => typeof p === 'string') : []
    const path = paths.length > 0 ? paths.join(', ') : undefined
    const evidence = join(this.options.dir, 'evidence', `${at.replace(/[:.]/g, '-')}-${code}`)
    this.failure = { at, code, reason: message, ...(seq !== undefined ? { seq } : {}), ...(path !== undefined ? { path } : {}), evidence }
    clearTimeout(this.timer)
    const accepted = this.options.ledger.checkpoint
    const served = this.checkingTiles
    const forkProof =
      (code === 'PROOF_INVALID' || code === 'CHECKPOINT_MISMATCH') && offered !== undefined && accepted !== ''
        ? await buildForkEvidence({ ed: this.options.ed, verifierKey: this.options.ledger.verifierKey, accepted, offered }, this.options.ledger, async (path) =>
            served?.has(path) ? served.get(path) : this.fetchKept(path),
          )
        : undefined
    try {
      mkdirSync(evidence, { recursive: true })
      writeFileSync(join(evidence, 'finding.json'), JSON.stringify({ ...this.failure, source: this.options.source, details: details ?? null }, null, 2) + '\n')
      writeFileSync(join(evidence, 'accepted-checkpoint'), accepted)
      if (offered !== undefined) writeFileSync(join(evidence, 'offered-checkpoint'), offered)
      // The resource that failed, and for an entry the bundle holding it and the level-0 tile it hashes into.
      const bundle = seq !== undefined ? Math.floor(seq / TILE_WIDTH) : undefined
      for (const [kept, bytes] of this.recent) {
        const relevant = paths.includes(kept) || (bundle !== undefined && tileIndexOf(kept) === bundle)
        if (relevant) {
          const file = join(evidence, 'resources', kept)
          mkdirSync(join(file, '..'), { recursive: true })
          writeFileSync(file, bytes)
        }
      }
      if (typeof forkProof === 'string') this.failure.reason += ` (${forkProof})`
      else if (forkProof !== undefined) writeForkEvidence(evidence, forkProof)
    } catch (writeError) {
      this.failure.reason += ` (the evidence could not be written to ${evidence}: ${(writeError as Error).message})`
    }
  }
}

/** A finding about the log itself, not about reaching it. */
class MisbehaviourError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Whether a failure is the mirror's own store holding what it cannot read back: its fault, never the log's. */
function isOwnStoreCorrupt(error: unknown): error is TracechainError {
  return isTracechainError(error) && error.code === 'STORE_CORRUPT'
}

/**
 * Whether a failure shows the log (or its copy) serving something that does not verify. A missing resource
 * is not that: a CDN may hold a checkpoint before the tiles it names. Nor is the mirror's own disk or store
 * (STORE_UNAVAILABLE, STORE_CORRUPT), nor its own checks failing to run (INTERNAL: a check thread that
 * stopped, a kind's module that did not load).
 */
function isMisbehaviour(error: unknown): boolean {
  if (error instanceof MisbehaviourError) return true
  if (!isTracechainError(error)) return false
  if (['STORE_UNAVAILABLE', 'STORE_CORRUPT', 'SHUTTING_DOWN', 'RANGE_INVALID', 'INTERNAL'].includes(error.code)) return false
  return !(error.code === 'TILE_INVALID' && (error.details as { check?: unknown } | undefined)?.check === 'missing')
}

/** An error's message with its cause's: undici's fetch says only "terminated" and names what in its cause. */
function messageWithCause(error: Error): string {
  const cause = error.cause instanceof Error ? error.cause.message : undefined
  return cause === undefined || error.message.includes(cause) ? error.message : `${error.message}: ${cause}`
}

/** The index N of a level-0 tile or entry bundle, else undefined. */
function tileIndexOf(path: string): number | undefined {
  try {
    const resource = parseTilePath(path)
    return resource.kind === 'entries' || resource.level === 0 ? resource.index : undefined
  } catch {
    return undefined
  }
}
