// Near-duplicate titles (SPLIT_CONTRACT): labelled pairs, Chinese and English, against the threshold.
// Reworded duplicates follow the patterns of domain-cn.md 5.2 (峨山: one canal "repaired" under names
// that differ by 水毁/修缮 and direction; 鹿城: one job split into lots); unrelated pairs are other
// matters of the same village, which share its name.

import t from 'tap'
import { DEFAULT_TITLE_SIMILARITY, titleSimilarity, titleTokens } from '../../src/seal/similarity.js'

export const NEAR_DUPLICATES: [string, string][] = [
  ['义桥村北段道路修复工程合同', '义桥村道路修复（南段）施工合同'],
  ['义桥村北段道路修复工程合同', '义桥村中段道路维修工程合同'],
  ['义桥村道路修复（一期）', '义桥村道路修复（二期）'],
  ['核桃箐水沟水毁修复', '核桃箐水沟修缮工程'],
  ['核桃箐沟渠修复（东线）', '核桃箐沟渠水毁修复西线'],
  ['村文化礼堂屋顶翻修第1标段', '村文化礼堂屋顶翻修第2标段'],
  ['三组至五组机耕路硬化', '３组到５组机耕路拓宽工程'],
  ['南门桥维修加固', '北门桥加固工程'],
  ['义桥村村道修复', '义桥村道路修复'],
  ['义桥村主干道路面修复', '义桥村主干道路维修'],
  ['义桥村到前进村的道路修复', '义桥村至前进村道路维修（二期）'],
  ['村口至祠堂道路修复工程', '村口至祠堂道路维修（二期）'],
  ['义桥村文化礼堂修缮', '义桥村文化礼堂修缮工程（二期）'],
  ['１号路灯安装', '2号路灯安装工程'],
  ['Yiqiao village road repair, section 1', 'Yiqiao Village Road Repair - Section 2'],
  ['Yiqiao road resurfacing phase I', 'Yiqiao roads repair phase II'],
  ['Qiaotou canal repair (east)', 'Qiaotou canal flood-damage repair west'],
  ['Road repair between Yiqiao and Qianjin', 'Yiqiao–Qianjin road repairs, phase 2'],
  ['Yiqiao road repair', 'Yiqiao road repairs, sec. 2'],
  ['义桥村道路修复 road repair lot 1', '义桥村道路修复 road repair lot 2'],
]

export const UNRELATED: [string, string][] = [
  ['义桥村北段道路修复工程合同', '义桥村文化礼堂修缮合同'],
  ['义桥村道路修复', '义桥村小学食堂设备采购'],
  ['村民建房用地证明', '义桥村道路修复工程合同'],
  ['太阳能路灯采购合同', '义桥村道路修复工程合同'],
  ['义桥村垃圾分类清运服务合同', '义桥村文化礼堂修缮合同'],
  ['为村民个人借款提供担保', '村集体土地租赁合同'],
  ['义桥村老年食堂建设', '义桥村幼儿园围墙修缮'],
  ['义桥村河道清淤工程', '义桥村道路修复工程'],
  ['村委会办公楼屋顶翻修', '村文化礼堂屋顶翻修'],
  ['义桥村一组道路修复', '义桥村三组农田水利修复'],
  ['义桥村党群服务中心装修', '义桥村卫生服务站装修'],
  ['义桥村道路修复', '义桥村新村道路及排水沟、绿化带、路灯一体化改造'],
  ['Yiqiao village road repair', 'Yiqiao village school roof repair'],
  ['Yiqiao village road repair', 'Yiqiao village canteen equipment purchase'],
  ['Street light purchase', 'Road repair section 1'],
  ['Land lease contract with Qiaotou cooperative', 'Road repair contract'],
  ['义桥村道路修复 road repair', '义桥村河道清淤 river dredging'],
]

t.test('reworded near-duplicates reach the threshold, with a margin', async (t) => {
  for (const [a, b] of NEAR_DUPLICATES) {
    const score = titleSimilarity(a, b)
    t.ok(score >= DEFAULT_TITLE_SIMILARITY + 0.1, `${a} | ${b}: ${score.toFixed(2)}`)
    t.equal(titleSimilarity(b, a), score, 'symmetric')
  }
})

t.test('unrelated matters of one village stay below it, with a margin', async (t) => {
  for (const [a, b] of UNRELATED) {
    const score = titleSimilarity(a, b)
    t.ok(score <= DEFAULT_TITLE_SIMILARITY - 0.1, `${a} | ${b}: ${score.toFixed(2)}`)
  }
})

t.test('normalisation: width, case, digits, punctuation, spaces, generic words', async (t) => {
  t.same([...titleTokens('义桥村 道路，修复（第３期）')], ['义桥', '桥村', '村道', '道路'])
  t.same([...titleTokens('ROADS Repair, No. 12 — Yiqiao')].sort(), ['road', 'yiqiao'])
  t.equal(titleSimilarity('工程合同', '维修项目'), 0, 'nothing but generic words compares as nothing')
  t.equal(titleSimilarity('', 'road'), 0)
  t.equal(titleSimilarity('路', '路'), 1, 'a lone character is a token')
})
