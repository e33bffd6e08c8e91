// fast-check arbitraries for hostile input: strings, numbers and shapes a producer could sign, edits
// that put them anywhere in a valid statement, and the ways its bytes can be written (RFC 8259 text
// that is not RFC 8785, duplicate keys, a BOM, bad UTF-8).

import fc from 'fast-check'
import { canonicalJson } from '../../src/core/canonical-json.js'
import { utf8 } from '../../src/core/bytes.js'

type Json = unknown

/** Characters that have broken parsers, displays and logs: NUL, bidi overrides, BOM, separators, lone surrogates, lookalikes. */
export const NASTY_CHARACTERS = [
  '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u00a0', '\u200b', '\u200e', '\u200f', '\u202e', '\u2066', '\u2028', '\u2029',
  '\ufeff', '\ufffd', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '\u0100', '\uff21', '\u{1f600}', '\u{10ffff}', 'A\u0301',
  '"', '\\', '/', '<', '>', '&', "'", '%', '%00', '%2F', '..', '{', '}', '[', ']', ':', ',', '\n', '\r', '\t', ' ',
]

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_CHARACTERS, '', 'NaN', 'Infinity', '-0', '1e308', 'null', 'true', '__proto__', 'constructor', '<script>alert(1)</script>'),
  fc.string({ unit: fc.oneof(fc.constantFrom(...NASTY_CHARACTERS), loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // long: past display limits, schema maxLengths and (for some) the 48 KiB statement cap
  fc.tuple(fc.constantFrom('a', '中', '\u{1f600}', '\u0000', '\ud800'), fc.integer({ min: 100, max: 60_000 })).map(([unit, count]) => unit.repeat(count)),
)

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.1, 1e21, 1e-7, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 31, 2 ** 32, 4294967297),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** Nests `inner` `depth` deep in arrays or objects: around the 64-level limit of the strict parser and past it. */
function nest(inner: Json, depth: number, asObject: boolean): Json {
  let value = inner
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value]
  return value
}

const hostileKey = fc.oneof(
  fc.constantFrom('', '__proto__', 'constructor', 'prototype', '0', '1', '10', '-1', '\u0000', '\ud800', 'a\u0000b', '@context', 'type', 'id'),
  hostileString.filter((s) => s.length < 100),
)

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { depthSize: 'small' },
  hostileString,
  hostileNumber,
  fc.constantFrom<Json>(null, true, false, [], {}).map((value) => structuredClone(value)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.tuple(hostileKey, hostileString).map(([key, value]) => ({ [key]: value })),
  fc.tuple(fc.integer({ min: 1, max: 100 }), fc.boolean()).map(([depth, asObject]) => nest('x', depth, asObject)),
  // each item its own copy: an edit of one shared item would change them all (and fast-check's constant)
  fc.tuple(fc.integer({ min: 100, max: 6000 }), fc.constantFrom<Json>(0, 'x', {}, [], null)).map(([count, item]) => Array.from({ length: count }, () => structuredClone(item))),
)

/** One edit of a JSON value at a position chosen by `at` (an index into its paths, taken modulo their count). */
export type Edit =
  | { kind: 'string'; at: number; value: string }
  | { kind: 'number'; at: number; value: number }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'wrap'; at: number; depth: number }
  | { kind: 'repeat'; at: number; count: number }

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  // a string or number leaf: where the schema often lets anything through, so the value reaches the ledger
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('string' as const), at: fc.nat(), value: hostileString }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: hostileNumber }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 70 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), count: fc.integer({ min: 2, max: 3000 }) }) },
)

type Path = (string | number)[]

function pathsOf(value: Json, leaf?: 'string' | 'number', path: Path = [], out: Path[] = []): Path[] {
  if (leaf === undefined || typeof value === leaf) out.push(path)
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, leaf, [...path, index], out))
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) pathsOf((value as Record<string, Json>)[key], leaf, [...path, key], out)
  return out
}

function getAt(value: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], value)
}

/** JSON text longer than this is refused for its size alone; editing it further tests nothing more. */
const MAX_EDITED_LENGTH = 256 * 1024

