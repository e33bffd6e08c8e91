// The console's Seals view over the seeded demo: every application in one table, its facts the view's
// rendering of the entries listed; filters by organisation and state; the split-contract group with its sum
// against the threshold; the navigation between the console's views; bad query parameters refused with a
// code. Then in headless Chromium: it verifies, a rewritten row or bar fails it and is named, axe finds no
// serious violation in either language, and at 200% zoom the page does not scroll sideways.

import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { checkAccessibleAndZoomable, haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { seededDemoApp, seededDemoBehindProxy } from '../helpers/demo-app.js'

const ORG = 'xiaoshan-yiqiao-village'

t.test('GET /console/seals: the table, the filters, the split group, the navigation, bad input', async (t) => {
  const { app } = await seededDemoApp(t)
  const page = async (query: string) => {
    const response = await app.inject(`/console/seals${query}`)
    t.equal(response.statusCode, 200, query)
    return response.body
  }
  const all = await page('')
  const rows = (html: string) => [...html.matchAll(/<tr class="row( overdue)?" data-seq="(\d+)"/g)].length
  const seals = (await app.inject('/v1/seals')).json().seals as { sealId: string }[]
  let applications = 0
  for (const { sealId } of seals) applications += (await app.inject(`/v1/seals/${sealId}`)).json().seal.applications.length
  t.equal(rows(all), applications, 'every application of every seal')
  t.match(all, /<html lang="zh-CN">/)
  t.match(all, /<nav aria-label="监管控制台"><ul class="views"><li><a href="\/console\?lang=zh">告警 · <span lang="en">Alerts<\/span><\/a><\/li><li><a href="\/console\/seals\?lang=zh" aria-current="page">印章/, 'the navigation, this view marked')
  for (const path of ['/console/recalls', '/console/act', '/console/audit']) t.match(all, `href="${path}?lang=zh"`)
  t.match(all, /<div data-bound="seal.table" data-evidence="[\d ]+"/, 'one bound area')
  t.match(all, /<rect class="fill over"/, 'an application over its budget drawn in red')
  t.match(all, /<section class="split" data-fact="split"><h3>xiaoshan-yiqiao-village<\/h3>/, 'the split-contract group')
  t.match(all, /合计|CNY 105,000|105,000 元 \/ 集体决策金额 <span data-fact="budget">100,000 元<\/span> <span class="tag">超出 5,000 元（5.0%）<\/span>/, 'its sum against the threshold')
  t.match(all, /href="\/seals\/yiqiao-committee-seal\?lang=zh#YQ-2026-004"/, 'each application links to its seal page')

  const village = await page(`?org=${ORG}`)
  t.equal(rows(village), rows(all), 'the demo has one village')
  t.equal(rows(await page('?org=nobody')), 0, 'an organisation with no seal: none')
  const rejected = await page('?state=rejected')
  t.ok(rows(rejected) > 0 && rows(rejected) === [...rejected.matchAll(/data-fact="state">已驳回</g)].length, 'rejected only')
  t.match(await page('?state=rejected&lang=en'), /data-fact="state">Rejected</)
  const open = await page('?state=open')
  t.notMatch(open, /data-fact="state">(已驳回|已办结)</, 'open: neither rejected nor closed')

  for (const bad of ['state=lost', 'org=bad%00id', 'lang=fr', 'colour=red', `org=${'x'.repeat(129)}`]) {
    const response = await app.inject(`/console/seals?${bad}`)
    t.equal(response.statusCode, 400, bad)
    t.equal(response.json().code, 'BAD_REQUEST', bad)
  }
})

if (haveChromium(t)) {
  t.before(() => buildVerifierBundle())

  t.test('in Chromium: verified, a rewritten fact caught, accessible, no sideways scroll at 200%', async (t) => {
    const proxy = await seededDemoBehindProxy(t)
    const { page, errors } = await launchChromium(t, 'zh-CN')
    const verdict = (url: string) => openVerifiedPage(page, url, 30_000)
    for (const lang of ['zh', 'en']) {
      const good = await verdict(`${proxy.url}/console/seals?lang=${lang}`)
      t.equal(good.state, 'verified', good.status)
      t.ok(await page.locator('tr.row[data-verified="ok"]').count() > 0, 'the rows marked verified')
      await checkAccessibleAndZoomable(t, page, lang)
    }
    // By keyboard: the table's region takes focus, so it scrolls without a mouse.
    t.equal(await page.getAttribute('.bound .scroll', 'tabindex'), '0')

    const url = `${proxy.url}/console/seals`
    const replaceOnce = (html: string, from: RegExp, to: string) => {
      if (!from.test(html)) throw new Error(`no ${from}`)
      return html.replace(from, to)
    }
    const cases: [string, (html: string) => string, RegExp][] = [
      ['a state', (html) => replaceOnce(html, />已驳回<\/span>/, '>已办结</span>'), /「状态」/],
      ['an amount', (html) => replaceOnce(html, /<span data-fact="amount">38,000 元<\/span>/, '<span data-fact="amount">3,800 元</span>'), /「金额」/],
      ["a bar's amount", (html) => replaceOnce(html, /<rect class="fill over" width="[\d.]+"/, '<rect class="fill" width="100"'), /「金额与预算图」/],
      ['the overdue mark removed', (html) => replaceOnce(html, /<tr class="row overdue"/, '<tr class="row"'), /「申请一览」/],
      ['a split group dropped', (html) => replaceOnce(html, /<section class="split"[\s\S]*?<\/section>/, ''), /「疑似拆分合同」/],
    ]
    for (const [what, rewrite, named] of cases) {
      proxy.rewrite = rewrite
      const forged = await verdict(url)
      t.equal(forged.state, 'failed', what)
      t.match(forged.status, named, `${what}: ${forged.status}`)
    }
    t.same(errors, [])
  })
}
