// The store's format version: db/format-version, one decimal line, as PostgreSQL keeps PG_VERSION beside its
// data. A file and not a LevelDB record, because it must be read before LevelDB is opened: opening LevelDB
// rewrites its directory (its log becomes a table, a new manifest, LOG rotated), and a store that this release
// refuses must be left exactly as it was.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TracechainError } from '../core/errors.js'
import { writeNewFileDurably } from './durable-file.js'

/**
 * The format this release writes. A release that writes records an older one would misread raises it, and
 * records it before the first such write; an older release then refuses the store rather than misread it.
 */
export const STORE_FORMAT_VERSION = 1

export const STORE_FORMAT_FILE = 'format-version'

/**
 * Checks the format recorded at `location` (LevelDB's directory) before anything there is opened; returns false
 * when none is (a new store, or one from before the format was kept: both are taken as this release's format).
 * Throws STORE_FORMAT_NEWER for a format this release does not know, STORE_CORRUPT for a record that does not parse.
 */
export function checkStoreFormat(location: string): boolean {
  let text: string
  try {
    text = readFileSync(join(location, STORE_FORMAT_FILE), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
  const found = /^\d{1,15}\n?$/.test(text) ? Number(text.trim()) : 0
  if (found < 1) {
    throw new TracechainError('STORE_CORRUPT', `the store at ${location} has ${STORE_FORMAT_FILE} ${JSON.stringify(text.slice(0, 40))}, not a format version`)
  }
  if (found > STORE_FORMAT_VERSION) {
    throw new TracechainError(
      'STORE_FORMAT_NEWER',
      `the store at ${location} is in format ${found}, written by a newer tracechain; this one reads formats up to ${STORE_FORMAT_VERSION}: run a release that knows format ${found}`,
      { found, supported: STORE_FORMAT_VERSION },
    )
  }
  return true
}

/** Records this release's format at `location`, where none is. */
export function recordStoreFormat(location: string): void {
  writeNewFileDurably(join(location, STORE_FORMAT_FILE), `${STORE_FORMAT_VERSION}\n`)
}
