// What a node or another party says, made safe to print to a terminal: its words are its own to choose, and a
// control character or a bidirectional override in them would write to the terminal or reorder what it shows.

/** Bidirectional controls and C1 controls: what either form below makes '?' beside the C0 controls. */
const UNSAFE_BEYOND_C0 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069'
const UNSAFE = new RegExp(`[\\u0000-\\u001f${UNSAFE_BEYOND_C0}]`, 'g')
const UNSAFE_BUT_LINE_BREAKS = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f${UNSAFE_BEYOND_C0}]`, 'g')

/** `text` with control characters and bidirectional controls as '?', cut to `max` characters. */
export function printable(text: string, max = 80): string {
  return text.replace(UNSAFE, '?').slice(0, max)
}

/** `text` as printable() makes it, its line breaks kept: an error's message, which may quote a node over lines. */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_BUT_LINE_BREAKS, '?')
}
