// A capture job kept each pending event with a copy of its document's @context, which every event is signed
// under: a document of 1000 small events and one large @context (a request of some hundreds of KiB, well within
// the 16 MiB capture limit) was written to the store a thousand times over. 666 KB in took 467 MB of disk and
// near 2 GB of memory, and a few such requests fill a node's disk. Now a job keeps the document's context once,
// beside its events, and signs each event under it as before.

import t from 'tap'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fromBase64 } from '../../src/core/bytes.js'
import { parseStatementPayload } from '../../src/core/statement.js'
import { captureApp, finishedJob, EPCIS_CONTEXT } from '../helpers/capture-app.js'

const EVENTS = 1000

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => sum + (entry.isDirectory() ? bytesUnder(join(dir, entry.name)) : statSync(join(dir, entry.name)).size), 0)
}

t.test('a document with a large @context is stored once, not once per event', async (t) => {
  const { node, app, jobs, token } = await captureApp(t, 'erp-amp')
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
  const before = bytesUnder(node.dir)
  const response = await app.inject({ method: 'POST', url: '/capture', headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${token}` }, payload })
  t.equal(response.statusCode, 202, response.body)
  const stored = bytesUnder(node.dir) - before
  t.ok(stored < 4 * payload.length, `the job takes ${stored} bytes for a ${payload.length}-byte document (at most 4 times it)`)

  release()
  const job = await finishedJob(app, String(response.headers.location), token)
  t.same(job.errors, [], 'every event appended')
  t.equal((job.captured as unknown[]).length, EVENTS)
  const first = (job.captured as { seq: number }[])[0] as { seq: number }
  const entry = (await app.inject(`/v1/entries/${first.seq}`)).json() as { entry: { envelope: { payload: string } } }
  const statement = parseStatementPayload(fromBase64(entry.entry.envelope.payload))
  t.same(statement.body['@context'], document['@context'], 'each event signed under the document context')
})
