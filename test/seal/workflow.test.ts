// The seal workflow through HTTP with real signatures: the happy path and its views, then every rule:
// a refused statement gets its code, leaves the tree as it was, and is kept as an attempt alert with
// the refused envelope; refusals that are not the actor's (bad signature, bad schema) are kept as nothing.

import t, { type Test } from 'tap'
import type { Envelope } from '../../src/core/dsse.js'
import { createHash } from 'node:crypto'
import { SEAL, SHA, VILLAGE, village, type Village } from '../helpers/seal.js'
import { newSigner } from '../helpers/ledger.js'

const use = (applicationId: string, copies = 1) => ({ applicationId, copies, stamped: { sha256: SHA('b') } })
const close = (applicationId: string, extra: Record<string, unknown> = {}) => ({ applicationId, outcome: '已办结', completedAt: '2026-06-20', ...extra })

interface AttemptAlert {
  kind: string
  code: string
  seqs: number[]
  actor: string
  sealId?: string
  applicationIds?: string[]
  count: number
  envelope: Envelope
  samples: { payloadSha256: string }[]
}

const attemptAlerts = async (v: Village, kind?: string): Promise<AttemptAlert[]> =>
  (await v.get(`/v1/alerts?limit=1000${kind ? `&kind=${kind}` : ''}`)).json().alerts.filter((a: { seqs: number[] }) => a.seqs.length === 0)
const sameGroup = (a: AttemptAlert, b: AttemptAlert) =>
  a.kind === b.kind && a.actor === b.actor && a.sealId === b.sealId && String(a.applicationIds) === String(b.applicationIds)
const payloadSha256 = (envelope: Envelope) => createHash('sha256').update(Buffer.from(envelope.payload, 'base64')).digest('hex')

/**
 * Submits a statement that must be refused: status and code, tree unchanged, and (unless `attempt` is
 * false) counted once in the attempt record of its actor, code and subject, which keeps the first
 * refused envelope byte for byte and this one's hash among its samples.
 */
async function refused(t: Test, v: Village, envelope: Envelope, status: number, code: string, attempt = true) {
  const checkpoint = v.node.ledger.checkpoint
  const size = v.node.ledger.size
  const attemptsBefore = await attemptAlerts(v)
  const response = await v.post(envelope)
  t.equal(response.statusCode, status, `${code}: status`)
  t.equal(response.json().code, code, `${code}: code`)
  t.equal(v.node.ledger.size, size, `${code}: nothing appended`)
  t.equal(v.node.ledger.checkpoint, checkpoint, `${code}: same checkpoint`)
  const attempts = await attemptAlerts(v)
  if (!attempt) return t.same(attempts, attemptsBefore, `${code}: no attempt kept`)
  const kept = attempts.find((a) => a.samples.at(-1)?.payloadSha256 === payloadSha256(envelope))
  if (!kept) return t.fail(`${code}: an attempt counts the refused statement`)
  const before = attemptsBefore.find((a) => sameGroup(a, kept))
  t.equal(attempts.length, attemptsBefore.length + (before ? 0 : 1), `${code}: one record per actor, code and subject`)
  t.equal(kept.count, (before?.count ?? 0) + 1, `${code}: counted once`)
  t.same(kept.envelope, before ? before.envelope : envelope, `${code}: the first refused envelope, byte for byte, with its signatures`)
  t.equal(kept.kind, code)
  t.equal(kept.code, code)
  t.same(kept.seqs, [])
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString())
  t.equal(kept.actor, statement.actor)
  if (kept.applicationIds) t.same(kept.applicationIds, [statement.body.applicationId], `${code}: names the application it was about`)
  const byKind = await attemptAlerts(v, code)
  t.ok(byKind.some((a) => sameGroup(a, kept)), `${code}: found by kind`)
}

