// docs/storage.md, "When a write fails": after a failed write LevelDB's log may end in a torn record, and a
// later write landing behind it is dropped with it when the log is replayed, so nothing more is written until
// the store is reopened. The node held to that for its group commits only. A capture job's document (POST
// /capture), a webhook's state, are written to the same LevelDB outside them: when such a write failed on a
// full disk (a 500 INTERNAL to the capture), the node went on acknowledging appends once space came back,
// and after a clean restart every one of them was gone, the log back where it stood before the failure.
// Now any failed write stops the store's writes until it is reopened: the capture is answered 503
// STORE_UNAVAILABLE, appends are refused until the node has reopened its store, and nothing acknowledged is lost.

import t from 'tap'
import { rmSync, writeFileSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { toBase64 } from '../../src/core/bytes.js'
import { openNode } from '../../src/cli/node-dir.js'
import { createCustody, custodyKeysIn } from '../../src/cli/custody-dir.js'
import { buildApp } from '../../src/http/app.js'
import { CaptureJobStore } from '../../src/store/capture-jobs.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { mountTmpfs } from '../helpers/tmpfs.js'

t.test('a capture whose write fails on a full disk: 503, and no append acknowledged after it is lost', async (t) => {
  const disk = mountTmpfs(t, 24)
  if (!disk) return
  const dir = join(disk.path, 'node')
  const node = await makeNode(dir)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, capture: { custody: custodyKeysIn(node.dir), jobs: new CaptureJobStore(node.store) } })
  let open = true
  t.teardown(async () => {
    if (!open) return
    await app.close()
    await node.close()
  })
  const { signer, token } = createCustody(node.dir, 'packer')
  await node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'packer', name: 'packer', roles: ['processor'], publicKey: toBase64(signer.publicKey), custody: 'node' } }, [node.operator]))

  // an 8 MB document (1000 events with a long note each) where 3 MB are left
  const events = Array.from({ length: 1000 }, (_, i) => ({
    type: 'ObjectEvent',
    eventTime: '2026-05-25T16:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'inspecting',
    epcList: [`https://id.gs1.org/01/06901234001037/21/S${i}`],
    'ex:note': 'x'.repeat(8000),
  }))
  const document = JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://ns.example.com/' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-25T16:00:00.000+08:00',
    epcisBody: { eventList: events },
  })
  const { bavail, bsize } = await statfs(disk.path)
  writeFileSync(join(disk.path, 'filler'), Buffer.alloc(bavail * bsize - 3 * 1024 * 1024))
  const captured = await app.inject({ method: 'POST', url: '/capture', headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${token}` }, payload: document })
  t.equal(captured.statusCode, 503, `the capture: ${captured.body.slice(0, 200)}`)
  t.equal(captured.json().code, 'STORE_UNAVAILABLE')

  // space comes back; appends go on once the node has reopened its store
  rmSync(join(disk.path, 'filler'))
  const acknowledged = new Map<number, string>()
  const otherRefusals: string[] = []
  for (let tries = 0; tries < 200 && acknowledged.size < 20; tries++) {
    const envelope = node.statement({ type: 'actor.register', actor: 'operator', body: { id: `after-${tries}`, name: 'after', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } }, [node.operator])
    const appended = await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope })
    if (appended.statusCode === 201) acknowledged.set(appended.json().seq, appended.json().leafHash)
    else {
      if (appended.json().code !== 'STORE_UNAVAILABLE') otherRefusals.push(appended.body)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  t.same(otherRefusals, [], 'refused only while the store is being re-established, 503 STORE_UNAVAILABLE')
  t.equal(acknowledged.size, 20, '20 appends acknowledged')

  // a clean restart replays LevelDB's log: every acknowledged entry is there with its leaf hash
  open = false
  await app.close()
  await node.close()
  const again = await openNode(dir)
  t.teardown(() => again.close())
  const lost = [...acknowledged.keys()].filter((seq) => seq >= again.ledger.size)
  t.same(lost, [], `the log holds every acknowledged seq (size ${again.ledger.size})`)
  for (const [seq, leafHash] of acknowledged) {
    if (seq < again.ledger.size) t.equal((await again.ledger.getEntry(seq)).leafHash, leafHash, `seq ${seq}`)
  }
})
