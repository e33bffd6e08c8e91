// Files that must survive a crash whole: key files, node.json, the checkpoint a verifier remembers;
// and the directory sync the entry files need as well. Written beside the target, synced, renamed over it, and the directory synced,
// so a power cut leaves the old file or the new one, never a short one; an auditor whose remembered
// checkpoint came back empty would lose the one thing that catches a rewritten history.

import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Writes `data` to `path` atomically and durably; `mode` is the new file's (0600 for keys). */
export function writeFileDurably(path: string, data: string | Uint8Array, mode = 0o644): void {
  const temporary = writeTemporary(path, data, mode)
  try {
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
  syncDirectory(dirname(path))
}

/**
 * writeFileDurably for a file that is never replaced: linked into place from its temporary, so `path` is either
 * absent or whole, and one that is there (or appears meanwhile) is kept. Returns whether it wrote `path`.
 */
export function writeNewFileDurably(path: string, data: string | Uint8Array, mode = 0o644): boolean {
  if (existsSync(path)) return false
  const temporary = writeTemporary(path, data, mode)
  try {
    linkSync(temporary, path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // A filesystem without hard links (FAT, some network mounts): an exclusive create, which a crash may leave short.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error
    try {
      writeFileSync(path, data, { flag: 'wx', mode })
    } catch (created) {
      if ((created as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw created
    }
  } finally {
    rmSync(temporary, { force: true })
  }
  syncDirectory(dirname(path))
  return true
}

/** `data` in a synced file beside `path`, named as a killed writer's leftovers are looked for (`.<name>.<pid>.tmp`). */
function writeTemporary(path: string, data: string | Uint8Array, mode: number): string {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  // 'w' with an explicit mode: a leftover temporary from a crash is overwritten, and keys are never
  // readable by others, not even before a chmod.
  const fd = openSync(temporary, 'w', mode)
  let open = true
  try {
    let written = 0
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written)
    fsyncSync(fd)
    closeSync(fd)
    open = false
  } catch (error) {
    if (open) closeSync(fd)
    rmSync(temporary, { force: true })
    throw error
  }
  return temporary
}

/**
 * Makes the names in `directory` durable: a rename, or files just created (fsync of a file covers
 * its contents, not its name). Windows cannot open a directory, and journals names itself.
 */
export function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return
  const fd = openSync(directory, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
