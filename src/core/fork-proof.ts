// A fork proof: what a mirror keeps beside two signed checkpoints of one log that disagree, so that anyone with
// the log key can check offline that the log signed two histories. Two checkpoints of one size with different
// roots say so alone; of different sizes they do not (the larger may extend the smaller), so the proof carries
// the larger tree's hash tiles and, built from them, its root at the smaller size and the RFC 9162 consistency
// proof from there to its own root (tiled-log.ts consistencyFrom): a root the smaller checkpoint does not sign.
// The text is C2SP-style (docs/mirror.md, "Fork proof"): the header, `larger <side>`, `size <N>`, `root <base64>`,
// the consistency proof one base64 hash a line, an empty line, then the tile paths read, one a line.

import { bytesEqual, fromBase64, toBase64, toHex, utf8 } from './bytes.js'
import { verifyCheckpoint, type Checkpoint } from './checkpoint.js'
import type { Ed25519 } from './ed25519.js'
import { fail } from './errors.js'
import { HASH_SIZE } from './hash.js'
import { parseTilePath } from './tile-paths.js'
import { TiledLog, type FetchResource } from './tiled-log.js'
import { MAX_TLOG_PROOF_HASHES } from './tlog-proof.js'

export const FORK_PROOF_HEADER = 'tracechain.dev/fork-proof@v1'
/** The fork proof's file in a mirror's evidence directory, beside accepted-checkpoint and offered-checkpoint. */
export const FORK_PROOF_FILE = 'fork-proof'

/** Which of the evidence's two checkpoints: the one the mirror had kept, or the one it was then offered. */
export type ForkSide = 'accepted' | 'offered'

/**
 * Where the larger tree's tiles lie in the evidence directory: the source's tiles exactly as served, or the
 * mirror's own, from the tree it had verified, when the offered checkpoint is the smaller.
 */
export const FORK_TILES_DIR: Record<ForkSide, string> = { offered: 'resources', accepted: 'own-tiles' }

/** A consistency proof of a tree up to 2^63 leaves, and the tiles one reads: a few per level of 64. */
const MAX_FORK_PROOF_TILES = 256

export interface ForkProof {
  /** whose tree the hashes are of: the larger checkpoint's ('offered' when both are of one size) */
  larger: ForkSide
  /** the smaller checkpoint's size */
  size: number
  /** the larger tree's root at `size`, which the smaller checkpoint does not sign */
  root: Uint8Array
  /** RFC 9162 consistency proof from (size, root) to the larger checkpoint */
  proof: Uint8Array[]
  /** the tile paths read to build it, under FORK_TILES_DIR[larger] */
  tiles: string[]
}

/** What a fork proof established. */
export interface ForkFinding {
  origin: string
  accepted: Checkpoint
  offered: Checkpoint
  proof: ForkProof
}

/** The proof's text. Requires a safe integer size >= 1 and 32-byte hashes (RangeError otherwise). */
export function formatForkProof(p: ForkProof): string {
  if (!Number.isSafeInteger(p.size) || p.size < 1) throw new RangeError(`"size" must be a safe integer >= 1, got ${p.size}`)
  for (const hash of [p.root, ...p.proof]) if (hash.length !== HASH_SIZE) throw new RangeError(`hashes must be ${HASH_SIZE} bytes, got ${hash.length}`)
  const lines = [FORK_PROOF_HEADER, `larger ${p.larger}`, `size ${p.size}`, `root ${toBase64(p.root)}`, ...p.proof.map(toBase64), '', ...p.tiles]
  return lines.map((line) => `${line}\n`).join('')
}

/**
 * Parses a proof's text (attacker-controlled). Throws PROOF_INVALID (details.check: header, larger, size, hash,
 * tiles) unless it is exactly the form formatForkProof writes: at most MAX_TLOG_PROOF_HASHES proof hashes and
 * MAX_FORK_PROOF_TILES hash tile paths.
 */
