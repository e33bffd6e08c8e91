// One publication: the tree a signed checkpoint names, written into DIR as C2SP tlog-tiles (checkpoint,
// tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]) on top of the tree DIR held: the tiles and bundles that
// became full, then the partial ones at the new size, the directories synced, and the checkpoint last, so a
// reader of DIR never finds a checkpoint whose tiles are not there.

import { utf8 } from '../core/bytes.js'
import { parseCheckpoint, type Checkpoint } from '../core/checkpoint.js'
import { parseSignedNote } from '../core/signed-note.js'
import { newTileResources, tileResourcePath, type TileResource } from '../core/tile-paths.js'
import type { StaticFiles } from './static-files.js'

/** What a publication reads: a Ledger is one. Reads are of the current tree, which may be past the checkpoint. */
export interface TreeSource {
  /** the latest signed checkpoint note */
  readonly checkpoint: string
  readonly size: number
  tile(level: number, index: number, width: number): Uint8Array
  entryBundle(index: number, width: number): Promise<Uint8Array>
  rootAt(size: number): Promise<Uint8Array>
}

export interface Publication {
  /** the size of the published checkpoint */
  size: number
  /** tiles and bundles written, not counting the checkpoint */
  files: number
  bytes: number
  milliseconds: number
  /** the tiles and bundles written */
  resources: TileResource[]
}

/** The checkpoint a signed note holds (not verified: the caller's own). Throws NOTE_MALFORMED. */
export function checkpointOf(note: string): Checkpoint {
  return parseCheckpoint(parseSignedNote(note).text)
}

/** Files written at once: one keeps a single thread-pool thread busy, leaving the rest to the node's commits. */
export const DEFAULT_WRITE_CONCURRENCY = 1

/**
 * Writes the tree of `note` (a checkpoint the source signed, at most its size) into `files`, which holds the
 * tree of size `from` already. Resolves once the checkpoint is in place and durable.
 */
export async function publishTree(source: TreeSource, files: StaticFiles, note: string, from: number, concurrency = DEFAULT_WRITE_CONCURRENCY): Promise<Publication> {
  const started = performance.now()
  const { size } = checkpointOf(note)
  const resources = newTileResources(from, size)
  let bytes = 0
  for (let next = 0; next < resources.length; next += concurrency) {
    await Promise.all(
      resources.slice(next, next + concurrency).map(async (resource) => {
        const content =
          resource.kind === 'tile' ? source.tile(resource.level, resource.index, resource.width) : await source.entryBundle(resource.index, resource.width)
        bytes += content.length
        await files.write(tileResourcePath(resource), content)
      }),
    )
  }
  await files.syncDirectories()
  await files.write('checkpoint', utf8(note))
  await files.syncDirectories()
  return { size, files: resources.length, bytes, milliseconds: performance.now() - started, resources }
}
