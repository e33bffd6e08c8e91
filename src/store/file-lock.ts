// Locks the kernel holds: flock(2) on an open file or directory, exclusive, taken without waiting. The kernel
// drops one when the last descriptor of its open file closes, so when its process dies however it dies (kill -9,
// a power cut): a lock left behind is never stale and never needs taking over, the step where two processes
// starting at once could both win. Node has no flock; koffi calls libc's, as malloc-trim.ts does malloc_trim.
// flock, not fcntl's F_SETLK: a record lock is dropped when the process closes any descriptor of the file
// (reading the lock file to name its owner would drop it), and two opens in one process never conflict.

import { closeSync, constants, fstatSync, openSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'

const LOCK_EX = 2
const LOCK_NB = 4

type Flock = { flock(fd: number, operation: number): number; errno(): number; wouldBlock: Set<number> }

let flockOnce: Flock | string | undefined

/** libc's flock through koffi, loaded once; where koffi or a libc with flock is missing (Windows), why not. */
function loadFlock(): Flock | string {
  if (flockOnce !== undefined) return flockOnce
  try {
    // Synchronously, unlike malloc-trim.ts: the directories are opened in synchronous code.
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi')
    // The process's own symbols first (libc whatever its file is called: glibc, musl, macOS), then glibc's file.
    let flock: ((fd: number, operation: number) => number) | undefined
    let failure: unknown
    for (const library of [null, 'libc.so.6']) {
      try {
        flock = koffi.load(library).func('int flock(int fd, int operation)') as unknown as (fd: number, operation: number) => number
        break
      } catch (error) {
        failure = error
      }
    }
    if (flock === undefined) throw failure
    const codes = koffi.os.errno
    const wouldBlock = new Set([codes.EWOULDBLOCK, codes.EAGAIN].filter((code): code is number => code !== undefined))
    flockOnce = { flock, errno: () => koffi.errno(), wouldBlock }
  } catch (error) {
    flockOnce = `flock could not be loaded: ${(error as Error).message}`
  }
  return flockOnce
}

/**
 * Takes flock's exclusive lock on the open file or directory `fd` without waiting: 'locked', or 'held' when
 * another open file holds it (another process, or another open of it in this one). 'unsupported' where flock
 * cannot be called, or the filesystem refuses it: the caller says what it does without.
 */
export function tryLockExclusively(fd: number): 'locked' | 'held' | 'unsupported' {
  const loaded = loadFlock()
  if (typeof loaded === 'string') return 'unsupported'
  if (loaded.flock(fd, LOCK_EX | LOCK_NB) === 0) return 'locked'
  return loaded.wouldBlock.has(loaded.errno()) ? 'held' : 'unsupported'
}

export interface LockedFile {
  /** the open lock file, for its holder to write in (who holds it, for those refused) */
  fd: number
  /** removes the file, then drops the lock; idempotent */
  release(): void
}

/**
 * Opens `path`, creating it (mode 0600), and takes its lock. Returns the open file, 'held' when another holds
 * it, 'unsupported' as tryLockExclusively. The file is removed on release, so a lock file is there while held or
 * when its holder died; an open that met a file its holder was removing finds another file at `path` once it
 * has the lock, and tries again on that one: whoever holds the file at `path` holds the lock.
 */
export function lockFile(path: string): LockedFile | 'held' | 'unsupported' {
  for (;;) {
    // No truncation at open: the holder's words stay for those it refuses.
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600)
    const taken = tryLockExclusively(fd)
    if (taken !== 'locked') {
      closeSync(fd)
      return taken
    }
    if (isStillAt(fd, path)) {
      let released = false
      return {
        fd,
        release: () => {
          if (released) return
          released = true
          // Removed while still held: one who opens it now finds it removed once the lock is its own. Only if it
          // is still this one: a file someone removed by hand may have been followed by another holder's.
          if (isStillAt(fd, path)) rmSync(path, { force: true })
          closeSync(fd)
        },
      }
    }
    closeSync(fd)
  }
}

/** Whether the file open as `fd` is still the one at `path`: not removed, nor replaced, since it was opened. */
function isStillAt(fd: number, path: string): boolean {
  const open = fstatSync(fd)
  try {
    const named = statSync(path)
    return named.ino === open.ino && named.dev === open.dev
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/**
 * Takes the lock of the directory `dir` itself (which must exist), so that taking it writes nothing in it. Returns
 * its release (idempotent), 'held' or 'unsupported' as tryLockExclusively.
 */
export function lockDirectory(dir: string): (() => void) | 'held' | 'unsupported' {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY)
  const taken = tryLockExclusively(fd)
  if (taken !== 'locked') {
    closeSync(fd)
    return taken
  }
  let released = false
  return () => {
    if (released) return
    released = true
    closeSync(fd)
  }
}
