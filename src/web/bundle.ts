// Builds the browser scripts (web/page-scripts.ts) with esbuild, one minified file per kind of page: the
// standalone verifier from src/verifier.ts, the consumer, seal and console pages' from src/browser/.
// Each carries core/ and @noble and only the views and scripts its pages use. `npm run build` runs this
// file and prints each file's versioned name and SRI hash (the node serves it under that name, pages pin
// that hash); tests call buildVerifierBundle() so they serve the code they test. esbuild is a
// devDependency, as is swc, which minifies its output again: nothing at run time imports this module.

import { minify } from '@swc/core'
import { build, type Plugin } from 'esbuild'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { oneLanguage, type PageLang } from './one-language.js'
import { LAZY_PARTS, lazyPartsOf, PAGE_SCRIPTS, type PageScript } from './page-scripts.js'
import { PUBLIC_DIR, readPageScripts, verifierAssetOf } from './verifier-asset.js'

const source = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

const ENTRIES: Record<PageScript, string> = {
  verify: source('verifier.ts'),
  consumer: source('browser/consumer.ts'),
  'consumer-en': source('browser/consumer.ts'),
  seal: source('browser/seal.ts'),
  'seal-en': source('browser/seal.ts'),
  console: source('browser/console.ts'),
  gs1: source('browser/lazy-gs1.ts'),
  noble: source('browser/lazy-noble.ts'),
  tiles: source('browser/lazy-tiles.ts'),
  words: source('browser/lazy-words.ts'),
  hanzi: source('browser/lazy-hanzi.ts'),
}

/** The standalone verifier's built file (dist/public/verify.js). */
export const BUNDLE_OUTFILE = join(PUBLIC_DIR, 'verify.js')

/** Writes `<name>.js` for every page script into `outdir` (default dist/public/); returns each one's size in bytes. */
export async function buildVerifierBundle(outdir: string = PUBLIC_DIR): Promise<Record<PageScript, number>> {
  const written: Record<string, Buffer> = {}
  const write = async (result: { outputFiles: { path: string; text: string }[] }) => {
    for (const file of result.outputFiles) written[basename(file.path, '.js')] = await writeMinified(file.path, file.text)
  }
  // The lazy scripts first: the scripts that load them are built with their names and hashes.
  await write(await build({ ...BROWSER_BUILD, entryPoints: pick(LAZY_PARTS), outdir, define: { [LAZY_CODE]: 'undefined', [SEAL_VIEWS]: 'false' } }))
  const lazy = Object.fromEntries(
    LAZY_PARTS.map((part) => {
      const { fileName, integrity } = verifierAssetOf(written[part], part)
      return [part, { file: fileName, integrity }]
    }),
  )
  // Each script pins the lazy scripts its own views may ask for (lazyPartsOf).
  const define = (name: PageScript) => ({
    [LAZY_CODE]: JSON.stringify(Object.fromEntries(lazyPartsOf(name).map((part) => [part, lazy[part]]))),
    [SEAL_VIEWS]: String(lazyPartsOf(name).includes('hanzi')),
  })
  for (const name of ON_DEMAND) await write(await build({ ...BROWSER_BUILD, entryPoints: pick([name]), outdir, ...onDemand(define(name)) }))
  for (const [name, lang] of ONE_LANGUAGE) await write(await build({ ...BROWSER_BUILD, entryPoints: pick([name]), outdir, ...onDemand(define(name), lang) }))
  await write(await build({ ...BROWSER_BUILD, entryPoints: pick(CARRYING_ALL), outdir, define: { [LAZY_CODE]: 'undefined', [SEAL_VIEWS]: 'false' } }))
  return Object.fromEntries(PAGE_SCRIPTS.map((name) => [name, written[name]?.length ?? 0])) as Record<PageScript, number>
}

/**
 * The node's pages (the lot page a phone opens from a label, the seal page from the notice board's QR code,
 * the console an inspector opens on a phone too) leave out what few of them need, which the lazy scripts
 * bring (codeOnDemand), each part in its own script. The standalone verifier carries all its code:
 * `tracechain verify-page` writes it into one file that verifies offline.
 */
const ON_DEMAND = ['console'] as const satisfies readonly PageScript[]
/**
 * The consumer and seal pages' scripts, on demand as the console's and each with one language's words
 * (web/one-language.ts). The console keeps both: it shows both.
 */
const ONE_LANGUAGE = [
  ['consumer', 'zh'],
  ['consumer-en', 'en'],
  ['seal', 'zh'],
  ['seal-en', 'en'],
] as const satisfies readonly (readonly [PageScript, PageLang])[]
const CARRYING_ALL = ['verify'] as const satisfies readonly PageScript[]

function pick(names: readonly PageScript[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, ENTRIES[name]]))
}

/** What web/lazy-code.ts reads to load the lazy scripts: each part's file name and integrity. */
const LAZY_CODE = '__TRACECHAIN_LAZY_CODE__'
/** What web/verify.ts reads to know whether its views may ask for the 'hanzi' lazy script: its step for it is left out where not. */
const SEAL_VIEWS = '__TRACECHAIN_SEAL_VIEWS__'

/**
 * The defines and plugins of a script built with its code on demand (codeOnDemand), and with `lang`, that
 * language's words alone (web/one-language.ts) and the define web/verify.ts reads for it.
 */
function onDemand(define: Record<string, string>, lang?: PageLang): { define: Record<string, string>; plugins: Plugin[] } {
  if (lang === undefined) return { define, plugins: [codeOnDemand] }
  return { define: { ...define, __TRACECHAIN_PAGE_LANG__: JSON.stringify(lang) }, plugins: [codeOnDemand, oneLanguage(lang)] }
}

