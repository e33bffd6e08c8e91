// Traditional and regional Chinese characters folded to simplified ones (seal/simplified.ts, OpenCC's tables),
// as SPLIT_CONTRACT's title comparison needs them: the same title in either script compares as one, and two
// simplified characters never become one.

import t from 'tap'
import TRADITIONAL from 'opencc-js/dict/TSCharacters'
import { toSimplified } from '../../src/seal/simplified.js'
import { titleSimilarity } from '../../src/seal/similarity.js'
import { NEAR_DUPLICATES, UNRELATED } from './similarity.test.js'

t.test('traditional characters fold to simplified; everything else is kept', async (t) => {
  t.equal(toSimplified('義橋村南段道路硬化工程合同'), '义桥村南段道路硬化工程合同')
  t.equal(toSimplified('文化禮堂修繕（二期）'), '文化礼堂修缮（二期）')
  t.equal(toSimplified('Yiqiao 村 road, 第3期 ①'), 'Yiqiao 村 road, 第3期 ①', 'non-Han text untouched')
  t.equal(toSimplified('义桥村道路硬化'), '义桥村道路硬化', 'simplified text untouched')
  t.equal(toSimplified(''), '')
  t.equal(toSimplified('𠀀𪚥'), '𠀀𪚥', 'characters beyond the BMP with no simplified form are kept')
})

t.test("Taiwan's and Hong Kong's standard forms fold too, through OpenCC's own", async (t) => {
  // 為 (Taiwan) is 爲 in OpenCC's traditional, 为 simplified; 衞 (Hong Kong) is 衛, 卫; 裡 is 裏, 里.
  t.equal(toSimplified('為民辦實事'), '为民办实事')
  t.equal(toSimplified('衞生站'), '卫生站')
  t.equal(toSimplified('村裡'), '村里')
  t.equal(toSimplified('麵粉 針 啟動 說明 線路'), '面粉 针 启动 说明 线路')
})

t.test('no simplified character becomes another', async (t) => {
  // The regional tables map 么 to 幺 and 台 to 臺 (forms Taiwan prefers): kept, as OpenCC gives them as simplified.
  t.equal(toSimplified('什么 台 才 吃 峰 群 秘 床 核'), '什么 台 才 吃 峰 群 秘 床 核')
  // OpenCC's simplified forms, less the few its table also folds on (薴 to 苧 to 苎).
  const pairs = TRADITIONAL.split('|').map((entry) => entry.split(' '))
  const folded = new Set(pairs.map(([from]) => from))
  const moved = pairs.map(([, to]) => to).filter((c) => !folded.has(c) && toSimplified(c) !== c)
  t.same(moved, [], "every simplified character of OpenCC's table folds to itself")
})

t.test('folding twice is folding once', async (t) => {
  const all = TRADITIONAL.split('|').flatMap((entry) => entry.split(' ')).join('')
  t.equal(toSimplified(toSimplified(all)), toSimplified(all))
  t.equal(toSimplified('薴'), '苎', '薴 to 苧 to 苎 in one fold')
})

t.test('a title in traditional characters compares as its simplified spelling', async (t) => {
  t.equal(titleSimilarity('義橋村道路硬化', '义桥村道路硬化'), 1)
  t.equal(titleSimilarity('義橋村北段道路修復工程合約', '义桥村道路修复（南段）施工合同'), titleSimilarity('义桥村北段道路修复工程合约', '义桥村道路修复（南段）施工合同'))
  // Generic words spelt traditionally are dropped as the simplified ones are (項目, 維修, 協議).
  t.equal(titleSimilarity('村口道路維修項目協議', '村口道路'), 1)
})

t.test('the labelled pairs score the same with one side in traditional characters', async (t) => {
  const traditional = (title: string) => title.replace(/[\u4e00-\u9fff]/g, (c) => TRADITIONAL_OF.get(c) ?? c)
  for (const [a, b] of [...NEAR_DUPLICATES, ...UNRELATED]) {
    t.equal(titleSimilarity(traditional(a), b), titleSimilarity(a, b), `${traditional(a)} | ${b}`)
  }
})

/** OpenCC's table turned round, for writing a simplified title traditionally (the first traditional form of each). */
const TRADITIONAL_OF = new Map<string, string>()
for (const entry of TRADITIONAL.split('|')) {
  const [from, to] = entry.split(' ')
  if (!TRADITIONAL_OF.has(to)) TRADITIONAL_OF.set(to, from)
}
