// The verifier's first requests, named by the page's HTML (web/early-requests.ts): the same paths on both sides,
// so Chromium answers the verifier's fetches from the page's preloads while its script is still on its way.

import t from 'tap'
import { actorsPath, earlyRequestLinks, latestEntriesPath, likelyActors } from '../../src/web/early-requests.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'

t.test('the paths: seqs ascending and once, actors sorted and once, at most 64', async (t) => {
  t.same(likelyActors(['shop', 'farm'], ['farm', 'alpha']), ['alpha', 'farm', 'shop'])
  t.equal(likelyActors(Array.from({ length: 70 }, (_, i) => `a${String(i).padStart(2, '0')}`)).length, 64)
  t.equal(latestEntriesPath([9, 3, 9, 0], ['farm', 'shop']), '/v1/proofs/entries?seqs=0,3,9&actors=farm,shop&payloads=text')
  t.equal(latestEntriesPath([1], []), '/v1/proofs/entries?seqs=1&payloads=text')
  t.equal(actorsPath(['a.b', 'c-d']), '/v1/actors?ids=a.b,c-d')
  const body =
    '<ol><li class="step" data-seq="12" data-actor="farm-1">x</li><li data-seq="4">y</li></ol>' +
    '<div data-bound="food.provenance" data-evidence="4 7 12" data-actors="operator farm-1" data-bound-params="{}"></div>'
  const links = earlyRequestLinks('data-verification="pending"', body)
  const hrefs = [...links.matchAll(/href="([^"]*)"/g)].map(([, href]) => href.replaceAll('&amp;', '&'))
  t.same(hrefs, ['/v1/proofs/entries?seqs=4,7,12&actors=farm-1,operator&payloads=text', '/v1/actors?ids=farm-1,operator', '/v1/log/key', '/tlog/checkpoint', '/v1/witnesses'])
  t.ok(links.split('<link').slice(1).every((link) => link.startsWith(' rel="preload" as="fetch" crossorigin ')), 'fetch preloads, in the mode fetch() asks in')
  t.equal(earlyRequestLinks('data-verification="pending" data-tlog="https://cdn.example/tlog/"', body), '', 'a page that reads another copy of the tiles: none')
  t.equal(earlyRequestLinks('data-verification="pending" data-api="https://node.example"', body), '', 'or another API: none')
})

if (haveChromium(t)) {
  t.test("in Chromium, the verifier's first requests are answered by the page's preloads", async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page, errors } = await launchChromium(t, 'zh-CN', { console: true })
    const verdict = await openVerifiedPage(page, `${baseUrl}${lotPath(FINE_LOT)}`)
    t.equal(verdict.state, 'verified', verdict.status)
    const preloaded = await page.$$eval('link[rel=preload]', (links) => links.map((link) => (link as HTMLLinkElement).href))
    t.ok(preloaded.some((href) => href.includes('/v1/proofs/entries?seqs=')) && preloaded.some((href) => href.includes('/v1/actors?ids=')), 'the entries and the actors among them')
    const timings = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => ({ name: entry.name, initiator: (entry as PerformanceResourceTiming).initiatorType })))
    for (const href of preloaded) {
      t.ok(timings.some((entry) => entry.name === href && entry.initiator === 'link'), `${new URL(href).pathname}: fetched by the preload`)
      t.notOk(timings.some((entry) => entry.name === href && entry.initiator === 'fetch'), `${new URL(href).pathname}: not fetched again by the verifier`)
    }
    // Had the verifier asked for other URLs than the page preloaded, they would show as its own fetches here.
    const fetched = timings.filter((entry) => entry.initiator === 'fetch').map((entry) => new URL(entry.name))
    for (const path of ['/v1/log/key', '/tlog/checkpoint', '/v1/witnesses', '/v1/actors', '/v1/proofs/entries']) {
      t.same(fetched.filter((url) => url.pathname === path).map((url) => url.href), [], `${path}: the verifier fetched nothing the page had not preloaded`)
    }
    t.same(errors, [])
  })
}
