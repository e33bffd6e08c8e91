// How deep a JSON text nests, read without parsing it. JSON.parse takes any depth, but what then walks the value
// (a structured clone to a check thread, a schema, a serializer) recurses and, some thousands of levels down,
// overflows the stack: a 500 for what is bad input. A body that nests past MAX_JSON_DEPTH is refused before it is
// parsed, as a payload that does is refused by the statement parse (canonical-json.ts).

import { MAX_JSON_DEPTH } from './canonical-json.js'
import { TracechainError } from './errors.js'

/**
 * JSON from outside (a request body, a file the user names) parsed, refused with INVALID_JSON naming `what` when it
 * is not JSON or nests past MAX_JSON_DEPTH, which nothing that checks or signs it takes.
 */
export function parseJsonText(text: string, what: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new TracechainError('INVALID_JSON', `${what} nests arrays and objects deeper than ${MAX_JSON_DEPTH}`)
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new TracechainError('INVALID_JSON', `${what} is not JSON: ${(error as Error).message}`)
  }
}

/**
 * Whether `text` opens more than `max` arrays and objects at once, what is inside strings aside. For text that is
 * not JSON the answer is only a bound: JSON.parse refuses it either way.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // A string: on to its closing quote, one not escaped by an odd run of backslashes. indexOf runs at memchr's
      // pace over a long base64 payload, where a loop of charCodeAt would not.
      for (;;) {
        const quote = text.indexOf('"', i + 1)
        if (quote < 0) return false
        let backslashes = 0
        while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++
        i = quote
        if (backslashes % 2 === 0) break
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return false
}
