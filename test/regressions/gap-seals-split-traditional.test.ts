// Gap (seals): SPLIT_CONTRACT (化整为零) dodged by writing titles in traditional characters. 義橋村道路硬化 and
// 义桥村道路硬化 read the same but shared no bigram, so four contracts under the threshold, two of each script,
// raised no alert. Now titles are folded to simplified characters (seal/simplified.ts, OpenCC's tables) before
// they are compared, and the split is named.

import t from 'tap'
import { SHA, village } from '../helpers/seal.js'

const road = (applicationId: string, title: string, amount: number) => ({
  title,
  amount,
  budget: amount,
  purpose: '道路硬化施工合同盖章',
  document: { name: `${applicationId}.pdf`, sha256: SHA('d') },
})

t.test('SPLIT_CONTRACT fires for near-duplicate titles, some in traditional characters', async (t) => {
  const v = await village(t)
  await v.apply('tc-1', road('tc-1', '义桥村北段道路硬化工程合同', 28000))
  await v.apply('tc-2', road('tc-2', '義橋村南段道路硬化工程合同', 27000))
  await v.apply('tc-3', road('tc-3', '义桥村道路硬化（三期）', 26000))
  await v.apply('tc-4', road('tc-4', '義橋村中段道路硬化施工合同', 25000))
  const found = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
  t.equal(found.length, 1, 'the split is named')
  t.same(found[0]?.applicationIds, ['tc-1', 'tc-2', 'tc-3', 'tc-4'])
})

t.test('titles in traditional characters that name other matters still do not match', async (t) => {
  const v = await village(t)
  await v.apply('tm-1', road('tm-1', '义桥村道路硬化工程', 40000))
  await v.apply('tm-2', road('tm-2', '義橋村文化禮堂修繕', 35000))
  await v.apply('tm-3', road('tm-3', '義橋村河道清淤工程', 30000))
  const found = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
  t.same(found, [], 'no split among unrelated matters')
})
