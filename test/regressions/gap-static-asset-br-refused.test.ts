// Gap (found in the third hunt): the page scripts (StaticAsset) were sent in brotli to any client whose
// Accept-Encoding held the word "br", one that refuses it with br;q=0 too, which then cannot read the script.
// They are now negotiated as the node's compressed pages are (@fastify/accept-negotiator).

import t from 'tap'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { seededDemoApp } from '../helpers/demo-app.js'

t.test("a page script honours the client's refusal of brotli", async (t) => {
  const { app } = await seededDemoApp(t)
  const page = await app.inject({ url: '/01/06901234001037/10/Z260526A', headers: { accept: 'text/html' } })
  const src = /<script src="([^"]+)"/.exec(page.body)?.[1]
  t.ok(src, 'the page names its script')
  const plain = (await app.inject({ url: src!, headers: { 'accept-encoding': 'identity' } })).rawPayload
  const get = (acceptEncoding: string) => app.inject({ url: src!, headers: { 'accept-encoding': acceptEncoding } })
  for (const [accept, expected] of [
    ['br', 'br'],
    ['gzip, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0', undefined],
    ['gzip;q=0, br;q=0', undefined],
    ['*;q=0.5, br;q=0', 'gzip'],
  ] as const) {
    const answer = await get(accept)
    t.equal(answer.statusCode, 200)
    t.equal(answer.headers['content-encoding'], expected, `Accept-Encoding: ${accept}`)
    const body = expected === 'br' ? brotliDecompressSync(answer.rawPayload) : expected === 'gzip' ? gunzipSync(answer.rawPayload) : answer.rawPayload
    t.ok(body.equals(plain), 'the same script')
  }
})
