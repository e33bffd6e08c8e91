// Hunt 3 (peers): a witness is an independent party, not a trusted one, and C2SP tlog-witness defines no
// redirects. Before, the node's witness client followed them like a browser: a witness that answered
// `307 Location: http://127.0.0.1:<port>/…` had the node POST its checkpoint to a service on the node's own
// host (or any address the node can reach), and the first 200 characters of that service's answer were put in
// the witness's lastError, which the node's public /healthz lists. A redirect is now an answer outside the
// protocol (WITNESS_UNAVAILABLE, its status named), and nothing is sent where it points.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { initialiseNode } from '../../src/cli/node-dir.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { buildApp } from '../../src/http/app.js'
import { CheckpointCosigning } from '../../src/publish/cosigning.js'
import { addCheckpoint } from '../../src/witness/client.js'
import { testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

const SECRET = 'internal-only: db password hunter2'

async function listen(t: Test, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

for (const status of [301, 302, 303, 307, 308]) {
  t.test(`a witness that answers ${status} does not make the node send its request elsewhere`, async (t) => {
    const dir = testDir(t)
    const node = await initialiseNode(join(dir, 'node'))
    t.teardown(() => node.close())

    // A service on the node's host that the internet cannot reach, answering with something private.
    const reached: string[] = []
    const internal = await listen(t, (request, response) => {
      reached.push(`${request.method} ${request.url}`)
      request.resume()
      request.on('end', () => {
        response.writeHead(401, { 'content-type': 'text/plain' })
        response.end(SECRET)
      })
    })
    const hostile = await listen(t, (request, response) => {
      request.resume()
      request.on('end', () => {
        response.writeHead(status, { location: `${internal}/admin/keys` })
        response.end()
      })
    })

    const key = testCosigner('witness.test/hostile').key
    await t.rejects(addCheckpoint(hostile, key, { oldSize: 0, proof: [], checkpoint: node.ledger.checkpoint }, { ed: nodeEd25519 }), { code: 'WITNESS_UNAVAILABLE' })
    t.same(reached, [], 'the client sent nothing where the redirect pointed')

    const cosigning = await CheckpointCosigning.open(node.ledger, { witnesses: [{ url: hostile, key }], min: 1 }, { ed: nodeEd25519 })
    t.teardown(() => cosigning.close())
    await cosigning.round()
    t.same(reached, [], 'the node sent nothing where the redirect pointed')
    const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, witnessing: cosigning })
    t.teardown(() => app.close())
    const health = await app.inject('/healthz')
    t.notMatch(health.body, SECRET, "the internal service's answer is not in the public /healthz")
    const { witnessing } = health.json() as { witnessing: { witnesses: { lastError?: { message: string } }[] } }
    t.match(witnessing.witnesses[0].lastError?.message, new RegExp(`WITNESS_UNAVAILABLE: .*${status}`), 'the witness is said to have answered a redirect')
  })
}