t.test('apply, approve, stamp twice, close: the views and their seqs', async (t) => {
  const v = await village(t)
  const applied = await v.apply('app-1', { copies: 3, amount: 5000, budget: 6000, dueDate: '2026-06-30' })
  const approved = await v.accept('seal.approve', 'director', { applicationId: 'app-1', comment: '同意' })
  const first = await v.accept('seal.use', 'custodian', use('app-1', 2))
  const second = await v.accept('seal.use', 'custodian', { ...use('app-1', 1), photo: { sha256: SHA('c') } })
  const closed = await v.accept('seal.close', 'clerk', close('app-1', { finalAmount: 5800 }))

  const application = (await v.get('/v1/seals/applications/app-1')).json()
  t.equal(application.applicationId, 'app-1')
  t.equal(application.sealId, SEAL)
  t.equal(application.org, VILLAGE)
  t.equal(application.state, 'closed')
  t.equal(application.applicant, 'clerk')
  t.equal(application.copiesRequested, 3)
  t.equal(application.copiesApproved, 3)
  t.equal(application.copiesUsed, 3)
  t.same(application.history.map((h: { seq: number; type: string; actor: string }) => [h.seq, h.type, h.actor]), [
    [applied, 'seal.apply', 'clerk'],
    [approved, 'seal.approve', 'director'],
    [first, 'seal.use', 'custodian'],
    [second, 'seal.use', 'custodian'],
    [closed, 'seal.close', 'clerk'],
  ])
  t.ok(application.history.every((h: { at: string }) => h.at === v.now()))
  t.same(application.approval, { seq: approved, actor: 'director', at: v.now(), comment: '同意' })
  t.same(application.uses[1].photo, { sha256: SHA('c') })
  t.equal(application.closing.finalAmount, 5800)

  const seal = (await v.get(`/v1/seals/${SEAL}`)).json().seal
  t.equal(seal.state, 'active')
  t.equal(seal.org, VILLAGE)
  t.equal(seal.custodian, 'custodian')
  t.same(seal.approvers, ['director', 'deputy'])
  t.same(seal.uses.map((u: { seq: number; copies: number; applicationId: string }) => [u.seq, u.copies, u.applicationId]), [[first, 2, 'app-1'], [second, 1, 'app-1']])
  t.same(seal.applications, [{ applicationId: 'app-1', state: 'closed', title: '申请 app-1', applicant: 'clerk', appliedSeq: applied, copiesApproved: 3, copiesUsed: 3 }])
  t.same(seal.seqs, [seal.registeredAt, applied, approved, first, second, closed])
  for (const seq of seal.seqs) {
    const entry = (await v.get(`/v1/entries/${seq}`)).json().entry
    t.equal(entry.seq, seq, 'each seq is a real entry')
  }

  const list = (await v.get('/v1/seals')).json().seals
  t.same(list.map((s: { sealId: string; state: string }) => [s.sealId, s.state]), [[SEAL, 'active']])
  t.same((await v.get('/v1/alerts')).json().alerts, [], 'a clean run raises nothing')
})

t.test('statements in one batch see each other: apply, approve, use together', async (t) => {
  const v = await village(t)
  const envelopes = [
    v.statement('seal.apply', 'clerk', { applicationId: 'b-1', sealId: SEAL, title: 't', purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1 }),
    v.statement('seal.approve', 'deputy', { applicationId: 'b-1' }),
    v.statement('seal.use', 'custodian', use('b-1')),
    v.statement('seal.use', 'custodian', use('b-1')),
  ]
  const response = await v.app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes } })
  const results = response.json().results
  t.type(results[0].seq, 'number')
  t.type(results[1].seq, 'number')
  t.type(results[2].seq, 'number')
  t.equal(results[3].code, 'COPIES_EXCEEDED', 'the second use sees the first, still in the batch')
  t.equal((await v.get('/v1/seals/applications/b-1')).json().state, 'used')
  const attempts = (await v.get('/v1/alerts?kind=COPIES_EXCEEDED')).json().alerts
  t.same(attempts.map((a: { envelope: Envelope }) => a.envelope), [envelopes[3]])
})

t.test('seal.apply: org members only, ids unique, seal must exist and be active', async (t) => {
  const v = await village(t)
  const body = (applicationId: string, extra = {}) => ({ applicationId, sealId: SEAL, title: 't', purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1, ...extra })
  await refused(t, v, v.statement('seal.apply', 'outsider', body('x-1')), 403, 'NOT_IN_ORG')
  await refused(t, v, v.statement('seal.apply', 'inspector', body('x-2')), 403, 'NOT_IN_ORG')
  await refused(t, v, v.statement('seal.apply', 'operator', body('x-3')), 403, 'NOT_IN_ORG')
  await v.apply('x-4')
  await refused(t, v, v.statement('seal.apply', 'deputy', body('x-4')), 409, 'APPLICATION_EXISTS')
  await refused(t, v, v.statement('seal.apply', 'clerk', body('x-5', { sealId: 'no-such-seal' })), 404, 'SEAL_NOT_FOUND')
})

