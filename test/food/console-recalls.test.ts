// The console's Recalls view over the seeded demo: the recalled lot, what it reached downstream counted by
// step and by shop, the lot sold after the recall (EVENT_AFTER_RECALL), the entries it rests on in a bound
// area; bad query parameters refused with a code. In headless Chromium: verified, a rewritten entry caught,
// axe clean in both languages, no sideways scroll at 200% zoom, the navigation by keyboard.

import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
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

if (haveChromium(t)) {
  t.before(() => buildVerifierBundle())

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
