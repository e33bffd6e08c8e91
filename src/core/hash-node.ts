// The server's SHA-256 backend on Node's built-in crypto (OpenSSL): 2.5-4x the script's (core/sha256.ts) on the short
// inputs the log hashes (leaves, tree nodes, payloads). Kept out of the browser bundle.
import * as crypto from 'node:crypto'
import type { Sha256 } from './hash.js'

// crypto.hash (Node 20.12+) hashes in one call without a Hash object, cheaper than createHash for the
// short inputs a tree node is. Older Node 20 releases fall back to createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Uint8Array }).hash

export const nodeSha256: Sha256 = oneShot
  ? (data) => {
      const digest = oneShot('sha256', data, 'buffer')
      return new Uint8Array(digest.buffer, digest.byteOffset, digest.length)
    }
  : (data) => {
      const digest = crypto.createHash('sha256').update(data).digest()
      return new Uint8Array(digest.buffer, digest.byteOffset, digest.length)
    }