t.test('seal.approve and seal.reject: approvers only, never the applicant, only from applied', async (t) => {
  const v = await village(t)
  await v.apply('a-1')
  await refused(t, v, v.statement('seal.approve', 'clerk', { applicationId: 'a-1' }), 403, 'SELF_APPROVAL')
  await refused(t, v, v.statement('seal.reject', 'clerk', { applicationId: 'a-1' }), 403, 'SELF_APPROVAL')
  await refused(t, v, v.statement('seal.approve', 'custodian', { applicationId: 'a-1' }), 403, 'NOT_APPROVER')
  await refused(t, v, v.statement('seal.approve', 'outsider', { applicationId: 'a-1' }), 403, 'NOT_APPROVER')
  await refused(t, v, v.statement('seal.approve', 'inspector', { applicationId: 'a-1' }), 403, 'NOT_APPROVER')

  await v.apply('a-2', {}, 'deputy')
  await refused(t, v, v.statement('seal.approve', 'deputy', { applicationId: 'a-2' }), 403, 'SELF_APPROVAL')
  await v.accept('seal.approve', 'director', { applicationId: 'a-2' })

  await v.accept('seal.approve', 'deputy', { applicationId: 'a-1' })
  await refused(t, v, v.statement('seal.approve', 'director', { applicationId: 'a-1' }), 409, 'INVALID_TRANSITION')
  await refused(t, v, v.statement('seal.reject', 'director', { applicationId: 'a-1' }), 409, 'INVALID_TRANSITION')
  await refused(t, v, v.statement('seal.approve', 'director', { applicationId: 'nope' }), 404, 'SEAL_NOT_FOUND')

  await v.apply('a-3')
  await v.accept('seal.reject', 'director', { applicationId: 'a-3', comment: '材料不全' })
  t.equal((await v.get('/v1/seals/applications/a-3')).json().state, 'rejected')
  await refused(t, v, v.statement('seal.approve', 'deputy', { applicationId: 'a-3' }), 409, 'INVALID_TRANSITION')
})

t.test('seal.use: the custodian only, only approved, never beyond the copies approved', async (t) => {
  const v = await village(t)
  await v.apply('u-1', { copies: 3 })
  await refused(t, v, v.statement('seal.use', 'custodian', use('u-1')), 409, 'USE_WITHOUT_APPROVAL')
  await v.accept('seal.approve', 'director', { applicationId: 'u-1' })
  await refused(t, v, v.statement('seal.use', 'director', use('u-1')), 403, 'NOT_CUSTODIAN')
  await refused(t, v, v.statement('seal.use', 'clerk', use('u-1')), 403, 'NOT_CUSTODIAN')
  await refused(t, v, v.statement('seal.use', 'custodian', use('u-1', 4)), 409, 'COPIES_EXCEEDED')
  await v.accept('seal.use', 'custodian', use('u-1', 2))
  await refused(t, v, v.statement('seal.use', 'custodian', use('u-1', 2)), 409, 'COPIES_EXCEEDED')
  await v.accept('seal.use', 'custodian', use('u-1', 1))
  await refused(t, v, v.statement('seal.use', 'custodian', use('u-1', 1)), 409, 'COPIES_EXCEEDED')
  const application = (await v.get('/v1/seals/applications/u-1')).json()
  t.equal(application.copiesUsed, 3)
  t.equal(application.uses.length, 2)

  await v.apply('u-2')
  await v.accept('seal.reject', 'deputy', { applicationId: 'u-2' })
  await refused(t, v, v.statement('seal.use', 'custodian', use('u-2')), 409, 'USE_WITHOUT_APPROVAL')

  await v.accept('seal.close', 'clerk', close('u-1'))
  await refused(t, v, v.statement('seal.use', 'custodian', use('u-1')), 409, 'USE_WITHOUT_APPROVAL')
  await refused(t, v, v.statement('seal.use', 'custodian', use('nope')), 404, 'SEAL_NOT_FOUND')
})

t.test('seal.close: the applicant or an approver, from approved or used', async (t) => {
  const v = await village(t)
  await v.apply('c-1')
  await refused(t, v, v.statement('seal.close', 'clerk', close('c-1')), 409, 'INVALID_TRANSITION')
  await v.accept('seal.approve', 'director', { applicationId: 'c-1' })
  await refused(t, v, v.statement('seal.close', 'custodian', close('c-1')), 403, 'NOT_APPROVER')
  await refused(t, v, v.statement('seal.close', 'outsider', close('c-1')), 403, 'NOT_APPROVER')
  await v.accept('seal.close', 'deputy', close('c-1', { outcome: '取消，未用印' }))
  await refused(t, v, v.statement('seal.close', 'clerk', close('c-1')), 409, 'INVALID_TRANSITION')
  t.equal((await v.get('/v1/seals/applications/c-1')).json().state, 'closed')
})

