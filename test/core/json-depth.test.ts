// nestsDeeperThan against JSON.parse's own reading: brackets inside strings, escaped quotes and backslashes,
// and random documents whose depth is known.

import t from 'tap'
import { nestsDeeperThan } from '../../src/core/json-depth.js'

/** The depth of a parsed value: 0 for a scalar, 1 for [] or {}. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0
  const children = Array.isArray(value) ? value : Object.values(value)
  return 1 + Math.max(0, ...children.map(depthOf))
}

t.test('brackets in strings do not count; escapes are followed', async (t) => {
  const cases: [string, number][] = [
    ['1', 0],
    ['[]', 1],
    ['{"a":[{"b":[]}]}', 4],
    ['["[[[[[[[[", "{{{{{"]', 1],
    ['["\\"[[[[", "\\\\", [[]]]', 3],
    ['{"k\\\\\\"[[[": [1]}', 2],
    ['"[[[["', 0],
    [`{"payload":"${'A'.repeat(100_000)}","x":[[]]}`, 3],
  ]
  for (const [text, depth] of cases) {
    t.equal(depthOf(JSON.parse(text)), depth, `${text.slice(0, 40)}: depth ${depth}`)
    t.equal(nestsDeeperThan(text, depth), false, `${text.slice(0, 40)}: not deeper than ${depth}`)
    if (depth > 0) t.equal(nestsDeeperThan(text, depth - 1), true, `${text.slice(0, 40)}: deeper than ${depth - 1}`)
  }
  t.equal(nestsDeeperThan('['.repeat(100_000) + ']'.repeat(100_000), 64), true)
  t.equal(nestsDeeperThan('["unterminated', 0), true, 'what is open before a string that never ends counts')
})

t.test('random documents: the same depth as the parsed value', async (t) => {
  let seed = 7
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const strings = ['"a"', '"[{"', '"\\\\"', '"\\"]"', '"}\\\\\\""', '""']
  const make = (depth: number): string => {
    if (depth === 0 || random(4) === 0) return random(2) ? strings[random(strings.length)] : String(random(100))
    const items = Array.from({ length: 1 + random(3) }, () => make(depth - 1))
    return random(2) ? `[${items.join(',')}]` : `{${items.map((item, i) => `${strings[i % strings.length]}:${item}`).join(',')}}`
  }
  for (let i = 0; i < 500; i++) {
    const text = make(1 + random(12))
    const depth = depthOf(JSON.parse(text))
    if (nestsDeeperThan(text, depth) || (depth > 0 && !nestsDeeperThan(text, depth - 1))) t.fail(`${text}: depth ${depth}`)
  }
  t.pass('500 documents')
})
