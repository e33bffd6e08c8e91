// C2SP tlog-tiles (https://c2sp.org/tlog-tiles), height 8: the tree's tiles and their paths, and which
// tiles a tree of a given size holds.

import { fail } from './errors.js'
import { HASH_SIZE } from './hash.js'

export const TILE_HEIGHT = 8
export const TILE_WIDTH = 256
/** Bytes of a full tile: TILE_WIDTH hashes. */
export const TILE_BYTES = TILE_WIDTH * HASH_SIZE
export const MAX_TILE_LEVEL = 63

export function checkIndex(index: number, name: string): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`"${name}" expected a non-negative safe integer, got ${index}`)
}

export function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`"width" expected 1..${TILE_WIDTH}, got ${width}`)
}

/** N as zero-padded 3-digit path elements, all but the last prefixed with "x": 1234067 -> x001/x234/067. */
function formatTileIndex(index: number): string {
  let rest = Math.floor(index / 1000)
  let out = String(index % 1000).padStart(3, '0')
  while (rest > 0) {
    out = `x${String(rest % 1000).padStart(3, '0')}/${out}`
    rest = Math.floor(rest / 1000)
  }
  return out
}

function partialSuffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`
}

/** "tile/<L>/<N>[.p/<W>]". Requires level 0..63, index a safe integer >= 0, width 1..256; else RangeError. */
export function tilePath(level: number, index: number, width: number): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new RangeError(`"level" expected 0..${MAX_TILE_LEVEL}, got ${level}`)
  checkIndex(index, 'index')
  checkWidth(width)
  return `tile/${level}/${formatTileIndex(index)}${partialSuffix(width)}`
}

/** "tile/entries/<N>[.p/<W>]". Requires index a safe integer >= 0, width 1..256; else RangeError. */
export function entryBundlePath(index: number, width: number): string {
  checkIndex(index, 'index')
  checkWidth(width)
  return `tile/entries/${formatTileIndex(index)}${partialSuffix(width)}`
}

/** The rightmost tile of every tile level for a tree of `size`: which tiles a ledger holds (width 0: none yet). */
export function rightmostTileCoordinates(size: number): { level: number; index: number; width: number }[] {
  checkIndex(size, 'size')
  const out: { level: number; index: number; width: number }[] = []
  for (let level = 0, below = size; below >= 1; level++, below = Math.floor(below / TILE_WIDTH)) {
    out.push({ level, index: Math.floor(below / TILE_WIDTH), width: below % TILE_WIDTH })
  }
  return out
}

/**
 * How many hashes tile (level, index) holds in the tree of `size`: TILE_WIDTH when it is full, fewer for the
 * rightmost tile of its level, 0 when the tree has none of it. Entry bundle `index` holds as many entries as
 * level-0 tile `index` holds hashes. Requires safe integers >= 0 and level 0..63, else RangeError.
 */
export function tileWidthAt(size: number, level: number, index: number): number {
  checkIndex(size, 'size')
  checkIndex(index, 'index')
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new RangeError(`"level" expected 0..${MAX_TILE_LEVEL}, got ${level}`)
  const hashes = Math.floor(size / TILE_WIDTH ** level)
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH))
}

/** A resource of a tiled log, named by its path under the log's prefix. */
export type TileResource =
  | { kind: 'tile'; level: number; index: number; width: number }
  | { kind: 'entries'; index: number; width: number }

/** Longer paths cannot name a tile whose index is a safe integer. */
const MAX_TILE_PATH_LENGTH = 64
const TILE_PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/

/**
 * Parses "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]" (attacker-controlled) as the spec writes them
 * and nothing else: L 0..63, N in its canonical 3-digit elements (no leading x000, a safe integer), W 1..255
 * with no leading zeros. Throws BAD_REQUEST.
 */
export function parseTilePath(path: string): TileResource {
  const match = typeof path === 'string' && path.length <= MAX_TILE_PATH_LENGTH ? TILE_PATH.exec(path) : null
  if (match === null) return fail('BAD_REQUEST', 'not a tile path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]')
  const [, levelText, indexText, widthText] = match
  const index = Number(indexText.replaceAll('x', '').replaceAll('/', ''))
  if (!Number.isSafeInteger(index) || formatTileIndex(index) !== indexText) {
    fail('BAD_REQUEST', `tile index ${indexText} is not in its canonical form`)
  }
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText)
  if (widthText !== undefined && width >= TILE_WIDTH) fail('BAD_REQUEST', `a partial tile is 1..${TILE_WIDTH - 1} wide, not ${width}`)
  if (levelText === 'entries') return { kind: 'entries', index, width }
  const level = Number(levelText)
  if (level > MAX_TILE_LEVEL) fail('BAD_REQUEST', `tile level ${level} is over ${MAX_TILE_LEVEL}`)
  return { kind: 'tile', level, index, width }
}

/**
 * The resources a copy of the log at size `from` lacks for size `to` (Go's tlog.NewTiles, without the
 * partial tiles of sizes in between): every hash tile and entry bundle that became full, then the rightmost
 * partial ones of `to` that differ from those of `from`. Requires 0 <= from <= to, safe integers (RangeError).
 */
export function newTileResources(from: number, to: number): TileResource[] {
  checkIndex(from, 'from')
  checkIndex(to, 'to')
  if (from > to) throw new RangeError(`"from" expected at most "to" (${to}), got ${from}`)
  const full: TileResource[] = []
  const partial: TileResource[] = []
  for (let level = 0, below = to, before = from; below >= 1; level++, below = Math.floor(below / TILE_WIDTH), before = Math.floor(before / TILE_WIDTH)) {
    for (let index = Math.floor(before / TILE_WIDTH); index < Math.floor(below / TILE_WIDTH); index++) {
      full.push({ kind: 'tile', level, index, width: TILE_WIDTH })
      if (level === 0) full.push({ kind: 'entries', index, width: TILE_WIDTH })
    }
    const width = below % TILE_WIDTH
    if (width === 0 || below === before) continue
    const index = Math.floor(below / TILE_WIDTH)
    partial.push({ kind: 'tile', level, index, width })
    if (level === 0) partial.push({ kind: 'entries', index, width })
  }
  return [...full, ...partial]
}

/** The path of a resource: tilePath or entryBundlePath. */
export function tileResourcePath(resource: TileResource): string {
  return resource.kind === 'tile' ? tilePath(resource.level, resource.index, resource.width) : entryBundlePath(resource.index, resource.width)
}
