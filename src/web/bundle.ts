// Builds the browser verifier (src/verifier.ts: web/verify.ts, the domains' bound views, core/ and @noble) into one minified script
// with esbuild. `npm run build` runs this file; tests call buildVerifierBundle() so they serve the
// code they test. esbuild is a devDependency: nothing at run time imports this module.

import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildVerifierBundle()
  process.stdout.write(`dist/public/verify.js ${bytes} bytes\n`)
}
