// How many bytes a copy of a log can hold at each of its paths. A reader of a copy it does not trust (a mirror,
// the browser verifier, an auditor) reads no more than this, so a copy that sends without end, or a
// compression bomb, is cut off rather than read into memory. Pure.

import { MAX_BUNDLE_ENTRY_BYTES } from './entry-bundle.js'
import { fail } from './errors.js'
import { HASH_SIZE } from './hash.js'
import { MAX_NOTE_BYTES } from './signed-note.js'
import { TILE_WIDTH } from './tile-paths.js'

/**
 * The most bytes a copy of a log can hold at `path`: a checkpoint (a signed note), a hash tile of its width, an
 * entry bundle of its width with every entry at its longest. The path is the reader's own (tile-paths.ts made
 * it), so its width is read from it rather than the whole path parsed again, which would cost the page's script
 * the parser. Throws BAD_REQUEST for a path that is none of these.
 */
export function maxResourceBytes(path: string): number {
  if (path === 'checkpoint') return MAX_NOTE_BYTES
  if (!path.startsWith('tile/')) fail('BAD_REQUEST', `not a path of a log's tiles: ${path.slice(0, 80)}`)
  const partial = /\.p\/([1-9][0-9]{0,2})$/.exec(path)
  const width = partial ? Math.min(Number(partial[1]), TILE_WIDTH) : TILE_WIDTH
  return width * (path.startsWith('tile/entries/') ? 2 + MAX_BUNDLE_ENTRY_BYTES : HASH_SIZE)
}
