// Issue 12: nothing limited how often one address could ask for the costly public routes (PNG labels,
// trace graphs, search, audits). Now each has a configurable per-address limit: 429 RATE_LIMITED with
// Retry-After beyond it. Cheap routes (SVG labels, entries, /healthz) are never limited.

import t from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { buildApp } from '../../src/http/app.js'
import { DEFAULT_RATE_LIMITS, parseRateLimits } from '../../src/http/rate-limits.js'
import { parseTrustProxy } from '../../src/http/trust-proxy.js'
import { makeNode } from '../helpers/ledger.js'
import { FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const LOT = `https://id.gs1.org${lotPath(FINE_LOT)}`

t.test('over its limit a costly route answers 429 RATE_LIMITED with Retry-After', async (t) => {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  const one = { max: 2, windowSeconds: 60 }
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', rateLimits: { labels: one, trace: one, search: one, verify: one, bundles: one } } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const urls = [
    `/v1/labels/${encodeURIComponent(LOT)}.png?size=screen`,
    `/v1/trace/${encodeURIComponent(LOT)}`,
    `/search?q=${FINE_LOT}`,
    '/v1/verify?from=0&to=3',
    '/v1/bundles/entries/3',
  ]
  for (const url of urls) {
    for (let i = 0; i < 2; i++) t.not((await app.inject(url)).statusCode, 429, `${url} #${i + 1} allowed`)
    const refused = await app.inject(url)
    t.equal(refused.statusCode, 429, url)
    t.match(refused.json(), { statusCode: 429, code: 'RATE_LIMITED', error: 'Too Many Requests' }, url)
    t.ok(Number(refused.headers['retry-after']) >= 1, `${url}: Retry-After ${refused.headers['retry-after']}`)
    t.equal(refused.headers['x-content-type-options'], 'nosniff')
  }
  // Every route that answers bundles counts against one `bundles` limit per address: the entry route, a lot's
  // Digital Link in any of its forms, a seal application. Asked two other ways, the limit is already spent.
  for (const url of [`${lotPath(FINE_LOT)}?format=bundle`, `/01/${ZONGZI}/10/${FINE_LOT}/21/0001?format=bundle`, '/v1/seals/applications/YQ-2026-001?format=bundle']) {
    t.equal((await app.inject(url)).statusCode, 429, `${url}: the bundles already asked for count`)
  }
  // A route's HEAD counts with its GET.
  t.equal((await app.inject({ method: 'HEAD', url: urls[0] })).statusCode, 429, 'HEAD of a PNG label counts with GET')
  // Another address has its own count.
  t.equal((await app.inject({ url: urls[1], remoteAddress: '192.0.2.7' })).statusCode, 200)
  // A route that answers bundles when asked counts only those: its page and JSON, asked for after its bundles were refused, are not limited.
  for (const url of [`/v1/labels/${encodeURIComponent(LOT)}.svg`, '/v1/entries?limit=1', '/healthz', `/01/${ZONGZI}`, lotPath(FINE_LOT), '/v1/seals/applications/YQ-2026-001']) {
    for (let i = 0; i < 4; i++) t.not((await app.inject(url)).statusCode, 429, `${url} is never limited`)
  }
})

t.test('limits from a flag or the environment', async (t) => {
  t.same(parseRateLimits(''), DEFAULT_RATE_LIMITS)
  t.match(parseRateLimits('labels=5/10, verify=off'), { labels: { max: 5, windowSeconds: 10 }, verify: false, trace: DEFAULT_RATE_LIMITS.trace })
  t.match(parseRateLimits('trace=7'), { trace: { max: 7, windowSeconds: 60 } })
  for (const bad of ['labels', 'labels=x', 'nope=5', 'labels=0', 'labels=5/0', 'labels=-1']) t.throws(() => parseRateLimits(bad), { code: 'BAD_REQUEST' }, bad)
})

t.test('behind a trusted proxy the client is the forwarded address; from anyone else X-Forwarded-For is ignored', async (t) => {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  const limits = { trace: { max: 2, windowSeconds: 60 } }
  const trace = `/v1/trace/${encodeURIComponent(LOT)}`
  const behind = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', rateLimits: limits, trustProxy: parseTrustProxy('127.0.0.1, 10.0.0.0/8') } })
  const open = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', rateLimits: limits } })
  t.teardown(async () => {
    await behind.close()
    await open.close()
    await node.close()
  })
  const from = (app: typeof open, client: string, remoteAddress = '127.0.0.1') => app.inject({ url: trace, remoteAddress, headers: { 'x-forwarded-for': client } })
  // Through the balancer: each phone has its own count.
  for (let i = 0; i < 2; i++) t.equal((await from(behind, '198.51.100.1')).statusCode, 200)
  t.equal((await from(behind, '198.51.100.1')).statusCode, 429, 'one phone over its limit')
  t.equal((await from(behind, '198.51.100.2')).statusCode, 200, 'another phone behind the same balancer is not')
  // A client that is not a trusted proxy cannot name itself another address.
  for (let i = 0; i < 2; i++) t.equal((await from(behind, `203.0.113.${i}`, '192.0.2.50')).statusCode, 200)
  t.equal((await from(behind, '203.0.113.9', '192.0.2.50')).statusCode, 429, 'a forged header from an untrusted address is ignored')
  // Trusting nobody (the default), every forwarded request counts against the sender.
  for (let i = 0; i < 2; i++) t.equal((await from(open, `198.51.100.${i}`)).statusCode, 200)
  t.equal((await from(open, '198.51.100.9')).statusCode, 429)

  t.equal(parseTrustProxy(''), false)
  t.equal(parseTrustProxy('true'), true)
  t.throws(() => parseTrustProxy('127.0.0.1, evil'), { code: 'BAD_REQUEST' })
  // What Fastify's proxy-addr would refuse with a TypeError once the node is made is refused here, by name.
  for (const bad of ['10.0.0.0/99', '::1/129', '999.1.1.1', '10.0.0.0/8/1', '10.0.0.0/', '1.2.3.4/08x', '0.0.0.0/0']) {
    t.throws(() => parseTrustProxy(bad), { code: 'BAD_REQUEST', message: new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is no address or CIDR`) }, bad)
  }
  for (const good of ['10.0.0.0/8', '::1/128', 'fe80::1%eth0', 'loopback', '10.0.0.0/8, uniquelocal', '1.2.3.4/32']) {
    const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', trustProxy: parseTrustProxy(good) } })
    await app.ready()
    await app.close()
    t.pass(`${good} is taken by Fastify`)
  }
})
