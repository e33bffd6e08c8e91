// POST /v1/statements holds at most so many bytes of bodies at once (http/intake.ts). Issue found from outside:
// forty junk batches of 30 MB sent at once, no key needed, took a node from 124 MiB to 2 GiB. Here, over a real
// port with a budget of 4 MiB: a request whose Content-Length would pass it while another is being read is
// answered 429 BUSY with Retry-After before its body is read, a small one still goes through, and the budget
// comes back when the request holding it is answered or its client goes away.

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const MIB = 1024 * 1024

async function setup(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', statementIntakeBytes: 4 * MIB } })
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

t.test('a body that would pass the budget while another is read: 429 BUSY, unread; a small one goes on; the budget comes back', async (t) => {
  const { node, port, envelope } = await setup(t)
  const holding = openPost(port, 3 * MIB, 1024)
  holding.response.catch(() => undefined)
  await settle()

  const second = openPost(port, 3 * MIB, 0)
  const refused = await second.response
  t.equal(refused.status, 429, 'a second 3 MiB body while the first is read')
  t.equal(JSON.parse(refused.body).code, 'BUSY')
  t.equal(refused.headers['retry-after'], '1')
  second.request.destroy()

  const small = await post(port, JSON.stringify(envelope('farm-small')))
  t.equal(small.status, 201, 'a usual statement still goes through beside the one held')

  const unsized = await fetch(`http://127.0.0.1:${port}/v1/statements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode('{}')), controller.close()) }),
    duplex: 'half',
  } as RequestInit)
  t.equal(unsized.status, 429, 'a body of no stated length counts as the most a batch may be')

  // The client holding the budget goes away: what it held comes back.
  holding.request.destroy()
  await settle()
  const after = openPost(port, 3 * MIB, 0)
  after.request.end(' '.repeat(3 * MIB - 0))
  const read = await after.response
  t.equal(read.status, 400, `read once the budget is back (a body of spaces is no JSON): ${read.body.slice(0, 80)}`)
  t.equal(JSON.parse(read.body).code, 'INVALID_JSON')

  // Answered requests give back what they held: the budget takes a body near its whole size again.
  const whole = openPost(port, 4 * MIB - 1, 0)
  whole.request.end(' '.repeat(4 * MIB - 1))
  t.equal((await whole.response).status, 400, 'the whole budget, once nothing is held')
  t.equal(node.ledger.size, 2, 'only the small statement was written')
})
