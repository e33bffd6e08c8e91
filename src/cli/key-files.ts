// Key files: {"keyid","publicKey","privateKey"} JSON written with mode 0600. Kept apart from the node
// so that keygen and sign start without loading the ledger.

import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { fail } from '../core/errors.js'
import { formatKeyFile, parseKeyFileText, signerFromSeed, type Signer } from '../core/keys.js'
import { writeFileDurably } from '../store/durable-file.js'

/** Writes a key file readable by its owner only, whole or not at all. */
export function writeKeyFile(path: string, signer: Signer & { seed: Uint8Array }): void {
  writeFileDurably(path, JSON.stringify(formatKeyFile(signer), null, 2) + '\n', 0o600)
  // The umask may have taken bits from the mode the file was created with; 0600 exactly.
  chmodSync(path, 0o600)
}

/** The repository's public demo keys (keys/demo/), meant for anyone to read. */
const DEMO_KEYS_DIR = fileURLToPath(new URL('../../keys/demo/', import.meta.url))
const warnedReadable = new Set<string>()

/** Says once per file on stderr, as ssh does for a private key, when others than its owner may read it. */
function warnIfReadable(path: string): void {
  const mode = statSync(path).mode & 0o777
  const absolute = resolve(path)
  if (process.platform === 'win32' || (mode & 0o077) === 0 || absolute.startsWith(DEMO_KEYS_DIR) || warnedReadable.has(absolute)) return
  warnedReadable.add(absolute)
  process.stderr.write(`tracechain: warning: the key file ${path} is readable by other users (mode 0${mode.toString(8)}): whoever can read it can sign as its holder; chmod 600 ${path}\n`)
}

export function readKeyFile(path: string): Signer & { seed: Uint8Array } {
  if (!existsSync(path)) fail('NOT_FOUND', `no key file at ${path}`)
  const signer = parseKeyFileText(readFileSync(path, 'utf8'), nodeEd25519, `the key file ${path}`)
  warnIfReadable(path)
  return signer
}

export function generateSigner(): Signer & { seed: Uint8Array } {
  return signerFromSeed(nodeEd25519, new Uint8Array(randomBytes(32)))
}

/**
 * The key file at `path` when an unfinished init left it there (whole: key files are written durably), else a new
 * key written there. A key file is never replaced: one that does not read is refused (readKeyFile's errors).
 */
export function keptOrNewKeyFile(path: string): Signer & { seed: Uint8Array } {
  if (existsSync(path)) return readKeyFile(path)
  const signer = generateSigner()
  writeKeyFile(path, signer)
  return signer
}

/** Removes the temporaries a killed writeKeyFile left in `directory` (store/durable-file.ts names them). */
export function removeKeyFileTemporaries(directory: string): void {
  if (!existsSync(directory)) return
  for (const name of readdirSync(directory)) if (/^\..+\.\d+\.tmp$/.test(name)) rmSync(join(directory, name), { force: true })
}
