// The server's SHA-256 backend on Node's built-in crypto (OpenSSL): about 3x @noble on the short
// inputs the log hashes (leaves, tree nodes, payloads). Kept out of the browser bundle.
import { createHash } from 'node:crypto'
import type { Sha256 } from './hash.js'

export const nodeSha256: Sha256 = (data) => {
  const digest = createHash('sha256').update(data).digest()
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length)
}
