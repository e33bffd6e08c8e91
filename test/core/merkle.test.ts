// RFC 9162 section 2.1 Merkle tree: known answers, every proof for sizes 1..64 against a naive tree, tampering.
import t from 'tap'
import { fromHex, toHex } from '../../src/core/bytes.js'
import { sha256 } from '../../src/core/hash.js'
import {
  EMPTY_ROOT,
  completedSubtrees,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromInclusionProof,
  rootHash,
  verifyConsistency,
  verifyInclusion,
  type HashReader,
  type RangeHashCache,
} from '../../src/core/merkle.js'
import { largestPowerOfTwoBelow, mth, path, subproof } from '../helpers/naive-merkle.js'


// A store that keeps only what completedSubtrees says to keep.
function buildStore(leaves: Uint8Array[]): HashReader {
  const stored = new Map<string, Uint8Array>()
  const read: HashReader = (level, index) => {
    const hash = stored.get(`${level}/${index}`)
    if (hash === undefined) throw new Error(`not stored: ${level}/${index}`)
    return hash
  }
  leaves.forEach((leaf, i) => {
    for (const s of completedSubtrees(i, leaf, read)) stored.set(`${s.level}/${s.index}`, s.hash)
  })
  return read
}

const hexList = (hashes: Uint8Array[]) => hashes.map(toHex)
const flipBit = (hash: Uint8Array, bit: number) => {
  const out = hash.slice()
  out[bit >> 3] ^= 1 << (bit & 7)
  return out
}

// RFC 6962 / certificate-transparency-go reference tree (transparency-dev/merkle testonly/constants.go).
const RFC6962_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
const RFC6962_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

t.test('RFC 6962 empty root is SHA-256 of nothing', async (t) => {
  t.equal(toHex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  t.equal(toHex(rootHash(0, () => t.fail('no reads') as never)), toHex(EMPTY_ROOT))
})

t.test('RFC 6962 reference tree roots for sizes 1..8', async (t) => {
  const leaves = RFC6962_LEAVES.map((hex) => leafHash(fromHex(hex)))
  const read = buildStore(leaves)
  for (let size = 1; size <= 8; size++) {
    t.equal(toHex(rootHash(size, read)), RFC6962_ROOTS[size - 1], `size ${size}`)
  }
})

t.test('nodeHash matches SHA-256(0x01 || l || r) and rejects wrong lengths', async (t) => {
  const l = sha256(new Uint8Array([1]))
  const r = sha256(new Uint8Array([2]))
  t.equal(toHex(nodeHash(l, r)), toHex(sha256(new Uint8Array([1, ...l, ...r]))))
  t.equal(toHex(nodeHash(l, r)), toHex(nodeHash(l, r)), 'the reused buffer leaves no state behind')
  t.throws(() => nodeHash(l.subarray(1), r), RangeError)
})

const leaves64 = Array.from({ length: 64 }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)))
const read64 = buildStore(leaves64)
const roots = [EMPTY_ROOT, ...Array.from({ length: 64 }, (_, i) => mth(leaves64.slice(0, i + 1)))]

t.test('completedSubtrees stores every complete subtree once, each equal to the naive MTH', async (t) => {
  for (let level = 0; level <= 6; level++) {
    for (let index = 0; (index + 1) * 2 ** level <= 64; index++) {
      const want = mth(leaves64.slice(index * 2 ** level, (index + 1) * 2 ** level))
      if (toHex(read64(level, index)) !== toHex(want)) t.fail(`subtree ${level}/${index}`)
    }
  }
  t.same(
    completedSubtrees(7, leaves64[7], read64).map((s) => [s.level, s.index]),
    [[0, 7], [1, 3], [2, 1], [3, 0]],
  )
})

