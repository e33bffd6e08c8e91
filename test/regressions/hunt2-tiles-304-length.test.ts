// A CDN in front of /tlog/ revalidates a partial tile or the checkpoint every few seconds (max-age=5) with
// If-None-Match, and the node answers 304. That 304 said Content-Length: 0, which RFC 9110 section 8.6 forbids
// ("a server MUST NOT send Content-Length in such a response unless its field value equals the decimal number of
// octets that would have been sent in the content of a 200"): a cache that updates its stored headers from the
// 304, as RFC 7234 caches did for every field, then serves the stored tile as empty, and a mirror reading it
// stops with TILE_INVALID, filing evidence against a log that did nothing wrong. A 304 now carries no
// Content-Length.

import t from 'tap'
import { request } from 'node:http'
import { join } from 'node:path'
import { servedNode } from '../helpers/served-node.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('a 304 under /tlog/ (and elsewhere) carries no Content-Length', async (t) => {
  const { node, url } = await servedNode(t, join(testDir(t), 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 300))
  for (const path of ['/tlog/checkpoint', '/tlog/tile/0/000', '/tlog/tile/0/001.p/45', '/tlog/tile/entries/001.p/45', '/tlog/tile/entries/000', '/v1/checkpoint']) {
    for (const encoding of [{}, { 'accept-encoding': 'gzip, br' }] as Record<string, string>[]) {
      const first = await get(url + path, encoding)
      t.equal(first.status, 200, path)
      const etag = first.headers.etag as string
      const again = await get(url + path, { ...encoding, 'if-none-match': etag })
      t.equal(again.status, 304, `${path} ${JSON.stringify(encoding)}: 304`)
      t.equal(again.body.length, 0)
      const length = again.headers['content-length']
      t.ok(length === undefined || (first.headers['content-length'] !== undefined && length === first.headers['content-length']), `${path} ${JSON.stringify(encoding)}: Content-Length ${length} (the 200's: ${first.headers['content-length']})`)
      t.equal(again.headers.etag, etag)
      t.equal(again.headers['cache-control'], first.headers['cache-control'], `${path}: the same Cache-Control`)
    }
  }
})
