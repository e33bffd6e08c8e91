// Hunt 3 (crash): a capture job (POST /capture) saves its progress after each slice it appends. When the disk
// filled between a slice's group commit and that save, the save failed, the job was dropped from the queue and
// left "running" in the store; the node reopened its store by itself once space came back, but nothing took the
// job up again before a restart, which a node that recovers by itself may never have: its client polled a job
// that said it was running for ever, with events of it in the log that it did not list. Here a real tmpfs fills
// just after the job's third slice is committed; once space comes back the job must finish, every event of the
// document in the log exactly once and listed.

import t from 'tap'
import { rmSync, writeFileSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { fromBase64, toBase64 } from '../../src/core/bytes.js'
import { openNode } from '../../src/cli/node-dir.js'
import { createCustody, custodyKeysIn } from '../../src/cli/custody-dir.js'
import { parseStatementPayload } from '../../src/core/statement.js'
import { buildApp } from '../../src/http/app.js'
import { CaptureJobStore } from '../../src/store/capture-jobs.js'
import { makeNode } from '../helpers/ledger.js'
import { mountTmpfs } from '../helpers/tmpfs.js'

const COUNT = 1000
/** The slice after whose commit the disk fills. */
const FULL_AFTER_SLICE = 3

t.test('a disk that fills between a slice and the save of its progress: the job finishes once space comes back', async (t) => {
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
  const before = node.ledger.size

  // The disk fills as the slice's answer comes back: its entries are on disk, the job's progress not yet.
  const filler = join(disk.path, 'filler')
  const submitMany = node.ledger.submitMany.bind(node.ledger)
  let slices = 0
  node.ledger.submitMany = async (envelopes) => {
    const outcomes = await submitMany(envelopes)
    if (++slices === FULL_AFTER_SLICE) {
      const { bavail, bsize } = await statfs(disk.path)
      writeFileSync(filler, Buffer.alloc(bavail * bsize))
    }
    return outcomes
  }

  const events = Array.from({ length: COUNT }, (_, i) => ({
    type: 'ObjectEvent',
    eventID: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: '2026-05-25T16:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'inspecting',
    epcList: [`https://id.gs1.org/01/06901234001037/21/F${i}`],
  }))
  const document = JSON.stringify({ '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-05-25T16:00:00.000+08:00', epcisBody: { eventList: events } })
  const captured = await app.inject({ method: 'POST', url: '/capture', headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${token}` }, payload: document })
  t.equal(captured.statusCode, 202, captured.body.slice(0, 200))
  const location = captured.headers.location as string

  const jobNow = async () => (await app.inject({ url: location, headers: { authorization: `Bearer ${token}` } })).json() as { running: boolean; done: number; success: boolean; captured: { eventIndex: number; seq: number }[]; errors: unknown[] }
  // The store fails; then space comes back and the node reopens it by itself.
  for (let i = 0; i < 300 && node.ledger.storeStatus.available; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.notOk(node.ledger.storeStatus.available, 'a write failed on the full disk')
  rmSync(filler)

  let job = await jobNow()
  for (let i = 0; i < 300 && job.running; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    job = await jobNow()
  }
  t.equal(job.running, false, `the job finished within 30 s of space coming back (done ${job.done} of ${COUNT})`)
  t.match(job, { success: true, errors: [] })
  t.equal(new Set(job.captured.map((c) => c.eventIndex)).size, COUNT, 'every event listed')

  open = false
  await app.close()
  await node.close()
  const again = await openNode(dir)
  t.teardown(() => again.close())
  const ids = new Map<string, number>()
  for (let seq = before; seq < again.ledger.size; seq++) {
    const { entry } = await again.ledger.getEntry(seq)
    const statement = parseStatementPayload(fromBase64(entry.envelope.payload))
    const id = (statement.body as { eventID?: string }).eventID as string
    ids.set(id, (ids.get(id) ?? 0) + 1)
  }
  t.equal(ids.size, COUNT, 'every event of the document in the log')
  t.same([...ids.values()].filter((n) => n !== 1), [], 'each once')
})
