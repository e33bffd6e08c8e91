#!/usr/bin/env node
// What the consumer page weighs over the wire in brotli, images aside (issue 17 asks for under 30 kB), with the
// answers its verifier asks for first, which the page preloads; and what its script's bytes pay for. The demo's
// lot pages come from a node with the demo data in its own process, each with the script it names, as a phone
// fetches them. The script is then built again from growing parts of itself, each as `npm run build` builds the
// page scripts (web/bundle.ts: esbuild, swc, the code the lazy scripts bring left out): the checks alone, then
// the GS1 identifiers the lot's facts are derived with, then the lot page's view derived and rendered again from
// the verified entries (issue 13), each with the Chinese words alone as the Chinese pages' script
// (web/one-language.ts). Last, what each source file costs in the Chinese script: esbuild's output (before swc)
// compressed with and without that file's bytes, found by the source map. Prints figures; asserts nothing.
//
//   node bench/page-weight.mjs [--lots Z260526A,Z260526B] [--files 30]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'
import { decode } from '@jridgewell/sourcemap-codec'
import { DIST, dist, flags, fmt, machine, startNode, table } from './lib.mjs'

const opts = flags({ lots: 'Z260526A,Z260526B', files: 30 })
const { seedOverHttp } = await dist('cli/demo.js')
const { pageScriptOf, pageScriptWithMap } = await dist('web/bundle.js')

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length

// ---- the pages as served ----

