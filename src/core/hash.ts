// SHA-256 for every layer. core/sha256.ts by default, so the same code runs in the browser at a sixth of
// @noble's weight in the page scripts; a server installs a faster backend (Node's OpenSSL, about 3x faster on
// short inputs) with useSha256Backend. All compute the same function, so which one runs never changes a byte.
import { sha256 as scriptSha256 } from './sha256.js'

export type Sha256 = (data: Uint8Array) => Uint8Array

let backend: Sha256 = scriptSha256

export function sha256(data: Uint8Array): Uint8Array {
  return backend(data)
}

/** Replaces the SHA-256 implementation for this process (the server's Node backend); returns the old one. */
export function useSha256Backend(next: Sha256): Sha256 {
  const previous = backend
  backend = next
  return previous
}

/** The backend every process starts with, the browser's: core/sha256.ts. */
export const scriptSha256Backend: Sha256 = scriptSha256

export const HASH_SIZE = 32
