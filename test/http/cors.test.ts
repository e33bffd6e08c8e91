// Cross-origin reads: `Access-Control-Allow-Origin: *` on the GET routes the browser verifier reads (the
// log key, the checkpoint, entries, proofs, actors, the resolver's JSON, the static tiles under /tlog/), errors of those included, and on
// nothing else: no page, no write, no other route; never with credentials.

import t from 'tap'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'

const LOT = `https://id.gs1.org${lotPath(FINE_LOT)}`
const PARAMS: Record<string, string> = { seq: '1', id: 'farm-anji-01', file: `${encodeURIComponent(LOT)}.svg`, gtin: ZONGZI, lot: FINE_LOT, serial: '0001' }
const PER_ROUTE_ID: Record<string, string> = {
  '/v1/trace/{id}': encodeURIComponent(LOT),
  '/v1/seals/{id}': 'yiqiao-committee-seal',
  '/seals/{id}': 'yiqiao-committee-seal',
  '/v1/seals/applications/{id}': 'no-such-application',
}

/** The routes (OpenAPI paths) whose non-HTML answers any origin may read. */
const PUBLIC_READS = new Set([
  '/v1/log/key',
  '/v1/checkpoint',
  // The unwitnessed latest and the witness policy (issue 15's witnesses): public as the served checkpoint is.
  '/v1/checkpoint/latest',
  '/v1/witnesses',
  '/v1/entries/{seq}',
  '/v1/proofs/inclusion',
  '/v1/proofs/consistency',
  // A page's entries with their inclusion proofs, in one request: what the browser verifier reads first.
  '/v1/proofs/entries',
  // Each entry's proof against the first checkpoint its witnesses cosigned (issue 15): what pages check late records by.
  '/v1/proofs/witnessed',
  '/v1/actors',
  '/v1/actors/{id}',
  // The resolver's description file (GS1-Conformant Resolver): scanners and apps on any origin read it.
  '/.well-known/gs1resolver',
  '/01/{gtin}',
  '/01/{gtin}/10/{lot}',
  '/01/{gtin}/21/{serial}',
  '/01/{gtin}/10/{lot}/21/{serial}',
  // The log as static tiles (issue 14): public data a mirror or a page on any origin reads.
  '/tlog/checkpoint',
  '/tlog/tile/{*}',
  // A proof bundle (issue 15): public data, as the entries and proofs it is made of.
  '/v1/bundles/entries/{seq}',
])

t.test('only the public reads, only as data', async (t) => {
  const { app } = await demoApp(t)
  await app.ready()
  const routes = Object.entries((app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths)
    .filter(([, methods]) => 'get' in methods && !isEventStream(methods))
    .map(([path]) => path)
  t.ok(routes.length > 20, `${routes.length} routes`)
  for (const path of PUBLIC_READS) t.ok(routes.includes(path), `${path} is a route`)
  const query: Record<string, string> = { '/v1/proofs/inclusion': '?seq=1', '/v1/proofs/consistency': '?from=1', '/v1/proofs/entries': '?seqs=0,1&size=2' }
  for (const route of routes) {
    const url = route.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? (PER_ROUTE_ID[route] ?? PARAMS.id) : (PARAMS[name] ?? 'x'))) + (query[route] ?? '')
    for (const accept of ['application/json', 'text/html']) {
      const response = await app.inject({ url, headers: { accept, origin: 'https://regulator.example' } })
      const html = String(response.headers['content-type']).startsWith('text/html')
      const expected = PUBLIC_READS.has(route) && !html ? '*' : undefined
      t.equal(response.headers['access-control-allow-origin'], expected, `${url} (${accept}) ${response.statusCode}`)
      t.equal(response.headers['access-control-allow-credentials'], undefined, `${url}: never credentials`)
    }
  }
})

t.test('what the verifier reads answers with the header; writes, pages and the rest do not', async (t) => {
  const { app } = await demoApp(t)
  const read = async (url: string, accept = 'application/json') => (await app.inject({ url, headers: { accept, origin: 'https://regulator.example' } })).headers['access-control-allow-origin']
  t.equal(await read('/v1/log/key', 'text/plain'), '*')
  t.equal(await read('/v1/checkpoint', 'text/plain'), '*')
  t.equal(await read('/v1/entries/1'), '*')
  t.equal(await read('/v1/entries/99999'), '*', 'an error of a public read too: the page may read why')
  t.equal(await read('/v1/proofs/inclusion?seq=1&size=2'), '*')
  t.equal(await read('/v1/actors?keyid=0123456789abcdef'), '*')
  t.equal(await read(`${lotPath(FINE_LOT)}?format=json`, '*/*'), '*')
  t.equal(await read(`${lotPath(FINE_LOT)}`, 'text/html'), undefined, 'the consumer page is not shared')
  t.equal(await read('/01/123', 'application/json'), '*', "the resolver's JSON error")
  t.equal(await read('/01/123', 'text/html'), undefined, "the resolver's error page")
  t.equal(await read('/v1/entries?from=0&limit=2'), undefined, 'bulk reads are not needed by the verifier')
  t.equal(await read('/v1/verify?from=0&to=2'), undefined)
  t.equal(await read('/v1/alerts'), undefined)
  t.equal(await read('/verify', 'text/html'), undefined)
  t.equal(await read('/web/verify.js', '*/*'), undefined)
  const post = await app.inject({ method: 'POST', url: '/v1/statements', payload: '{}', headers: { 'content-type': 'application/json', origin: 'https://regulator.example' } })
  t.equal(post.statusCode, 400)
  t.equal(post.headers['access-control-allow-origin'], undefined, 'a write never')
  const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/statements', headers: { origin: 'https://x.example', 'access-control-request-method': 'POST' } })
  t.equal(preflight.headers['access-control-allow-origin'], undefined, 'no preflight is answered: only simple GETs cross origins')
})

/** A stream never ends under inject: test/http/alert-stream.test.ts checks its headers on a real socket. */
function isEventStream(methods: Record<string, unknown>): boolean {
  const get = methods.get as { responses?: Record<string, { content?: Record<string, unknown> }> }
  return Object.values(get.responses ?? {}).some((response) => response.content?.['text/event-stream'] !== undefined)
}
