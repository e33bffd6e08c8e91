// Issue 12: an actor of another organisation sent 300 seal.approve for one application; the public seal
// page grew by 30 KB and /v1/alerts by 199 KB, one line per attempt. Refused attempts are now one record
// per (actor, code, subject) that counts them, keeps the first envelope and a few samples, and stays the
// same size however many come; invented ids make no new records.

import t from 'tap'
import { createHash } from 'node:crypto'
import type { Envelope } from '../../src/core/dsse.js'
import { ATTEMPT_SPACE } from '../../src/ledger/alerts.js'
import { ATTEMPT_SAMPLES } from '../../src/seal/attempts.js'
import { SEAL_SPACES } from '../../src/seal/records.js'
import { SEAL, village, type Village } from '../helpers/seal.js'

/** POSTs the envelopes in batches of `batch`: refusals of one group must count each other. */
async function flood(v: Village, envelopes: Envelope[], batch: number) {
  for (let i = 0; i < envelopes.length; i += batch) {
    const response = await v.app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes: envelopes.slice(i, i + batch) } })
    for (const result of response.json().results) if (result.code !== 'NOT_APPROVER' && result.code !== 'SEAL_NOT_FOUND') throw new Error(JSON.stringify(result))
  }
}

async function records(v: Village, space: string): Promise<number> {
  let n = 0
  for await (const _ of v.node.ledger.records.scan(space)) n++
  return n
}

const sha256 = (envelope: Envelope) => createHash('sha256').update(Buffer.from(envelope.payload, 'base64')).digest('hex')

t.test('300 refused seal.approve from another organisation: one record, page and /v1/alerts the same size', async (t) => {
  const v = await village(t)
  await v.apply('flood-1', { title: '村道修缮' })
  const approvals = Array.from({ length: 300 }, () => v.statement('seal.approve', 'outsider', { applicationId: 'flood-1', comment: '同意' }))
  const size = v.node.ledger.size

  await flood(v, approvals.slice(0, 10), 1)
  const pageAfter10 = Buffer.byteLength((await v.get(`/seals/${SEAL}`)).body)
  const alertsAfter10 = Buffer.byteLength((await v.get('/v1/alerts')).body)
  await flood(v, approvals.slice(10), 100)
  const page = (await v.get(`/seals/${SEAL}`)).body
  const alertsBody = (await v.get('/v1/alerts')).body

  t.equal(v.node.ledger.size, size, 'nothing entered the log')
  t.ok(Buffer.byteLength(page) - pageAfter10 < 64, `the page stays the same size (${pageAfter10} -> ${Buffer.byteLength(page)} bytes)`)
  t.ok(Buffer.byteLength(alertsBody) - alertsAfter10 < 256, `/v1/alerts stays the same size (${alertsAfter10} -> ${Buffer.byteLength(alertsBody)} bytes)`)
  t.match(page, /非审批人审批（已拒绝）/)
  t.match(page, /300 次/, 'the page says how many')

  const { alerts } = JSON.parse(alertsBody)
  t.equal(alerts.length, 1, 'one attempt record')
  const [attempt] = alerts
  t.equal(attempt.kind, 'NOT_APPROVER')
  t.equal(attempt.code, 'NOT_APPROVER')
  t.equal(attempt.actor, 'outsider', 'kept although the actor is of another organisation: inspectors want it')
  t.equal(attempt.sealId, SEAL)
  t.same(attempt.applicationIds, ['flood-1'])
  t.equal(attempt.count, 300, 'every refusal counted, those in one batch too')
  t.same(attempt.seqs, [])
  t.same(attempt.envelope, approvals[0], 'the first refused envelope, with its signature, as evidence')
  t.equal(attempt.samples.length, ATTEMPT_SAMPLES)
  t.same(
    attempt.samples.map((s: { payloadSha256: string }) => s.payloadSha256),
    approvals.slice(-ATTEMPT_SAMPLES).map(sha256),
    'the latest refusals as samples',
  )
  t.equal(attempt.lastAt, attempt.at)
  t.ok(attempt.firstAt <= attempt.lastAt)
  t.equal(await records(v, SEAL_SPACES.attempt), 1)
  t.equal(await records(v, ATTEMPT_SPACE), 1, 'the alert copy moved, never duplicated')

  await v.restart()
  t.equal((await v.get('/v1/alerts')).json().alerts[0].count, 300, 'the count survives a restart')
  await flood(v, [v.statement('seal.approve', 'outsider', { applicationId: 'flood-1' })], 1)
  t.equal((await v.get('/v1/alerts')).json().alerts[0].count, 301, 'and goes on from there')
})

t.test('invented application and seal ids make no new records: one per actor and code', async (t) => {
  const v = await village(t)
  const invented = Array.from({ length: 200 }, (_, i) => v.statement('seal.approve', 'outsider', { applicationId: `fake-${i}` }))
  const inventedSeals = Array.from({ length: 50 }, (_, i) =>
    v.statement('seal.apply', 'outsider', { applicationId: `new-${i}`, sealId: `no-seal-${i}`, title: 't', purpose: 'p', document: { name: 'd', sha256: 'a'.repeat(64) }, copies: 1 }),
  )
  await flood(v, [...invented, ...inventedSeals], 50)
  const { alerts } = (await v.get('/v1/alerts')).json()
  t.equal(alerts.length, 1, 'one record for the actor and SEAL_NOT_FOUND')
  t.equal(alerts[0].kind, 'SEAL_NOT_FOUND')
  t.equal(alerts[0].count, 250)
  t.notOk('sealId' in alerts[0] || 'applicationIds' in alerts[0], 'no seal or application: none exists')
  t.equal(await records(v, SEAL_SPACES.attempt), 1)
  t.equal(await records(v, ATTEMPT_SPACE), 1)
})

t.test('refused applications to a seal of another organisation count under the seal', async (t) => {
  const v = await village(t)
  const applications = Array.from({ length: 40 }, (_, i) =>
    v.statement('seal.apply', 'outsider', { applicationId: `x-${i}`, sealId: SEAL, title: 't', purpose: 'p', document: { name: 'd', sha256: 'a'.repeat(64) }, copies: 1 }),
  )
  for (const envelope of applications) t.equal((await v.post(envelope)).json().code, 'NOT_IN_ORG')
  const { alerts } = (await v.get('/v1/alerts')).json()
  t.equal(alerts.length, 1)
  t.equal(alerts[0].sealId, SEAL)
  t.notOk('applicationIds' in alerts[0], 'the ids it applied under do not exist')
  t.equal(alerts[0].count, 40)
  const page = (await v.get(`/seals/${SEAL}`)).body
  t.match(page, /非本村人员申请（已拒绝）/, 'shown with the seal')
  t.match(page, /40 次/)
})
