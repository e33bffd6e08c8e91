// Whether the data directory's filesystem is mounted with online discard, which stalls the node.
//
// LevelDB 1.20 (the one classic-level builds) deletes obsolete files while it holds its database mutex,
// and every read takes that mutex, the main thread's included. With online discard (ext4 `-o discard`)
// the filesystem's journal trims freed blocks as it commits: under a soak's appends the main thread
// waited 90-120 ms for the mutex in `DBImpl::Get` (perf, off-CPU stacks) and the event loop stalled for
// up to 620 ms every minute or two. The store now frees LevelDB's deleted files itself, off that mutex
// (deferred-unlink.ts), but the trims still hold up the node's own writes (entry-file writes waited
// 250-540 ms in one soak) and LevelDB still creates its logs under the mutex. On the same machine with
// the data directory on a filesystem mounted without discard, the longest turn in ten minutes was 46 ms
// (docs/storage.md). Periodic trimming (`fstrim`, a systemd timer on most distributions) frees the blocks
// without stalling anything.

import { readFileSync, realpathSync } from 'node:fs'
import { resolve } from 'node:path'

export interface MountOfPath {
  /** where the filesystem is mounted */
  mountPoint: string
  fsType: string
  /** the mount's and the filesystem's options, together */
  options: string[]
}

/**
 * The mount that holds `path` in a /proc/self/mountinfo text (proc(5)): the one with the longest mount point
 * that is `path` or a directory above it, the last of those mounted. Undefined when none is.
 */
export function mountOf(mountinfo: string, path: string): MountOfPath | undefined {
  let best: MountOfPath | undefined
  for (const line of mountinfo.split('\n')) {
    const [mountFields, superFields] = line.split(' - ')
    if (superFields === undefined) continue
    const fields = mountFields.split(' ')
    const mountPoint = unescapeMountField(fields[4] ?? '')
    const [fsType, , superOptions = ''] = superFields.split(' ')
    const within = path === mountPoint || path.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`)
    if (!within || (best !== undefined && mountPoint.length < best.mountPoint.length)) continue
    best = { mountPoint, fsType, options: [...(fields[5] ?? '').split(','), ...superOptions.split(',')] }
  }
  return best
}

/** The mount of `dir` if its filesystem discards freed blocks online; undefined otherwise, or where unknown (not Linux). */
export function onlineDiscardMount(dir: string): MountOfPath | undefined {
  let mountinfo: string
  let path: string
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')
    path = realpathSync(resolve(dir))
  } catch {
    return undefined
  }
  const mount = mountOf(mountinfo, path)
  return mount?.options.includes('discard') ? mount : undefined
}

/** A mount point as mountinfo writes it: space, tab, newline and backslash as octal escapes. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
}
