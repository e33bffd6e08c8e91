// Issue 15: late records and back-dated stampings, against the node's clock, with real signatures.
// USE_BEFORE_APPROVAL_RECORDED: a seal.use whose signed stamping time precedes the recordedAt of its
// application's approval. LATE_RECORD: any statement signed more than the window (24 h) before it was
// recorded. Both are written with their entries (they survive a restart), listed at /v1/alerts, and shown
// on the seal page, derived there from the verified entries.

import t from 'tap'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { SEAL, SHA, village, type Village } from '../helpers/seal.js'

const HOUR = 60 * 60 * 1000
const at = (base: string, hours: number) => new Date(Date.parse(base) + hours * HOUR).toISOString()

/** A statement by `actor` signed at `issuedAt`, posted while the node's clock reads the village's now. */
async function postSignedAt(v: Village, type: string, actor: string, issuedAt: string, body: Record<string, unknown>) {
  const envelope = buildStatementEnvelope({ type, actor, id: `late-${type}-${issuedAt}-${Math.random()}`, issuedAt, body }, [v.signers.get(actor)!])
  const response = await v.post(envelope)
  t.equal(response.statusCode, 201, response.body)
  return response.json().seq as number
}

async function alertsOf(v: Village, kind: string) {
  return (await v.get(`/v1/alerts?kind=${kind}`)).json().alerts as { kind: string; seqs: number[]; applicationIds?: string[]; actor?: string; message: string; at: string }[]
}

t.test('USE_BEFORE_APPROVAL_RECORDED: a stamping signed before the approval was on record', async (t) => {
  const v = await village(t)
  const start = v.now()
  await v.apply('early-1')
  v.setNow(at(start, 2))
  const approve = await v.accept('seal.approve', 'director', { applicationId: 'early-1' })
  v.setNow(at(start, 3))
  // The custodian signs the stamping as done at +1 h, an hour before the approval was recorded.
  const early = await postSignedAt(v, 'seal.use', 'custodian', at(start, 1), { applicationId: 'early-1', copies: 1, stamped: { sha256: SHA('b') } })
  // Signed after the approval was recorded: nothing to say.
  const fine = await postSignedAt(v, 'seal.use', 'custodian', at(start, 2.5), { applicationId: 'early-1', copies: 1, stamped: { sha256: SHA('c') } })

  const found = await alertsOf(v, 'USE_BEFORE_APPROVAL_RECORDED')
  t.equal(found.length, 1, JSON.stringify(found))
  t.same(found[0].seqs, [approve, early])
  t.same(found[0].applicationIds, ['early-1'])
  t.match(found[0].message, `signed the stamping at ${at(start, 1)}, before the approval (entry ${approve}) was recorded at ${at(start, 2)}`)
  t.notOk(found.some((a) => a.seqs.includes(fine)))
  t.equal((await alertsOf(v, 'LATE_RECORD')).length, 0, 'an hour is within the late-record window')

  await v.restart()
  t.same((await alertsOf(v, 'USE_BEFORE_APPROVAL_RECORDED')).map((a) => a.seqs), [[approve, early]], 'written with the entry: it survives a restart')
  const page = await v.get(`/seals/${SEAL}`)
  t.match(page.body, /<li class="alert" data-fact="alert" data-kind="USE_BEFORE_APPROVAL_RECORDED">用印时间早于审批记录 /)
})

t.test('LATE_RECORD: signed more than 24 h before the node recorded it, for any kind; shown beside the entry', async (t) => {
  const v = await village(t)
  const start = v.now()
  await v.apply('late-1')
  await v.accept('seal.approve', 'director', { applicationId: 'late-1' })
  await v.accept('seal.use', 'custodian', { applicationId: 'late-1', copies: 2, stamped: { sha256: SHA('b') } })
  v.setNow(at(start, 24 * 5))
  // Closed "on day 1", recorded on day 5: the clerk papers over a matter after the fact.
  const closed = await postSignedAt(v, 'seal.close', 'clerk', at(start, 25), { applicationId: 'late-1', outcome: '已办结', completedAt: '2026-06-02' })
  // 23 hours is within the window.
  const register = await postSignedAt(v, 'actor.register', 'operator', at(start, 24 * 5 - 23), {
    id: 'newcomer',
    name: 'newcomer',
    roles: ['member'],
    publicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  })

  const late = await alertsOf(v, 'LATE_RECORD')
  t.same(late.map((a) => a.seqs), [[closed]], JSON.stringify(late))
  t.equal(late[0].actor, 'clerk')
  t.equal(late[0].at, at(start, 24 * 5), "at the node's recordedAt")
  t.match(late[0].message, `seal.close`)
  t.match(late[0].message, `signed ${at(start, 25)}, recorded ${at(start, 24 * 5)}: 3 days after signing`)
  t.notOk(late.some((a) => a.seqs.includes(register)))

  const page = (await v.get(`/seals/${SEAL}`)).body
  t.match(page, /<li class="alert" data-fact="alert" data-kind="LATE_RECORD">补录（签署后逾期才记录） /)
  t.match(page, new RegExp(`data-seq="${closed}"[^\\n]*<span class="tag" data-fact="late">补录 · 签署 3 天后才记录</span>`))
  t.equal(page.match(/data-fact="late"/g)?.length, 1, 'only the late entry is marked')
})

t.test('bad input writes nothing: a statement from the future is still refused', async (t) => {
  const v = await village(t)
  const before = v.node.ledger.size
  const body = { applicationId: 'future-1', sealId: SEAL, title: '申请', purpose: '测试用途', document: { name: 'f.pdf', sha256: SHA('a') }, copies: 1 }
  const envelope = buildStatementEnvelope({ type: 'seal.apply', actor: 'clerk', id: 'future', issuedAt: at(v.now(), 2), body }, [v.signers.get('clerk')!])
  const response = await v.post(envelope)
  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'ISSUED_IN_FUTURE')
  t.equal(v.node.ledger.size, before)
  t.equal((await alertsOf(v, 'LATE_RECORD')).length, 0)
})
