// `mkdir -p` that always ends. Node 20's own recursive mkdir (sync and async) spins for ever on a path whose
// parent exists but refuses children with ENOENT, as procfs does: `tracechain init --dir /proc/x` hung. Here each
// missing level is made in turn from the nearest one that exists, and the first refusal is thrown as mkdir
// said it (ENOENT, ENOTDIR, EACCES, ENOSPC …).

import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { chmod, mkdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

/**
 * Makes `path` and its missing parents (each with `mode`); returns the first directory it made, undefined when
 * `path` was there. A file at `path` is EEXIST, as mkdir says.
 */
export function makeDirectorySync(path: string, mode?: number): string | undefined {
  const missing: string[] = []
  for (let level = resolve(path); !existsSync(level) && dirname(level) !== level; level = dirname(level)) missing.unshift(level)
  if (missing.length === 0 && !statSync(path).isDirectory()) mkdirSync(path)
  for (const level of missing) {
    try {
      mkdirSync(level, { mode })
    } catch (error) {
      // Made meanwhile by another process: what matters is that it is there.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw error
    }
  }
  return missing[0]
}

/** makeDirectorySync, without blocking. */
export async function makeDirectory(path: string, mode?: number): Promise<string | undefined> {
  const exists = (level: string) => stat(level).then(() => true, () => false)
  const missing: string[] = []
  for (let level = resolve(path); !(await exists(level)) && dirname(level) !== level; level = dirname(level)) missing.unshift(level)
  if (missing.length === 0 && !(await stat(path)).isDirectory()) await mkdir(path)
  for (const level of missing) {
    try {
      await mkdir(level, { mode })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(level)).isDirectory()) throw error
    }
  }
  return missing[0]
}

/** The mode of a directory of a public tree (a published DIR): anyone may list and enter it. */
export const PUBLIC_DIRECTORY_MODE = 0o755

/**
 * makeDirectorySync for a public tree, served by a process of another user: each directory it makes is
 * PUBLIC_DIRECTORY_MODE exactly, whatever the umask took from it. One that was there keeps its mode.
 */
export function makePublicDirectorySync(path: string): string | undefined {
  const created = makeDirectorySync(path, PUBLIC_DIRECTORY_MODE)
  if (created !== undefined) for (let made = resolve(path); made.length >= created.length; made = dirname(made)) chmodSync(made, PUBLIC_DIRECTORY_MODE)
  return created
}

/** makePublicDirectorySync, without blocking. */
export async function makePublicDirectory(path: string): Promise<string | undefined> {
  const created = await makeDirectory(path, PUBLIC_DIRECTORY_MODE)
  if (created !== undefined) for (let made = resolve(path); made.length >= created.length; made = dirname(made)) await chmod(made, PUBLIC_DIRECTORY_MODE)
  return created
}
