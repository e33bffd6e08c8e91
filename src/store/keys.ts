// Key encodings of the record spaces: one definition, used by every layer that names keys. LevelDB
// orders keys by their UTF-8 bytes, so these encodings are what makes range scans correct.

/** Width of a seq key in hex digits: up to 2^48 entries. */
export const SEQ_KEY_WIDTH = 12

/** Separates the parts of a composite key. It sorts before every printable character, so a scan of the
 *  keys that start with `a` + SEP never sees the keys of `ab`. */
export const SEP = '\u0000'

/** The character after SEP: `prefix + SEP_END` is the exclusive upper bound of every key `prefix + SEP + …`. */
export const SEP_END = '\u0001'

/** A seq as fixed-width lowercase hex, so keys sort by seq. Requires 0 <= seq < 2^48. */
export function seqKey(seq: number): string {
  return seq.toString(16).padStart(SEQ_KEY_WIDTH, '0')
}

/** Reads a seqKey back. */
export function parseSeqKey(key: string): number {
  return parseInt(key, 16)
}

/** Joins the parts of a composite key with SEP. The parts must not contain SEP. */
export function joinKey(...parts: string[]): string {
  return parts.join(SEP)
}

/** The bounds of a scan over every key `prefix + SEP + …`. */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix + SEP, lt: prefix + SEP_END }
}

/** The bounds of a scan over every key that starts with `text` (a plain prefix, no SEP): up to the
 *  prefix with its last character incremented. Requires a non-empty prefix. */
export function startsWithRange(text: string): { gte: string; lt: string } {
  if (text.length === 0) throw new RangeError('"text" must not be empty')
  return { gte: text, lt: text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + 1) }
}

/** A tile's key in the tiles sublevel: its level and index in hex, so tiles of a level sort by index. */
export function tileKey(level: number, index: number): string {
  return `${level.toString(16).padStart(2, '0')}/${index.toString(16).padStart(SEQ_KEY_WIDTH, '0')}`
}
