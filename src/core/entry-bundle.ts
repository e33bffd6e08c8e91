// C2SP tlog-tiles entry bundles: a level-0 tile's entries, each as its big-endian uint16 length then its
// bytes. A tracechain entry's bytes here are JCS(entry), the leaf hash input without its 0x00 prefix.

import { fail } from './errors.js'
import { TILE_WIDTH } from './tile-paths.js'

/** The longest entry a bundle can carry: its length is a uint16. */
export const MAX_BUNDLE_ENTRY_BYTES = 0xffff

/** The bundle of `entries` (at most TILE_WIDTH). Throws RangeError for more entries or an entry over MAX_BUNDLE_ENTRY_BYTES. */
export function formatEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH) throw new RangeError(`"entries" expected at most ${TILE_WIDTH}, got ${entries.length}`)
  let length = 0
  for (let i = 0; i < entries.length; i++) {
    if (entries[i].length > MAX_BUNDLE_ENTRY_BYTES) throw new RangeError(`"entries[${i}]" is ${entries[i].length} bytes, over ${MAX_BUNDLE_ENTRY_BYTES}`)
    length += 2 + entries[i].length
  }
  const out = new Uint8Array(length)
  let at = 0
  for (const entry of entries) {
    out[at] = entry.length >> 8
    out[at + 1] = entry.length & 0xff
    out.set(entry, at + 2)
    at += 2 + entry.length
  }
  return out
}

/**
 * The entries of a bundle (attacker-controlled) that must hold exactly `count` of them, as views into
 * `bytes`. Throws TILE_INVALID (details.check 'bundle') when a length runs past the end, or the bundle holds
 * more or fewer entries.
 */
export function parseEntryBundle(bytes: Uint8Array, count: number, path = 'entry bundle'): Uint8Array[] {
  const entries: Uint8Array[] = []
  let at = 0
  while (at < bytes.length) {
    if (entries.length === count) fail('TILE_INVALID', `${path} holds more than ${count} entries`, { path, check: 'bundle' })
    if (at + 2 > bytes.length) fail('TILE_INVALID', `${path} ends inside the length of entry ${entries.length}`, { path, check: 'bundle' })
    const length = (bytes[at] << 8) | bytes[at + 1]
    if (at + 2 + length > bytes.length) fail('TILE_INVALID', `${path} ends inside entry ${entries.length}`, { path, check: 'bundle' })
    entries.push(bytes.subarray(at + 2, at + 2 + length))
    at += 2 + length
  }
  if (entries.length !== count) fail('TILE_INVALID', `${path} holds ${entries.length} entries, not ${count}`, { path, check: 'bundle' })
  return entries
}
