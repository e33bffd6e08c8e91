// C2SP tlog-tiles (https://c2sp.org/tlog-tiles), height 8: the tree's tiles and their paths, and which
// tiles a tree of a given size holds.

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
