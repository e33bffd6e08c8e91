// Traditional and variant Chinese characters folded to simplified ones, character by character, with OpenCC's
// tables (opencc-js's copy of them, Apache-2.0): TSCharacters (traditional to simplified) after Taiwan's and
// Hong Kong's standard forms (TWVariantsRev, HKVariantsRev: 為, 裡, 衞 to OpenCC's 爲, 裏, 衛), as OpenCC's
// tw2s and hk2s configurations chain them. Phrase tables are left out: they rewrite words (軟體 to 软件), and
// the title comparison (similarity.ts) wants the same words in either script, not translated ones.

import HK_VARIANTS from 'opencc-js/dict/HKVariantsRev'
import TRADITIONAL from 'opencc-js/dict/TSCharacters'
import TW_VARIANTS from 'opencc-js/dict/TWVariantsRev'

/** "from to|from to" as [from, to] pairs; a pair with several candidates keeps the first, OpenCC's default. */
function pairs(table: string): [string, string][] {
  return table.split('|').map((entry) => {
    const [from, to] = entry.split(' ')
    return [from, to]
  })
}

/**
 * Each character's simplified form. A regional form that OpenCC gives as a simplified character (么, 台, 才,
 * whose Taiwan mapping would make 什么 into 什幺) is left alone: the fold must not merge two simplified
 * characters. One regional form stays merged: Taiwan writes 著 for both 著 and 着, so they compare as one
 * (着). Applied until nothing changes (薴 to 苧 to 苎), so folding twice is folding once.
 */
function buildFold(): Map<string, string> {
  const traditional = new Map(pairs(TRADITIONAL))
  const simplified = new Set(traditional.values())
  const fold = new Map(traditional)
  for (const [from, to] of [...pairs(TW_VARIANTS), ...pairs(HK_VARIANTS)]) {
    if (!fold.has(from) && !simplified.has(from)) fold.set(from, traditional.get(to) ?? to)
  }
  for (const [from, to] of fold) {
    let final = to
    for (let step = 0; fold.has(final) && fold.get(final) !== final && step < 4; step++) final = fold.get(final) as string
    fold.set(from, final)
  }
  return fold
}

const FOLD = buildFold()
const HAN = /\p{Script=Han}/gu

/** `text` with each traditional or regional Chinese character replaced by its simplified form; the rest as it is. */
export function toSimplified(text: string): string {
  return text.replace(HAN, (c) => FOLD.get(c) ?? c)
}
