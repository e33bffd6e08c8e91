// The org index SPLIT_CONTRACT ranges over, on a data directory an earlier release wrote (titles only, no
// tokens, no rejection mark): written again once at open, after which a split is found as before.

import t from 'tap'
import { SHA, village } from '../helpers/seal.js'
import { SEAL_SPACES, type OrgApplication } from '../../src/seal/records.js'
import { ORG_TOKENS_INDEX_META } from '../../src/seal/org-index.js'

const road = (applicationId: string, title: string, amount: number) => ({
  title,
  amount,
  budget: amount,
  purpose: '道路修复施工合同盖章',
  document: { name: `${applicationId}.pdf`, sha256: SHA('d') },
})

t.test('an org index without tokens is written again at open, a rejection marked', async (t) => {
  const v = await village(t)
  await v.apply('old-1', road('old-1', '义桥村北段道路修复工程合同', 38000))
  await v.apply('old-2', road('old-2', '义桥村道路修复（南段）施工合同', 35000))
  await v.accept('seal.reject', 'director', { applicationId: 'old-2', comment: '重复申请' })
  // As an earlier release left it: titles only, and its meta key unset.
  const store = v.node.store
  const rows = await store.getRange<OrgApplication>(SEAL_SPACES.byOrg)
  await store.commit({ entries: [], tiles: [], records: rows.map(([key, { tokens: _tokens, rejected: _rejected, ...old }]) => ({ space: SEAL_SPACES.byOrg, key, value: old })) })
  await store.batchMeta([], [ORG_TOKENS_INDEX_META])
  t.notOk((await v.node.store.getRange<OrgApplication>(SEAL_SPACES.byOrg)).some(([, row]) => row.tokens), 'the tokens are gone')

  await v.restart()
  const rebuilt = new Map((await v.node.store.getRange<OrgApplication>(SEAL_SPACES.byOrg)).map(([, row]) => [row.applicationId, row]))
  t.ok(rebuilt.get('old-1')?.tokens?.length, 'each record has its tokens again')
  t.equal(rebuilt.get('old-2')?.rejected, true, 'the rejected application is marked')
  t.notOk(rebuilt.get('old-1')?.rejected)
  t.same(await v.node.store.getMeta(ORG_TOKENS_INDEX_META), { version: 1, applications: 2 })

  await v.apply('old-3', road('old-3', '义桥村中段道路维修工程合同', 32000))
  await v.apply('old-4', road('old-4', '义桥村道路修缮工程（东段）', 31000))
  const found = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
  t.equal(found.length, 1, 'one split, found from the rebuilt records')
  t.same(found[0]?.applicationIds, ['old-1', 'old-3', 'old-4'], 'without the rejected application')
})
