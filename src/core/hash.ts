// SHA-256 for every layer, through @noble/hashes so the same code runs in the browser.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data)
}

export const HASH_SIZE = 32
