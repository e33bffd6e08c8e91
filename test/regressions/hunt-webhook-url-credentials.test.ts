// A webhook URL may carry credentials (https://user:password@cases.example/…): serve --webhook takes it, and
// GET /v1/webhooks shows it without them (docs/webhooks.md). But Node's fetch refuses to build a request from
// such a URL, so every attempt failed before a byte was sent: each alert was retried 8 times over some 8
// minutes and given up, and the receiver got nothing, ever. Now the credentials go in an Authorization: Basic
// header and the request goes to the URL without them.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { verifyAlertDelivery } from '../../src/ledger/alert-envelope.js'
import { WebhookDispatcher, parseWebhookFlag } from '../../src/publish/webhooks.js'
import { registrations } from '../helpers/node-process.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a webhook whose URL carries credentials delivers, with them as Basic authorization', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const received: { authorization?: string; url?: string; body: string }[] = []
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ authorization: request.headers.authorization, url: request.url, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(request.headers.authorization === `Basic ${Buffer.from('county:p@ss:word').toString('base64')}` ? 200 : 401).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo

  const target = parseWebhookFlag(`*=http://county:p%40ss%3Aword@127.0.0.1:${port}/cases?box=1`)
  const hooks = new WebhookDispatcher({
    ledger: node.ledger,
    store: node.store,
    nodeSigner: node.nodeSigner,
    origin: node.config.origin,
    targets: [target],
    timing: { baseDelayMs: 40, maxDelayMs: 200, timeoutMs: 2000, idleCheckMs: 500 },
    random: () => 0.5,
  })
  t.teardown(() => hooks.close())
  await hooks.start()
  // signed long ago: a LATE_RECORD alert
  for (const envelope of registrations(node.operator, 'cred', 1)) await node.ledger.submit(envelope)

  const deadline = Date.now() + 10_000
  let status = (await hooks.status())[0]
  while (Date.now() < deadline && status?.delivered === 0 && (status?.failures ?? 0) < 2) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    status = (await hooks.status())[0]
  }
  t.match(status, { delivered: 1, failures: 0, givenUp: 0 }, `delivered at the first attempt: ${JSON.stringify(status?.lastFailure)}`)
  t.equal(received.length, 1, 'the receiver got it')
  t.equal(received[0]?.url, '/cases?box=1', 'at the URL without its credentials')
  t.equal(verifyAlertDelivery(JSON.parse(received[0]?.body ?? '{}'), node.ledger.verifierKey).alert.kind, 'LATE_RECORD')
  t.equal(status?.url, `http://127.0.0.1:${port}/…`, 'shown without them, its path and query')
})
