// The fork proof a mirror keeps beside two checkpoints that disagree (core/fork-proof.ts): built from the tiles
// of the larger tree, the source's as it served them or, when the offered checkpoint is the smaller, the mirror's
// own verified tree's; written with those tiles so that `tracechain verify --evidence` proves the fork offline.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { noteTreeSize } from '../core/checkpoint.js'
import { FORK_PROOF_FILE, FORK_TILES_DIR, buildForkProof, formatForkProof, type ForkMaterial, type ForkProof } from '../core/fork-proof.js'
import { parseTilePath, tileWidthAt } from '../core/tile-paths.js'
import type { FetchResource } from '../core/tiled-log.js'
import type { Ledger } from '../ledger/ledger.js'

export interface ForkEvidence {
  proof: ForkProof
  /** the larger tree's tiles read for it, by path, as the source served them or as the mirror holds them */
  tiles: Map<string, Uint8Array>
}

/**
 * The fork proof of the mirror's accepted checkpoint and the one it was offered, or, when none can be built (the
 * two agree after all, a tile cannot be read), why not, in words. `served` reads the source's tiles as this poll
 * was served them.
 */
export async function buildForkEvidence(material: Omit<ForkMaterial, 'tiles'>, ledger: Ledger, served: FetchResource): Promise<ForkEvidence | string> {
  try {
    const ownIsLarger = noteTreeSize(material.accepted) > noteTreeSize(material.offered)
    const { finding, tiles } = await buildForkProof({ ...material, tiles: ownIsLarger ? ownTiles(ledger) : served })
    return { proof: finding.proof, tiles }
  } catch (error) {
    return `no fork proof kept: ${(error as Error).message}`
  }
}

/** Writes the proof and its tiles into the evidence directory. Throws what the file system throws. */
export function writeForkEvidence(evidence: string, { proof, tiles }: ForkEvidence): void {
  writeFileSync(join(evidence, FORK_PROOF_FILE), formatForkProof(proof))
  for (const [path, bytes] of tiles) {
    const file = join(evidence, FORK_TILES_DIR[proof.larger], path)
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, bytes)
  }
}

/** The mirror's own tree's hash tiles, as its /tlog/ serves them. */
function ownTiles(ledger: Ledger): FetchResource {
  return async (path) => {
    const resource = parseTilePath(path)
    if (resource.kind !== 'tile' || resource.width > tileWidthAt(ledger.size, resource.level, resource.index)) return undefined
    return ledger.tile(resource.level, resource.index, resource.width).slice()
  }
}
