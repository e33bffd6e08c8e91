// LevelDB's obsolete files freed off its lock. LevelDB 1.20 (classic-level 3.0) deletes the log and the
// tables a flush or a compaction made obsolete while it holds the database mutex, and every read the
// node makes takes that mutex on the event loop (classic-level opens a snapshot or an iterator there).
// Unlinking the 64 MiB log frees its blocks inside the unlink: 17-27 ms each under `strace -T` during
// bench/soak.mjs, once every flush, and far longer while the filesystem's journal is busy (ext4 with
// online discard). The event loop waited that long whenever a read met it.
//
// So every file LevelDB may delete gets a second name in a subdirectory, and LevelDB's unlink only
// removes a name. A sweep on the thread pool then removes the second names of files LevelDB has deleted,
// which frees their blocks with no lock of LevelDB held. RocksDB's DeleteScheduler moves obsolete files
// to a trash directory for the same reason; LevelDB has no such hook, so the names are made ahead.

import { link, mkdir, readdir, rmdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'

/** The subdirectory of LevelDB's directory that holds the second names. LevelDB ignores names it did not make. */
export const DEFERRED_DIR = 'deferred-unlink'
/** How often new files are named and deleted ones freed: a log lives for seconds, a table far longer. */
export const SWEEP_INTERVAL_MS = 500

/** LevelDB's files that a flush or a compaction deletes: write-ahead logs and tables (.sst before 1.14). */
const DELETABLE = /^\d+\.(log|ldb|sst)$/

export class DeferredUnlink {
  private readonly dir: string
  private timer: NodeJS.Timeout | undefined
  private sweeping: Promise<void> | undefined
  /** false once the filesystem refused a hard link: LevelDB's own unlinks then free the blocks, as before */
  private linking = true
  private stopped = false

  private constructor(private readonly location: string) {
    this.dir = join(location, DEFERRED_DIR)
  }

  /**
   * Starts sweeping `location` (LevelDB's directory). The first sweep runs now: after a crash, it frees
   * what LevelDB deleted while the last run's names held it.
   */
  static async start(location: string): Promise<DeferredUnlink> {
    const deferred = new DeferredUnlink(location)
    try {
      await mkdir(deferred.dir, { recursive: true })
    } catch {
      // A directory this process may not write to (a read-only copy being verified): LevelDB frees its
      // own files there, if it deletes any.
      deferred.stopped = true
      return deferred
    }
    await deferred.sweep()
    deferred.timer = setInterval(() => deferred.tick(), SWEEP_INTERVAL_MS)
    deferred.timer.unref()
    return deferred
  }

  /** A pass after any that is running: it sees what LevelDB deleted up to now. Never rejects. */
  sweep(): Promise<void> {
    const pass: Promise<void> = (this.sweeping ?? Promise.resolve())
      .then(() => this.pass())
      .catch(() => undefined)
      .finally(() => {
        if (this.sweeping === pass) this.sweeping = undefined
      })
    this.sweeping = pass
    return pass
  }

  /** The timer's pass, skipped while one runs: a slow filesystem does not pile passes up. */
  private tick(): void {
    if (this.sweeping === undefined) void this.sweep()
  }

  /** Stops sweeping and removes every second name and their directory: at rest, LevelDB's directory
   *  holds what it held before this existed. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.timer)
    this.timer = undefined
    await this.sweeping
    for (const name of await readdir(this.dir).catch(() => [] as string[])) await unlink(join(this.dir, name)).catch(() => undefined)
    await rmdir(this.dir).catch(() => undefined)
  }

  private async pass(): Promise<void> {
    if (this.stopped) return
    // The subdirectory made again if someone removed it: its names are then gone, and LevelDB's next
    // deletions of those files free their blocks under its lock, as before this existed.
    const named = await readdir(this.dir).catch(async () => {
      await mkdir(this.dir, { recursive: true })
      return [] as string[]
    })
    const present = await readdir(this.location)
    const live = new Set(present.filter((name) => DELETABLE.test(name)))
    const held = new Set(named)
    // LevelDB never reuses a file number, so a name gone from its directory is a file it deleted.
    for (const name of named) if (!live.has(name)) await unlink(join(this.dir, name)).catch(() => undefined)
    if (!this.linking) return
    for (const name of live) {
      if (held.has(name)) continue
      try {
        await link(join(this.location, name), join(this.dir, name))
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        // Deleted since the listing, or named by an earlier pass that raced this one: nothing to do.
        if (code === 'ENOENT' || code === 'EEXIST') continue
        // No hard links here (EPERM, EXDEV, ENOTSUP) or no room for a name (ENOSPC): stop naming; a
        // full disk frees nothing by deferring.
        if (code !== 'ENOSPC') this.linking = false
        return
      }
    }
  }
}
