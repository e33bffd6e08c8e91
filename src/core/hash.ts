// SHA-256 for every layer. @noble/hashes by default, so the same code runs in the browser; a server
// installs a faster backend (Node's OpenSSL, about 3x faster on short inputs) with useSha256Backend.
// Both compute the same function, so which one runs never changes a byte.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

export type Sha256 = (data: Uint8Array) => Uint8Array

let backend: Sha256 = nobleSha256

export function sha256(data: Uint8Array): Uint8Array {
  return backend(data)
}

/** Replaces the SHA-256 implementation for this process (the server's Node backend); returns the old one. */
export function useSha256Backend(next: Sha256): Sha256 {
  const previous = backend
  backend = next
  return previous
}

export const nobleSha256Backend: Sha256 = nobleSha256

export const HASH_SIZE = 32
