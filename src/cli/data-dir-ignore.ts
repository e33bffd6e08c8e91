// Every data directory the CLI makes (a node's, a witness's, a mirror's) holds a .gitignore of `*`, as Python's
// venv does: the directory may sit inside a git checkout (`--dir node2`), and its private keys and database must
// not be committed by a `git add -A`. The repository's own .gitignore covers ./data only.

import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeNewFileDurably } from '../store/durable-file.js'

export const DATA_DIR_IGNORE_FILE = '.gitignore'

/** `*` ignores the .gitignore too, so git shows nothing of the directory. */
export const DATA_DIR_IGNORE = '# Written by tracechain: this data directory holds private keys and databases, never to be committed.\n*\n'

/** The .gitignore and the temporary a killed write leaves beside it (store/durable-file.ts names it). */
const IGNORE_NAME = /^\.?\.gitignore(\.\d+\.tmp)?$/

/** Whether `name`, in a data directory, is its .gitignore or that file's leftover temporary: what an unfinished init may leave. */
export function isDataDirIgnoreName(name: string): boolean {
  return IGNORE_NAME.test(name)
}

/**
 * Writes `dir`/.gitignore unless one is there: one the operator wrote stays as it is. Removes a temporary that a
 * killed write left. Requires `dir` to exist.
 */
export function writeDataDirIgnore(dir: string): void {
  for (const name of readdirSync(dir)) if (name !== DATA_DIR_IGNORE_FILE && IGNORE_NAME.test(name)) rmSync(join(dir, name), { force: true })
  writeNewFileDurably(join(dir, DATA_DIR_IGNORE_FILE), DATA_DIR_IGNORE)
}

/** Whether `dir` is missing or empty: a directory the CLI may make into a data directory of its own, .gitignore and all. */
export function isMissingOrEmpty(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0
}
