// `tracechain verify --evidence DIR --key VKEY`: checks offline, with the log key alone, that a mirror's evidence
// directory proves a fork (core/fork-proof.ts): both checkpoints signed by the key, the larger tree's kept tiles
// authenticated against its root, and giving at the smaller size a root the smaller checkpoint does not sign.
// Everything in DIR is untrusted: read within its bounds, and what it says printed through printable().

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fromUtf8, toHex } from '../core/bytes.js'
import { noteTreeSize } from '../core/checkpoint.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { fail, isTracechainError } from '../core/errors.js'
import { FORK_PROOF_FILE, FORK_TILES_DIR, verifyForkEvidence, type ForkSide } from '../core/fork-proof.js'
import { MAX_NOTE_BYTES } from '../core/signed-note.js'
import { maxResourceBytes } from '../core/tile-limits.js'
import { parseTilePath } from '../core/tile-paths.js'
import type { FetchResource } from '../core/tiled-log.js'
import { printable } from './printable.js'

/** A fork proof's text: its header and sizes, 63 hashes and 256 tile paths, with room to spare. */
const MAX_FORK_PROOF_BYTES = 64 * 1024
/** What a reason quoting the evidence may show of it. */
const MAX_REASON_CHARACTERS = 400

export interface ForkEvidenceOutcome {
  proven: boolean
  /** what to print, one line each, made safe for a terminal */
  lines: string[]
}

/**
 * Checks the evidence directory `dir`. Throws NOT_FOUND when there is no such directory; never for what it holds:
 * a fault in that is a reason it proves nothing.
 */
export async function verifyForkEvidenceDir(dir: string, verifierKey: string): Promise<ForkEvidenceOutcome> {
  // A mistyped path is the caller's error (exit 2), not evidence that proves nothing.
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail('NOT_FOUND', `${dir} is not a directory: give a mirror's D/evidence/<time>-<code>`)
  try {
    const proofText = readBounded(join(dir, FORK_PROOF_FILE), MAX_FORK_PROOF_BYTES)
    const accepted = requireText(dir, 'accepted-checkpoint')
    const offered = requireText(dir, 'offered-checkpoint')
    // Only where to read: the sizes are believed once the signatures verify, and the tiles once they give the root.
    const larger: ForkSide = noteTreeSize(accepted) > noteTreeSize(offered) ? 'accepted' : 'offered'
    const finding = await verifyForkEvidence({
      ed: nodeEd25519,
      verifierKey,
      accepted,
      offered,
      ...(proofText !== undefined ? { proofText: fromUtf8(proofText) } : {}),
      tiles: keptTiles(join(dir, FORK_TILES_DIR[larger])),
    })
    const { proof } = finding
    const side = (name: ForkSide) => `${name.padEnd(9)} size ${finding[name].size}, root ${toHex(finding[name].rootHash)}`
    const how =
      finding.accepted.size === finding.offered.size
        ? '  two checkpoints of one size with different roots'
        : `  the ${proof.larger} tree at size ${proof.size}: root ${toHex(proof.root)}, from ${proof.tiles.length} tiles in ${FORK_TILES_DIR[proof.larger]}/ (consistency proof of ${proof.proof.length} hashes to its checkpoint)`
    return { proven: true, lines: [`FORK PROVEN: the log ${printable(finding.origin)} signed two histories`, `  ${side('accepted')}`, `  ${side('offered')}`, how] }
  } catch (error) {
    if (!isTracechainError(error)) throw error
    return { proven: false, lines: [`NOT PROVEN: ${error.code}: ${printable(error.message, MAX_REASON_CHARACTERS)}`] }
  }
}

function requireText(dir: string, name: string): string {
  const bytes = readBounded(join(dir, name), MAX_NOTE_BYTES)
  if (bytes === undefined) fail('NOT_FOUND', `the evidence holds no ${name}`)
  return fromUtf8(bytes)
}

/** The tiles kept under `dir`, by their paths. */
function keptTiles(dir: string): FetchResource {
  // Only hash tile paths the verifier builds itself are asked for: none reaches outside the directory.
  return async (path) => (parseTilePath(path).kind === 'tile' ? readBounded(join(dir, path), maxResourceBytes(path)) : undefined)
}

/** A regular file's bytes, undefined when there is none; BODY_TOO_LARGE, unread past `max`, when it is longer. */
function readBounded(file: string, max: number): Uint8Array | undefined {
  if (!existsSync(file) || !statSync(file).isFile()) return undefined
  const fd = openSync(file, 'r')
  try {
    const buffer = new Uint8Array(max + 1)
    let length = 0
    for (let read = 1; read > 0 && length <= max; length += read) read = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > max) fail('BODY_TOO_LARGE', `${file} holds more than the ${max} bytes it can`, { path: file, max })
    return buffer.slice(0, length)
  } finally {
    closeSync(fd)
  }
}