export function parseForkProof(text: string): ForkProof {
  const malformed = (check: string, message: string): never => fail('PROOF_INVALID', `fork proof: ${message}`, { check })
  if (typeof text !== 'string' || !text.endsWith('\n')) return malformed('header', 'not text ending in a newline')
  const lines = text.slice(0, -1).split('\n')
  if (lines[0] !== FORK_PROOF_HEADER) malformed('header', `the first line is not ${FORK_PROOF_HEADER}`)
  const larger = /^larger (accepted|offered)$/.exec(lines[1] ?? '')?.[1] as ForkSide | undefined
  if (larger === undefined) return malformed('larger', 'the second line is not "larger accepted" or "larger offered"')
  const sizeText = /^size ([1-9][0-9]{0,15})$/.exec(lines[2] ?? '')?.[1]
  if (sizeText === undefined || !Number.isSafeInteger(Number(sizeText))) return malformed('size', 'the size line is not "size N", N from 1 to 2^53 - 1')
  const hash = (line: string | undefined, what: string): Uint8Array => {
    let bytes: Uint8Array | undefined
    try {
      bytes = line === undefined ? undefined : fromBase64(line, what)
    } catch {
      bytes = undefined
    }
    return bytes?.length === HASH_SIZE ? bytes : malformed('hash', `${what} is not a base64 ${HASH_SIZE}-byte hash`)
  }
  const root = hash(/^root (.*)$/.exec(lines[3] ?? '')?.[1], 'the root')
  const end = lines.indexOf('', 4)
  if (end === -1) return malformed('tiles', 'no empty line before the tile paths')
  if (end - 4 > MAX_TLOG_PROOF_HASHES) malformed('hash', `more than ${MAX_TLOG_PROOF_HASHES} proof hashes`)
  const proof = lines.slice(4, end).map((line, i) => hash(line, `proof hash ${i}`))
  const tiles = lines.slice(end + 1)
  if (tiles.length > MAX_FORK_PROOF_TILES) malformed('tiles', `more than ${MAX_FORK_PROOF_TILES} tile paths`)
  for (const path of tiles) {
    let isHashTile = false
    try {
      isHashTile = parseTilePath(path).kind === 'tile'
    } catch {
      isHashTile = false
    }
    if (!isHashTile) malformed('tiles', `"${path.slice(0, 80)}" is not the path of a hash tile`)
  }
  return { larger, size: Number(sizeText), root, proof, tiles }
}

export interface ForkMaterial {
  ed: Ed25519
  /** the log's verifier key, from a channel the checker trusts */
  verifierKey: string
  /** the two signed notes, as kept: attacker-controlled */
  accepted: string
  offered: string
  /** the larger tree's tiles (attacker-controlled): the copy that served them, or where they were kept */
  tiles: FetchResource
}

/**
 * Builds the fork proof of two checkpoints, reading the larger tree's tiles through `tiles`, and returns it with
 * the bytes of every tile read, exactly as `tiles` gave them, for the evidence. Throws NOTE_* (a checkpoint not
 * signed by the key), TILE_INVALID (tiles that do not authenticate against the larger checkpoint's root),
 * PROOF_INVALID (details.check 'consistent' when the larger tree extends the smaller: no fork).
 */
export async function buildForkProof(material: ForkMaterial): Promise<{ finding: ForkFinding; tiles: Map<string, Uint8Array> }> {
  return forkOf(material)
}

/**
 * Checks a fork proof offline: (a) both checkpoints are signed by the key; (b) the larger tree's tiles
 * authenticate against its checkpoint's root, and give at the smaller size the root and the consistency proof
 * `proofText` states; (c) that root is not the one the smaller checkpoint signs. Two checkpoints of one size
 * need no proof: their roots differ or not. Returns the finding; throws when the fork is not proven: NOTE_*,
 * TILE_INVALID, PROOF_INVALID (details.check: 'missing' without a proof where one is needed, 'stated' when the
 * tiles give another root or proof than stated, 'consistent' when the larger tree extends the smaller).
 */
