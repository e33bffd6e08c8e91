// The browser scripts as static, versioned files (server side): the bytes `npm run build` wrote to
// dist/public/<name>.js (web/page-scripts.ts), each named by its SHA-256 (`<name>-<16 hex>.js`, cached
// for good) and pinned in the script tag of each page that loads it by its SHA-384 in Subresource
// Integrity form (W3C SRI: `sha384-<base64>`). A browser that gets other bytes under that name refuses
// to run them.

import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TracechainError } from '../core/errors.js'
import { PAGE_SCRIPTS, type PageScript } from './page-scripts.js'

/** Where `npm run build` writes the browser scripts (the same from src/ and dist/). */
export const PUBLIC_DIR = fileURLToPath(new URL('../../dist/public/', import.meta.url))

/** The standalone verifier's bundle (src/verifier.ts): the file people pin. */
export const VERIFY_BUNDLE_PATH = join(PUBLIC_DIR, 'verify.js')

/** Where `npm run build` writes the console's audit worker (web/audit-worker.ts). */
export const AUDIT_WORKER_BUNDLE_PATH = join(PUBLIC_DIR, 'audit-worker.js')

/** Hex digits of the SHA-256 in the versioned file name: 64 bits, a name, not the integrity check (SRI is). */
export const VERSION_HEX_LENGTH = 16

export interface VerifierAsset {
  bytes: Buffer
  /** `sha384-<base64>`, the script tag's integrity attribute */
  integrity: string
  /** lowercase hex SHA-256 of the bytes */
  sha256: string
  /** `<name>-<first 16 hex of the SHA-256>.js`, e.g. `verify-07b6e9e6985bd110.js` */
  fileName: string
}

/** `name`: the versioned file's stem: a page script's (web/page-scripts.ts), or `audit-worker` for the console's audit worker. */
export function verifierAssetOf(bytes: Buffer, name: PageScript | 'audit-worker' = 'verify'): VerifierAsset {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return {
    bytes,
    integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
    sha256,
    fileName: `${name}-${sha256.slice(0, VERSION_HEX_LENGTH)}.js`,
  }
}

/** Reads one built script (default: the standalone verifier). Throws NOT_FOUND when it is not built. */
export function readVerifierAsset(path: string = VERIFY_BUNDLE_PATH, name: PageScript | 'audit-worker' = 'verify'): VerifierAsset {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch {
    throw new TracechainError('NOT_FOUND', `the browser script ${name} is not built (${path}): run npm run build`)
  }
  return verifierAssetOf(bytes, name)
}

/** Reads every page script from `dir`. Throws NOT_FOUND when one is not built. */
export function readPageScripts(dir: string = PUBLIC_DIR): Record<PageScript, VerifierAsset> {
  return Object.fromEntries(PAGE_SCRIPTS.map((name) => [name, readVerifierAsset(join(dir, `${name}.js`), name)])) as Record<PageScript, VerifierAsset>
}
