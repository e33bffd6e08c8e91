// Issue 12: labels were rendered for any well-formed id, and PNGs on the event loop, so a burst of label
// requests stalled every other route. Now unknown lots get 404, PNGs render in a worker thread behind a
// bounded queue (429 BUSY when full) and a bounded cache, byte for byte as before.

import t from 'tap'
import { buildLabelSvg } from '../../src/labels/label.js'
import { renderLabelPng } from '../../src/labels/png.js'
import { LabelPngRenderer } from '../../src/labels/png-pool.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT, ZONGZI } from '../helpers/web.js'

const labelUrl = (id: string, ext: string, size = 'print') => `/v1/labels/${encodeURIComponent(id)}.${ext}?size=${size}`
const svgOf = (lot: string) => buildLabelSvg({ uri: `https://trace.example.cn/01/${ZONGZI}/10/${lot}`, productName: { zh: '粽子', en: 'Zongzi' }, gtin: ZONGZI, lot, traceCode: 'ABCD-EFGH' })

t.test('labels only for lots the ledger knows', async (t) => {
  const { app } = await demoApp(t)
  for (const ext of ['svg', 'png']) {
    const unknown = await app.inject(labelUrl(`https://id.gs1.org/01/${ZONGZI}/10/FORGED-LOT`, ext))
    t.equal(unknown.statusCode, 404, ext)
    t.equal(unknown.json().code, 'NOT_FOUND', ext)
  }
  t.equal((await app.inject(labelUrl(`https://id.gs1.org${lotPath(FINE_LOT)}`, 'svg'))).statusCode, 200, 'a recorded lot has one')
})

t.test('the worker renders the same bytes; a full queue refuses; the cache is bounded', async (t) => {
  const renderer = new LabelPngRenderer({ maxQueued: 2, cacheEntries: 2 })
  t.teardown(() => renderer.close())
  const svg = svgOf('L1')
  const fromWorker = await renderer.render(svg, 'print')
  t.ok(fromWorker.equals(renderLabelPng(svg, 'print')), 'byte-identical to rendering in place')
  t.equal(await renderer.render(svg, 'print'), fromWorker, 'a repeat is the cached buffer')

  const burst = ['L2', 'L3', 'L4'].map((lot) => renderer.render(svgOf(lot), 'screen'))
  const settled = await Promise.allSettled(burst)
  t.same(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'rejected'])
  t.match((settled[2] as PromiseRejectedResult).reason, { code: 'BUSY', details: { retryAfterSeconds: 1 } })
  t.ok(renderer.cachedCount <= 2, 'no more PNGs kept than allowed')
})

t.test('a burst of PNG requests does not stall /healthz', async (t) => {
  const { baseUrl } = await demoApp(t, { listen: true })
  // What one render costs on this machine now, rendered in place (as the route did).
  const before = Date.now()
  renderLabelPng(svgOf('WARM'), 'print')
  const single = Date.now() - before
  const ids = [lotPath(FINE_LOT), lotPath(RECALLED_LOT), `/01/${ZONGZI}`].map((path) => `https://id.gs1.org${path}`)
  const started = Date.now()
  const burst = ids.flatMap((id) => ['print', 'screen'].map((size) => fetch(`${baseUrl}${labelUrl(id, 'png', size)}`)))
  const latencies: number[] = []
  const statuses = new Set<number>()
  let done = false
  const all = Promise.all(burst).finally(() => (done = true))
  while (!done) {
    const asked = Date.now()
    const health = await fetch(`${baseUrl}/healthz`)
    statuses.add(health.status)
    latencies.push(Date.now() - asked)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const responses = await all
  t.same(responses.map((r) => r.status), [200, 200, 200, 200, 200, 200])
  const renders = Date.now() - started
  const worst = Math.max(...latencies)
  t.same([...statuses], [200])
  t.comment(`one render ${single} ms; six in ${renders} ms; /healthz answered ${latencies.length} times, worst ${worst} ms`)
  // On the event loop, six renders held /healthz for several renders' time at once; off it, no wait is as
  // long as one render (a machine busy with other tests slows both alike).
  t.ok(worst < Math.max(150, single), `worst /healthz ${worst} ms, one render ${single} ms`)
})