t.test('seal.revoke: a revoked seal accepts nothing but seal.close', async (t) => {
  const v = await village(t)
  await v.apply('r-1')
  await v.apply('r-2')
  await v.accept('seal.approve', 'director', { applicationId: 'r-2' })
  await refused(t, v, v.statement('seal.revoke', 'director', { sealId: SEAL, reason: 'x' }), 403, 'ROLE_FORBIDDEN')
  const revoked = await v.accept('seal.revoke', 'operator', { sealId: SEAL, reason: '印章遗失，已登报作废' })
  await refused(t, v, v.statement('seal.use', 'custodian', use('r-2')), 409, 'REVOKED_SEAL_USE')
  await refused(t, v, v.statement('seal.approve', 'director', { applicationId: 'r-1' }), 409, 'REVOKED_SEAL_USE')
  await refused(t, v, v.statement('seal.reject', 'director', { applicationId: 'r-1' }), 409, 'REVOKED_SEAL_USE')
  await refused(t, v, v.statement('seal.close', 'custodian', close('r-2')), 403, 'NOT_APPROVER')
  await v.accept('seal.close', 'clerk', close('r-2', { outcome: '印章注销，未用印' }))
  await v.accept('seal.close', 'director', close('r-1', { outcome: '印章注销，申请撤回' }))
  await refused(t, v, v.statement('seal.close', 'clerk', close('r-1')), 409, 'INVALID_TRANSITION')
  t.same([(await v.get('/v1/seals/applications/r-1')).json().state, (await v.get('/v1/seals/applications/r-2')).json().state], ['closed', 'closed'])
  await refused(t, v, v.statement('seal.apply', 'clerk', { applicationId: 'r-3', sealId: SEAL, title: 't', purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1 }), 409, 'REVOKED_SEAL_USE')
  await refused(t, v, v.statement('seal.revoke', 'operator', { sealId: SEAL, reason: 'again' }), 409, 'REVOKED_SEAL_USE')
  await refused(t, v, v.statement('seal.revoke', 'operator', { sealId: 'nope', reason: 'x' }), 404, 'SEAL_NOT_FOUND')
  const seal = (await v.get(`/v1/seals/${SEAL}`)).json().seal
  t.equal(seal.state, 'revoked')
  t.equal(seal.revokedAt, revoked)
  t.equal(seal.revokeReason, '印章遗失，已登报作废')
  t.ok(seal.seqs.includes(revoked))
})

t.test('seal.register: admin only, unique, custodian and approvers registered, custodian never an approver', async (t) => {
  const v = await village(t)
  const body = (extra = {}) => ({ sealId: 'seal-2', org: VILLAGE, name: '财务专用章', custodian: 'custodian', approvers: ['director'], ...extra })
  await refused(t, v, v.statement('seal.register', 'director', body()), 403, 'ROLE_FORBIDDEN')
  await refused(t, v, v.statement('seal.register', 'operator', body({ sealId: SEAL })), 409, 'SEAL_EXISTS')
  await refused(t, v, v.statement('seal.register', 'operator', body({ custodian: 'ghost' })), 403, 'UNKNOWN_ACTOR')
  await refused(t, v, v.statement('seal.register', 'operator', body({ approvers: ['director', 'ghost'] })), 403, 'UNKNOWN_ACTOR')
  await refused(t, v, v.statement('seal.register', 'operator', body({ approvers: ['director', 'custodian'] })), 409, 'RULE_VIOLATION')
  await v.accept('seal.register', 'operator', body())
  t.same((await v.get('/v1/seals')).json().seals.map((s: { sealId: string }) => s.sealId), ['seal-2', SEAL])
})

t.test('refusals that are not the actor\'s are kept as nothing', async (t) => {
  const v = await village(t)
  await v.apply('n-1')
  await v.accept('seal.approve', 'director', { applicationId: 'n-1' })
  const forged = v.statement('seal.use', 'custodian', use('n-1'), [v.signers.get('clerk')!])
  await refused(t, v, forged, 403, 'SIGNATURE_MISSING', false)
  const stranger = v.statement('seal.use', 'custodian', use('n-1'), [newSigner()])
  await refused(t, v, stranger, 403, 'UNKNOWN_KEY', false)
  const badHash = v.statement('seal.use', 'custodian', { applicationId: 'n-1', copies: 1, stamped: { sha256: 'ABC' } })
  await refused(t, v, badHash, 400, 'SCHEMA_INVALID', false)
  const zeroCopies = v.statement('seal.use', 'custodian', { applicationId: 'n-1', copies: 0, stamped: { sha256: SHA('b') } })
  await refused(t, v, zeroCopies, 400, 'SCHEMA_INVALID', false)
  const badDate = v.statement('seal.close', 'clerk', { applicationId: 'n-1', outcome: 'x', completedAt: '2026-02-30' })
  await refused(t, v, badDate, 400, 'SCHEMA_INVALID', false)
})

t.test('attempts survive a restart with their envelopes', async (t) => {
  const v = await village(t)
  await v.apply('s-1')
  const envelope = v.statement('seal.use', 'custodian', use('s-1'))
  t.equal((await v.post(envelope)).json().code, 'USE_WITHOUT_APPROVAL')
  await v.restart()
  const attempts = (await v.get('/v1/alerts?kind=USE_WITHOUT_APPROVAL')).json().alerts
  t.equal(attempts.length, 1)
  t.same(attempts[0].envelope, envelope)
})