t.test('sizes 1..64: every root, inclusion and consistency proof matches the naive tree and verifies', async (t) => {
  let checked = 0
  for (let size = 1; size <= 64; size++) {
    const d = leaves64.slice(0, size)
    t.equal(toHex(rootHash(size, read64)), toHex(roots[size]), `root ${size}`)
    for (let index = 0; index < size; index++) {
      const proof = inclusionProof(index, size, read64)
      t.same(hexList(proof), hexList(path(index, d)), `inclusion ${index}/${size}`)
      verifyInclusion(index, size, leaves64[index], proof, roots[size])
      t.equal(toHex(rootFromInclusionProof(index, size, leaves64[index], proof)), toHex(roots[size]))
      checked++
    }
    for (let from = 1; from <= size; from++) {
      const proof = consistencyProof(from, size, read64)
      t.same(hexList(proof), hexList(subproof(from, d, true)), `consistency ${from}->${size}`)
      verifyConsistency(from, size, proof, roots[from], roots[size])
      checked++
    }
  }
  t.equal(checked, 2 * ((64 * 65) / 2))
})

t.test('with a RangeHashCache, sizes 1..64 give the same proofs, hashing no right edge twice', async (t) => {
  const kept = new Map<string, Uint8Array>()
  let hits = 0
  const cache: RangeHashCache = {
    get: (start, end) => {
      const hash = kept.get(`${start}/${end}`)
      if (hash !== undefined) hits++
      return hash?.slice()
    },
    set: (start, end, hash) => {
      t.not(2 ** Math.round(Math.log2(end - start)), end - start, 'only ranges that are not perfect subtrees')
      kept.set(`${start}/${end}`, hash.slice())
    },
  }
  for (let round = 0; round < 2; round++) {
    for (let size = 1; size <= 64; size++) {
      const d = leaves64.slice(0, size)
      t.equal(toHex(rootHash(size, read64, cache)), toHex(roots[size]), `root ${size}`)
      for (let index = 0; index < size; index++) {
        t.same(hexList(inclusionProof(index, size, read64, cache)), hexList(path(index, d)), `inclusion ${index}/${size}`)
      }
      for (let from = 1; from <= size; from++) {
        t.same(hexList(consistencyProof(from, size, read64, cache)), hexList(subproof(from, d, true)), `consistency ${from}->${size}`)
      }
    }
  }
  t.ok(hits > 0, `${hits} hits`)
  for (const [key, hash] of kept) {
    const [start, end] = key.split('/').map(Number)
    t.equal(toHex(hash), toHex(mth(leaves64.slice(start, end))), `MTH(D[${start}:${end}])`)
  }
})

t.test('tampered inclusion proofs fail with PROOF_INVALID', async (t) => {
  const code = { code: 'PROOF_INVALID' }
  for (let size = 1; size <= 64; size++) {
    for (let index = 0; index < size; index++) {
      const proof = inclusionProof(index, size, read64)
      const leaf = leaves64[index]
      const root = roots[size]
      const name = `${index}/${size}`
      t.throws(() => verifyInclusion(index, size, leaves64[(index + 1) % 64], proof, root), code, `wrong leaf ${name}`)
      if (proof.length > 0) t.throws(() => verifyInclusion(index, size, leaf, proof.slice(0, -1), root), code, `truncated ${name}`)
      t.throws(() => verifyInclusion(index, size, leaf, [...proof, leaves64[0]], root), code, `trailing garbage ${name}`)
      t.throws(() => verifyInclusion(index, size, leaf, [leaves64[0], ...proof], root), code, `preceding garbage ${name}`)
      t.throws(() => verifyInclusion(index + 1, size, leaf, proof, root), code, `index+1 ${name}`)
      t.throws(() => verifyInclusion(index, size * 2, leaf, proof, root), code, `size*2 ${name}`)
      t.throws(() => verifyInclusion(index, size, leaf, proof, roots[size - 1]), code, `other root ${name}`)
      t.throws(() => verifyInclusion(index, size, flipBit(leaf, 77), proof, root), code, `flipped leaf bit ${name}`)
      t.throws(() => verifyInclusion(index, size, leaf, proof, flipBit(root, 200)), code, `flipped root bit ${name}`)
      proof.forEach((_, i) => {
        const bad = proof.slice()
        bad[i] = flipBit(bad[i], (i * 37) % 256)
        t.throws(() => verifyInclusion(index, size, leaf, bad, root), code, `flipped bit in proof[${i}] ${name}`)
      })
    }
  }
})