/** An own property even for "__proto__", which plain assignment would take as the prototype. */
function setAt(parent: Record<string | number, Json>, key: string | number, value: Json): void {
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Applies `edits` to a deep copy of `value`; edits that do not fit the chosen node are skipped. */
export function applyEdits(value: Json, edits: readonly Edit[]): Json {
  const root = { root: structuredClone(value) as Json }
  for (const change of edits) {
    const leaf = change.kind === 'string' || change.kind === 'number' ? change.kind : undefined
    const paths = pathsOf(root.root, leaf).map((path) => ['root', ...path])
    if (paths.length === 0) continue
    const path = paths[change.at % paths.length]
    const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>
    const key = path[path.length - 1]
    const node = parent[key]
    switch (change.kind) {
      case 'string':
      case 'number':
      case 'replace':
        setAt(parent, key, structuredClone(change.value))
        break
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1)
        else delete parent[key]
        break
      case 'add':
        if (Array.isArray(node)) node.push(structuredClone(change.value))
        else if (node !== null && typeof node === 'object') setAt(node as Record<string, Json>, change.key, structuredClone(change.value))
        break
      case 'wrap':
        setAt(parent, key, nest(node, change.depth, change.depth % 2 === 0))
        break
      case 'repeat':
        // a long array of small items; a repeated long string would only test the body limit
        if ((JSON.stringify(node) ?? '').length > 200) break
        setAt(parent, key, Array.from({ length: change.count }, (_, i) => structuredClone(Array.isArray(node) && node.length > 0 ? node[i % node.length] : node)))
        break
    }
    // Repeats of repeats multiply: stop well past the 48 KiB cap.
    if ((JSON.stringify(root.root) ?? '').length > MAX_EDITED_LENGTH) break
  }
  return root.root
}

/** How the statement's bytes are written before signing. */
export type Writing =
  | { kind: 'canonical' }
  | { kind: 'stringify'; indent: number }
  | { kind: 'duplicate-key'; at: number; value: Json }
  | { kind: 'bom' }
  | { kind: 'number-text'; at: number; text: string }
  | { kind: 'bad-utf8'; at: number; bytes: readonly number[] }
  | { kind: 'truncate'; at: number }

export const writing: fc.Arbitrary<Writing> = fc.oneof(
  { weight: 18, arbitrary: fc.constant({ kind: 'canonical' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stringify' as const), indent: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-key' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 1 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('number-text' as const),
      at: fc.nat(),
      text: fc.constantFrom('-0', '1.0', '1E2', '1e+2', '01', '0.10', '1e400', '-1e400', '9007199254740993', '1.7976931348623157e309', '0x10', 'NaN', '.5', '+1'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bad-utf8' as const),
      at: fc.nat(),
      // a lone continuation byte, 0xff, an overlong '/', a CESU-8 surrogate, a truncated sequence, NUL
      bytes: fc.constantFrom([0x80], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8], [0x00]),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
)

/** JSON text of `value`: RFC 8785 when it has one, else JSON.stringify's (lone surrogates escaped, NaN as null). */
function jsonText(value: Json): string {
  try {
    return canonicalJson(value)
  } catch {
    return JSON.stringify(value) ?? 'null'
  }
}

/** The payload bytes of `value` written the `how` way. */
export function writePayload(value: Json, how: Writing): Uint8Array {
  const text = jsonText(value)
  switch (how.kind) {
    case 'canonical':
      return utf8(text)
    case 'stringify':
      return utf8(JSON.stringify(value, null, how.indent) ?? 'null')
    case 'bom':
      return utf8(`\ufeff${text}`)
    case 'duplicate-key': {
      // the same key again before the one JSON.parse keeps: `"k":<other>,"k":<original>`
      const keys = [...text.matchAll(/"((?:[^"\\]|\\.)*)":/g)]
      if (keys.length === 0) return utf8(text)
      const match = keys[how.at % keys.length]
      const at = match.index
      return utf8(`${text.slice(0, at)}${match[0]}${JSON.stringify(how.value)},${text.slice(at)}`)
    }
    case 'number-text': {
      const numbers = [...text.matchAll(/(?<=[:,[])-?\d+(\.\d+)?([eE][+-]?\d+)?(?=[,\]}])/g)]
      if (numbers.length === 0) return utf8(text)
      const match = numbers[how.at % numbers.length]
      return utf8(`${text.slice(0, match.index)}${how.text}${text.slice(match.index + match[0].length)}`)
    }
    case 'bad-utf8': {
      const bytes = utf8(text)
      const at = how.at % (bytes.length + 1)
      return new Uint8Array([...bytes.subarray(0, at), ...how.bytes, ...bytes.subarray(at)])
    }
    case 'truncate': {
      const bytes = utf8(text)
      return bytes.subarray(0, how.at % Math.max(1, bytes.length))
    }
  }
}
