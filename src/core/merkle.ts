// RFC 9162 section 2.1: Merkle tree hashes, inclusion proofs (2.1.3) and consistency proofs (2.1.4).
// Proofs are built from complete (perfect) subtree hashes only, so a store need keep nothing else.

import { bytesEqual, scratchBuffer } from './bytes.js'
import { fail } from './errors.js'
import { HASH_SIZE, sha256 } from './hash.js'

/** RFC 9162 root of the empty tree: SHA-256(""). (Go's x/mod tlog.TreeHash(0) is all zeros instead.) */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0))

// Every append, replay and audit hashes each entry: its prefix and bytes are built in one buffer reused.
const leafInput = scratchBuffer(128 * 1024)

/** SHA-256(0x00 || leafBytes). */
export function leafHash(leafBytes: Uint8Array): Uint8Array {
  return leafInput(1 + leafBytes.length, (input) => {
    input[0] = 0x00
    input.set(leafBytes, 1)
    return sha256(input)
  })
}

// One reused buffer: node hashing is the hot path of appends and proofs, and core code is synchronous.
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE)
nodeInput[0] = 0x01

/** SHA-256(0x01 || left || right). Throws RangeError unless both are 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE) throw new RangeError(`"left" expected ${HASH_SIZE} bytes, got ${left.length}`)
  if (right.length !== HASH_SIZE) throw new RangeError(`"right" expected ${HASH_SIZE} bytes, got ${right.length}`)
  nodeInput.set(left, 1)
  nodeInput.set(right, 1 + HASH_SIZE)
  return sha256(nodeInput)
}

/**
 * The hash of the complete (perfect) subtree at `level` with `index`, i.e. covering leaves
 * [index * 2^level, (index+1) * 2^level). Called only for subtrees that are complete in the tree asked about.
 */
export type HashReader = (level: number, index: number) => Uint8Array

/**
 * Where the proof functions may keep MTH(D[start:end]) of a range that is not a perfect subtree, which they
 * would otherwise fold from up to log2(end - start) subtree hashes each time (the right edge of the tree at
 * `end`). In an append-only log such a hash never changes. `get` must return a hash the caller may keep
 * (a copy, if the cache keeps its own); `set` must copy what it keeps.
 */
export interface RangeHashCache {
  get(start: number, end: number): Uint8Array | undefined
  set(start: number, end: number, hash: Uint8Array): void
}

/** A stored hash: the complete subtree at (level, index). */
export interface SubtreeHash {
  level: number
  index: number
  hash: Uint8Array
}

// Sizes are JS numbers up to 2^53: no 32-bit bitwise operators on them, only on values known to be small.

/** floor(log2(n)) for a safe integer n >= 1. */
function floorLog2(n: number): number {
  if (n < 0x100000000) return 31 - Math.clz32(n)
  return 63 - Math.clz32(Math.floor(n / 0x100000000))
}

/** The largest power of two strictly below n, for n >= 2 (RFC 9162's k). */
function splitPoint(n: number): number {
  return 2 ** floorLog2(n - 1)
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}

/**
 * MTH(D[start:end]) for a range that is a node of the RFC 9162 tree (start is a multiple of a power of two
 * at least end - start): the maximal aligned power-of-two subtrees from the left, folded from the right.
 */
function rangeHash(start: number, end: number, read: HashReader, cache?: RangeHashCache): Uint8Array {
  const perfect = 2 ** floorLog2(end - start) === end - start
  if (cache !== undefined && !perfect) {
    const cached = cache.get(start, end)
    if (cached !== undefined) return cached
  }
  const parts: Uint8Array[] = []
  let at = start
  while (at < end) {
    const level = floorLog2(end - at)
    const width = 2 ** level
    parts.push(read(level, at / width))
    at += width
  }
  let hash = parts[parts.length - 1]
  for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash(parts[i], hash)
  if (cache !== undefined && !perfect) cache.set(start, end, hash)
  return hash
}

/**
 * MTH(D[0:size]), reading only the complete subtrees that the bits of `size` name.
 * Requires size a safe integer >= 0, else RANGE_INVALID. Size 0 gives EMPTY_ROOT. `cache` as for inclusionProof.
 */
export function rootHash(size: number, read: HashReader, cache?: RangeHashCache): Uint8Array {
  if (!isSize(size)) fail('RANGE_INVALID', 'tree size must be a non-negative safe integer', { size })
  if (size === 0) return EMPTY_ROOT
  return rangeHash(0, size, read, cache)
}

