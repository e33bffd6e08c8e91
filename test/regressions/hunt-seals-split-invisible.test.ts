// Hunt (seals): SPLIT_CONTRACT evaded by titles that read the same but are spelt with invisible characters
// (zero-width space, word joiner, soft hyphen, variation selectors) or with Cyrillic letters that look Latin.
// Before, such a title shared no token with the plain one, so three near-duplicates under the threshold
// raised no alert; now the comparison folds them away and the split is named.

import t from 'tap'
import { SHA, village } from '../helpers/seal.js'

const road = (applicationId: string, title: string, amount: number) => ({
  title,
  amount,
  budget: amount,
  purpose: '道路修复施工合同盖章',
  document: { name: `${applicationId}.pdf`, sha256: SHA('d') },
})

const interleave = (text: string, mark: string) => [...text].join(mark)

t.test('SPLIT_CONTRACT fires for titles that differ only by invisible characters', async (t) => {
  const v = await village(t)
  await v.apply('zw-1', road('zw-1', '义桥村北段道路修复工程合同', 38000))
  await v.apply('zw-2', road('zw-2', interleave('义桥村道路修复（南段）施工合同', '\u200b'), 35000))
  await v.apply('zw-3', road('zw-3', interleave('义桥村中段道路维修工程合同', '\u2060'), 32000))
  const found = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
  t.equal(found.length, 1, 'the split is named')
  t.same(found[0]?.applicationIds, ['zw-1', 'zw-2', 'zw-3'])
})

t.test('SPLIT_CONTRACT fires for soft hyphens, variation selectors and Cyrillic look-alikes', async (t) => {
  const v = await village(t)
  await v.apply('en-1', road('en-1', 'Yiqiao village road repair, section 1', 38000))
  await v.apply('en-2', road('en-2', 'Yi\u00adqiao vil\u00adlage ro\ufe0fad repair, section 2', 35000))
  // а, о, е, і, у are Cyrillic here
  await v.apply('en-3', road('en-3', 'Yіqіаo vіllаgе rоаd repair, section 3', 32000))
  const found = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
  t.equal(found.length, 1, 'the split is named')
  t.same(found[0]?.applicationIds, ['en-1', 'en-2', 'en-3'])
})
