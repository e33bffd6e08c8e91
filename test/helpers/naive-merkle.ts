// The naive RFC 9162 section 2.1 definitions, recursive, straight from the text: the reference the
// tree, proof and tile code is cross-checked against.

import { sha256 } from '../../src/core/hash.js'
import { nodeHash } from '../../src/core/merkle.js'

export function largestPowerOfTwoBelow(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** MTH(D[n]) */
export function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array(0))
  if (d.length === 1) return d[0]
  const k = largestPowerOfTwoBelow(d.length)
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)))
}

/** PATH(m, D[n]) */
export function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return []
  const k = largestPowerOfTwoBelow(d.length)
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))]
}

/** SUBPROOF(m, D[n], b) */
export function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)]
  const k = largestPowerOfTwoBelow(d.length)
  return m <= k ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))] : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))]
}
