// The summaries (core/tiles tileSummary) of the log's full level-0 tiles, by tile index, in one growing buffer:
// 448 bytes a tile, 1.7 MiB per million entries, and one object for the GC however long the log grows.

import { TILE_SUMMARY_BYTES } from '../core/tiles.js'

export class TileSummaries {
  private bytes = new Uint8Array(0)
  private known = new Uint8Array(0)
  private held = 0

  /** How many tiles have a summary. */
  get count(): number {
    return this.held
  }

  /** The summary of tile `index` (a view: do not mutate), or undefined. */
  get(index: number): Uint8Array | undefined {
    if (this.known[index] !== 1) return undefined
    return this.bytes.subarray(index * TILE_SUMMARY_BYTES, (index + 1) * TILE_SUMMARY_BYTES)
  }

  has(index: number): boolean {
    return this.known[index] === 1
  }

  /** Stores a copy. Requires index a non-negative integer and summary TILE_SUMMARY_BYTES long, else RangeError. */
  set(index: number, summary: Uint8Array): void {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`"index" expected a non-negative safe integer, got ${index}`)
    if (summary.length !== TILE_SUMMARY_BYTES) throw new RangeError(`"summary" expected ${TILE_SUMMARY_BYTES} bytes, got ${summary.length}`)
    if (index >= this.known.length) this.grow(index + 1)
    this.bytes.set(summary, index * TILE_SUMMARY_BYTES)
    if (this.known[index] !== 1) this.held++
    this.known[index] = 1
  }

  private grow(atLeast: number): void {
    const tiles = Math.max(atLeast, 2 * this.known.length, 64)
    const bytes = new Uint8Array(tiles * TILE_SUMMARY_BYTES)
    bytes.set(this.bytes)
    const known = new Uint8Array(tiles)
    known.set(this.known)
    this.bytes = bytes
    this.known = known
  }
}
