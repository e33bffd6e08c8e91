// Near-duplicate titles for SPLIT_CONTRACT (化整为零): one job split into several contracts whose titles
// differ only by a section number, a direction or the word for the work.

import { toSimplified } from './simplified.js'

/**
 * Words that name the kind of work, the paperwork or a part of a job rather than the job itself. The
 * 峨山 case repaired one canal six times under names that differed only by 水毁/修缮 and the route's
 * direction, so these words are dropped from both titles before comparing. Longest first.
 */
const GENERIC_ZH = [
  '施工合同', '采购合同', '服务合同', '工程合同', '合同书', '协议书',
  '工程', '项目', '合同', '协议', '维修', '修缮', '修复', '修建', '修理', '水毁', '改造', '建设', '施工', '采购',
  '硬化', '拓宽', '铺设', '整治', '提升', '新建', '养护', '维护', '加固', '翻修', '翻新', '更换', '安装', '清淤',
]

/** Joining words that rewording adds or drops: 村口至祠堂, 义桥村到前进村的道路, 道路及排水. */
const JOINERS_ZH = /[的之至到及和与往]/gu

/** Ordinals and parts: 第三期, 一标段, 2号, (上段), 北段, 东侧. */
const PART_ZH = /第?[0-9零〇一二三四五六七八九十百两]+[期段标批号次组]段?|第[0-9零〇一二三四五六七八九十百两]+|标段|[东西南北][段侧片线边面部]?|[上中下][段游]/gu

const GENERIC_EN = new Set([
  'a', 'an', 'the', 'of', 'for', 'and', 'to', 'in', 'on', 'at', 'by', 'with', 'from', 'between', 'no',
  'project', 'work', 'contract', 'agreement', 'repair', 'repairing', 'maintenance', 'renovation', 'reconstruction',
  'rebuilding', 'improvement', 'upgrade', 'construction', 'resurfacing', 'paving', 'widening', 'installation',
  'replacement', 'purchase', 'procurement', 'supply', 'service', 'flood', 'damage', 'damaged',
  'phase', 'section', 'sec', 'lot', 'part', 'stage', 'batch', 'village', 'town', 'township', 'community', 'committee',
  'north', 'south', 'east', 'west', 'northern', 'southern', 'eastern', 'western', 'upper', 'lower', 'middle',
  'i', 'ii', 'iii', 'iv', 'v', 'vi',
])

/**
 * Characters that change a title's code points but not how it reads: zero-width spaces and joiners, soft
 * hyphens, variation selectors, bidi marks and other format characters. A title spelt with them between its
 * characters would otherwise share no token with the plain one and escape SPLIT_CONTRACT.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu

/**
 * Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables, the unambiguous ones), folded to
 * the Latin letter before comparing: "rоаd" with a Cyrillic о and а is the word "road" to a reader.
 */
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    ['АВЕКМНОРСТХУІЈЅԚԜ', 'ABEKMHOPCTXYIJSQW'],
    ['аеорсухіјѕԁԛԝһӏ', 'aeopcyxijsdqwhl'],
    ['ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ', 'ABEZHIKMNOPTYX'],
    ['αικνορυ', 'aikvopu'],
  ].flatMap(([from, to]) => [...from].map((c, i) => [c, to[i]])),
)
const LOOKALIKE = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join('')}]`, 'gu')

/**
 * Characters drawn as a Chinese one but not it, which no normalisation folds (Unicode's confusables): the CJK
 * Radicals Supplement's forms of whole characters (⻢ U+2EE2 is drawn 马, ⻔ 门, ⻋ 车; the table is Unicode's
 * EquivalentUnifiedIdeograph.txt) and katakana drawn like Chinese characters (ロ 口, エ 工, カ 力). A radical
 * is a symbol, so 前进村⻢路 would read 前进村路 to the tokens, which share too little with 前进村马路.
 */
const HAN_LOOKALIKES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    ['⺟⺠⺩⻁⻄⻅⻆⻇⻉⻋⻑⻓⻔⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳', '母民王虎西见角角贝车長长门青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟'],
    ['ロエカタトニハー', '口工力夕卜二八一'],
  ].flatMap(([from, to]) => [...from].map((c, i) => [c, [...to][i]])),
)
const HAN_LOOKALIKE = new RegExp(`[${Object.keys(HAN_LOOKALIKES).join('')}]`, 'gu')

const HAN = /\p{Script=Han}+/gu
const WORD = /[\p{L}\p{M}]+/gu
const HAN_GAP = /(?<=\p{Script=Han})[\s\p{P}\p{S}]+(?=\p{Script=Han})/gu

/**
 * The tokens a title is compared by: character bigrams of its Chinese text (a lone character counts as
 * one token) and the words of its other text, after NFKC (full-width forms become ASCII), dropping
 * invisible characters, folding Cyrillic and Greek look-alikes to Latin, radicals and katakana drawn as Chinese
 * characters to those, and traditional Chinese characters to
 * simplified ones (simplified.ts), lower case, and dropping digits, punctuation, spaces, ordinals, directions
 * and generic words.
 */
export function titleTokens(title: string): Set<string> {
  const tokens = new Set<string>()
  // Spaces and punctuation between Chinese characters separate nothing: 义桥村 道路 is 义桥村道路.
  // 義橋村道路硬化 is 义桥村道路硬化 to a reader: folded before the generic words, which are written simplified.
  let text = toSimplified(
    title
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(LOOKALIKE, (c) => LATIN_LOOKALIKES[c])
      .replace(HAN_LOOKALIKE, (c) => HAN_LOOKALIKES[c]),
  )
    .toLowerCase()
    .replace(HAN_GAP, '')
  // Chinese words go without a gap, so the characters either side still form a bigram.
  for (const word of GENERIC_ZH) text = text.split(word).join('')
  text = text.replace(PART_ZH, '').replace(JOINERS_ZH, '').replace(/\p{N}+/gu, ' ')
  for (const [run] of text.matchAll(HAN)) {
    if (run.length === 1) tokens.add(run)
    for (let i = 0; i + 1 < run.length; i++) tokens.add(run.slice(i, i + 2))
  }
  for (const [word] of text.replace(HAN, ' ').matchAll(WORD)) {
    // Plurals: "roads" and "road" are one word.
    const stem = word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word
    if (!GENERIC_EN.has(stem) && !GENERIC_EN.has(word)) tokens.add(stem)
  }
  return tokens
}

/** Jaccard similarity of two titles' tokens, 0..1; 0 when either has none (nothing left to compare). */
export function titleSimilarity(a: string, b: string): number {
  return jaccard(titleTokens(a), titleTokens(b))
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0
  let shared = 0
  for (const token of a) if (b.has(token)) shared++
  return shared / (a.size + b.size - shared)
}

/**
 * Titles at or above this similarity are near-duplicates. Chosen on the labelled pairs in
 * test/seal/similarity.test.ts: every reworded duplicate there scores at least 0.6 and every
 * unrelated pair from one village (which share the village's name) at most 0.33; the test keeps a
 * margin of 0.1 on both sides.
 */
export const DEFAULT_TITLE_SIMILARITY = 0.5
