// The console's Recalls view over the seeded demo: the failed lots no recall covers yet, with the hours left
// to each class's recall deadline (gone once a recall covers them, their own or an ingredient's); the recalled lot, what it reached downstream counted by
// step and by shop, the lot sold after the recall (EVENT_AFTER_RECALL), the entries it rests on in a bound
// area; bad query parameters refused with a code. In headless Chromium: verified, a rewritten entry caught,
// axe clean in both languages, no sideways scroll at 200% zoom, the navigation by keyboard.

import t, { type Test } from 'tap'
import { fileURLToPath } from 'node:url'
import { readKeyFile } from '../../src/cli/key-files.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import type { Statement } from '../../src/core/statement.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import type { TestNode } from '../helpers/ledger.js'
import { checkAccessibleAndZoomable, haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { seededDemoApp, seededDemoBehindProxy } from '../helpers/demo-app.js'

t.test('GET /console/recalls: reach, counts, sales after the recall, bad input', async (t) => {
  const { app } = await seededDemoApp(t)
  const response = await app.inject('/console/recalls')
  t.equal(response.statusCode, 200)
  const html = response.body
  const after = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json().alerts as { seqs: number[] }[]
  t.ok(after.length > 0, 'the demo sells a lot after its recall')
  t.match(html, /<section class="card recall-card"/)
  t.match(html, /到达下游批次 2 个/, 'the recalled pork reached two lots')
  t.match(html, /Z260526B/, 'the zongzi lot made from it')
  t.match(html, /<caption>按环节<\/caption>[\s\S]*门店销售/, 'counted by step')
  t.match(html, /<caption>按门店<\/caption>[\s\S]*<td class="num">2<\/td>/, 'counted by shop')
  t.match(html, /召回后仍在流通或销售<\/h3><ul class="after"><li>/)
  for (const seq of after.flatMap((a) => a.seqs)) t.match(html, new RegExp(`<li data-seq="${seq}" data-actor="[^"]+" data-fact="entry">`), `entry ${seq} in the bound area`)
  t.match(html, /<ol data-bound="alert.entries" data-evidence="\d+( \d+)*"/)
  t.match(html, /aria-current="page">召回/)
  t.match((await app.inject('/console/recalls?lang=en')).body, /Class I recall[\s\S]*2 lots reached downstream/)
  for (const bad of ['lang=fr', 'lot=x']) {
    const refused = await app.inject(`/console/recalls?${bad}`)
    t.equal(refused.statusCode, 400, bad)
    t.equal(refused.json().code, 'BAD_REQUEST', bad)
  }
})

const HOUR = 3_600_000
const ZONGZI_A = 'https://id.gs1.org/01/06901234001037/10/Z260526A'
const ZONGZI_B = 'https://id.gs1.org/01/06901234001037/10/Z260526B'
const REGULATOR = readKeyFile(fileURLToPath(new URL('../../keys/demo/regulator-hz.json', import.meta.url)))

/** The regulator signs a statement about `lot` into the node, now; answers its seq. */
async function regulatorSays(node: TestNode, type: 'food.inspection' | 'food.recall', lot: string): Promise<number> {
  const body =
    type === 'food.recall'
      ? { ids: [lot], reason: 'failed inspection', severity: 'class-i' }
      : { lot, sampleId: 'S-7', method: 'GB 4789.4', result: { outcome: 'fail' }, certificate: { name: 'c', sha256: 'ef'.repeat(32) }, inspectedAt: new Date().toISOString() }
  const statement = { type, actor: 'regulator-hz', id: `${type}-${lot.slice(-8)}`, issuedAt: new Date().toISOString(), body } as Statement
  const result = await node.ledger.submit(buildStatementEnvelope(statement, [REGULATOR]))
  return (result as { seq: number }).seq
}

/** The console's recall clock over the demo, with the node's clock `hours` ahead of the log's. */
async function awaitingOnDemo(t: Test) {
  let ahead = 0
  const { node, app } = await seededDemoApp(t, { clock: () => new Date(Date.now() + ahead) })
  return { node, app, advance: (hours: number) => void (ahead = hours * HOUR) }
}

const awaitingSection = (html: string) => /<section class="card awaiting-card"[\s\S]*?<\/section>/.exec(html)?.[0] ?? ''

t.test('failed lots awaiting a recall: the hours left to each deadline; gone once a recall covers them', async (t) => {
  const { node, app, advance } = await awaitingOnDemo(t)
  t.match(awaitingSection((await app.inject('/console/recalls')).body), /没有检验不合格而尚未召回的批次/, "the demo's failed pork was recalled")

  const failed = await regulatorSays(node, 'food.inspection', ZONGZI_A)
  // Z260526B is made from the recalled pork: its recall mark covers it, so no clock runs for it.
  await regulatorSays(node, 'food.inspection', ZONGZI_B)
  advance(30)
  const zh = awaitingSection((await app.inject('/console/recalls')).body)
  t.match(zh, /Z260526A<\/a> · 检验不合格 <time datetime="[^"]+">[^<]+<\/time>（已过 30 小时） · 样品 <span class="code">S-7<\/span> · #\d+/)
  t.match(zh, /<li class="late">一级 24 h · 已逾期 6 小时<\/li><li>二级 48 h · 剩 18 小时<\/li><li>三级 72 h · 剩 42 小时<\/li>/)
  t.notMatch(zh, /Z260526B/, 'a lot its ingredient\'s recall covers')
  t.match(zh, new RegExp(`<ol data-bound="alert.entries" data-evidence="${failed}"[^>]*><li data-seq="${failed}" data-actor="regulator-hz" data-fact="entry">`), 'the failed inspection, to verify')
  const en = awaitingSection((await app.inject('/console/recalls?lang=en')).body)
  t.match(en, /\(30 h ago\)[\s\S]*<li class="late">Class I 24 h · 6 h overdue<\/li><li>Class II 48 h · 18 h left<\/li>/)
  advance(80)
  t.match(awaitingSection((await app.inject('/console/recalls')).body), /<li class="late">三级 72 h · 已逾期 8 小时<\/li>/, 'past every deadline')
  t.equal((await app.inject('/v1/alerts?kind=RECALL_OVERDUE')).json().alerts.length, 1, 'and RECALL_OVERDUE says so too')

  await regulatorSays(node, 'food.recall', ZONGZI_A)
  t.match(awaitingSection((await app.inject('/console/recalls')).body), /没有检验不合格而尚未召回的批次/, 'recalled: off the list')
})

if (haveChromium(t)) {
  t.before(() => buildVerifierBundle())

  t.test('in Chromium: the failed inspection a lot awaits its recall on is verified, and a rewrite of it caught', async (t) => {
    const proxy = await seededDemoBehindProxy(t, { clock: () => new Date(Date.now() + 30 * HOUR) })
    await regulatorSays(proxy.node, 'food.inspection', ZONGZI_A)
    const { page, errors } = await launchChromium(t, 'zh-CN')
    const good = await openVerifiedPage(page, `${proxy.url}/console/recalls`, 30_000)
    t.equal(good.state, 'verified', good.status)
    t.equal(await page.locator('.awaiting-card [data-bound]').getAttribute('data-verified'), 'ok')
    proxy.rewrite = (html) => html.replace(/(<li data-seq="\d+" data-actor="regulator-hz" data-fact="entry"><a href="\/v1\/entries\/\d+">#\d+<\/a><span class="tick"><\/span> )检验结果/, '$1召回')
    const forged = await openVerifiedPage(page, `${proxy.url}/console/recalls`, 30_000)
    t.equal(forged.state, 'failed')
    t.match(forged.status, /「预警所指的账本记录」/)
    t.same(errors, [])
  })

  t.test('in Chromium: verified, a rewritten entry caught, accessible, by keyboard, no sideways scroll at 200%', async (t) => {
    const proxy = await seededDemoBehindProxy(t)
    const { page, errors } = await launchChromium(t, 'zh-CN')
    const verdict = (url: string) => openVerifiedPage(page, url, 30_000)
    for (const lang of ['zh', 'en']) {
      const good = await verdict(`${proxy.url}/console/recalls?lang=${lang}`)
      t.equal(good.state, 'verified', good.status)
      await checkAccessibleAndZoomable(t, page, lang)
    }
    // By keyboard: past the header's two links, the console's views; Enter opens the Seals view.
    await verdict(`${proxy.url}/console/recalls`)
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '/console/seals?lang=zh')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/console\/seals/)
    t.pass('the Seals view opened by keyboard')

    proxy.rewrite = (html) => {
      const changed = html.replace(/(data-fact="entry"><a href="\/v1\/entries\/\d+">#\d+<\/a><span class="tick"><\/span> )召回/, '$1检验结果')
      if (changed === html) throw new Error('no recall entry on the page')
      return changed
    }
    const forged = await verdict(`${proxy.url}/console/recalls`)
    t.equal(forged.state, 'failed')
    t.match(forged.status, /「预警所指的账本记录」/)
    t.same(errors, [])
  })
}
