// The whole log (or a range of seqs) audited where the browser can: the checkpoint's signature and the
// rightmost tiles against its root (core/tiled-log.ts), every entry bundle against the authenticated level-0
// tiles, each entry's bytes the RFC 8785 form of an entry with that seq and its prev the leaf hash of the one
// before, each envelope's signatures against the actors' keys established from the log itself back to entry 0
// (verify-registry.ts, as the node's audit replays its registry), every registry entry of the walk listed by
// the node's registry (so the replay misses none) and replayed at its own seq under the registry's rules, and, from entry 0 to the end, the root recomputed from
// every leaf equal to the signed one. Stops at the first bad entry, as `tracechain verify` does. No DOM: it
// runs in the console's Web Worker (audit-worker.ts) and in Node's tests.

import { bytesEqual, fromUtf8, toHex } from '../core/bytes.js'
import { canonicalBytes } from '../core/canonical-json.js'
import type { Ed25519 } from '../core/ed25519.js'
import { isTracechainError } from '../core/errors.js'
import { leafHash } from '../core/merkle.js'
import { RootAccumulator } from '../core/root-accumulator.js'
import type { Statement } from '../core/statement.js'
import { TILE_WIDTH, tileWidthAt } from '../core/tile-paths.js'
import { TiledLog } from '../core/tiled-log.js'
import { GENESIS_PREV } from '../ledger/entry.js'
import { isRecord, type ServedEntry } from './served.js'
import { EntryVerifier, invalidTileOf, type EntrySource, type VerifiedEntry } from './verify-entries.js'
import type { CheckName, Failure, LogSource } from './verify-log.js'
import { nodeActorDirectory, RegistryVerifier, type ActorDirectory } from './verify-registry.js'
import { keyChainFailure, message, verifySignedEntry } from './verify-signed-entry.js'

/** What can be wrong in an audit beyond a page's checks: the hash chain, the registry's list, the recomputed root. */
export type AuditCheck = CheckName | 'chain' | 'registry-list' | 'root'

export interface AuditFailure extends Omit<Failure, 'check'> {
  check: AuditCheck
}

export interface AuditProgress {
  /** entries checked so far */
  checked: number
  /** entries the audit covers */
  total: number
  /** the seq checked last */
  seq: number
}

export interface LogAudit {
  ok: boolean
  /** the signed checkpoint's size, once it verified */
  size?: number
  from: number
  /** one past the last seq audited */
  to: number
  checked: number
  /** the first bad entry, or what failed before any entry could be read */
  failure?: AuditFailure
  /** stopped by the reader before the end: not ok, and no failure */
  cancelled?: boolean
}

export interface AuditOptions {
  from?: number
  /** one past the last seq (default: the checkpoint's size) */
  to?: number
  onProgress?(progress: AuditProgress): void
  /** asked between bundles: true ends the audit where it is */
  cancelled?(): boolean
}

/** The registry's list of an actor's entries, asked once per actor (attacker-controlled: checked both ways). */
function listingDirectory(directory: ActorDirectory): ActorDirectory & { listed(actor: string): Promise<unknown> } {
  const cache = new Map<string, Promise<unknown>>()
  const listed = (actor: string) => {
    let seqs = cache.get(actor)
    if (!seqs) {
      seqs = directory.seqsOf(actor)
      cache.set(actor, seqs)
    }
    return seqs
  }
  return { seqsOf: listed, listed, actorsWithKeyId: (keyid) => directory.actorsWithKeyId(keyid) }
}

/** The actor an actor statement changes, or undefined for any other statement. */
function actorChangedBy(statement: Statement): string | undefined {
  const body = statement.body as { id?: unknown; actor?: unknown }
  if (statement.type === 'actor.register') return typeof body.id === 'string' ? body.id : ''
  if (statement.type === 'actor.rotate-key') return typeof body.actor === 'string' ? body.actor : statement.actor
  if (statement.type === 'actor.revoke') return typeof body.actor === 'string' ? body.actor : ''
  return undefined
}