/**
 * RFC 9162 section 2.1.3.1 PATH(index, D[0:size]), the sibling nearest the leaf first.
 * Requires 0 <= index < size (safe integers), else RANGE_INVALID. With a `cache`, the hashes of the tree's
 * right edge that it folds are kept there and read back instead of folded again.
 */
export function inclusionProof(index: number, size: number, read: HashReader, cache?: RangeHashCache): Uint8Array[] {
  if (!isSize(size) || !isSize(index) || index >= size) {
    fail('RANGE_INVALID', 'inclusion proof requires 0 <= index < size', { index, size })
  }
  const outerFirst: Uint8Array[] = []
  let start = 0
  let end = size
  while (end - start > 1) {
    const k = splitPoint(end - start)
    if (index < start + k) {
      outerFirst.push(rangeHash(start + k, end, read, cache))
      end = start + k
    } else {
      outerFirst.push(rangeHash(start, start + k, read))
      start += k
    }
  }
  return outerFirst.reverse()
}

/**
 * RFC 9162 section 2.1.4.1 PROOF(fromSize, D[0:toSize]), innermost first.
 * Requires 0 < fromSize <= toSize (safe integers), else RANGE_INVALID; fromSize == toSize gives []. `cache` as
 * for inclusionProof.
 */
export function consistencyProof(fromSize: number, toSize: number, read: HashReader, cache?: RangeHashCache): Uint8Array[] {
  if (!isSize(fromSize) || !isSize(toSize) || fromSize === 0 || fromSize > toSize) {
    fail('RANGE_INVALID', 'consistency proof requires 0 < fromSize <= toSize', { fromSize, toSize })
  }
  const outerFirst: Uint8Array[] = []
  let start = 0
  let end = toSize
  let m = fromSize // leaves of the old tree within [start, end)
  let wholeOldTree = true // RFC's b: the current range is all of the old tree, whose root the verifier has
  for (;;) {
    if (m === end - start) {
      if (!wholeOldTree) outerFirst.push(rangeHash(start, end, read, cache))
      break
    }
    const k = splitPoint(end - start)
    if (m <= k) {
      outerFirst.push(rangeHash(start + k, end, read, cache))
      end = start + k
    } else {
      outerFirst.push(rangeHash(start, start + k, read))
      start += k
      m -= k
      wholeOldTree = false
    }
  }
  return outerFirst.reverse()
}

function checkHashes(proof: readonly Uint8Array[], what: string): void {
  if (!Array.isArray(proof)) fail('PROOF_INVALID', `${what} proof is not a list of hashes`, { check: 'proofShape' })
  for (let i = 0; i < proof.length; i++) {
    const p = proof[i]
    if (!(p instanceof Uint8Array) || p.length !== HASH_SIZE) {
      fail('PROOF_INVALID', `${what} proof hash ${i} is not ${HASH_SIZE} bytes`, { check: 'proofShape', position: i })
    }
  }
}

/**
 * RFC 9162 section 2.1.3.2: the root that `proof` gives for `leaf` at `index` in a tree of `size`.
 * All arguments are attacker-controlled. Throws PROOF_INVALID (details.check names the check) when
 * index or size are out of range, a hash is not 32 bytes, or the proof length does not fit index and size.
 */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  if (!isSize(size) || !isSize(index) || index >= size) {
    fail('PROOF_INVALID', 'inclusion proof requires 0 <= index < size', { check: 'range', index, size })
  }
  if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_SIZE) {
    fail('PROOF_INVALID', `leaf hash is not ${HASH_SIZE} bytes`, { check: 'leafShape' })
  }
  checkHashes(proof, 'inclusion')
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) fail('PROOF_INVALID', 'inclusion proof is longer than the tree is deep', { check: 'proofLength', index, size, length: proof.length })
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      // Skip the levels where this node has no right sibling (the right edge of the tree).
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2
        sn = Math.floor(sn / 2)
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  if (sn !== 0) fail('PROOF_INVALID', 'inclusion proof is shorter than the tree is deep', { check: 'proofLength', index, size, length: proof.length })
  return r
}

