// The keys a node holds in custody, under its data directory: D/keys/custody/<actor>.json (the key file,
// mode 0600) and D/keys/custody/<actor>.token ({"sha256"}: the capture token's hash, never the token).

import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CAPTURE_TOKEN_SECRET_BYTES, captureTokenHash, formatCaptureToken, type CustodyKeys } from '../core/custody-token.js'
import { fail } from '../core/errors.js'
import type { Signer } from '../core/keys.js'
import { writeFileDurably } from '../store/durable-file.js'
import { generateSigner, readKeyFile, writeKeyFile } from './key-files.js'
import { makeDirectorySync } from '../store/make-directory.js'
import { isMissingOrEmpty, writeDataDirIgnore } from './data-dir-ignore.js'

const ACTOR_ID = /^[A-Za-z0-9._-]{1,64}$/

export function custodyDir(dir: string): string {
  return join(dir, 'keys', 'custody')
}

function pathsOf(dir: string, actor: string): { key: string; token: string } {
  // The id becomes a file name: only registry ids, and never . or .. alone.
  if (!ACTOR_ID.test(actor) || /^\.+$/.test(actor)) fail('BAD_REQUEST', `${JSON.stringify(actor)} is not an actor id (letters, digits, . _ -, up to 64)`)
  return { key: join(custodyDir(dir), `${actor}.json`), token: join(custodyDir(dir), `${actor}.token`) }
}

/**
 * `tracechain actor custody <id>`: a new custodial key for `actor` and its first capture token, which is
 * returned and never stored. Throws ALREADY_INITIALISED when the node already holds a key for it.
 */
export function createCustody(dir: string, actor: string): { signer: Signer; token: string } {
  const paths = pathsOf(dir, actor)
  if (existsSync(paths.key)) fail('ALREADY_INITIALISED', `${paths.key} exists: the node already holds a key for ${actor}; rotate its token with tracechain actor token ${actor}`)
  if (isMissingOrEmpty(dir)) {
    // A data directory made here holds a key at once: its .gitignore first, as init's.
    makeDirectorySync(dir, 0o700)
    writeDataDirIgnore(dir)
  }
  makeDirectorySync(custodyDir(dir), 0o700)
  const signer = generateSigner()
  writeKeyFile(paths.key, signer)
  return { signer, token: rotateCaptureToken(dir, actor) }
}

/** `tracechain actor token <id>`: a new capture token for `actor`; the old one is refused from the next request. Throws NOT_FOUND without a custodial key. */
export function rotateCaptureToken(dir: string, actor: string): string {
  const paths = pathsOf(dir, actor)
  if (!existsSync(paths.key)) fail('NOT_FOUND', `the node holds no key for ${actor}: make one with tracechain actor custody ${actor}`)
  const token = formatCaptureToken(actor, new Uint8Array(randomBytes(CAPTURE_TOKEN_SECRET_BYTES)))
  writeFileDurably(paths.token, JSON.stringify({ sha256: captureTokenHash(token) }) + '\n', 0o600)
  return token
}

/** The custody keys of a data directory, read from disk at each call: a key made or a token rotated meanwhile counts at once. */
export function custodyKeysIn(dir: string): CustodyKeys {
  return {
    tokenHashOf(actor) {
      if (!ACTOR_ID.test(actor) || /^\.+$/.test(actor)) return undefined
      const path = pathsOf(dir, actor).token
      if (!existsSync(path)) return undefined
      const hash = (JSON.parse(readFileSync(path, 'utf8')) as { sha256?: unknown }).sha256
      return typeof hash === 'string' ? hash : undefined
    },
    signerOf(actor) {
      if (!ACTOR_ID.test(actor) || /^\.+$/.test(actor)) return undefined
      const path = pathsOf(dir, actor).key
      return existsSync(path) ? readKeyFile(path) : undefined
    },
  }
}
