// HEAD /v1/alerts/stream, which the router takes as it takes every GET route, never answered: the stream's
// headers wait for its first bytes, and a HEAD answer has none, so the client waited for good while the
// request held one of the node's places for streams. Now it answers the stream's headers at once and ends.

import t from 'tap'
import http from 'node:http'
import { buildApp } from '../../src/http/app.js'
import { openEventStream } from '../helpers/sse.js'
import { village } from '../helpers/seal.js'

function head(port: number, path: string, agent: http.Agent): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: 'HEAD', agent, timeout: 3000 }, (response) => {
      response.resume()
      response.on('end', () => resolve(response))
    })
    request.on('timeout', () => request.destroy(new Error('no answer to HEAD within 3 s')))
    request.on('error', reject)
    request.end()
  })
}

t.test('HEAD on the alert stream answers its headers and holds no stream', async (t) => {
  const v = await village(t)
  const app = await buildApp({ ledger: v.node.ledger, config: { baseUrl: 'http://127.0.0.1', alertStreams: { max: 1 } }, clock: () => new Date(v.now()) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  // a client that keeps its connection, as a monitor's would
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())

  const response = await head(port, '/v1/alerts/stream?kind=OVER_BUDGET', agent).catch((error: Error) => error)
  if (response instanceof Error) return t.fail(response.message)
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/event-stream/)
  const again = await head(port, '/v1/alerts/stream', agent).catch((error: Error) => error)
  t.notOk(again instanceof Error, 'the same connection answers the next request')

  const stream = await openEventStream(t, `http://127.0.0.1:${port}/v1/alerts/stream`)
  t.equal(stream.status, 200, 'the HEADs left the one place for a stream free')
  stream.close()

  const bad = await head(port, '/v1/alerts/stream?kind=lower', agent).catch((error: Error) => error)
  t.equal((bad as http.IncomingMessage).statusCode, 400, 'a bad query is refused as for GET')
})
