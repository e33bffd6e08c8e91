// The browser verifier as one static, versioned file (server side): the bytes `npm run build` wrote to
// dist/public/verify.js, named by their SHA-256 (`verify-<16 hex>.js`, cached for good) and pinned in
// every page's script tag by their SHA-384 in Subresource Integrity form (W3C SRI: `sha384-<base64>`).
// A browser that gets other bytes under that name refuses to run them.

import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { TracechainError } from '../core/errors.js'

/** Where `npm run build` writes the esbuild bundle of src/verifier.ts (the same from src/ and dist/). */
export const VERIFY_BUNDLE_PATH = fileURLToPath(new URL('../../dist/public/verify.js', import.meta.url))

/** Where `npm run build` writes the console's audit worker (web/audit-worker.ts). */
export const AUDIT_WORKER_BUNDLE_PATH = fileURLToPath(new URL('../../dist/public/audit-worker.js', import.meta.url))

/** Hex digits of the SHA-256 in the versioned file name: 64 bits, a name, not the integrity check (SRI is). */
export const VERSION_HEX_LENGTH = 16

export interface VerifierAsset {
  bytes: Buffer
  /** `sha384-<base64>`, the script tag's integrity attribute */
  integrity: string
  /** lowercase hex SHA-256 of the bytes */
  sha256: string
  /** `verify-<first 16 hex of the SHA-256>.js` */
  fileName: string
}

/** `name`: the versioned file's stem, `verify` for the verifier, `audit-worker` for the console's audit worker. */
export function verifierAssetOf(bytes: Buffer, name = 'verify'): VerifierAsset {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return {
    bytes,
    integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
    sha256,
    fileName: `${name}-${sha256.slice(0, VERSION_HEX_LENGTH)}.js`,
  }
}

/** Reads the built bundle. Throws NOT_FOUND when it is not built. */
export function readVerifierAsset(path: string = VERIFY_BUNDLE_PATH, name = 'verify'): VerifierAsset {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch {
    throw new TracechainError('NOT_FOUND', `the verifier bundle is not built (${path}): run npm run build`)
  }
  return verifierAssetOf(bytes, name)
}
