// Builds the browser verifier (src/verifier.ts: web/verify.ts, the domains' bound views, the standalone
// page's script, core/ and @noble) into one minified script with esbuild. `npm run build` runs this file
// and prints the file's versioned name and its SRI hash (the node serves it under that name, pages pin
// that hash); tests call buildVerifierBundle() so they serve the code they test. esbuild is a
// devDependency: nothing at run time imports this module.

import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { readVerifierAsset } from './verifier-asset.js'

const ENTRY = fileURLToPath(new URL('../../src/verifier.ts', import.meta.url))
export const BUNDLE_OUTFILE = fileURLToPath(new URL('../../dist/public/verify.js', import.meta.url))

/** Writes dist/public/verify.js and returns its size in bytes. ES2020 for BigInt (@noble). */
export async function buildVerifierBundle(outfile: string = BUNDLE_OUTFILE): Promise<number> {
  const result = await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  })
  return Object.values(result.metafile.outputs)[0]?.bytes ?? 0
}

const AUDIT_WORKER_ENTRY = fileURLToPath(new URL('../../src/web/audit-worker.ts', import.meta.url))
export const AUDIT_WORKER_OUTFILE = fileURLToPath(new URL('../../dist/public/audit-worker.js', import.meta.url))

/** Writes dist/public/audit-worker.js, the console's audit Web Worker (web/audit-worker.ts): a file of its own, as a worker must be. */
export async function buildAuditWorkerBundle(outfile: string = AUDIT_WORKER_OUTFILE): Promise<void> {
  await build({ entryPoints: [AUDIT_WORKER_ENTRY], outfile, bundle: true, format: 'iife', minify: true, target: 'es2020', platform: 'browser', legalComments: 'none', logLevel: 'warning' })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAuditWorkerBundle()
  const bytes = await buildVerifierBundle()
  const asset = readVerifierAsset(BUNDLE_OUTFILE)
  process.stdout.write(`dist/public/verify.js ${bytes} bytes, served as /web/${asset.fileName}\n  integrity ${asset.integrity}\n  sha256    ${asset.sha256}\n`)
}