/**
 * In the consumer, seal and console scripts, core/epcis-event-hash.ts is web/event-hash-on-demand.ts,
 * web/ed25519-fallback.ts is web/ed25519-on-demand.ts,
 * web/open-tiled-log.ts is web/open-tiled-log-on-demand.ts, web/failure-words.ts is
 * web/failure-words-on-demand.ts, food/identifiers.ts is food/web/identifiers-on-demand.ts and
 * seal/simplified.ts is seal/web/simplified-on-demand.ts: the code they leave out comes with the lazy scripts
 * (web/lazy-code.ts).
 */
const codeOnDemand: Plugin = {
  name: 'code-on-demand',
  setup(build) {
    build.onResolve({ filter: /\/epcis-event-hash\.js$/ }, () => ({ path: source('web/event-hash-on-demand.ts') }))
    build.onResolve({ filter: /\/ed25519-fallback\.js$/ }, () => ({ path: source('web/ed25519-on-demand.ts') }))
    build.onResolve({ filter: /\/open-tiled-log\.js$/ }, () => ({ path: source('web/open-tiled-log-on-demand.ts') }))
    build.onResolve({ filter: /\/failure-words\.js$/ }, () => ({ path: source('web/failure-words-on-demand.ts') }))
    build.onResolve({ filter: /(?:^|\/)identifiers\.js$/ }, () => ({ path: source('food/web/identifiers-on-demand.ts') }))
    build.onResolve({ filter: /(?:^|\/)simplified\.js$/ }, () => ({ path: source('seal/web/simplified-on-demand.ts') }))
  },
}

/** ES2020 for BigInt (@noble); written by writeMinified, not by esbuild. */
const BROWSER_BUILD = { bundle: true, format: 'iife', minify: true, target: 'es2020', platform: 'browser', legalComments: 'none', logLevel: 'warning', write: false } as const

/**
 * Writes esbuild's output minified again by swc, whose passes over the whole bundle (inlining, dead code
 * across modules, top-level names) take 4-6% more off it than esbuild's single pass: some 2.3 kB of the
 * consumer page's script in brotli. Only transformations that keep semantics (no `unsafe` options).
 */
async function writeMinified(path: string, code: string): Promise<Buffer> {
  const bytes = await minified(code)
  await mkdir(dirname(path), { recursive: true })
  // Whole or not at all: the tests build the scripts again while other tests' nodes read them (two jobs at
  // once), and a reader between writeFile's truncation and its last write got a short file.
  const partial = `${path}.${process.pid}.${++partialFiles}.partial`
  await writeFile(partial, bytes)
  await rename(partial, path)
  return bytes
}

let partialFiles = 0

async function minified(code: string): Promise<Buffer> {
  const { code: text } = await minify(code, { compress: { passes: 2, ecma: 2020 }, mangle: { toplevel: true }, ecma: 2020, module: false })
  return Buffer.from(text)
}

/**
 * `contents`, a module as if in src/browser/, built as the consumer scripts are (the code their lazy scripts
 * bring left out, those scripts named as dist/public/ holds them; with `lang`, that language's words alone),
 * and not written: bench/page-weight.mjs weighs what each part of a page script costs.
 */
export async function pageScriptOf(contents: string, lang?: PageLang): Promise<Buffer> {
  const { code } = await weighedBuild(contents, lang, false)
  return minified(code)
}

/**
 * As pageScriptOf, esbuild's output before swc with its source map: bench/page-weight.mjs weighs what each
 * source file costs by leaving its bytes out.
 */
export async function pageScriptWithMap(contents: string, lang?: PageLang): Promise<{ code: string; map: string }> {
  const { code, map } = await weighedBuild(contents, lang, true)
  return { code, map: map as string }
}

async function weighedBuild(contents: string, lang: PageLang | undefined, withMap: boolean): Promise<{ code: string; map?: string }> {
  const scripts = readPageScripts()
  const lazy = Object.fromEntries(lazyPartsOf('consumer').map((part) => [part, { file: scripts[part].fileName, integrity: scripts[part].integrity }]))
  const define = { [LAZY_CODE]: JSON.stringify(lazy), [SEAL_VIEWS]: 'false' }
  const result = await build({
    ...BROWSER_BUILD,
    stdin: { contents, resolveDir: source('browser'), sourcefile: source('browser/weighed.ts'), loader: 'ts' },
    tsconfig: source('../tsconfig.json'),
    ...(withMap ? { sourcemap: 'external' as const, outfile: join(PUBLIC_DIR, 'weighed.js') } : {}),
    ...onDemand(define, lang),
  })
  if (!withMap) return { code: result.outputFiles[0].text }
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'))?.text as string
  return { code, map: result.outputFiles.find((file) => file.path.endsWith('.map'))?.text }
}

const AUDIT_WORKER_ENTRY = fileURLToPath(new URL('../../src/web/audit-worker.ts', import.meta.url))
export const AUDIT_WORKER_OUTFILE = join(PUBLIC_DIR, 'audit-worker.js')

/** Writes dist/public/audit-worker.js, the console's audit Web Worker (web/audit-worker.ts): a file of its own, as a worker must be. */
export async function buildAuditWorkerBundle(outfile: string = AUDIT_WORKER_OUTFILE): Promise<void> {
  const result = await build({ ...BROWSER_BUILD, entryPoints: [AUDIT_WORKER_ENTRY], outfile })
  await writeMinified(outfile, result.outputFiles[0].text)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAuditWorkerBundle()
  const sizes = await buildVerifierBundle()
  const scripts = readPageScripts()
  for (const name of PAGE_SCRIPTS) {
    const asset = scripts[name]
    process.stdout.write(`dist/public/${name}.js ${sizes[name]} bytes, served as /web/${asset.fileName}\n  integrity ${asset.integrity}\n  sha256    ${asset.sha256}\n`)
  }
}
