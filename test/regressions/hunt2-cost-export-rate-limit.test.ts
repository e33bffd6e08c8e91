// Hunt (cost): GET /v1/export/fsma204 without a lot streams a row per lot of every food event in the log: one
// anonymous request, repeated at will from one address, made the node read and format the whole log (51 cheap
// events of 400 items: 40,000 reads, 7.7 MB of CSV, seconds of CPU, each time). The FSMA 204 export is now a
// costly route with a per-address limit of its own, `exports`, like the audit and the proof bundles.

import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { DEFAULT_RATE_LIMITS, parseRateLimits } from '../../src/http/rate-limits.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

t.test('the FSMA 204 export is limited per address', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const limit = DEFAULT_RATE_LIMITS.exports
  t.ok(limit !== false && limit.max <= 30, 'a default limit')
  const max = limit === false ? 0 : limit.max
  for (let i = 0; i < max; i++) {
    const res = await app.inject(`/v1/export/fsma204${i % 2 ? '?from=2026-01-01' : ''}`)
    if (res.statusCode !== 200) t.fail(`export #${i + 1}: ${res.statusCode}`)
  }
  const refused = await app.inject('/v1/export/fsma204')
  t.equal(refused.statusCode, 429)
  t.match(refused.json(), { code: 'RATE_LIMITED' })
  t.ok(Number(refused.headers['retry-after']) >= 1)
  t.equal((await app.inject({ url: '/v1/export/fsma204', remoteAddress: '192.0.2.9' })).statusCode, 200, 'another address has its own count')
  t.match(parseRateLimits('exports=5/10'), { exports: { max: 5, windowSeconds: 10 } })
  t.match(parseRateLimits('exports=off'), { exports: false })
})
