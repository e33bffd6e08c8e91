// RFC 8785 canonical JSON: the RFC's own examples, the strict parse, and a differential fuzz of the
// fast path against the `canonicalize` package.
import canonicalize from 'canonicalize'
import t from 'tap'
import { concatBytes, fromHex, utf8 } from '../../src/core/bytes.js'
import { canonicalBytes, canonicalJson, MAX_JSON_DEPTH, parseCanonical } from '../../src/core/canonical-json.js'

/** mulberry32: deterministic test randomness, so a failure replays. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

// RFC 8785 section 3.2.2, the sample input and its canonical output.
const RFC8785_INPUT = `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
  "literals": [null, true, false]
}`
const RFC8785_OUTPUT = `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA'B\\"\\\\\\\\\\"/"}`

// RFC 8785 section 3.2.3, property sorting by UTF-16 code units (the emoji sorts before U+FB33).
const RFC8785_SORTING_INPUT = {
  '\u20ac': 'Euro Sign',
  '\r': 'Carriage Return',
  '\ufb33': 'Hebrew Letter Dalet With Dagesh',
  '1': 'One',
  '\ud83d\ude00': 'Emoji: Grinning Face',
  '\u0080': 'Control',
  '\u00f6': 'Latin Small Letter O With Diaeresis',
}
const RFC8785_SORTED_KEYS = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']

// RFC 8785 appendix B: IEEE 754 doubles (hex) and their serialisation.
const RFC8785_NUMBERS: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
]

t.test('RFC 8785 section 3.2.2 sample and section 3.2.3 sorting', async (t) => {
  t.equal(canonicalJson(JSON.parse(RFC8785_INPUT)), RFC8785_OUTPUT)
  t.same(parseCanonical(utf8(RFC8785_OUTPUT)), JSON.parse(RFC8785_INPUT))
  t.throws(() => parseCanonical(utf8(RFC8785_INPUT)), { code: 'PAYLOAD_NOT_CANONICAL' })

  const sorted = canonicalJson(RFC8785_SORTING_INPUT)
  t.same(
    sorted,
    `{${RFC8785_SORTED_KEYS.map((k) => `${JSON.stringify(k)}:${JSON.stringify((RFC8785_SORTING_INPUT as Record<string, string>)[k])}`).join(',')}}`,
  )
  // "1" is an integer-like key, which engines enumerate first: the exact path must still accept it.
  t.same(parseCanonical(utf8(sorted)), RFC8785_SORTING_INPUT)
})

t.test('RFC 8785 appendix B numbers', async (t) => {
  for (const [hex, expected] of RFC8785_NUMBERS) {
    const value = new DataView(fromHex(hex).buffer).getFloat64(0)
    t.equal(canonicalJson(value), expected, hex)
    if (hex !== '8000000000000000') t.equal(parseCanonical(utf8(expected)), value, `parse ${expected}`)
  }
  t.throws(() => parseCanonical(utf8('-0')), { code: 'PAYLOAD_NOT_CANONICAL' }, '-0 is written 0')
})

t.test('values JSON cannot hold are TypeErrors; too deep or circular are RangeErrors', async (t) => {
  const circular: Record<string, unknown> = {}
  circular.self = circular
  for (const value of [NaN, Infinity, -Infinity, 1n, () => 1, { a: () => 1 }, [() => 1], undefined, Symbol('s'), '\ud800', { k: 'x\udc00' }]) {
    t.throws(() => canonicalJson(value), TypeError, String(typeof value))
  }
  t.throws(() => canonicalJson(circular), RangeError)
  const deep = (depth: number): unknown => (depth === 0 ? 1 : [deep(depth - 1)])
  t.equal(canonicalJson(deep(MAX_JSON_DEPTH)).length, MAX_JSON_DEPTH * 2 + 1)
  t.throws(() => canonicalJson(deep(MAX_JSON_DEPTH + 1)), RangeError)
  t.equal(canonicalJson({ b: undefined, a: [undefined], c: new Date(0) }), '{"a":[null],"c":"1970-01-01T00:00:00.000Z"}')
  t.same(canonicalBytes({ 'é': '€' }), utf8('{"é":"€"}'))
})

t.test('parseCanonical refuses every other byte form', async (t) => {
  const notCanonical = [
    '{"b":1,"a":2}', // order
    '{"a":1,"a":1}', // duplicate key
    '{"a":1, "b":2}', // whitespace
    ' {}',
    '{}\n',
    '4.50',
    '1E30',
    '1e400', // out of range: no canonical form
    '"\\u0041"', // escaped where a literal is required
    '"\\u000F"', // uppercase hex escape
    '"\\/"',
    '"\\ud800"', // a lone surrogate: valid JSON, not I-JSON
    '"\\uDEAD"',
    '{"9":1,"10":2}', // integer keys in engine order, not UTF-16 order
    '{"\ufb33":1,"\ud83d\ude00":2}', // code point order, not UTF-16 order
    '"abcdefghijklmnopqrstuvwxyz\\u0041"', // a long string (compared in place as a slice) with an escape in it
    '["ABCDEFGHIJKLMNOP\\/QRSTUVWXYZ"]',
    '{"payloadpayloadpayload":"x", "y":1}',
  ]
  for (const text of notCanonical) t.throws(() => parseCanonical(utf8(text)), { code: 'PAYLOAD_NOT_CANONICAL' }, text)

  const invalid: Uint8Array[] = [
    new Uint8Array(),
    utf8('{'),
    utf8('{"a":1}x'),
    utf8("{'a':1}"),
    utf8('NaN'),
    concatBytes(fromHex('efbbbf'), utf8('{}')), // a byte order mark
    fromHex('22ff22'), // "\xff"
    fromHex('22c0af22'), // overlong "/"
    fromHex('22eda08022'), // an encoded surrogate
  ]
  for (const bytes of invalid) t.throws(() => parseCanonical(bytes), { code: 'INVALID_JSON' })

  const nested = (depth: number) => utf8('['.repeat(depth) + ']'.repeat(depth))
  t.same(parseCanonical(nested(MAX_JSON_DEPTH)) !== undefined, true)
  t.throws(() => parseCanonical(nested(MAX_JSON_DEPTH + 1)), { code: 'INVALID_JSON' })
  t.throws(() => parseCanonical(nested(20000)), { code: 'INVALID_JSON' })

  // Strings whose canonical form escapes something: the in-place comparison steps aside, the exact path accepts them.
  for (const text of ['{"a":"x\\"y"}', '["a\\\\"]', '"abcdefghijklmnopqrstuvwxyz\\"\\\\\\n"', '{"k\\"ey":"abcdefghijklmnop\\u001f"}']) {
    t.same(parseCanonical(utf8(text)), JSON.parse(text), text)
  }
  t.same(parseCanonical(utf8('{"10":2,"9":1}')), { 9: 1, 10: 2 })
  t.same(parseCanonical(utf8('{"\ud83d\ude00":2,"\ufb33":1}')), { '\ufb33': 1, '\ud83d\ude00': 2 })
  t.same(parseCanonical(utf8('{"__proto__":1}')), JSON.parse('{"__proto__":1}'))
})

function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 8))
  const strings = ['', 'a', 'B', 'é', '\u0080', '€', '\ud83d\ude00', '\ufb33', '"', '\\', '\n', '\u001f', '\u007f', '10', '9', '1', '-', '__proto__', 'eyJhY3RvciI6Im1teGJwa2xsZC1mYXJtLTExIiwi', 'urn:epc:id:sgln:0619121']
  const string = () => strings[Math.floor(next() * strings.length)] + (next() < 0.3 ? strings[Math.floor(next() * strings.length)] : '')
  switch (pick) {
    case 0:
      return null
    case 1:
      return next() < 0.5
    case 2:
      return [0, -1, 1.5, 1e21, 1e-7, 123456789.125, -0.001, 2 ** 53, 5e-324][Math.floor(next() * 9)]
    case 3:
    case 4:
      return string()
    case 5:
    case 6: {
      const object: Record<string, unknown> = {}
      for (let i = Math.floor(next() * 5); i > 0; i--) object[string()] = randomValue(next, depth + 1)
      return object
    }
    default:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1))
  }
}

t.test('differential: the fast path agrees with the canonicalize package on random values and mutations', async (t) => {
  const next = random(8785)
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  let accepted = 0
  let rejected = 0
  for (let i = 0; i < 3000; i++) {
    const value = randomValue(next, 0)
    const text = canonicalJson(value)
    t.equal(text, canonicalize(value))
    const parsed = parseCanonical(utf8(text))
    if (canonicalJson(parsed) !== text) t.fail(`round trip ${text}`)
    // Other byte forms of the same value, and byte-level mutations: each is accepted only if canonical.
    const bytes = utf8(text)
    const candidates = [utf8(JSON.stringify(value)), utf8(JSON.stringify(value, null, 1))]
    const mutated = bytes.slice()
    if (mutated.length > 0) {
      mutated[Math.floor(next() * mutated.length)] = ' {}[]",:0-9e.\\ua'.charCodeAt(Math.floor(next() * 16))
      candidates.push(mutated)
    }
    for (const candidate of candidates) {
      let result: unknown
      try {
        result = parseCanonical(candidate)
      } catch (error) {
        const code = (error as { code?: string }).code
        if (code !== 'INVALID_JSON' && code !== 'PAYLOAD_NOT_CANONICAL') t.fail(`unexpected ${String(error)}`)
        rejected++
        continue
      }
      let exact: string | undefined
      try {
        exact = canonicalize(result)
      } catch {
        exact = undefined
      }
      if (exact !== decoder.decode(candidate)) t.fail(`accepted a non-canonical form: ${decoder.decode(candidate)}`)
      accepted++
    }
  }
  t.ok(accepted > 3000 && rejected > 1000, `accepted ${accepted}, rejected ${rejected}`)
})
