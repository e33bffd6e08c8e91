// SHA-256 (FIPS 180-4, section 6.2) in under a kilobyte of script, for the pages a phone opens: @noble's
// SHA-256 with the hash framework it shares with SHA-512 weighs 5.6 kB minified, 1.5 kB of the consumer
// page's script in brotli. Every input here is public (entries, leaves, tree nodes), so nothing needs to
// run in constant time. test/core/hash.test.ts holds it to FIPS 180-4's examples and to Node's OpenSSL on
// every length across several blocks. Int32Array throughout, so that V8 keeps every word a small integer
// rather than a double above 2^31.

/** The first 32 bits of the fractional parts of the square roots of the first 8 primes (H0) and the cube roots of the first 64 (K). */
const H0 = new Int32Array(8)
const K = new Int32Array(64)

/**
 * floor(p^(1/k) * 2^32) mod 2^32, exactly: Math.pow's estimate, then moved to the integer x with x^k <= p * 2^(32k)
 * < (x+1)^k. The floating-point roots alone are not specified to the last bit.
 */
function rootBits(p: number, k: number): number {
  const power = BigInt(k)
  const target = BigInt(p) << BigInt(32 * k)
  let x = BigInt(Math.floor(Math.pow(p, 1 / k) * 2 ** 32))
  while (x ** power > target) x--
  while ((x + 1n) ** power <= target) x++
  return Number(x & 0xffffffffn)
}

for (let candidate = 2, n = 0; n < 64; candidate++) {
  let prime = true
  for (let divisor = 2; divisor * divisor <= candidate; divisor++) if (candidate % divisor === 0) prime = false
  if (!prime) continue
  if (n < 8) H0[n] = rootBits(candidate, 2)
  K[n++] = rootBits(candidate, 3)
}

const schedule = new Int32Array(64)

export function sha256(data: Uint8Array): Uint8Array {
  // The message, a 1 bit, zeros, and its length in bits as 64 bits big-endian, to a multiple of 64 bytes.
  const padded = new Uint8Array((data.length + 72) & ~63)
  padded.set(data)
  padded[data.length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(data.length / 2 ** 29))
  view.setUint32(padded.length - 4, data.length << 3)
  const h = H0.slice()
  const w = schedule
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(block + 4 * t)
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]
      const b = w[t - 2]
      w[t] = ((((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)) + (((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)) + w[t - 7] + w[t - 16]) | 0
    }
    let a = h[0]
    let b = h[1]
    let c = h[2]
    let d = h[3]
    let e = h[4]
    let f = h[5]
    let g = h[6]
    let hh = h[7]
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0
      const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0
      hh = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h[0] += a
    h[1] += b
    h[2] += c
    h[3] += d
    h[4] += e
    h[5] += f
    h[6] += g
    h[7] += hh
  }
  const digest = new Uint8Array(32)
  const out = new DataView(digest.buffer)
  for (let i = 0; i < 8; i++) out.setInt32(4 * i, h[i])
  return digest
}
