// The consumer scripts carry one language's words each (web/one-language.ts): the transform on its own, and
// the two built scripts, each without the other language's words and with its own. That each still renders
// the server's pages is what the browser tests show (browser.test.ts, on-demand-browser.test.ts, in both).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { pageScriptOf } from '../../src/web/bundle.js'
import { withOneLanguage } from '../../src/web/one-language.js'
import { PUBLIC_DIR } from '../../src/web/verifier-asset.js'

t.test('withOneLanguage empties the other language where both stand side by side, and nothing else', async (t) => {
  const source = [
    "const A = { zh: '已核验', en: 'Verified' }",
    "const B = { 'zh': `第 ${n} 条`, 'en': `entry ${n}` }",
    "const C = { zh: { ok: '好' }, en: { ok: 'fine' } } as const",
    "const D = { zh: ['一', '二'], en: ['one', 'two'] }",
    "const E = { zh: (n: number) => `${n} 天`, en: (n: number) => `${n} days` }",
    "const F = { zh: name.zh, en: name.en }",
    "const G = { zh: '三', en: 'three', short: 'x' }",
    "const H = { en: 'first', zh: '先' }",
    "const I = { zh: '外', en: { zh: '内', en: 'inner' } }",
  ].join('\n')
  const zh = withOneLanguage(source, 'x.ts', 'zh')
  t.equal(
    zh,
    [
      "const A = { zh: '已核验', en: '' }",
      "const B = { 'zh': `第 ${n} 条`, 'en': '' }",
      "const C = { zh: { ok: '好' }, en: {} } as const",
      "const D = { zh: ['一', '二'], en: [] }",
      "const E = { zh: (n: number) => `${n} 天`, en: () => '' }",
      "const F = { zh: name.zh, en: name.en }",
      "const G = { zh: '三', en: 'three', short: 'x' }",
      "const H = { en: '', zh: '先' }",
      "const I = { zh: '外', en: {} }",
    ].join('\n'),
  )
  const en = withOneLanguage(source, 'x.ts', 'en')
  t.match(en, "const A = { zh: '', en: 'Verified' }")
  t.match(en, "const I = { zh: '', en: { zh: '', en: 'inner' } }", 'nested pairs are each cut')
  t.match(en, 'const F = { zh: name.zh, en: name.en }', 'values that are not literals stay')
  t.equal(withOneLanguage('const x = 1', 'x.ts', 'zh'), 'const x = 1')
})

t.test("each consumer script holds its language's words and not the other's", async (t) => {
  const zh = readFileSync(join(PUBLIC_DIR, 'consumer.js'), 'utf8')
  const en = readFileSync(join(PUBLIC_DIR, 'consumer-en.js'), 'utf8')
  for (const [zhWord, enWord] of [
    ['召回发布后售出', 'Sold after the recall was issued'],
    ['从农田到货架', 'From farm to shelf'],
  ]) {
    t.ok(zh.includes(zhWord) && !zh.includes(enWord), `consumer.js: "${zhWord}", not "${enWord}"`)
    t.ok(en.includes(enWord) && !en.includes(zhWord), `consumer-en.js: "${enWord}", not "${zhWord}"`)
  }
  const both = (await pageScriptOf(readFileSync(new URL('../../src/browser/consumer.ts', import.meta.url), 'utf8'))).length
  const [zhBytes, enBytes] = [Buffer.byteLength(zh), Buffer.byteLength(en)]
  t.ok(zhBytes < both && enBytes < both, `each lighter than the script with both languages' words (${zhBytes} and ${enBytes} bytes, ${both})`)
})
