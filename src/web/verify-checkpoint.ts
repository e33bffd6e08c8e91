// The checkpoint a page verifies its entries against (verify-log.ts): its signature with the log key (and which
// of two notes to take), the label's key id, and that the log extends the checkpoint this browser saw before.
// Every note, key and proof is attacker input. No DOM here.

import { bytesEqual, fromBase64, fromUtf8 } from '../core/bytes.js'
import { noteTreeSize, verifyCheckpoint, type Checkpoint } from '../core/checkpoint.js'
import type { Ed25519 } from '../core/ed25519.js'
import { isTracechainError } from '../core/errors.js'
import { isKeyIdOf, isLogKeyId, logKeyIdOf } from '../core/log-key-id.js'
import { verifyConsistency } from '../core/merkle.js'
import type { TiledLog } from '../core/tiled-log.js'
import { openTiledLog } from './open-tiled-log.js'
import { invalidTileOf, type DeferredLog } from './verify-entries.js'
import { message } from './verify-signed-entry.js'
import type { Failure, LogSource, RememberedCheckpoint } from './verify-log.js'

/** The size a signed note's checkpoint claims, before any check; -1 for one that does not parse. */
export function sizeOf(note: Uint8Array): number {
  try {
    return noteTreeSize(fromUtf8(note))
  } catch {
    return -1
  }
}

/** The checkpoint's signature; its tiles are opened on first use, the rightmost of each level checked to give its root. */
export async function openCheckpoint(source: LogSource, ed: Ed25519, verifierKey: string, noteBytes: Uint8Array): Promise<DeferredLog | Failure> {
  let checkpoint: Checkpoint
  try {
    checkpoint = verifyCheckpoint(ed, fromUtf8(noteBytes), verifierKey)
  } catch (error) {
    const code = isTracechainError(error) ? error.code : ''
    return { check: code === 'VERIFIER_KEY_INVALID' ? 'log-key' : 'checkpoint-signature', detail: message(error) }
  }
  let opened: Promise<TiledLog> | undefined
  return {
    checkpoint,
    open: () => (opened ??= openTiledLog({ fetch: (path) => (path === 'checkpoint' ? Promise.resolve(noteBytes) : source.tiles(path)), verifierKey, ed })),
  }
}

/** The label-key failure when `expectedKeyId` does not name `verifierKey` (which parses), else undefined. */
export function labelKeyFailure(verifierKey: string, expectedKeyId: string): Failure | undefined {
  if (!isLogKeyId(expectedKeyId)) {
    return { check: 'label-key', expectedKeyId: expectedKeyId.slice(0, 64), servedKeyId: logKeyIdOf(verifierKey), detail: 'the key id given is not 8 to 64 lowercase hex digits' }
  }
  if (isKeyIdOf(verifierKey, expectedKeyId)) return undefined
  const servedKeyId = logKeyIdOf(verifierKey, expectedKeyId.length)
  return { check: 'label-key', expectedKeyId, servedKeyId, detail: `the label names log key ${expectedKeyId}, the node serves ${servedKeyId} (${verifierKey})` }
}

/** A failure naming the tile, for an error of the tile reader that is one; else undefined. */
export function tileFailure(error: unknown): Failure | undefined {
  const tile = invalidTileOf(error)
  return tile === undefined ? undefined : { check: 'tile', tile, detail: message(error) }
}

/**
 * The log must extend what this browser saw before: same key, not shorter, consistent (a proof from the API
 * where it gives one, else from the tiles). Pushes what failed; true when nothing did.
 */
export async function checkAgainstSeen(source: LogSource, log: DeferredLog, verifierKey: string, seen: RememberedCheckpoint | undefined, failures: Failure[]): Promise<boolean> {
  const { checkpoint } = log
  if (!seen) return true
  if (seen.key !== verifierKey) {
    failures.push({ check: 'key-changed', detail: `remembered key ${seen.key}, served ${verifierKey}` })
    return false
  }
  if (seen.size > checkpoint.size) {
    failures.push({ check: 'rollback', seenSize: seen.size, detail: `remembered size ${seen.size}, served ${checkpoint.size}` })
    return false
  }
  try {
    const seenRoot = fromBase64(seen.root, 'remembered root')
    if (seen.size === checkpoint.size) {
      if (!bytesEqual(seenRoot, checkpoint.rootHash)) throw new Error(`two different roots for size ${seen.size}`)
      return true
    }
    if (seen.size === 0) return true
    const served = await source.consistencyProof?.(seen.size, checkpoint.size).catch(() => undefined)
    // Either proof is checked against both roots (PROOF_INVALID: a rewritten history).
    if (served) verifyConsistency(seen.size, checkpoint.size, served, seenRoot, checkpoint.rootHash)
    else await (await log.open()).verifyExtends({ origin: checkpoint.origin, size: seen.size, rootHash: seenRoot, extensions: [] })
    return true
  } catch (error) {
    failures.push(tileFailure(error) ?? { check: 'consistency', seenSize: seen.size, detail: message(error) })
    return false
  }
}