t.test('tampered consistency proofs fail with PROOF_INVALID', async (t) => {
  const code = { code: 'PROOF_INVALID' }
  for (let size = 1; size <= 64; size++) {
    for (let from = 1; from <= size; from++) {
      const proof = consistencyProof(from, size, read64)
      const [r1, r2] = [roots[from], roots[size]]
      const name = `${from}->${size}`
      if (from < size) {
        t.throws(() => verifyConsistency(from, size, proof, r2, r1), code, `swapped roots ${name}`)
        t.throws(() => verifyConsistency(from, size, proof.slice(0, -1), r1, r2), code, `truncated ${name}`)
        t.throws(() => verifyConsistency(from, size, [], r1, r2), code, `empty ${name}`)
        t.throws(() => verifyConsistency(from + 1, size, proof, r1, r2), code, `from+1 ${name}`)
      }
      t.throws(() => verifyConsistency(from, size, [...proof, leaves64[0]], r1, r2), code, `trailing garbage ${name}`)
      t.throws(() => verifyConsistency(from, size * 2, proof, r1, r2), code, `to*2 ${name}`)
      t.throws(() => verifyConsistency(from, size, proof, flipBit(r1, 3), r2), code, `flipped fromRoot bit ${name}`)
      t.throws(() => verifyConsistency(from, size, proof, r1, flipBit(r2, 250)), code, `flipped toRoot bit ${name}`)
      proof.forEach((_, i) => {
        const bad = proof.slice()
        bad[i] = flipBit(bad[i], (i * 53) % 256)
        t.throws(() => verifyConsistency(from, size, bad, r1, r2), code, `flipped bit in proof[${i}] ${name}`)
      })
    }
  }
})

t.test('malformed verifier inputs are PROOF_INVALID, never another error', async (t) => {
  const code = { code: 'PROOF_INVALID' }
  const proof = inclusionProof(3, 10, read64)
  for (const [index, size] of [[-1, 10], [10, 10], [0, 0], [1.5, 10], [3, Number.NaN], [3, 2 ** 64]]) {
    t.throws(() => verifyInclusion(index, size, leaves64[3], proof, roots[10]), code, `index ${index} size ${size}`)
  }
  t.throws(() => verifyInclusion(3, 10, leaves64[3].subarray(1), proof, roots[10]), code, 'short leaf')
  t.throws(() => verifyInclusion(3, 10, leaves64[3], [proof[0].subarray(1), ...proof.slice(1)], roots[10]), code, 'short proof hash')
  t.throws(() => verifyInclusion(3, 10, leaves64[3], proof, roots[10].subarray(1)), code, 'short root')
  for (const [from, to] of [[0, 0], [0, 5], [6, 5], [-1, 5], [2.5, 5]]) {
    t.throws(() => verifyConsistency(from, to, [], roots[5], roots[5]), code, `from ${from} to ${to}`)
  }
  t.throws(() => verifyConsistency(5, 5, [roots[5]], roots[5], roots[5]), code, 'equal sizes, non-empty proof')
  t.throws(() => verifyConsistency(5, 5, [], roots[5], roots[6]), code, 'equal sizes, different roots')
  verifyConsistency(5, 5, [], roots[5], roots[5])
  t.throws(() => verifyConsistency(4, 8, [], roots[4], roots[8]), code, 'power-of-two from, empty proof')
  t.throws(() => verifyConsistency(4, 8, consistencyProof(4, 8, read64), roots[4].subarray(1), roots[8]), code, 'short fromRoot')
  try {
    verifyInclusion(3, 10, leaves64[4], proof, roots[10])
    t.fail('should throw')
  } catch (error) {
    t.match(error, { code: 'PROOF_INVALID', details: { check: 'root' } }, 'details say which check failed')
  }
})

t.test('proof builders reject ranges outside the tree with RANGE_INVALID', async (t) => {
  const code = { code: 'RANGE_INVALID' }
  t.throws(() => inclusionProof(5, 5, read64), code)
  t.throws(() => inclusionProof(-1, 5, read64), code)
  t.throws(() => inclusionProof(0, 0, read64), code)
  t.throws(() => inclusionProof(1.5, 5, read64), code)
  t.throws(() => consistencyProof(0, 5, read64), code)
  t.throws(() => consistencyProof(6, 5, read64), code)
  t.throws(() => consistencyProof(1, 2 ** 53, read64), code)
  t.throws(() => rootHash(-1, read64), code)
  t.same(consistencyProof(5, 5, read64), [])
})

