// Hunt 3 (peers): tlog-witness has no authentication of its own, and docs/witness.md has a witness put a TLS proxy
// in front of it; one that only lets its logs through asks them for HTTP Basic credentials, which a node's operator
// names in the URL of `serve --witness 'https://log:secret@w.example|NAME|KEY'`: the flag takes it. Before, Node's
// fetch refused to build a request from such a URL, so the node never reached that witness (WITNESS_UNAVAILABLE at
// every round, and with --witness-min counting it, no witnessed checkpoint ever); and the URL, secret and all, was
// shown to anyone in /healthz (witnessing.witnesses[].url and the lastError naming it). Now the credentials travel
// as an Authorization: Basic header to the URL without them, and /healthz names the URL without them.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { initialiseNode } from '../../src/cli/node-dir.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildApp } from '../../src/http/app.js'
import { CheckpointCosigning, parseWitnessFlag } from '../../src/publish/cosigning.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

const SECRET = 's3cret:pa55'
const AUTHORIZATION = `Basic ${Buffer.from(`log:${SECRET}`).toString('base64')}`

t.test('a node submits to a witness behind Basic authentication, and serves the secret to no one', async (t) => {
  const dir = testDir(t)
  const node = await initialiseNode(join(dir, 'node'))
  t.teardown(() => node.close())

  const cosigner = testCosigner('witness.test/guarded')
  const witness = new Witness({ cosigner, logs: [node.ledger.verifierKey], state: new WitnessState(join(dir, 'witness')), ed: nodeEd25519 })
  const witnessApp = buildWitnessApp({ witness })
  const witnessUrl = await witnessApp.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => witnessApp.close())

  // The witness's proxy: only requests with the credentials get through.
  const proxy = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', async () => {
      if (request.headers.authorization !== AUTHORIZATION) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="witness"' }).end()
        return
      }
      const answer = await fetch(`${witnessUrl}${request.url ?? '/'}`, { method: request.method, body: Buffer.concat(chunks) })
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' })
      response.end(Buffer.from(await answer.arrayBuffer()))
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    proxy.closeAllConnections()
    return new Promise<void>((resolve) => proxy.close(() => resolve()))
  })
  const port = (proxy.address() as AddressInfo).port
  const flag = `http://log:${encodeURIComponent(SECRET)}@127.0.0.1:${port}|${cosigner.name}|${toBase64(cosigner.publicKey)}`

  const cosigning = await CheckpointCosigning.open(node.ledger, { witnesses: [parseWitnessFlag(flag)], min: 1 }, { ed: nodeEd25519 })
  t.teardown(() => cosigning.close())
  await cosigning.round()
  t.equal(cosigning.witnesses[0].lastError, undefined, `no error: ${cosigning.witnesses[0].lastError?.message}`)
  t.ok(cosigning.checkpoint, 'the checkpoint was cosigned through the proxy')

  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, witnessing: cosigning })
  t.teardown(() => app.close())
  const health = (await app.inject('/healthz')).body
  t.notMatch(health, 's3cret', '/healthz does not show the secret')
  t.match(health, `"url":"http://127.0.0.1:${port}"`, 'it names the witness without it')
})
