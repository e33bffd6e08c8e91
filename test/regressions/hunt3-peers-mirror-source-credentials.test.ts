// Hunt 3 (peers): a mirror may follow a copy of the tiles behind HTTP Basic authentication (a private bucket, a
// regulator's own nginx), named as `--from https://reader:secret@host/log/`: the flag takes it. Before, Node's
// fetch refused to build a request from such a URL, so every poll failed before a byte was sent: the mirror never
// followed (503 MIRROR_NOT_READY for good, its lag growing); and the URL, secret and all, was shown to anyone in
// /healthz (mirror.source) and in every 405 a write got (details.primary). Now the credentials travel as an
// Authorization: Basic header to the URL without them, and what the mirror serves names the URL without them.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { registrations, startMirror } from '../helpers/node-process.js'
import { servedNode } from '../helpers/served-node.js'
import { testDir } from '../helpers/test-dir.js'

const SECRET = 's3cret:pa55'
const AUTHORIZATION = `Basic ${Buffer.from(`reader:${SECRET}`).toString('base64')}`

t.test('a mirror follows a copy behind Basic authentication, and serves the secret to no one', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 5))

  // The copy: the node's /tlog/, only for a request that brings the credentials.
  const proxy = createServer(async (request, response) => {
    if (request.headers.authorization !== AUTHORIZATION) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="log"' }).end()
      return
    }
    const answer = await fetch(`${url}${request.url ?? '/'}`)
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' })
    response.end(Buffer.from(await answer.arrayBuffer()))
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    proxy.closeAllConnections()
    return new Promise<void>((resolve) => proxy.close(() => resolve()))
  })
  const from = `http://reader:${encodeURIComponent(SECRET)}@127.0.0.1:${(proxy.address() as AddressInfo).port}/tlog/`

  const mirror = await startMirror({ dir: join(root, 'mirror'), from, key: node.ledger.verifierKey })
  t.teardown(() => mirror.stop())

  let health: { status: number; body: string } = { status: 0, body: '' }
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${mirror.url}/healthz`)
    health = { status: response.status, body: await response.text() }
    if (health.status === 200) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(health.status, 200, `the mirror caught up: ${health.body.slice(0, 400)}`)
  t.equal((JSON.parse(health.body) as { size: number }).size, node.ledger.size)
  t.notMatch(health.body, 's3cret', '/healthz does not show the secret')
  t.match(health.body, `"source":"http://127.0.0.1:${(proxy.address() as AddressInfo).port}/tlog/"`, 'it names the copy without it')

  const write = await fetch(`${mirror.url}/v1/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  const refusal = await write.text()
  t.equal(write.status, 405)
  t.notMatch(refusal, 's3cret', 'a refused write does not show it either')
  t.notMatch(mirror.output(), 's3cret', 'nor does what the mirror prints')
})
