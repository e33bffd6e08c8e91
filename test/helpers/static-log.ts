// A tiled log (C2SP tlog-tiles) built in memory from made-up entries, without a ledger: every resource a
// copy of the log serves at one size, by path, and a fetch over them for core/tiled-log.ts.

import { readFileSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { signCheckpoint, type NoteSigner } from '../../src/core/checkpoint.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { formatEntryBundle } from '../../src/core/entry-bundle.js'
import { signerFromSeed } from '../../src/core/keys.js'
import { leafHash } from '../../src/core/merkle.js'
import { formatVerifierKey } from '../../src/core/signed-note.js'
import { TILE_WIDTH, entryBundlePath, tilePath } from '../../src/core/tile-paths.js'
import { appendLeaves } from '../../src/core/tiles.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { STAGING_DIRECTORY } from '../../src/publish/static-files.js'

export const ORIGIN = 'tracechain.test/static'
const signer = signerFromSeed(nodeEd25519, new Uint8Array(32).fill(7))
export const NOTE_SIGNER: NoteSigner = { name: ORIGIN, publicKey: signer.publicKey, sign: (m) => signer.sign(m) }
export const VERIFIER_KEY = formatVerifierKey(ORIGIN, signer.publicKey)

export function madeUpEntry(seq: number): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ seq, text: 'x'.repeat(seq % 50) }))
}

export interface StaticLog {
  size: number
  root: Uint8Array
  entries: Uint8Array[]
  leaves: Uint8Array[]
  /** path -> bytes: checkpoint, every tile (full and the rightmost partial ones), every entry bundle */
  resources: Map<string, Uint8Array>
}

/** The log of entries 0..size-1 (madeUpEntry unless given) as a copy at that size serves it, signed by `signer`. */
export function buildStaticLog(
  size: number,
  entries: Uint8Array[] = Array.from({ length: size }, (_, i) => madeUpEntry(i)),
  signer: NoteSigner = NOTE_SIGNER,
): StaticLog {
  const leaves = entries.map(leafHash)
  const { root, tiles } = appendLeaves(0, [], leaves)
  const resources = new Map<string, Uint8Array>()
  for (const tile of tiles) resources.set(tilePath(tile.level, tile.index, tile.width), tile.bytes.slice())
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    const bundle = entries.slice(index * TILE_WIDTH, (index + 1) * TILE_WIDTH)
    resources.set(entryBundlePath(index, bundle.length), formatEntryBundle(bundle))
  }
  resources.set('checkpoint', new TextEncoder().encode(signCheckpoint({ origin: signer.name, size, rootHash: root, extensions: [] }, signer)))
  return { size, root, entries, leaves, resources }
}

/** A fetch over a map of resources; `fetched` collects the paths asked for. */
export function fetchFrom(resources: Map<string, Uint8Array>, fetched: string[] = []): FetchResource {
  return async (path) => {
    fetched.push(path)
    return resources.get(path)?.slice()
  }
}

/** A copy of the resources with one byte of `path` flipped (byte `at` modulo its length). */
export function withFlippedByte(resources: Map<string, Uint8Array>, path: string, at = 0): Map<string, Uint8Array> {
  const copy = new Map(resources)
  const bytes = resources.get(path)
  if (bytes === undefined) throw new Error(`no resource ${path}`)
  const flipped = bytes.slice()
  flipped[at % flipped.length] ^= 0x01
  copy.set(path, flipped)
  return copy
}

/** Every file of a published tree under dir (but the staging directory), relative path -> bytes. */
export function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) {
        if (relative(dir, path) !== STAGING_DIRECTORY) walk(path)
      } else out.set(relative(dir, path), readFileSync(path))
    }
  }
  walk(dir)
  return out
}

/** A fetch over a published tree in `dir` (a missing file is undefined), as a copy served from it reads. */
export function fetchDirectory(dir: string): FetchResource {
  return async (path) => {
    try {
      return await readFile(join(dir, path))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }
}
