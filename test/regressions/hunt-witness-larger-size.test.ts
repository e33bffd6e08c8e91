// Hunt (witness): docs/witness.md says a witness that answers a size larger than the node's own tree "is never
// sent anything more: it saw a larger tree of this log, which is evidence of a fork". Before, the node recorded
// that size and, at every later round, sent the witness its checkpoint again (with `old` its own size, or a proof
// from the witness's size once its tree had grown past it), as if the conflict were a retry. Now the witness is
// set aside for good, and /healthz-style status keeps saying why.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { CheckpointCosigning } from '../../src/publish/cosigning.js'
import { newSigner } from '../helpers/ledger.js'
import { testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a witness that saw a larger tree of this log is sent nothing more', async (t) => {
  const dir = testDir(t)
  const node = await initialiseNode(join(dir, 'node'))
  t.teardown(() => node.close())
  const operator = readKeyFile(join(dir, 'node', 'keys', 'operator.json'))

  let requests = 0
  const server = createServer((request, response) => {
    requests++
    request.resume()
    request.on('end', () => {
      response.writeHead(409, { 'content-type': 'text/x.tlog.size' })
      response.end('1000\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const witness = { url, key: testCosigner('witness.test/forked').key }
  const cosigning = await CheckpointCosigning.open(node.ledger, { witnesses: [witness], min: 1 }, { ed: nodeEd25519 })
  t.teardown(() => cosigning.close())

  await cosigning.round()
  t.equal(requests, 1, 'asked once')
  t.equal(cosigning.witnesses[0].size, 1000)
  t.match(cosigning.witnesses[0].lastError?.message, /CHECKPOINT_MISMATCH/)

  for (let i = 0; i < 3; i++) {
    const statement = { type: 'actor.register', actor: 'operator', id: `reg-${i}`, issuedAt: new Date().toISOString(), body: { id: `farm-${i}`, name: 'farm', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } }
    await node.ledger.submit(buildStatementEnvelope(statement, [operator]))
    await cosigning.round()
  }
  t.equal(requests, 1, 'never sent anything more')
  t.match(cosigning.witnesses[0].lastError?.message, /CHECKPOINT_MISMATCH/, 'its status still says why')
  t.equal(cosigning.checkpoint, undefined, 'nothing was witnessed')
})
