// Issue 12: revoking a seal made every OVERDUE alert of its applications vanish, a way to hide them, and
// a revoked seal refused seal.close, so its matters could never be settled. OVERDUE now stays raised
// while an application is open; seal.close is accepted on a revoked seal's open applications; every
// other seal statement on it stays refused; every seal alert carries its sealId.

import t from 'tap'
import { SEAL, SHA, village } from '../helpers/seal.js'

const close = (applicationId: string) => ({ applicationId, outcome: '印章注销，本事项终止', completedAt: '2026-07-10' })
const overdueIds = async (v: Awaited<ReturnType<typeof village>>) =>
  (await v.get('/v1/alerts?kind=OVERDUE')).json().alerts.map((a: { applicationIds: string[] }) => a.applicationIds[0])

t.test('revoke the seal: OVERDUE still raised; close accepted and clears it', async (t) => {
  const v = await village(t)
  await v.apply('late-applied', { dueDate: '2026-06-30' })
  await v.apply('late-approved', { dueDate: '2026-06-30' })
  await v.accept('seal.approve', 'director', { applicationId: 'late-approved' })
  await v.apply('late-used', { dueDate: '2026-06-30', amount: 900, budget: 800 })
  await v.accept('seal.approve', 'director', { applicationId: 'late-used' })
  await v.accept('seal.use', 'custodian', { applicationId: 'late-used', copies: 1, stamped: { sha256: SHA('b') } })
  v.setNow('2026-07-05T02:00:00.000Z')
  t.same(await overdueIds(v), ['late-applied', 'late-approved', 'late-used'])

  await v.accept('seal.revoke', 'operator', { sealId: SEAL, reason: '印章遗失' })
  t.same(await overdueIds(v), ['late-applied', 'late-approved', 'late-used'], 'revoking the seal hides no overdue matter')
  const page = (await v.get(`/seals/${SEAL}`)).body
  t.equal(page.split('逾期未办结').length - 1, 3, 'and the page still shows them')

  for (const type of ['seal.approve', 'seal.reject']) {
    t.equal((await v.post(v.statement(type, 'director', { applicationId: 'late-applied' }))).json().code, 'REVOKED_SEAL_USE', type)
  }
  t.equal((await v.post(v.statement('seal.use', 'custodian', { applicationId: 'late-approved', copies: 1, stamped: { sha256: SHA('c') } }))).json().code, 'REVOKED_SEAL_USE')
  t.equal((await v.post(v.statement('seal.close', 'custodian', close('late-used')))).json().code, 'NOT_APPROVER', 'still only the applicant or an approver')

  await v.accept('seal.close', 'clerk', close('late-used'))
  await v.accept('seal.close', 'director', close('late-approved'))
  await v.accept('seal.close', 'clerk', close('late-applied'))
  t.same(await overdueIds(v), [], 'each closing settles its matter')
  for (const id of ['late-applied', 'late-approved', 'late-used']) t.equal((await v.get(`/v1/seals/applications/${id}`)).json().state, 'closed', id)
  t.equal((await v.post(v.statement('seal.close', 'clerk', close('late-used')))).json().code, 'INVALID_TRANSITION', 'closed once')
})

t.test('every seal alert carries its sealId: pattern, OVERDUE and attempts', async (t) => {
  const v = await village(t)
  await v.apply('s-1', { dueDate: '2026-06-01', amount: 900, budget: 800 })
  await v.post(v.statement('seal.use', 'custodian', { applicationId: 's-1', copies: 1, stamped: { sha256: SHA('b') } }))
  await v.post(v.statement('seal.approve', 'outsider', { applicationId: 's-1' }))
  v.setNow('2026-06-02T02:00:00.000Z')
  const { alerts } = (await v.get('/v1/alerts')).json()
  t.same(alerts.map((a: { kind: string }) => a.kind).sort(), ['NOT_APPROVER', 'OVERDUE', 'OVER_BUDGET', 'USE_WITHOUT_APPROVAL'])
  for (const alert of alerts) t.equal(alert.sealId, SEAL, alert.kind)
})
