// Files that must survive a crash whole: key files, node.json, the checkpoint a verifier remembers;
// and the directory sync the entry files need as well. Written beside the target, synced, renamed over it, and the directory synced,
// so a power cut leaves the old file or the new one, never a short one; an auditor whose remembered
// checkpoint came back empty would lose the one thing that catches a rewritten history.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Writes `data` to `path` atomically and durably; `mode` is the new file's (0600 for keys). */
export function writeFileDurably(path: string, data: string | Uint8Array, mode = 0o644): void {
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
    renameSync(temporary, path)
  } catch (error) {
    if (open) closeSync(fd)
    rmSync(temporary, { force: true })
    throw error
  }
  syncDirectory(dirname(path))
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
