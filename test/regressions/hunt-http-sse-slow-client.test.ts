// A stream client that never reads is cut off after 1,000 pending events (docs/console.md): that must close
// its connection too. Before, the stream was only ended: its place among the 200 was freed while the socket
// stayed open with everything queued for it, so a client that opened streams and never read held ever more
// connections and memory in the node. Over a Unix socket, whose buffers fill in a second or two.

import t from 'tap'
import net from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../src/http/app.js'
import { village } from '../helpers/seal.js'

const connections = (server: net.Server) => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))))

t.test('a stream client that never reads is cut off, connection and all', async (t) => {
  const v = await village(t)
  const app = await buildApp({ ledger: v.node.ledger, config: { baseUrl: 'http://127.0.0.1', alertStreams: { max: 1, heartbeatMs: 1 } }, clock: () => new Date(v.now()) })
  // a short path: a Unix socket's name is limited to 107 bytes
  const socketDir = await mkdtemp(join(tmpdir(), 'tc-sse-'))
  t.teardown(() => rm(socketDir, { recursive: true, force: true }))
  const path = join(socketDir, 'node.sock')
  await app.listen({ path })
  t.teardown(() => app.close())
  const served: net.Socket[] = []
  app.server.on('connection', (socket: net.Socket) => served.push(socket))

  const stalled = net.connect(path)
  stalled.on('error', () => {})
  t.teardown(() => stalled.destroy())
  stalled.write('GET /v1/alerts/stream HTTP/1.1\r\nHost: node\r\n\r\n')
  stalled.pause()

  // heartbeats every millisecond fill the socket's buffers, then 1,000 more are pending: the stream is cut
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline && !(served[0] as unknown as { _httpMessage?: { writableEnded: boolean } } | undefined)?._httpMessage?.writableEnded) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(served[0], 'the stream was served')
  const closeBy = Date.now() + 10_000
  while (Date.now() < closeBy && (await connections(app.server)) > 0) await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(await connections(app.server), 0, 'the node closed the connection of the client it cut off')
  t.ok(served[0]?.destroyed, 'and holds nothing queued for it')
})
