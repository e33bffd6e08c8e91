// GET /tlog/...: the log as C2SP tlog-tiles from the node itself, the same bytes a publisher writes, with
// cache headers for a CDN, CORS for any origin, and a code for every bad or absent path.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { bytesEqual } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { TiledLog } from '../../src/core/tiled-log.js'
import { buildApp } from '../../src/http/app.js'
import { CHECKPOINT_CACHE_CONTROL, IMMUTABLE_CACHE_CONTROL, MUTABLE_CACHE_CONTROL } from '../../src/http/routes/tlog.js'
import { Publisher } from '../../src/publish/publisher.js'
import { makeNode } from '../helpers/ledger.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

async function setup(t: Test, entries: number) {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  for (let done = 0; done < entries; done += 250) await node.ledger.submitMany(registrations(node.operator, `h${done}`, Math.min(250, entries - done)))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { root, node, app }
}

t.test('the checkpoint, full and partial tiles and bundles, with their headers', async (t) => {
  const { node, app } = await setup(t, 600) // size 601
  const checkpoint = await app.inject('/tlog/checkpoint')
  t.equal(checkpoint.statusCode, 200)
  t.equal(checkpoint.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(checkpoint.headers['cache-control'], CHECKPOINT_CACHE_CONTROL)
  t.equal(checkpoint.headers['access-control-allow-origin'], '*')
  t.equal(checkpoint.body, node.ledger.checkpoint)

  const cases: [string, string, () => Promise<Uint8Array> | Uint8Array][] = [
    ['/tlog/tile/0/000', IMMUTABLE_CACHE_CONTROL, () => node.ledger.tile(0, 0, 256)],
    ['/tlog/tile/0/002.p/89', MUTABLE_CACHE_CONTROL, () => node.ledger.tile(0, 2, 89)],
    ['/tlog/tile/0/002.p/3', MUTABLE_CACHE_CONTROL, () => node.ledger.tile(0, 2, 3)],
    ['/tlog/tile/0/001.p/200', MUTABLE_CACHE_CONTROL, () => node.ledger.tile(0, 1, 200)],
    ['/tlog/tile/1/000.p/2', MUTABLE_CACHE_CONTROL, () => node.ledger.tile(1, 0, 2)],
    ['/tlog/tile/entries/001', IMMUTABLE_CACHE_CONTROL, () => node.ledger.entryBundle(1, 256)],
    ['/tlog/tile/entries/002.p/89', MUTABLE_CACHE_CONTROL, () => node.ledger.entryBundle(2, 89)],
  ]
  for (const [url, cache, expected] of cases) {
    const reply = await app.inject(url)
    t.equal(reply.statusCode, 200, url)
    t.equal(reply.headers['content-type'], 'application/octet-stream', url)
    t.equal(reply.headers['cache-control'], cache, url)
    t.equal(reply.headers['access-control-allow-origin'], '*', url)
    t.ok(bytesEqual(reply.rawPayload, await expected()), `${url}: its bytes`)
    const head = await app.inject({ method: 'HEAD', url })
    t.equal(head.statusCode, 200)
    t.equal(head.headers['content-length'], String(reply.rawPayload.length), `HEAD ${url}`)
  }
  t.equal((await app.inject('/tlog/tile/0/000')).rawPayload.length, 8192)
  t.equal((await app.inject('/tlog/tile/0/002.p/89')).rawPayload.length, 89 * 32)
})

t.test('a path beyond the tree is 404 NOT_FOUND, a malformed one 400 BAD_REQUEST; neither may be cached', async (t) => {
  const { app } = await setup(t, 300) // size 301
  const notFound = ['/tlog/tile/0/001', '/tlog/tile/0/001.p/46', '/tlog/tile/0/002.p/1', '/tlog/tile/1/000', '/tlog/tile/1/000.p/2', '/tlog/tile/2/000.p/1',
    '/tlog/tile/entries/001', '/tlog/tile/entries/001.p/46', '/tlog/tile/63/000.p/1', '/tlog/tile/0/x009/x007/x199/x254/x740/991', '/tlog/nothing', '/tlog/', '/tlog/tile']
  for (const url of notFound) {
    const reply = await app.inject(url)
    t.equal(reply.statusCode, 404, url)
    t.equal(reply.json().code, 'NOT_FOUND', url)
    t.equal(reply.headers['cache-control'], 'no-store', url)
    t.equal(reply.headers['access-control-allow-origin'], '*', url)
  }
  const bad = ['/tlog/tile/0/1', '/tlog/tile/0/0000', '/tlog/tile/64/000', '/tlog/tile/0/000.p/0', '/tlog/tile/0/000.p/256', '/tlog/tile/0/000.p/01',
    '/tlog/tile/0/x000/001', '/tlog/tile/0/000/', '/tlog/tile/00/000', '/tlog/tile/data/000', '/tlog/tile/0/%2e%2e/000', '/tlog/tile/0/000%00',
    '/tlog/tile/8/0/000', `/tlog/tile/0/${'x123/'.repeat(30)}000`, '/tlog/tile/0/x009/x007/x199/x254/x740/x992/000']
  for (const url of bad) {
    const reply = await app.inject(url)
    t.equal(reply.statusCode, 400, url)
    t.equal(reply.json().code, 'BAD_REQUEST', url)
    t.equal(reply.headers['access-control-allow-origin'], '*', url)
  }
  // A percent-escape that is not UTF-8 is refused by the router, before any route.
  t.equal((await app.inject('/tlog/tile/0/%ff')).json().code, 'BAD_REQUEST')
  t.equal((await app.inject({ method: 'POST', url: '/tlog/checkpoint' })).statusCode, 405, 'the tree takes no writes')
  t.equal((await app.inject('/tlog/tile/0/000.p/1?x=1')).statusCode, 200, 'a query string changes nothing')
})

t.test('the node\'s /tlog/ and a published DIR hold the same bytes; a reader over HTTP verifies it all', async (t) => {
  const { root, node, app } = await setup(t, 520) // size 521
  const dir = join(root, 'published')
  const publication = await (await Publisher.open(node.ledger, dir)).publish()
  for (const resource of publication!.resources) {
    const path = resource.kind === 'tile' ? `tile/${resource.level}` : 'tile/entries'
    const file = readFileSync(join(dir, path, ...(resource.width === 256 ? [String(resource.index).padStart(3, '0')] : [`${String(resource.index).padStart(3, '0')}.p`, String(resource.width)])))
    const served = await app.inject(`/tlog/${path}/${String(resource.index).padStart(3, '0')}${resource.width === 256 ? '' : `.p/${resource.width}`}`)
    t.ok(bytesEqual(served.rawPayload, file), `${path} ${resource.index} ${resource.width}`)
  }
  t.equal(readFileSync(join(dir, 'checkpoint'), 'utf8'), (await app.inject('/tlog/checkpoint')).body)

  const log = await TiledLog.open({
    fetch: async (path) => {
      const reply = await app.inject(`/tlog/${path}`)
      return reply.statusCode === 404 ? undefined : new Uint8Array(reply.rawPayload)
    },
    verifierKey: node.ledger.verifierKey,
    ed: nodeEd25519,
  })
  t.equal(log.size, 521)
  t.equal((await log.entries(0, 521)).length, 521)
  await log.inclusionProof(300)
})

t.test('/healthz and /metrics say how far the published tree is', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  const publisher = await Publisher.open(node.ledger, join(root, 'published'))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, publishing: publisher })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  t.same((await app.inject('/healthz')).json().published, { size: 0 })
  await node.ledger.submitMany(registrations(node.operator, 'health', 3))
  await publisher.publish()
  t.same((await app.inject('/healthz')).json().published, { size: 4 })
  t.match((await app.inject('/metrics')).body, /^tracechain_published_size 4$/m)
  const plain = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(() => plain.close())
  t.notOk('published' in (await plain.inject('/healthz')).json(), 'nothing said without a publisher')
})
