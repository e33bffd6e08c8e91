// A capture job kept each pending event with a copy of its document's @context, which every event is signed
// under: a document of 1000 small events and one large @context (a request of some hundreds of KiB, well within
// the 16 MiB capture limit) was written to the store a thousand times over. 666 KB in took 467 MB of disk and
// near 2 GB of memory, and a few such requests fill a node's disk. Now a job keeps the document's context once,
// beside its events, and signs each event under it as before.

import t from 'tap'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { fromBase64, toBase64 } from '../../src/core/bytes.js'
import { parseStatementPayload } from '../../src/core/statement.js'
import { createCustody, custodyKeysIn } from '../../src/cli/custody-dir.js'
import { buildApp } from '../../src/http/app.js'
import { CaptureJobStore } from '../../src/store/capture-jobs.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'
const EVENTS = 1000

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => sum + (entry.isDirectory() ? bytesUnder(join(dir, entry.name)) : statSync(join(dir, entry.name)).size), 0)
}

async function finished(app: FastifyInstance, location: string, token: string): Promise<Record<string, unknown>> {
  for (;;) {
    const job = (await app.inject({ url: location, headers: { authorization: `Bearer ${token}` } })).json() as Record<string, unknown>
    if (!job.running) return job
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

t.test('a document with a large @context is stored once, not once per event', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  const jobs = new CaptureJobStore(node.store)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, capture: { custody: custodyKeysIn(node.dir), jobs } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const { signer, token } = createCustody(node.dir, 'erp-amp')
  await node.ledger.submit(
    node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'erp-amp', name: 'erp-amp', roles: ['processor'], publicKey: toBase64(signer.publicKey), custody: 'node' } }, [node.operator]),
  )
  // 30 KiB of prefixes: every event still fits a statement, and is appended.
  const prefixes: Record<string, string> = {}
  for (let i = 0; i < 300; i++) prefixes[`p${i}`] = `https://ns.example.com/${'x'.repeat(60)}/${i}/`
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    type: 'ObjectEvent',
    eventID: `urn:uuid:1d4e2f60-8c1b-4a7e-9a51-${String(i).padStart(12, '0')}`,
    eventTime: '2026-06-03T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    epcList: [`https://id.gs1.org/01/06901234001037/21/AMP${i}`],
  }))
  const document = { '@context': [EPCIS_CONTEXT, prefixes], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-06-03T09:00:00.000+08:00', epcisBody: { eventList: events } }
  const payload = JSON.stringify(document)

  // Hold the job back so what it stores can be measured before it runs.
  const start = jobs.statementsOf.bind(jobs)
  let release: () => void = () => undefined
  const held = new Promise<void>((resolve) => (release = resolve))
  jobs.statementsOf = async (captureID: string) => {
    await held
    return start(captureID)
  }
  const before = bytesUnder(dir)
  const response = await app.inject({ method: 'POST', url: '/capture', headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${token}` }, payload })
  t.equal(response.statusCode, 202, response.body)
  const stored = bytesUnder(dir) - before
  t.ok(stored < 4 * payload.length, `the job takes ${stored} bytes for a ${payload.length}-byte document (at most 4 times it)`)

  release()
  const job = await finished(app, String(response.headers.location), token)
  t.same(job.errors, [], 'every event appended')
  t.equal((job.captured as unknown[]).length, EVENTS)
  const first = (job.captured as { seq: number }[])[0] as { seq: number }
  const entry = (await app.inject(`/v1/entries/${first.seq}`)).json() as { entry: { envelope: { payload: string } } }
  const statement = parseStatementPayload(fromBase64(entry.entry.envelope.payload))
  t.same(statement.body['@context'], document['@context'], 'each event signed under the document context')
})
