// Gap: a refused seal statement replayed once conditions changed. /v1/alerts publishes the first refused
// envelope of each attempt record, signature and all. A custodian's stamp refused as USE_WITHOUT_APPROVAL
// became, once the application was approved, a lawful-looking stamp whenever anyone POSTed that published
// envelope again: the log then showed a use after approval that was in truth made before it.

import t from 'tap'
import { ATTEMPT_SAMPLES } from '../../src/seal/attempts.js'
import { SEAL_SPACES } from '../../src/seal/records.js'
import { SHA, village } from '../helpers/seal.js'

t.test('a published refused envelope stays refused after the application is approved', async (t) => {
  const v = await village(t)
  await v.apply('rr-1')
  const stamp = v.statement('seal.use', 'custodian', { applicationId: 'rr-1', copies: 1, stamped: { sha256: SHA('1') } })
  t.equal((await v.post(stamp)).statusCode, 409)
  const [published] = (await v.get('/v1/alerts?kind=USE_WITHOUT_APPROVAL')).json().alerts
  t.same(published.envelope, stamp)

  await v.accept('seal.approve', 'director', { applicationId: 'rr-1' })
  const replay = await v.post(published.envelope)
  t.equal(replay.statusCode, 409, 'refused again')
  t.equal(replay.json().code, 'REFUSED_BEFORE')
  t.match(replay.json().message, /refused/)
  t.equal((await v.get('/v1/alerts?kind=USE_WITHOUT_APPROVAL')).json().alerts[0].count, 1, 'not another attempt')

  // The custodian's own stamp, signed after the approval, is a new statement: accepted.
  const seq = await v.accept('seal.use', 'custodian', { applicationId: 'rr-1', copies: 1, stamped: { sha256: SHA('1') } })
  t.ok(seq > 0)
  // After a restart too (the refusal is a record, not memory).
  await v.restart()
  t.equal((await v.post(published.envelope)).json().code, 'REFUSED_BEFORE')
})

t.test('the refused payloads kept stay bounded per attempt record: the first and the samples', async (t) => {
  const v = await village(t)
  await v.apply('rr-2')
  const stamps = Array.from({ length: 12 }, (_, n) => v.statement('seal.use', 'custodian', { applicationId: 'rr-2', copies: 1, stamped: { sha256: SHA(String(n % 10)) } }))
  for (const stamp of stamps) t.equal((await v.post(stamp)).json().code, 'USE_WITHOUT_APPROVAL')
  const kept = await v.node.ledger.records.range(SEAL_SPACES.refusedPayload, {})
  t.equal(kept.length, 1 + ATTEMPT_SAMPLES, 'the first envelope and the latest samples')
  t.equal((await v.post(stamps[0]!)).json().code, 'REFUSED_BEFORE', 'the published first envelope')
  t.equal((await v.post(stamps[11]!)).json().code, 'REFUSED_BEFORE', 'the latest')
})
