// core/ stays pure and browser-safe: it imports only @noble/*, canonicalize and ./ files, and never
// reads the environment, the clock or a random source (those come in as arguments).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const CORE_DIR = fileURLToPath(new URL('../../src/core/', import.meta.url))

/** The server's Ed25519, SHA-256 and base64 backends; kept out of the browser bundle, so they may use Node's crypto and Buffer. */
const NODE_EXCEPTIONS: Record<string, { imports: string[]; globals: string[] }> = {
  'base64-node.ts': { imports: [], globals: ['Buffer'] },
  'ed25519-node.ts': { imports: ['node:crypto'], globals: ['Buffer'] },
  'ed25519-sodium.ts': { imports: ['sodium-native'], globals: [] },
  'hash-node.ts': { imports: ['node:crypto'], globals: [] },
}

const ALLOWED_IMPORT = [/^@noble\/[a-z0-9-]+(\/[A-Za-z0-9._/-]+)?$/, /^canonicalize$/, /^\.\/[A-Za-z0-9._-]+\.js$/]

const FORBIDDEN: [RegExp, string][] = [
  [/\bprocess\s*[.[]/, 'process.'],
  [/\bglobalThis\s*\.\s*process\b/, 'globalThis.process'],
  [/\bDate\s*\.\s*now\b/, 'Date.now'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() (reads the clock)'],
  [/\bperformance\s*\.\s*now\b/, 'performance.now'],
  [/\bMath\s*\.\s*random\b/, 'Math.random'],
  [/\bgetRandomValues\b/, 'getRandomValues'],
  [/\brequire\s*\(/, 'require('],
  [/\bimport\s*\(\s*[^'"\s]/, 'a dynamic import of a computed name'],
]

/** Comments may name what is forbidden ("no Date.now"), so they are removed before scanning. */
function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => (/^\s*\/\//.test(line) ? '' : line.replace(/\s\/\/\s.*$/, '')))
    .join('\n')
}

function importsOf(source: string): string[] {
  const found: string[] = []
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1])
  return found
}

/** Every way `source` (a file named `name` in src/core) leaves the pure core. */
export function findViolations(name: string, source: string): string[] {
  const exception = NODE_EXCEPTIONS[name]
  const code = stripComments(source)
  const violations: string[] = []
  for (const specifier of importsOf(code)) {
    if (ALLOWED_IMPORT.some((allowed) => allowed.test(specifier))) continue
    if (exception?.imports.includes(specifier)) continue
    violations.push(`imports ${specifier}`)
  }
  for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) violations.push(`uses ${what}`)
  if (/\bBuffer\b/.test(code) && !exception?.globals.includes('Buffer')) violations.push('uses Buffer (not in browsers)')
  return violations
}

function coreFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return coreFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

t.test('the scanner catches each kind of crossing', async (t) => {
  const bad: [string, string][] = [
    ["import { readFileSync } from 'node:fs'", 'imports node:fs'],
    ["import fs from 'fs'", 'imports fs'],
    ["import { Level } from 'level'", 'imports level'],
    ["export { x } from '../ledger/ledger.js'", 'imports ../ledger/ledger.js'],
    ["import type { FastifyInstance } from 'fastify'", 'imports fastify'],
    ["import 'qrcode'", 'imports qrcode'],
    ["const m = await import('node:os')", 'imports node:os'],
    ['const m = await import(name)', 'uses a dynamic import of a computed name'],
    ['const dir = process.env.TRACECHAIN_DIR', 'uses process.'],
    ['const t = Date.now()', 'uses Date.now'],
    ['const t = new Date()', 'uses new Date() (reads the clock)'],
    ['const r = Math.random()', 'uses Math.random'],
    ['crypto.getRandomValues(out)', 'uses getRandomValues'],
    ["const c = require('crypto')", 'uses require('],
    ["const b = Buffer.from('x')", 'uses Buffer (not in browsers)'],
    ["import { randomBytes } from 'node:crypto'", 'imports node:crypto'],
  ]
  for (const [source, violation] of bad) t.ok(findViolations('x.ts', source).includes(violation), `${source} -> ${violation}`)
  t.same(findViolations('ed25519-node.ts', "import { sign } from 'node:crypto'\nBuffer.from(x)"), [])
  t.same(findViolations('x.ts', "// no Date.now or process.env here\n/* Math.random */\nimport { sha256 } from '@noble/hashes/sha2.js'\nimport canonicalize from 'canonicalize'\nimport { fail } from './errors.js'\nconst d = new Date(text)"), [])
})

t.test('every file in src/core is pure', async (t) => {
  const files = coreFiles(CORE_DIR)
  t.ok(files.length >= 10, `scanned ${files.length} files`)
  for (const file of files) {
    const name = relative(CORE_DIR, file)
    t.same(findViolations(name, readFileSync(file, 'utf8')), [], name)
  }
})
