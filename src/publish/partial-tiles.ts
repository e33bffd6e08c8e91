// Partial tiles and bundles a published tree no longer needs. Each commit publishes a new partial level-0 tile
// and bundle (a bundle of up to 255 entries), so keeping them all would grow DIR by up to 128 times the log
// at one entry a commit. A partial one is removed once a wider one of the same tile, or the full tile, has
// been in DIR for the grace period, and no checkpoint in DIR has named it for as long: a reader holding an
// older checkpoint (cached for up to a few seconds) still finds the tiles it names, and after that falls back
// to the full tile, as the spec allows. Both clocks count: a publication cut short (a full disk, a kill)
// leaves a wider partial tile that no checkpoint named, and when it is older than the grace the one DIR's
// checkpoint named until the next publication must not go with that publication.

import { TILE_WIDTH, tileResourcePath, type TileResource } from '../core/tile-paths.js'
import type { StaticFiles } from './static-files.js'

/** How long a superseded partial tile stays: well past the few seconds a CDN may keep the checkpoint naming it. */
export const DEFAULT_PARTIAL_GRACE_MS = 60_000

const PARTIAL_DIRECTORY = /^(?:x[0-9]{3}|[0-9]{3}\.p)$/

export class PartialTiles {
  private readonly files: StaticFiles
  private readonly graceMs: number
  /** "tile/0/123.p" and the like: directories that may hold partial tiles to remove */
  private readonly directories = new Set<string>()
  /** the partial tiles and bundles the checkpoint in DIR names */
  private named: ReadonlySet<string>
  /** when each partial tile DIR's checkpoint named stopped being named, until it is removed */
  private readonly unnamedAt = new Map<string, number>()

  /** `named`: the partial tiles and bundles the checkpoint DIR holds names (none when it holds none). */
  constructor(files: StaticFiles, graceMs = DEFAULT_PARTIAL_GRACE_MS, named: ReadonlySet<string> = new Set()) {
    this.files = files
    this.graceMs = graceMs
    this.named = named
  }

  /** Finds the partial-tile directories DIR holds already (an earlier run may have left some to remove). */
  async scan(): Promise<void> {
    for (const level of await this.files.list('tile')) await this.scanDirectory(`tile/${level}`)
  }

  private async scanDirectory(path: string): Promise<void> {
    for (const name of await this.files.list(path)) {
      if (!PARTIAL_DIRECTORY.test(name)) continue
      if (name.endsWith('.p')) this.directories.add(`${path}/${name}`)
      else await this.scanDirectory(`${path}/${name}`)
    }
  }

  /** Notes a partial tile or bundle just written. */
  track(resource: TileResource): void {
    if (resource.width === TILE_WIDTH) return
    this.directories.add(`${tileResourcePath({ ...resource, width: TILE_WIDTH })}.p`)
  }

  /**
   * Removes every partial tile superseded, and not named by DIR's checkpoint, for the grace period, never one
   * in `current` (the paths the checkpoint just published names), and the directories left empty. Returns how
   * many files it removed.
   */
  async sweep(current: ReadonlySet<string>, now: number): Promise<number> {
    for (const path of this.named) if (!current.has(path)) this.unnamedAt.set(path, now)
    this.named = current
    let removed = 0
    for (const directory of [...this.directories]) {
      const widths = (await this.files.list(directory))
        .filter((name) => /^[1-9][0-9]{0,2}$/.test(name))
        .map(Number)
        .sort((a, b) => a - b)
      let left = widths.length
      for (let i = 0; i < widths.length; i++) {
        const path = `${directory}/${widths[i]}`
        if (current.has(path)) continue
        const successor = i + 1 < widths.length ? `${directory}/${widths[i + 1]}` : directory.slice(0, -'.p'.length)
        const supersededAt = await this.files.modifiedAt(successor)
        const unnamedAt = this.unnamedAt.get(path) ?? -Infinity
        // Wider ones were written, and named, later: once one is too recent, so are the rest.
        if (supersededAt === undefined || supersededAt > now - this.graceMs || unnamedAt > now - this.graceMs) break
        await this.files.remove(path)
        this.unnamedAt.delete(path)
        removed++
        left--
      }
      if (left === 0) {
        await this.files.removeEmptyDirectory(directory)
        this.directories.delete(directory)
      }
    }
    return removed
  }
}
