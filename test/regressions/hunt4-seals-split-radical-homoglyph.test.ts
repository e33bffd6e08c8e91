// Hunt 4 (seals): SPLIT_CONTRACT evaded by a title spelt with a CJK radical drawn as the whole character. The
// CJK Radicals Supplement holds forms such as ⻢ (U+2EE2) and ⻔ (U+2ED4) that look like 马 and 门 and that no
// Unicode normalisation folds; katakana ロ, エ and カ look like 口, 工 and 力. Before, such a character
// counted as punctuation between two Chinese ones and was dropped, so 前进村⻢路硬化 read as 前进村路硬化 and
// shared too few bigrams with 前进村马路硬化: three pieces of one road paving, each under the threshold and
// together above it, raised no alert. Now these forms are folded to the character they are drawn as.

import t from 'tap'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { titleSimilarity } from '../../src/seal/similarity.js'
import { areasOf } from '../helpers/bound-areas.js'
import { SHA, village } from '../helpers/seal.js'

const paving = (applicationId: string, title: string, amount: number) => ({
  title,
  amount,
  purpose: '道路硬化施工合同盖章',
  document: { name: `${applicationId}.pdf`, sha256: SHA('e') },
})

t.test('a radical drawn as a whole character reads as that character', async (t) => {
  for (const [plain, spoofed] of [
    ['前进村马路硬化工程', '前进村⻢路硬化工程'],
    ['义桥村门楼修缮', '义桥村⻔楼修缮'],
    ['村委会车库维修', '村委会⻋库维修'],
    ['黄山村鱼塘清淤', '⻩山村⻥塘清淤'],
    ['义桥村口水渠整治', '义桥村ロ水渠整治'],
  ]) {
    t.equal(titleSimilarity(plain, spoofed), 1, `${spoofed} is ${plain}`)
  }
})

t.test('SPLIT_CONTRACT names a split whose last piece is spelt with a radical', async (t) => {
  const v = await village(t)
  await v.apply('rad-1', paving('rad-1', '义桥村马路硬化工程（一期）', 38000))
  await v.apply('rad-2', paving('rad-2', '义桥村马路硬化（二期）', 35000))
  await v.apply('rad-3', paving('rad-3', '义桥村⻢路硬化三期', 32000))
  const found = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
  t.equal(found.length, 1, 'the split is named')
  t.same(found[0]?.applicationIds, ['rad-1', 'rad-2', 'rad-3'])
  const [area] = areasOf((await v.get('/seals/yiqiao-seal')).body).areas
  t.not(area.params.splits, '', 'and shown on the seal page')
})

t.test('the seal page and the console verify the group in Chromium', async (t) => {
  if (!haveChromium(t)) return
  await buildVerifierBundle()
  const v = await village(t)
  await v.apply('rad-1', paving('rad-1', '义桥村马路硬化工程（一期）', 38000))
  await v.apply('rad-2', paving('rad-2', '义桥村马路硬化（二期）', 35000))
  await v.apply('rad-3', paving('rad-3', '义桥村⻢路硬化三期', 32000))
  const address = await v.app.listen({ host: '127.0.0.1', port: 0 })
  const { page, errors } = await launchChromium(t)
  await page.clock.setFixedTime(new Date(v.now()))
  for (const path of ['/seals/yiqiao-seal', '/console/seals']) {
    const { state, status } = await openVerifiedPage(page, `${address}${path}`)
    t.equal(state, 'verified', `${path}: ${status}`)
    t.match(await page.textContent('main'), /义桥村⻢路硬化三期/, `${path} shows the group's last title`)
  }
  t.same(errors, [])
})