const dir = mkdtempSync(join(os.tmpdir(), 'tracechain-page-weight-'))
const node = await startNode(dir)
const pages = []
try {
  await seedOverHttp(node.url, join(dir, 'keys', 'operator.json'))
  // The bytes on the wire, as the node compresses them (node:http, which decodes nothing).
  const wireBytes = (path, accept, compressed = true) =>
    new Promise((resolve, reject) => {
      http
        .get(node.url + path, { headers: { accept, 'accept-encoding': 'br' } }, (res) => {
          const chunks = []
          res.on('data', (chunk) => chunks.push(chunk))
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}`))
            else if (compressed && res.headers['content-encoding'] !== 'br') reject(new Error(`${path} came without brotli`))
            else resolve(Buffer.concat(chunks))
          })
        })
        .on('error', reject)
    })
  for (const path of opts.lots.split(',').flatMap((lot) => [`/01/06901234001037/10/${lot}`, `/01/06901234001037/10/${lot}?lang=en`])) {
    const html = await wireBytes(path, 'text/html')
    const text = brotliDecompressSync(html).toString()
    const scripts = [...text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])
    let scriptBytes = 0
    for (const src of scripts) scriptBytes += (await wireBytes(src, '*/*')).length
    // The verifier's first requests, which the page preloads: what else a phone fetches before "verified" (a
    // short answer comes uncompressed, as the node sends it).
    let dataBytes = 0
    for (const [, href] of text.matchAll(/<link rel="preload" as="fetch" crossorigin href="([^"]+)"/g)) dataBytes += (await wireBytes(href.replaceAll('&amp;', '&'), '*/*', false)).length
    // A page scanned again is sent as the node compressed it once, at quality 11 (http/compressed-answers.ts).
    let again = html.length
    for (let i = 0; i < 100 && again === html.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      again = (await wireBytes(path, 'text/html')).length
    }
    pages.push({ path, document: html.length, again, scripts: scriptBytes, data: dataBytes, names: scripts })
  }
} finally {
  await node.stop()
  rmSync(dir, { recursive: true, force: true })
}

// ---- the consumer script by its parts ----

const PARTS = [
  [
    'the checks alone: checkpoint and witnesses, entries, proofs, signatures, the registry (web/verify.ts)',
    `import { startPageVerification } from '../web/verify.js'
startPageVerification()`,
  ],
  [
    '+ the GS1 identifiers every EPC is read with (food/objects.ts)',
    `import { canonicalObject } from '../food/objects.js'
import { startPageVerification } from '../web/verify.js'
;(globalThis as { weighed?: unknown }).weighed = canonicalObject
startPageVerification()`,
  ],
  [
    "+ the lot page's view, derived from the entries and rendered again (food/web/provenance-bound.ts)",
    `import { provenanceBoundView } from '../food/web/provenance-bound.js'
import { registerBoundView, startPageVerification } from '../web/verify.js'
registerBoundView(provenanceBoundView)
startPageVerification()`,
  ],
  ['+ the explorer\'s recent entries: the consumer script (src/browser/consumer.ts)', readFileSync(new URL('../src/browser/consumer.ts', import.meta.url), 'utf8')],
]

const rows = [['the consumer script', 'minified', 'brotli', 'added, brotli']]
const sizes = []
for (const [name, contents] of PARTS) {
  const code = await pageScriptOf(contents, 'zh')
  const size = brotli(code)
  rows.push([name, fmt.int(code.length), fmt.int(size), sizes.length === 0 ? '' : `+${fmt.int(size - sizes.at(-1))}`])
  sizes.push(size)
}
const built = readFileSync(join(DIST, 'public', 'consumer.js'))
rows.push(['as built in dist/public/consumer.js', fmt.int(built.length), fmt.int(brotli(built)), ''])

const pageRows = [['page', 'document', 'scripts', 'in all', 'of 30 kB', 'scanned again', 'of 30 kB', 'first requests', 'with them']]
for (const page of pages) {
  const weight = page.document + page.scripts
  const again = page.again + page.scripts
  const share = (bytes) => `${((100 * bytes) / 30_000).toFixed(0)}%`
  pageRows.push([page.path, fmt.int(page.document), fmt.int(page.scripts), fmt.int(weight), share(weight), fmt.int(again), share(again), fmt.int(page.data), fmt.int(weight + page.data)])
}

console.log(`page weight: ${machine()}; bytes in brotli: the pages as the node sends them, the parts at quality 11\n`)
console.log(table(pageRows))
console.log(`(scripts: ${[...new Set(pages.flatMap((p) => p.names))].join(', ')})\n`)
console.log(table(rows))
// The checks' own share beside the budget: the page if its script only checked the entries it lists.
for (const page of pages) console.log(`${page.path}: its document with the checks alone would be ${fmt.int(page.document + sizes[0])} bytes`)

// ---- what each source file costs ----

const consumer = await pageScriptWithMap(readFileSync(new URL('../src/browser/consumer.ts', import.meta.url), 'utf8'), 'zh')
const map = JSON.parse(consumer.map)
const lines = consumer.code.split('\n')
// The source of each byte of the output, by line: -1 where the map names none (esbuild's own glue).
const owners = lines.map((line) => new Int32Array(line.length).fill(-1))
decode(map.mappings).forEach((segments, at) => {
  segments.forEach((segment, i) => {
    if (segment.length >= 2) owners[at].fill(segment[1], segment[0], i + 1 < segments.length ? segments[i + 1][0] : lines[at].length)
  })
})
const whole = brotli(Buffer.from(consumer.code))
const fileRows = []
map.sources.forEach((name, index) => {
  let bytes = 0
  const without = lines
    .map((line, at) => {
      let kept = ''
      for (let i = 0; i < line.length; i++) {
        if (owners[at][i] === index) bytes++
        else kept += line[i]
      }
      return kept
    })
    .join('\n')
  fileRows.push([name.replace(/^.*?\/(src|node_modules)\//, '$1/'), bytes, whole - brotli(Buffer.from(without))])
})
fileRows.sort((a, b) => b[2] - a[2])
console.log(`\nwhat each source file costs in the consumer script (esbuild's output before swc: ${fmt.int(consumer.code.length)} bytes, ${fmt.int(whole)} in brotli; the largest ${opts.files})`)
console.log(table([['source file', 'its bytes', 'brotli without them, less'], ...fileRows.slice(0, opts.files).map(([name, bytes, cost]) => [name, fmt.int(bytes), fmt.int(cost)])]))
console.log(`(the rest: ${fmt.int(fileRows.slice(opts.files).reduce((sum, row) => sum + row[2], 0))} bytes in ${fileRows.length - opts.files} files)`)
