// A witness whose directory is on a full filesystem (a real 1 MiB tmpfs) must not answer a cosignature it could
// not record: a restart would then find the old size, and cosign a fork of what it had already signed. It answers
// 503 STORE_UNAVAILABLE, keeps the old record, and cosigns again, from that record, once space comes back.

import { rmSync, writeFileSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import { verifyCosignatures } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { formatAddCheckpointRequest } from '../../src/witness/protocol.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { mountTmpfs } from '../helpers/tmpfs.js'
import { TestLog, testCosigner } from '../helpers/witness.js'

const NOW_MS = 1_800_000_000_123

t.test('a full disk: 503 STORE_UNAVAILABLE and no cosignature; the old record kept; cosigns once space is back', async (t) => {
  const disk = mountTmpfs(t, 1)
  if (!disk) return
  const cosigner = testCosigner()
  const log = new TestLog('tracechain.test/full').append(30, 'main')
  const logs = join(disk.path, 'logs')
  const witness = new Witness({ cosigner, logs: [log.verifierKey], state: new WitnessState(logs), ed: nodeEd25519, clock: () => NOW_MS })
  const app = buildWitnessApp({ witness })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/add-checkpoint`
  const add = async (oldSize: number, size: number) => {
    const response = await fetch(url, { method: 'POST', body: formatAddCheckpointRequest({ oldSize, proof: log.proof(oldSize, size), checkpoint: log.checkpoint(size) }) })
    return { status: response.status, text: await response.text() }
  }

  t.equal((await add(0, 10)).status, 200, 'cosigned at 10 with room on the disk')
  const { bavail, bsize } = await statfs(disk.path)
  const filler = join(disk.path, 'filler')
  writeFileSync(filler, Buffer.alloc(bavail * bsize))

  const refused = await add(10, 20)
  t.equal(refused.status, 503, refused.text)
  t.match(JSON.parse(refused.text), { code: 'STORE_UNAVAILABLE', message: /cannot record a cosignature \(ENOSPC\)/ })
  t.equal(new WitnessState(logs).latest(log.origin)?.size, 10, 'the record still says 10')
  t.equal((await add(10, 20)).status, 503, 'and again while the disk is full')

  rmSync(filler)
  const cosigned = await add(10, 20)
  t.equal(cosigned.status, 200, 'cosigns from the record it kept once space is back')
  const note = `${log.checkpoint(20)}${cosigned.text}`
  t.equal(verifyCheckpoint(nodeEd25519, note, log.verifierKey).size, 20)
  t.equal(verifyCosignatures(nodeEd25519, note, [cosigner.key]).cosignatures.length, 1, 'a cosignature that verifies')
  t.equal(new WitnessState(logs).latest(log.origin)?.size, 20, 'recorded at 20')
})
