// A body the node sends twice is compressed once, at brotli's quality 11, and sent from then on from those
// bytes (http/compressed-answers.ts): the same body decoded, its ETag and 304s as before, brotli only to a
// client that asked for it first; a body sent once is never compressed at 11, and however many are sent
// twice, compressing them takes at most a quarter of one core.

import { request } from 'node:http'
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib'
import t from 'tap'
import { COMPRESSION_DUTY } from '../../src/http/compressed-answers.js'
import { DYNAMIC_BROTLI_QUALITY } from '../../src/http/compression.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT } from '../helpers/web.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** GET over a socket, the bytes as they came (node:http decodes nothing). */
function get(baseUrl: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(baseUrl + path, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
      .on('error', reject)
      .end()
  })
}

const metric = async (baseUrl: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec((await get(baseUrl, '/metrics', {})).body.toString())?.[1] ?? NaN)

const BROTLI = { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br' }

t.test("a page asked for again comes in brotli's best compression, the same page decoded", async (t) => {
  const { baseUrl } = await demoApp(t, { listen: true })
  const path = lotPath(RECALLED_LOT)
  const plain = (await get(baseUrl, path, { accept: 'text/html' })).body
  const atQuality = (quality: number) => brotliCompressSync(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } }).length

  const first = await get(baseUrl, path, BROTLI)
  t.equal(first.body.length, atQuality(DYNAMIC_BROTLI_QUALITY), `first: quality ${DYNAMIC_BROTLI_QUALITY}, ${first.body.length} bytes`)
  t.equal(await metric(baseUrl, 'tracechain_http_bodies_compressed_once_total'), 0, 'a body sent once is not compressed again')
  const second = await get(baseUrl, path, BROTLI)
  t.equal(second.body.length, first.body.length, 'the second asking too, while it is compressed')

  let later = second
  for (let i = 0; i < 200 && later.body.length === first.body.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    later = await get(baseUrl, path, BROTLI)
  }
  t.ok(later.body.length < first.body.length, `then ${first.body.length} -> ${later.body.length} bytes`)
  t.equal(later.body.length, atQuality(11), 'at quality 11')
  t.equal(later.headers['content-encoding'], 'br')
  t.equal(Number(later.headers['content-length']), later.body.length)
  t.match(later.headers.vary, /accept-encoding/i)
  t.same(brotliDecompressSync(later.body), plain, 'the same page, byte for byte')
  t.equal(later.headers.etag, first.headers.etag, 'the same entity tag')
  t.equal((await get(baseUrl, path, { ...BROTLI, 'if-none-match': String(first.headers.etag) })).status, 304, 'a conditional GET still gets 304')
  t.equal(await metric(baseUrl, 'tracechain_http_bodies_compressed_once_total'), 1)
  t.ok((await metric(baseUrl, 'tracechain_http_answers_precompressed_total')) >= 1)

  // Only to those who take brotli first: gzip to a client that prefers it or refuses brotli, and the page as it
  // is to one that asks for no encoding.
  const gzip = await get(baseUrl, path, { accept: 'text/html', 'accept-encoding': 'gzip' })
  t.equal(gzip.headers['content-encoding'], 'gzip')
  t.same(gunzipSync(gzip.body), plain)
  t.equal((await get(baseUrl, path, { accept: 'text/html', 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding'], 'gzip')
  t.equal((await get(baseUrl, path, { accept: 'text/html', 'accept-encoding': 'gzip;q=1, br;q=0.5' })).headers['content-encoding'], 'gzip')
  const identity = await get(baseUrl, path, { accept: 'text/html', 'accept-encoding': 'identity' })
  t.equal(identity.headers['content-encoding'], undefined)
  t.same(identity.body, plain)
})

t.test("one path's page and JSON are two bodies, each cached and sent to whom asked for it", async (t) => {
  const { baseUrl } = await demoApp(t, { listen: true })
  const path = lotPath(FINE_LOT)
  const json = { accept: 'application/json', 'accept-encoding': 'br' }
  // Each asked for twice, and again while the other is compressed (one body at a time).
  for (let i = 0; i < 200 && (await metric(baseUrl, 'tracechain_http_bodies_compressed_once_total')) < 2; i++) {
    if (i > 1) await new Promise((resolve) => setTimeout(resolve, 10))
    await get(baseUrl, path, json)
    await get(baseUrl, path, BROTLI)
  }
  t.equal(await metric(baseUrl, 'tracechain_http_bodies_compressed_once_total'), 2, 'both compressed once')
  const before = await metric(baseUrl, 'tracechain_http_answers_precompressed_total')
  const page = await get(baseUrl, path, BROTLI)
  const data = await get(baseUrl, path, json)
  t.equal(await metric(baseUrl, 'tracechain_http_answers_precompressed_total'), before + 2, 'both sent from their brotli')
  t.match(brotliDecompressSync(page.body).toString(), /^<!doctype html>/i, 'the page to the browser')
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(JSON.parse(brotliDecompressSync(data.body).toString()), { lot: String }, 'the JSON to the program')
  t.match(data.headers['content-type'], /^application\/json/)
  t.not(page.headers.etag, data.headers.etag)
})

t.test('a thousand bodies each sent once: none compressed at quality 11', async (t) => {
  const { baseUrl, node } = await demoApp(t, { listen: true })
  const size = node.ledger.size
  const statuses = new Map<number, number>()
  let n = 0
  for (let a = 0; a < size && n < 1000; a++) {
    for (let b = a + 1; b < size && n < 1000; b++, n++) {
      const { status } = await get(baseUrl, `/v1/proofs/entries?seqs=${a},${b}&size=${size}&payloads=text`, { 'accept-encoding': 'br' })
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
  }
  t.same([...statuses], [[200, 1000]])
  t.equal(await metric(baseUrl, 'tracechain_http_bodies_compressed_once_total'), 0)
  t.equal(await metric(baseUrl, 'tracechain_http_answers_precompressed_total'), 0)
})

t.test('many bodies each sent again and again: compressions take at most a quarter of one core over time', async (t) => {
  const { baseUrl, node } = await demoApp(t, { listen: true })
  const size = node.ledger.size
  const started = performance.now()
  let asked = 0
  // Large bodies (a dozen entries with their proofs and two actors' registrations, some 40 kB), each asked for five times, by four clients at once:
  // without the bound, one compression would follow another.
  await Promise.all(
    Array.from({ length: 4 }, async (_, client) => {
      for (let i = client; performance.now() - started < 3000; i += 4) {
        // A dozen seqs that no other i picks (a linear congruential walk from i).
        let x = i + 1
        const seqs = Array.from({ length: 12 }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) % size)
        const path = `/v1/proofs/entries?seqs=${[...new Set(seqs)].join(',')}&size=${size}&actors=operator,farm-anji-01,f${i}`
        for (let k = 0; k < 5; k++) {
          t.equal((await get(baseUrl, path, { 'accept-encoding': 'br' })).status, 200)
          asked++
        }
      }
    }),
  )
  const wall = (performance.now() - started) / 1000
  const compressions = await metric(baseUrl, 'tracechain_http_bodies_compressed_once_total')
  const seconds = Number(/^tracechain_http_bodies_compressed_once_seconds_total ([\d.e-]+)$/m.exec((await get(baseUrl, '/metrics', {})).body.toString())?.[1])
  t.ok(compressions >= 2, `${compressions} bodies compressed of ${asked / 5} sent five times`)
  t.ok(seconds <= COMPRESSION_DUTY * wall + 0.25, `${seconds.toFixed(3)} s compressing in ${wall.toFixed(2)} s`)
})
