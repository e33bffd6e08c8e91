// A small real filesystem that fills up: a tmpfs mounted for one test (root only, as the tests run here
// and in CI). Elsewhere the test is skipped with the reason; in CI a failed mount fails the test.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'

export interface Tmpfs {
  path: string
  /** grows (or shrinks) the filesystem in place: space coming back */
  resize(mebibytes: number): void
}

/** Mounts a tmpfs of `mebibytes` in a new directory of the system's temp dir (not the test's own, which
 *  tap removes before later teardowns run), unmounted and removed at teardown. Undefined, with the test
 *  planned as skipped (or failed in CI), when it cannot mount. */
export function mountTmpfs(t: Test, mebibytes: number): Tmpfs | undefined {
  const path = mkdtempSync(join(tmpdir(), 'tracechain-tmpfs-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mebibytes}m`, 'tmpfs', path], { stdio: 'pipe' })
  } catch (error) {
    rmdirSync(path)
    const reason = `cannot mount a tmpfs (needs root): ${(error as Error).message.split('\n')[0]}`
    if (process.env.CI === 'true') t.fail(reason)
    else t.plan(0, `skipped: ${reason}`)
    return undefined
  }
  t.teardown(() => {
    execFileSync('umount', ['-l', path], { stdio: 'pipe' })
    rmdirSync(path)
  })
  return {
    path,
    resize(size) {
      execFileSync('mount', ['-o', `remount,size=${size}m`, path], { stdio: 'pipe' })
    },
  }
}
