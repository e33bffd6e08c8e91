// The lock an init takes on a data directory while it writes keys and a store there, so that two inits started at
// once (two `serve`s on a new directory, two `witness init`s) never both write them: the kernel's, on the
// directory itself (store/file-lock.ts), dropped when its process dies.

import { fail } from '../core/errors.js'
import { lockDirectory } from '../store/file-lock.js'

/**
 * Locks `dir`, which must exist; returns the release (idempotent). Where flock cannot be called, no lock: what
 * the caller opens next guards itself (LevelDB's lock), or nothing does. Throws DIRECTORY_IN_USE while another holds it.
 */
export function lockDataDirectory(dir: string): () => void {
  const release = lockDirectory(dir)
  if (release === 'held') fail('DIRECTORY_IN_USE', `${dir} is being initialised, or served, by another process`)
  return release === 'unsupported' ? () => undefined : release
}
