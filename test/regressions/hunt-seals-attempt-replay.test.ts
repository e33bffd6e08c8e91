// Hunt (seals): a refused seal statement replayed. /v1/alerts publishes the first refused envelope of each
// attempt record, signature and all, as evidence. Before, anyone could POST that envelope again and again:
// each replay was refused by the same rule and counted as one more attempt by the signer ("custodian: 200
// stamps without approval"), and five replays pushed the samples of the signer's real, other attempts out of
// the record. A replay is not the signer's doing: the same signed statement is now counted once.

import t from 'tap'
import { SHA, SEAL, village } from '../helpers/seal.js'

t.test('replaying a refused envelope neither counts as a new attempt nor pushes samples out', async (t) => {
  const v = await village(t)
  await v.apply('rp-1')
  const use = (n: number) => v.statement('seal.use', 'custodian', { applicationId: 'rp-1', copies: 1, stamped: { sha256: SHA(String(n)) } })
  const first = use(1)
  t.equal((await v.post(first)).statusCode, 409)
  const attempts = async () => (await v.get('/v1/alerts?kind=USE_WITHOUT_APPROVAL')).json().alerts
  const [published] = await attempts()
  t.same(published.envelope, first, 'the first refused envelope is public')

  // The signer's own second attempt, another statement: counted.
  const second = use(2)
  t.equal((await v.post(second)).statusCode, 409)
  t.equal((await attempts())[0].count, 2)
  const before = (await attempts())[0]

  // Anyone replays the published envelope, and the latest one, many times.
  for (let i = 0; i < 6; i++) {
    const replay = await v.post(published.envelope)
    t.equal(replay.statusCode, 409, 'still refused')
    t.equal(replay.json().code, 'REFUSED_BEFORE', 'a refused statement stays refused (gap-refused-replay.test.ts)')
    t.equal((await v.post(second)).statusCode, 409)
  }
  const after = (await attempts())[0]
  t.equal(after.count, 2, 'replays are not attempts')
  t.same(after.samples, before.samples, 'the samples of the real attempts stay')
  t.equal(after.lastAt, before.lastAt)

  // In one batch too. A statement twice in one batch is refused by the rule both times: a refusal's records
  // land with the group, after its rules ran, and it counts once all the same.
  const third = use(3)
  const batch = await v.app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes: [first, first, second, third, third] } })
  t.same(
    batch.json().results.map((r: { code: string }) => r.code),
    ['REFUSED_BEFORE', 'REFUSED_BEFORE', 'REFUSED_BEFORE', 'USE_WITHOUT_APPROVAL', 'USE_WITHOUT_APPROVAL'],
  )
  t.equal((await attempts())[0].count, 3, 'only the new statement counts')
  t.equal((await v.get(`/seals/${SEAL}`)).statusCode, 200)
})
