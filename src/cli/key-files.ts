// Key files: {"keyid","publicKey","privateKey"} JSON written with mode 0600. Kept apart from the node
// so that keygen and sign start without loading the ledger.

import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync } from 'node:fs'
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

export function readKeyFile(path: string): Signer & { seed: Uint8Array } {
  if (!existsSync(path)) fail('NOT_FOUND', `no key file at ${path}`)
  return parseKeyFileText(readFileSync(path, 'utf8'), nodeEd25519, `the key file ${path}`)
}

export function generateSigner(): Signer & { seed: Uint8Array } {
  return signerFromSeed(nodeEd25519, new Uint8Array(randomBytes(32)))
}