t.test('sizes past 2^32 use no 32-bit arithmetic', async (t) => {
  // A virtual tree of 2^41 + 2^33 + 5 leaves: all equal except a few special ones, so a perfect subtree without
  // a special leaf has a known hash per level and the naive recursion stays cheap.
  const size = 2 ** 41 + 2 ** 33 + 5
  const specials = [0, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 7, 2 ** 41 + 3, size - 1]
  const leafAt = (i: number) => (specials.includes(i) ? leafHash(new TextEncoder().encode(`special ${i}`)) : leafHash(new Uint8Array(1)))
  const uniform = [leafAt(1)]
  for (let level = 1; level <= 53; level++) uniform.push(nodeHash(uniform[level - 1], uniform[level - 1]))
  const hasSpecial = (lo: number, hi: number) => specials.some((s) => lo <= s && s < hi)
  // Naive MTH(D[lo:hi]) by the RFC's recursion.
  const mthRange = (lo: number, hi: number): Uint8Array => {
    const n = hi - lo
    if (n === 1) return leafAt(lo)
    const k = largestPowerOfTwoBelow(n)
    if (k * 2 === n && !hasSpecial(lo, hi)) return uniform[Math.log2(n)]
    return nodeHash(mthRange(lo, lo + k), mthRange(lo + k, hi))
  }
  const pathRange = (m: number, lo: number, hi: number): Uint8Array[] => {
    if (hi - lo === 1) return []
    const k = largestPowerOfTwoBelow(hi - lo)
    return m < k ? [...pathRange(m, lo, lo + k), mthRange(lo + k, hi)] : [...pathRange(m - k, lo + k, hi), mthRange(lo, lo + k)]
  }
  const subproofRange = (m: number, lo: number, hi: number, b: boolean): Uint8Array[] => {
    if (m === hi - lo) return b ? [] : [mthRange(lo, hi)]
    const k = largestPowerOfTwoBelow(hi - lo)
    return m <= k
      ? [...subproofRange(m, lo, lo + k, b), mthRange(lo + k, hi)]
      : [...subproofRange(m - k, lo + k, hi, false), mthRange(lo, lo + k)]
  }
  const read: HashReader = (level, index) => mthRange(index * 2 ** level, (index + 1) * 2 ** level)

  const root = rootHash(size, read)
  t.equal(toHex(root), toHex(mthRange(0, size)))
  for (const index of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, 2 ** 41 + 3, size - 1]) {
    const proof = inclusionProof(index, size, read)
    t.same(hexList(proof), hexList(pathRange(index, 0, size)), `inclusion ${index}`)
    verifyInclusion(index, size, leafAt(index), proof, root)
    t.throws(() => verifyInclusion(index, size, flipBit(leafAt(index), 1), proof, root), { code: 'PROOF_INVALID' })
  }
  for (const from of [1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 3, 2 ** 41, size - 1]) {
    const proof = consistencyProof(from, size, read)
    t.same(hexList(proof), hexList(subproofRange(from, 0, size, true)), `consistency ${from}`)
    verifyConsistency(from, size, proof, mthRange(0, from), root)
    t.throws(() => verifyConsistency(from, size, proof, mthRange(0, from), flipBit(root, 9)), { code: 'PROOF_INVALID' })
  }
})

t.test('leafHash through its reused buffer: any length, any order, the hash of a fresh copy', async (t) => {
  const plain = (bytes: Uint8Array) => {
    const input = new Uint8Array(1 + bytes.length)
    input.set(bytes, 1)
    return toHex(sha256(input))
  }
  // Growing past the first buffer and past the bound, then short again: a longer leaf's tail must not leak into a shorter one.
  for (const length of [0, 1, 4095, 4096, 70_000, 3, 131_071, 131_072, 200_000, 10, 65_535]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff)
    t.equal(toHex(leafHash(bytes)), plain(bytes), `${length} bytes`)
  }
  const view = new Uint8Array(100).fill(7).subarray(10, 60)
  t.equal(toHex(leafHash(view)), plain(view), 'a view into a larger buffer')
})
