// Keeps a directory holding the log as static C2SP tlog-tiles up to date with a ledger. After a commit it
// publishes the latest checkpoint off the sequencer's path; commits that land while a publication runs are
// folded into the next one, so a fast log publishes as often as the disk allows, always its latest state.
// A failed publication (a full disk) is retried with a growing delay; DIR keeps its last whole tree meanwhile.

import { bytesEqual, fromUtf8, toHex } from '../core/bytes.js'
import { fail } from '../core/errors.js'
import { rightmostTileCoordinates, tilePath, entryBundlePath } from '../core/tile-paths.js'
import { PartialTiles, DEFAULT_PARTIAL_GRACE_MS } from './partial-tiles.js'
import { DEFAULT_WRITE_CONCURRENCY, checkpointOf, publishTree, type Publication, type TreeSource } from './publish-tree.js'
import { StaticFiles } from './static-files.js'

export interface PublisherOptions {
  /** how long a superseded partial tile stays in DIR (default DEFAULT_PARTIAL_GRACE_MS) */
  partialGraceMs?: number
  /** files written at once (default DEFAULT_WRITE_CONCURRENCY: one, beside a live node) */
  concurrency?: number
  /** the least time from the start of one publication after commits to the start of the next (default DEFAULT_MIN_INTERVAL_MS) */
  minIntervalMs?: number
  /** wall clock, ms since the epoch, compared with the files' modification times */
  now?: () => number
  onPublished?(publication: Publication): void
  onError?(error: unknown): void
}

/**
 * Publications after commits start at most this often. Each syncs a few files and directories: at one entry
 * a commit, publishing after every commit cost appends a third of their rate, and starting at most every
 * 100 ms cost nothing measurable (bench/publish.mjs), while a CDN keeps the checkpoint for seconds anyway.
 */
export const DEFAULT_MIN_INTERVAL_MS = 100
const FIRST_RETRY_MS = 1000
const MAX_RETRY_MS = 30_000

/** The paths of the partial tiles and bundles the tree of `size` names: never removed while it is published. */
function partialPaths(size: number): Set<string> {
  const paths = new Set<string>()
  for (const { level, index, width } of rightmostTileCoordinates(size)) {
    if (width === 0) continue
    paths.add(tilePath(level, index, width))
    if (level === 0) paths.add(entryBundlePath(index, width))
  }
  return paths
}

export class Publisher {
  readonly dir: string
  private readonly source: TreeSource
  private readonly files: StaticFiles
  private readonly partials: PartialTiles
  private readonly options: PublisherOptions
  private publishedNote: string | undefined
  private published: number
  private wanted = false
  private running: Promise<void> | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private failures = 0
  private lastStarted = -Infinity
  private closed = false
  private lastError: { at: string; message: string } | undefined

  private constructor(source: TreeSource, files: StaticFiles, partials: PartialTiles, options: PublisherOptions, note: string | undefined, size: number) {
    this.source = source
    this.files = files
    this.dir = files.root
    this.partials = partials
    this.options = options
    this.publishedNote = note
    this.published = size
  }

  /**
   * Opens DIR (creating it) to publish `source` into. A checkpoint already in DIR must be of this log, at
   * most its size, and with the root this log has at that size: publishing then goes on from it. Throws
   * CHECKPOINT_MISMATCH (DIR holds another log, a larger tree, or another history), NOTE_MALFORMED.
   */
  static async open(source: TreeSource, dir: string, options: PublisherOptions = {}): Promise<Publisher> {
    const files = StaticFiles.at(dir)
    const existing = await files.read('checkpoint')
    let note: string | undefined
    let size = 0
    if (existing !== undefined) {
      note = fromUtf8(existing)
      const there = checkpointOf(note)
      const ours = checkpointOf(source.checkpoint)
      if (there.origin !== ours.origin) fail('CHECKPOINT_MISMATCH', `${dir} holds the log ${there.origin}, not ${ours.origin}`, { dir, origin: there.origin })
      if (there.size > source.size) {
        fail('CHECKPOINT_MISMATCH', `${dir} holds a tree of ${there.size} entries; this log has ${source.size}`, { dir, size: there.size })
      }
      const root = await source.rootAt(there.size)
      if (!bytesEqual(root, there.rootHash)) {
        fail('CHECKPOINT_MISMATCH', `${dir} holds another tree of size ${there.size} (root ${toHex(there.rootHash)}, this log's is ${toHex(root)})`, {
          dir,
          size: there.size,
        })
      }
      size = there.size
    }
    // Only once DIR is known to be this log's: its staging area may be another publisher's.
    await files.prepare()
    const partials = new PartialTiles(files, options.partialGraceMs ?? DEFAULT_PARTIAL_GRACE_MS, partialPaths(size))
    await partials.scan()
    return new Publisher(source, files, partials, options, note, size)
  }

  /** The size of the tree DIR holds. */
  get publishedSize(): number {
    return this.published
  }

  /** The last failure, until a publication succeeds. */
  get error(): { at: string; message: string } | undefined {
    return this.lastError
  }

  /**
   * A commit landed: publish it once the publication running (if any) is done, or, after a failure, with the
   * retry (not at once: commits would otherwise bring the next attempt within 100 ms). Returns at once.
   */
  notify(): void {
    if (this.closed) return
    this.wanted = true
    if (this.retryTimer) return
    this.running ??= this.drain()
  }

  /** Waits for the running publication, then publishes the latest checkpoint. Throws what publishing throws. */
  async publish(): Promise<Publication | undefined> {
    while (this.running) await this.running
    return this.publishLatest()
  }

  /** Stops publishing after commits; waits for the running publication and publishes the latest once more. */
  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.retryTimer)
    try {
      await this.publish()
    } catch (error) {
      this.failed(error)
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.wanted && !this.closed) {
        const wait = this.lastStarted + (this.options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS) - performance.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        if (this.closed) return
        this.lastStarted = performance.now()
        this.wanted = false
        try {
          await this.publishLatest()
        } catch (error) {
          this.failed(error)
          this.scheduleRetry()
          return
        }
      }
    } finally {
      this.running = undefined
    }
  }

  private async publishLatest(): Promise<Publication | undefined> {
    const note = this.source.checkpoint
    if (note === this.publishedNote) return undefined
    const publication = await publishTree(this.source, this.files, note, this.published, this.options.concurrency ?? DEFAULT_WRITE_CONCURRENCY)
    this.published = publication.size
    this.publishedNote = note
    this.failures = 0
    this.lastError = undefined
    for (const resource of publication.resources) this.partials.track(resource)
    await this.partials.sweep(partialPaths(publication.size), (this.options.now ?? Date.now)())
    this.options.onPublished?.(publication)
    return publication
  }

  private failed(error: unknown): void {
    this.failures++
    this.lastError = { at: new Date((this.options.now ?? Date.now)()).toISOString(), message: (error as Error).message }
    this.options.onError?.(error)
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1))
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.notify()
    }, delay)
    this.retryTimer.unref()
  }
}
