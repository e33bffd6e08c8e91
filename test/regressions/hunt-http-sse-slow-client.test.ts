// A stream client that never reads is cut off after 1,000 pending events (docs/console.md). Before, the stream
// was only ended: its place among the 200 was freed while the socket stayed open with everything queued for
// it, so a client that opened streams and never read held ever more connections and memory in the node. And a
// client that asked for a replay (`since=`, Last-Event-ID) and did not read was never cut off: the replay
// waited for it to drain while every new alert was held for it, without bound. Over a Unix socket, whose
// buffers fill in a second or two.

import t from 'tap'
import type { Test } from 'tap'
import net from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../src/http/app.js'
import type { AlertStreamLimits } from '../../src/http/routes/alerts.js'
import { SEAL, SHA, village, type Village } from '../helpers/seal.js'

const connections = (server: net.Server) => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
type Served = net.Socket & { _httpMessage?: { writableEnded: boolean; writableNeedDrain: boolean } }

/** The village's app on a Unix socket, with a client that asks `path` and never reads. */
async function stalledClient(t: Test, v: Village, streams: Partial<AlertStreamLimits>, path: string) {
  const app = await buildApp({ ledger: v.node.ledger, config: { baseUrl: 'http://127.0.0.1', alertStreams: streams }, clock: () => new Date(v.now()) })
  // a short path: a Unix socket's name is limited to 107 bytes
  const socketDir = await mkdtemp(join(tmpdir(), 'tc-sse-'))
  t.teardown(() => rm(socketDir, { recursive: true, force: true }))
  await app.listen({ path: join(socketDir, 'node.sock') })
  t.teardown(() => app.close())
  const served: Served[] = []
  app.server.on('connection', (socket: Served) => served.push(socket))
  const stalled = net.connect(join(socketDir, 'node.sock'))
  stalled.on('error', () => {})
  t.teardown(() => stalled.destroy())
  stalled.write(`GET ${path} HTTP/1.1\r\nHost: node\r\n\r\n`)
  stalled.pause()
  const until = async (what: () => boolean | Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms
    while (Date.now() < deadline && !(await what())) await sleep(100)
    return what()
  }
  return { app, served, until }
}

const applications = (v: Village, from: number, count: number, actor = 'clerk') =>
  Array.from({ length: count }, (_, i) =>
    v.statement('seal.apply', actor, { applicationId: `a-${from + i}`, sealId: SEAL, title: `申请 ${from + i}`, purpose: '测试用途', document: { name: 'x.pdf', sha256: SHA('a') }, copies: 1, amount: 52000, budget: 45000 }),
  )

/** Appends `count` applications over budget in one batch: one OVER_BUDGET alert each. */
async function overBudget(t: Test, v: Village, from: number, count: number) {
  const response = await v.app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes: applications(v, from, count) } })
  t.equal(response.statusCode, 200)
  t.equal((response.json().results as { seq?: number }[]).filter((result) => result.seq === undefined).length, 0, `${count} appended`)
}

t.test('a stream client that never reads is cut off, connection and all', async (t) => {
  const v = await village(t)
  // heartbeats every millisecond fill the socket's buffers, then 1,000 more are pending: the stream is cut
  const { app, served, until } = await stalledClient(t, v, { max: 1, heartbeatMs: 1 }, '/v1/alerts/stream')
  t.ok(await until(() => served[0]?._httpMessage?.writableEnded === true, 30_000), 'the stream was cut off')
  t.ok(await until(async () => (await connections(app.server)) === 0, 10_000), 'the node closed the connection of the client it cut off')
  t.ok(served[0]?.destroyed, 'and holds nothing queued for it')
})

t.test('a client that asked for a replay and does not read is cut off too, past the alerts pending held for it', async (t) => {
  const v = await village(t)
  await overBudget(t, v, 0, 1000)
  // 600 pending rather than 1,000: the same bound, reached with fewer appends (and more than a replay's page of 500)
  const { app, served, until } = await stalledClient(t, v, { max: 1, maxPending: 600 }, '/v1/alerts/stream?since=2000-01-01T00:00:00Z')
  t.ok(await until(() => served[0]?._httpMessage?.writableNeedDrain === true, 10_000), 'the replay waits for the client to take what it was sent')
  // refused attempts, each raising an alert, cost less than applications to append
  const refused = await v.app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes: applications(v, 1000, 601, 'outsider') } })
  t.equal((refused.json().results as { code?: string }[]).filter((result) => result.code === 'NOT_IN_ORG').length, 601, '601 attempts refused')
  t.ok(await until(() => served[0]?._httpMessage?.writableEnded === true, 10_000), 'the stream was cut off')
  t.ok(await until(async () => (await connections(app.server)) === 0, 10_000), 'its connection closed')
})