/** Audits the log `source` serves. Never throws: what failed is the result's `failure`. */
export async function auditLog(source: LogSource, ed: Ed25519, options: AuditOptions = {}): Promise<LogAudit> {
  let log: TiledLog
  try {
    const verifierKey = (await source.api.text('/v1/log/key')).trim()
    log = await TiledLog.open({ fetch: source.tiles, verifierKey, ed })
  } catch (error) {
    const tile = invalidTileOf(error)
    const code = isTracechainError(error) ? error.code : ''
    const check: AuditCheck = tile !== undefined ? 'tile' : code.startsWith('NOTE_') ? 'checkpoint-signature' : code === 'VERIFIER_KEY_INVALID' ? 'log-key' : 'network'
    return { ok: false, from: options.from ?? 0, to: options.to ?? 0, checked: 0, failure: { check, ...(tile !== undefined ? { tile } : {}), detail: message(error) } }
  }
  const size = log.size
  const from = Math.min(Math.max(0, Math.floor(options.from ?? 0)), size)
  const to = Math.min(Math.max(from, Math.floor(options.to ?? size)), size)
  let checked = 0
  const done = (failure?: AuditFailure): LogAudit => ({ ok: failure === undefined, size, from, to, checked, ...(failure ? { failure } : {}) })

  const directory = listingDirectory(nodeActorDirectory(source.api))
  const registryEntries = new EntryVerifier(log)
  // The walk's own entries are checked here as their bundle is read; the registry's replay reads earlier ones.
  let chunk = new Map<number, VerifiedEntry>()
  const entries: EntrySource = { verified: (seq) => (chunk.has(seq) ? Promise.resolve(chunk.get(seq) as VerifiedEntry) : registryEntries.verified(seq)) }
  const registry = new RegistryVerifier(directory, ed, log.checkpoint, entries)
  const accumulator = from === 0 ? new RootAccumulator() : undefined

  let prev: string
  try {
    prev = from === 0 ? GENESIS_PREV : toHex((await log.leafHashes(from - 1, 1))[0])
  } catch (error) {
    return done({ check: 'tile', seq: from - 1, tile: invalidTileOf(error) ?? '', detail: message(error) })
  }
  const bundleAt = (index: number) => {
    const reading = log.entries(index * TILE_WIDTH, tileWidthAt(size, 0, index))
    reading.catch(() => undefined)
    return reading
  }
  const first = Math.floor(from / TILE_WIDTH)
  const last = Math.floor((to - 1) / TILE_WIDTH)
  let next = to > from ? bundleAt(first) : undefined
  for (let index = first; index <= last && next; index++) {
    if (options.cancelled?.()) return { ...done(), ok: false, cancelled: true }
    let bundle: Uint8Array[]
    try {
      bundle = await next
    } catch (error) {
      const details = isTracechainError(error) && isRecord(error.details) ? error.details : {}
      const seq = typeof details.seq === 'number' ? details.seq : Math.max(from, index * TILE_WIDTH)
      return done({ check: 'tile', seq, tile: invalidTileOf(error) ?? '', detail: message(error) })
    }
    next = index < last ? bundleAt(index + 1) : undefined // read ahead while this one is checked
    chunk = new Map()
    const start = Math.max(from, index * TILE_WIDTH)
    const end = Math.min(to, (index + 1) * TILE_WIDTH)
    for (let seq = start; seq < end; seq++) {
      const bytes = bundle[seq - index * TILE_WIDTH]
      const leaf = leafHash(bytes)
      let entry: ServedEntry
      try {
        const parsed = JSON.parse(fromUtf8(bytes)) as unknown
        if (!isRecord(parsed) || parsed.seq !== seq) throw new Error(`the bytes at seq ${seq} are not entry ${seq}`)
        if (!bytesEqual(canonicalBytes(parsed), bytes)) throw new Error(`entry ${seq} is not in its RFC 8785 form`)
        entry = parsed as unknown as ServedEntry
      } catch (error) {
        return done({ check: 'entry', seq, detail: message(error) })
      }
      if (entry.prev !== prev) return done({ check: 'chain', seq, detail: `prev is ${String(entry.prev)}, the leaf hash of entry ${seq - 1} is ${prev}` })
      chunk.set(seq, { entry, leaf })
      const failures: Failure[] = []
      const outcome = await verifySignedEntry(entries, registry, ed, seq, failures)
      if (!outcome.ok || !outcome.statement) return done({ seq, ...(failures[0] ?? { check: 'entry', detail: `entry ${seq} does not verify` }) })
      const changed = actorChangedBy(outcome.statement)
      if (changed !== undefined) {
        let listed: unknown
        try {
          listed = await directory.listed(changed)
        } catch (error) {
          listed = message(error)
        }
        if (!Array.isArray(listed) || !listed.includes(seq)) {
          return done({ check: 'registry-list', seq, actor: changed, detail: `the node's registry does not list entry ${seq} among ${changed}'s` })
        }
        // Replayed now, under the registry's rules (a registration or revocation by an admin): a page replays an
        // actor's entries only once its keys are asked for, which for an actor that never signs is never.
        try {
          await registry.keysAt(changed, seq + 1)
        } catch (error) {
          return done({ seq, ...keyChainFailure(changed, error) })
        }
      }
      prev = toHex(leaf)
      accumulator?.push(leaf)
      checked++
    }
    options.onProgress?.({ checked, total: to - from, seq: end - 1 })
  }
  if (accumulator && to === size && checked === size && size > 0 && !bytesEqual(accumulator.root(), log.root)) {
    return done({ check: 'root', detail: `the ${size} leaves give root ${toHex(accumulator.root())}, the checkpoint says ${toHex(log.root)}` })
  }
  return done()
}
