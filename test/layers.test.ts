// Dependencies point down (core <- store <- ledger <- publish and mirror, domains <- http, web <- cli; core <- witness): the shared layers
// import no domain, a domain imports no other domain, and only the composition points (src/domains.ts,
// http/app.ts, cli/) name the domain list. A check module, loaded by worker threads, imports no
// fastify and no page.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { DOMAINS } from '../src/domains.js'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))
const SHARED_LAYERS = ['core', 'store', 'ledger', 'publish', 'mirror', 'labels', 'web', 'http', 'witness']
/** Files outside cli/ that may read the domain list. */
const LIST_READERS = ['domains.ts', 'http/app.ts']
const WITNESS_USES_OF_HTTP = ['http/errors.ts', 'http/unused-connections.ts']

function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const found: string[] = []
  for (const pattern of [/\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(?\s*['"]([^'"]+)['"]/g]) {
    for (const match of code.matchAll(pattern)) found.push(match[1])
  }
  return found
}

/** The src-relative path (with .ts) a relative specifier in `file` names, or the bare package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier
  return relative(SRC, resolve(dirname(join(SRC, file)), specifier)).replace(/\.js$/, '.ts')
}

/** Every import of `file` (src-relative) that breaks the layering, as "from -> to". */
export function findBackEdges(file: string, source: string, domains: readonly string[]): string[] {
  const layer = file.includes('/') ? file.split('/')[0] : ''
  const bad: string[] = []
  for (const specifier of importsOf(source)) {
    const to = target(file, specifier)
    const toLayer = to.includes('/') ? to.split('/')[0] : ''
    const intoDomain = domains.includes(toLayer)
    if (SHARED_LAYERS.includes(layer) && intoDomain) bad.push(`${file} -> ${to}`)
    else if (domains.includes(layer) && intoDomain && toLayer !== layer) bad.push(`${file} -> ${to}`)
    else if (to === 'domains.ts' && layer !== 'cli' && !LIST_READERS.includes(file)) bad.push(`${file} -> ${to}`)
    else if (['core', 'store'].includes(layer) && ['ledger', 'publish', 'mirror', 'http', 'web', 'labels', 'cli', 'witness'].includes(toLayer)) bad.push(`${file} -> ${to}`)
    else if (layer === 'ledger' && ['publish', 'mirror', 'http', 'web', 'cli'].includes(toLayer)) bad.push(`${file} -> ${to}`)
    else if ((layer === 'publish' || layer === 'mirror') && ['http', 'web', 'cli'].includes(toLayer)) bad.push(`${file} -> ${to}`)
    // A witness stands apart from any node: core, store, and of http only the error shape (http/errors.ts)
    // and the server's shutdown (http/unused-connections.ts), neither of which reaches a node's layers.
    else if (layer === 'witness' && (['ledger', 'publish', 'mirror', 'web', 'labels', 'cli'].includes(toLayer) || (toLayer === 'http' && !WITNESS_USES_OF_HTTP.includes(to)))) bad.push(`${file} -> ${to}`)
  }
  return bad
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative(SRC, path)] : []
  })
}

const DOMAIN_NAMES = DOMAINS.map((domain) => domain.name)

t.test('the scanner catches each kind of back-edge', async (t) => {
  const cases: [string, string][] = [
    ['http/routes/web.ts', "import { searchLots } from '../../food/web/search.js'"],
    ['web/explorer.ts', "import type { SealRecord } from '../seal/records.js'"],
    ['ledger/registry.ts', "import { FOOD_ROLES } from '../food/index.js'"],
    ['ledger/ledger.ts', "import { DOMAINS } from '../domains.js'"],
    ['food/kinds.ts', "import { sealKinds } from '../seal/kinds.js'"],
    ['core/dsse.ts', "export { x } from '../ledger/ledger.js'"],
    ['store/level-store.ts', "const m = await import('../http/app.js')"],
    ['ledger/ledger.ts', "import { Publisher } from '../publish/publisher.js'"],
    ['publish/publisher.ts', "import { buildApp } from '../http/app.js'"],
    ['witness/server.ts', "import { buildApp } from '../http/app.js'"],
    ['witness/witness.ts', "import { Ledger } from '../ledger/ledger.js'"],
    ['core/cosignature.ts', "import { Witness } from '../witness/witness.js'"],
  ]
  for (const [file, source] of cases) t.equal(findBackEdges(file, source, ['food', 'seal']).length, 1, `${file}: ${source}`)
  t.same(findBackEdges('food/http/resolver-page.ts', "import { htmlReply } from '../../http/html-reply.js'", ['food', 'seal']), [], 'a domain uses the shared layers')
  t.same(findBackEdges('cli/demo.ts', "import { x } from '../food/epcis-import.js'", ['food', 'seal']), [], 'cli/ is the top')
  t.same(findBackEdges('http/app.ts', "import { DOMAINS } from '../domains.js'", ['food', 'seal']), [], 'the app reads the list')
  t.same(findBackEdges('witness/server.ts', "import { errorBody } from '../http/errors.js'", ['food', 'seal']), [], 'a witness answers errors in the same shape')
  t.same(findBackEdges('witness/server.ts', "import { closeUnusedConnectionsOnClose } from '../http/unused-connections.js'", ['food', 'seal']), [], 'and closes as a node does')
})

t.test('every file in src keeps the layering', async (t) => {
  const files = sourceFiles(SRC)
  t.ok(files.length > 50, `scanned ${files.length} files`)
  t.ok(DOMAIN_NAMES.length >= 2, `domains: ${DOMAIN_NAMES.join(', ')}`)
  for (const name of DOMAIN_NAMES) t.ok(existsSync(join(SRC, name, 'index.ts')), `${name}/index.ts exports its descriptor`)
  const bad = files.flatMap((file) => findBackEdges(file, readFileSync(join(SRC, file), 'utf8'), DOMAIN_NAMES))
  t.same(bad, [], 'no back-edges')
})

t.test("a check module and what it imports load no fastify and no page (worker threads import it)", async (t) => {
  for (const domain of DOMAINS) {
    if (!domain.checkModule) continue
    const start = relative(SRC, fileURLToPath(domain.checkModule)).replace(/\.js$/, '.ts')
    const seen = new Set<string>()
    const queue = [start]
    const bad: string[] = []
    while (queue.length > 0) {
      const file = queue.pop() as string
      if (seen.has(file)) continue
      seen.add(file)
      for (const specifier of importsOf(readFileSync(join(SRC, file), 'utf8'))) {
        const to = target(file, specifier)
        if (/^(fastify|@fastify\/)/.test(to) || /^(http|web)\/|\/(http|web)\//.test(to)) bad.push(`${file} -> ${to}`)
        if (specifier.startsWith('.')) queue.push(to)
      }
    }
    t.same(bad, [], `${domain.name}: its check module loads no fastify and no page`)
    t.ok(seen.size > 1, `${domain.name}: ${start} and ${seen.size - 1} modules it imports`)
  }
})
