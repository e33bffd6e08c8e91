// Builds the browser scripts (web/page-scripts.ts) with esbuild, one minified file per kind of page: the
// standalone verifier from src/verifier.ts, the consumer, seal and console pages' from src/browser/.
// Each carries core/ and @noble and only the views and scripts its pages use. `npm run build` runs this
// file and prints each file's versioned name and SRI hash (the node serves it under that name, pages pin
// that hash); tests call buildVerifierBundle() so they serve the code they test. esbuild is a
// devDependency, as is swc, which minifies its output again: nothing at run time imports this module.

import { minify } from '@swc/core'
import { build } from 'esbuild'
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PAGE_SCRIPTS, type PageScript } from './page-scripts.js'
import { PUBLIC_DIR, readPageScripts } from './verifier-asset.js'

const source = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

const ENTRIES: Record<PageScript, string> = {
  verify: source('verifier.ts'),
  consumer: source('browser/consumer.ts'),
  seal: source('browser/seal.ts'),
  console: source('browser/console.ts'),
}

/** The standalone verifier's built file (dist/public/verify.js). */
export const BUNDLE_OUTFILE = join(PUBLIC_DIR, 'verify.js')

/** Writes `<name>.js` for every page script into `outdir` (default dist/public/); returns each one's size in bytes. */
export async function buildVerifierBundle(outdir: string = PUBLIC_DIR): Promise<Record<PageScript, number>> {
  const result = await build({ ...BROWSER_BUILD, entryPoints: ENTRIES, outdir })
  const sizes: Record<string, number> = {}
  for (const file of result.outputFiles) sizes[basename(file.path, '.js')] = await writeMinified(file.path, file.text)
  return Object.fromEntries(PAGE_SCRIPTS.map((name) => [name, sizes[name] ?? 0])) as Record<PageScript, number>
}

/** ES2020 for BigInt (@noble); written by writeMinified, not by esbuild. */
const BROWSER_BUILD = { bundle: true, format: 'iife', minify: true, target: 'es2020', platform: 'browser', legalComments: 'none', logLevel: 'warning', write: false } as const

/**
 * Writes esbuild's output minified again by swc, whose passes over the whole bundle (inlining, dead code
 * across modules, top-level names) take 4-6% more off it than esbuild's single pass: some 2.3 kB of the
 * consumer page's script in brotli. Only transformations that keep semantics (no `unsafe` options).
 */
async function writeMinified(path: string, code: string): Promise<number> {
  const { code: minified } = await minify(code, { compress: { passes: 2, ecma: 2020 }, mangle: { toplevel: true }, ecma: 2020, module: false })
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, minified)
  return Buffer.byteLength(minified)
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