export async function verifyForkEvidence(material: ForkMaterial & { proofText?: string }): Promise<ForkFinding> {
  // Two checkpoints of one size prove a fork or not by themselves, whatever else the evidence holds.
  const oneSize = verifyCheckpoint(material.ed, material.accepted, material.verifierKey).size === verifyCheckpoint(material.ed, material.offered, material.verifierKey).size
  const stated = material.proofText === undefined || oneSize ? undefined : parseForkProof(material.proofText)
  const { finding } = await forkOf(material, stated)
  if (finding.accepted.size === finding.offered.size) return finding
  if (stated === undefined) {
    fail('PROOF_INVALID', 'no fork proof: two checkpoints of different sizes do not show a fork alone (the larger may extend the smaller)', { check: 'missing' })
  }
  const built = finding.proof
  const same = stated.larger === built.larger && stated.size === built.size && bytesEqual(stated.root, built.root) && stated.proof.length === built.proof.length
  if (!same || !stated.proof.every((hash, i) => bytesEqual(hash, built.proof[i]))) {
    fail('PROOF_INVALID', `the kept tiles give root ${toHex(built.root)} at size ${built.size} and a consistency proof other than the fork proof states`, { check: 'stated' })
  }
  return finding
}

/**
 * Both checkpoints verified, and the larger tree's root at the smaller size from its tiles, unless it is no fork;
 * with the tiles read for it, by path, as `tiles` gave them.
 */
async function forkOf(material: ForkMaterial, stated?: ForkProof): Promise<{ finding: ForkFinding; tiles: Map<string, Uint8Array> }> {
  const read = new Map<string, Uint8Array>()
  const accepted = verifyCheckpoint(material.ed, material.accepted, material.verifierKey)
  const offered = verifyCheckpoint(material.ed, material.offered, material.verifierKey)
  const larger: ForkSide = accepted.size > offered.size ? 'accepted' : 'offered'
  const [big, small] = larger === 'accepted' ? [accepted, offered] : [offered, accepted]
  const found = (proof: ForkProof) => ({ finding: { origin: accepted.origin, accepted, offered, proof: { ...proof, tiles: [...read.keys()] } }, tiles: read })
  if (small.size === 0) fail('PROOF_INVALID', 'a checkpoint of the empty tree is consistent with every tree', { check: 'consistent' })
  if (big.size === small.size) {
    if (bytesEqual(big.rootHash, small.rootHash)) fail('PROOF_INVALID', `both checkpoints sign root ${toHex(big.rootHash)} at size ${big.size}: no fork`, { check: 'consistent' })
    return found({ larger, size: small.size, root: big.rootHash, proof: [], tiles: [] })
  }
  // The proof says which tree its hashes are of; tiles of the other are never read as the larger's.
  if (stated !== undefined && stated.larger !== larger) {
    fail('PROOF_INVALID', `the fork proof is of the ${stated.larger} tree, but the ${larger} checkpoint is the larger`, { check: 'stated' })
  }
  const note = utf8(larger === 'accepted' ? material.accepted : material.offered)
  const fetch: FetchResource = async (path) => {
    if (path === 'checkpoint') return note
    const bytes = await material.tiles(path)
    if (bytes !== undefined) read.set(path, bytes)
    return bytes
  }
  const log = await TiledLog.open({ ed: material.ed, verifierKey: material.verifierKey, fetch })
  const { root, proof } = await log.consistencyFrom(small.size)
  if (bytesEqual(root, small.rootHash)) {
    fail('PROOF_INVALID', `the ${larger} tree of size ${big.size} extends the ${larger === 'accepted' ? 'offered' : 'accepted'} checkpoint of size ${small.size}: no fork`, { check: 'consistent' })
  }
  return found({ larger, size: small.size, root, proof, tiles: [] })
}