/**
 * Verifies that `leaf` (a leaf hash) is at `index` in the tree of `size` with `root`.
 * All arguments are attacker-controlled. Returns nothing; throws PROOF_INVALID, with details.check one of
 * range, leafShape, proofShape, proofLength, root.
 */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  const computed = rootFromInclusionProof(index, size, leaf, proof)
  if (!(root instanceof Uint8Array) || !bytesEqual(computed, root)) {
    fail('PROOF_INVALID', 'inclusion proof does not lead to the root', { check: 'root', index, size })
  }
}

/**
 * RFC 9162 section 2.1.4.2: verifies that the tree of toSize with toRoot extends the tree of fromSize with fromRoot.
 * All arguments are attacker-controlled. Requires 0 < fromSize <= toSize; fromSize == toSize requires an empty
 * proof and equal roots. Returns nothing; throws PROOF_INVALID, with details.check one of
 * range, proofShape, rootShape, proofLength, fromRoot, toRoot.
 */
export function verifyConsistency(
  fromSize: number,
  toSize: number,
  proof: readonly Uint8Array[],
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
): void {
  if (!isSize(fromSize) || !isSize(toSize) || fromSize === 0 || fromSize > toSize) {
    fail('PROOF_INVALID', 'consistency proof requires 0 < fromSize <= toSize', { check: 'range', fromSize, toSize })
  }
  checkHashes(proof, 'consistency')
  if (!(fromRoot instanceof Uint8Array) || !(toRoot instanceof Uint8Array)) {
    fail('PROOF_INVALID', 'roots must be byte arrays', { check: 'rootShape' })
  }
  if (fromSize === toSize) {
    if (proof.length !== 0) fail('PROOF_INVALID', 'equal sizes need an empty proof', { check: 'proofLength', fromSize, toSize })
    if (!bytesEqual(fromRoot, toRoot)) fail('PROOF_INVALID', 'equal sizes with different roots', { check: 'toRoot', fromSize, toSize })
    return
  }
  if (proof.length === 0) fail('PROOF_INVALID', 'consistency proof is empty', { check: 'proofLength', fromSize, toSize })

  // When the old tree is a perfect subtree its root is the first node of the path and is not sent.
  const path = 2 ** floorLog2(fromSize) === fromSize ? [fromRoot, ...proof] : proof
  if (path[0].length !== HASH_SIZE) fail('PROOF_INVALID', `fromRoot is not ${HASH_SIZE} bytes`, { check: 'fromRoot', fromSize, toSize })
  let fn = fromSize - 1
  let sn = toSize - 1
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  let fr = path[0]
  let sr = path[0]
  for (let i = 1; i < path.length; i++) {
    const c = path[i]
    if (sn === 0) fail('PROOF_INVALID', 'consistency proof is longer than needed', { check: 'proofLength', fromSize, toSize, length: proof.length })
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2
        sn = Math.floor(sn / 2)
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  if (sn !== 0) fail('PROOF_INVALID', 'consistency proof is shorter than needed', { check: 'proofLength', fromSize, toSize, length: proof.length })
  if (!bytesEqual(fr, fromRoot)) fail('PROOF_INVALID', 'consistency proof does not lead to fromRoot', { check: 'fromRoot', fromSize, toSize })
  if (!bytesEqual(sr, toRoot)) fail('PROOF_INVALID', 'consistency proof does not lead to toRoot', { check: 'toRoot', fromSize, toSize })
}

/**
 * The hashes to store when leaf `index` is appended (Go's tlog.StoredHashes): the leaf hash at level 0,
 * then every subtree it completes, lowest first. `read` is asked only for the left siblings, which are complete
 * before this append. Requires index a safe integer >= 0 and leaf 32 bytes, else RangeError.
 */
export function completedSubtrees(index: number, leaf: Uint8Array, read: HashReader): SubtreeHash[] {
  if (!isSize(index)) throw new RangeError(`"index" expected a non-negative safe integer, got ${index}`)
  if (leaf.length !== HASH_SIZE) throw new RangeError(`"leaf" expected ${HASH_SIZE} bytes, got ${leaf.length}`)
  const out: SubtreeHash[] = [{ level: 0, index, hash: leaf }]
  let hash = leaf
  let at = index
  let level = 0
  while (at % 2 === 1) {
    hash = nodeHash(read(level, at - 1), hash)
    at = (at - 1) / 2
    level++
    out.push({ level, index: at, hash })
  }
  return out
}
