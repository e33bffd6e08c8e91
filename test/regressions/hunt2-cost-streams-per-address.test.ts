// Hunt (cost): the node serves at most 200 alert streams (GET /v1/alerts/stream) at once, and counted them for
// all clients together. One anonymous client could open 200 streams and hold them, each costing a socket, a
// subscription and a filter run on every alert, and every regulator's stream was then refused with
// TOO_MANY_STREAMS for as long as it liked. Streams are now also counted per client address (an IPv6 client by
// its /64): past the per-address cap the client gets 429 RATE_LIMITED, while other addresses still get theirs.

import http from 'node:http'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import { DEFAULT_ALERT_STREAM_LIMITS } from '../../src/http/routes/alerts.js'
import { addressGroup } from '../../src/http/rate-limits.js'
import { village } from '../helpers/seal.js'

/** Opens a stream from `localAddress`; resolves with its status once the headers arrive (the stream stays open). */
function open(t: Test, port: number, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/v1/alerts/stream', localAddress, headers: { accept: 'text/event-stream' } }, (response) => {
      resolve(response.statusCode ?? 0)
      response.resume()
    })
    request.on('error', reject)
    t.teardown(() => request.destroy())
  })
}

t.test('one address cannot take every alert stream', async (t) => {
  t.ok(DEFAULT_ALERT_STREAM_LIMITS.perAddress < DEFAULT_ALERT_STREAM_LIMITS.max, 'by default one address holds fewer streams than the node serves')
  const v = await village(t)
  const app = await buildApp({ ledger: v.node.ledger, config: { baseUrl: 'http://127.0.0.1', alertStreams: { max: 6, perAddress: 3, heartbeatMs: 60_000 } }, clock: () => new Date(v.now()) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  for (let i = 0; i < 3; i++) t.equal(await open(t, port, '127.0.0.1'), 200, `stream ${i + 1} of one address`)
  t.equal(await open(t, port, '127.0.0.1'), 429, 'its fourth is refused')
  t.equal(await open(t, port, '127.0.0.2'), 200, 'another address still gets a stream')
})

t.test('an address group', async (t) => {
  t.equal(addressGroup('192.0.2.1'), '192.0.2.1')
  t.equal(addressGroup('::ffff:192.0.2.1'), '192.0.2.1')
  t.equal(addressGroup('2001:db8:1:2::1'), addressGroup('2001:0DB8:0001:0002:ffff:0:0:9'))
  t.not(addressGroup('2001:db8:1:2::1'), addressGroup('2001:db8:1:3::1'))
  t.equal(addressGroup('::1'), addressGroup('::2'))
})
