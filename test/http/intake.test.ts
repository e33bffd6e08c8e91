// POST /v1/statements holds at most so many bytes of bodies at once (http/intake.ts). Issue found from outside:
// forty junk batches of 30 MB sent at once, no key needed, took a node from 124 MiB to 2 GiB. Here, over a real
// port with a budget of 4 MiB: a body that would take the route past it while another is held is cut off with
// 429 BUSY and Retry-After, a request that comes with the budget spent is refused unread, a small one still goes
// through, a client that sends slowly holds only what it sent (it cannot lock producers out), the budget comes
// back when the request holding it is answered or its client goes, and a request that does not arrive within
// the request timeout is dropped.

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const MIB = 1024 * 1024

async function setup(t: Test, config: { requestTimeoutMs?: number } = {}) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', statementIntakeBytes: 4 * MIB, ...config } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const port = (app.server.address() as { port: number }).port
  const envelope = (id: string) =>
    node.statement({ type: 'actor.register', actor: 'operator', body: { id, name: id, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } }, [node.operator])
  return { node, port, envelope }
}

/** A POST whose headers say `length` bytes, of which only `sent` are written: the request stays open. */
function openPost(port: number, length: number, sent: number): { request: ClientRequest; response: Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> } {
  const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/statements', headers: { 'content-type': 'application/json', 'content-length': length } })
  const response = new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
    request.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    request.on('error', reject)
  })
  request.write(' '.repeat(sent))
  return { request, response }
}

async function post(port: number, body: string) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return { status: response.status, headers: response.headers, json: (await response.json()) as { code?: string; seq?: number } }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

t.test('a body that would pass the budget while another is held: cut off with 429 BUSY; a small one goes on; the budget comes back', async (t) => {
  const { node, port, envelope } = await setup(t)
  // 3 MiB of a body that never ends: held while its client waits.
  const holding = openPost(port, 3 * MIB + 1, 3 * MIB)
  holding.response.catch(() => undefined)
  await settle()

  const second = openPost(port, 3 * MIB, 3 * MIB)
  second.response.catch(() => undefined)
  const refused = await second.response
  t.equal(refused.status, 429, 'a second 3 MiB body while the first is held')
  t.equal(JSON.parse(refused.body).code, 'BUSY')
  t.equal(refused.headers['retry-after'], '1')
  second.request.destroy()

  const small = await post(port, JSON.stringify(envelope('farm-small')))
  t.equal(small.status, 201, 'a usual statement still goes through beside the one held')

  // A client that says it will send 32 MiB and sends a byte now and then holds what it sent, not what it said.
  const slow = openPost(port, 32 * MIB, 1)
  slow.response.catch(() => undefined)
  await settle()
  t.equal((await post(port, JSON.stringify(envelope('farm-beside-slow')))).status, 201, 'a slow client locks no producer out')
  slow.request.destroy()

  // The client holding the budget goes away: what it held comes back.
  holding.request.destroy()
  await settle()
  const after = openPost(port, 3 * MIB, 0)
  after.request.end(' '.repeat(3 * MIB))
  const read = await after.response
  t.equal(read.status, 400, `read once the budget is back (a body of spaces is no JSON): ${read.body.slice(0, 80)}`)
  t.equal(JSON.parse(read.body).code, 'INVALID_JSON')

  // Answered requests give back what they held: a body of the whole budget is read again.
  const whole = openPost(port, 4 * MIB, 0)
  whole.request.end(' '.repeat(4 * MIB))
  t.equal((await whole.response).status, 400, 'the whole budget, once nothing is held')
  t.equal(node.ledger.size, 3, 'only the two small statements were written')
})

t.test('with the budget spent, a request is refused before its body is read', async (t) => {
  const { port, envelope } = await setup(t)
  const first = openPost(port, 2 * MIB + 1, 2 * MIB)
  const second = openPost(port, 2 * MIB + 1, 2 * MIB)
  for (const held of [first, second]) held.response.catch(() => undefined)
  await settle()
  const unread = openPost(port, 1024, 0)
  const refused = await unread.response
  t.equal(refused.status, 429, 'answered with not a byte of its body sent')
  t.equal(JSON.parse(refused.body).code, 'BUSY')
  unread.request.destroy()
  first.request.destroy()
  second.request.destroy()
  await settle()
  t.equal((await post(port, JSON.stringify(envelope('farm-after')))).status, 201, 'and taken once they are gone')
})

t.test('a request that does not arrive within the request timeout is dropped, and what it held comes back', async (t) => {
  const { port, envelope } = await setup(t, { requestTimeoutMs: 1000 })
  const stalled = openPost(port, 4 * MIB + 1, 4 * MIB)
  const started = Date.now()
  const outcome = await stalled.response.then(
    (response) => `answered ${response.status}`,
    (error: NodeJS.ErrnoException) => `dropped (${error.code})`,
  )
  t.ok(Date.now() - started < 10_000, `${outcome} after ${Date.now() - started} ms`)
  stalled.request.destroy()
  await settle()
  t.equal((await post(port, JSON.stringify(envelope('farm-after-timeout')))).status, 201, 'the budget it held is back')
})
