// Every route, HTML or not, answers with nosniff; every HTML answer with the one CSP and no inline
// script but the fixed hint that CSP allows by its hash (web/noble-hint.ts). The routes come from the app's
// own OpenAPI document, so a new route is covered when added.

import { createHash } from 'node:crypto'
import t from 'tap'
import { NOBLE_HINT_SOURCE, PAGE_CSP } from '../../src/http/html-reply.js'
import { NOBLE_HINT_SCRIPT } from '../../src/web/noble-hint.js'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'

const LOT = `https://id.gs1.org${lotPath(FINE_LOT)}`
/** A value for each path parameter the routes have, one the seeded demo knows. */
const PARAMS: Record<string, string> = {
  seq: '1',
  id: 'farm-anji-01',
  file: `${encodeURIComponent(LOT)}.svg`,
  gtin: ZONGZI,
  lot: FINE_LOT,
  serial: '0001',
}
const PER_ROUTE_ID: Record<string, string> = {
  '/v1/trace/{id}': encodeURIComponent(LOT),
  '/v1/seals/{id}': 'yiqiao-committee-seal',
  '/seals/{id}': 'yiqiao-committee-seal',
  '/v1/seals/applications/{id}': 'no-such-application',
}

t.test('nosniff everywhere, the CSP on every HTML page', async (t) => {
  const { app } = await demoApp(t)
  await app.ready()
  const paths = Object.entries((app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths)
    .filter(([, methods]) => 'get' in methods && !isEventStream(methods))
    .map(([path]) => path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? (PER_ROUTE_ID[path] ?? PARAMS.id) : PARAMS[name] ?? 'x')))
  t.ok(paths.length > 20, `${paths.length} routes`)
  const extra = ['/docs', '/web/verify.js', '/no/such/route', '/v1/entries/99999', '/01/123', `/v1/labels/${encodeURIComponent(LOT)}.png?size=screen`, '/v1/verify?from=5&to=2']
  let pages = 0
  let hinted = 0
  for (const url of [...paths, ...extra]) {
    for (const accept of ['text/html', '*/*']) {
      const response = await app.inject({ url, headers: { accept } })
      t.equal(response.headers['x-content-type-options'], 'nosniff', `${url} (${accept}) ${response.statusCode}`)
      if (!String(response.headers['content-type']).startsWith('text/html')) continue
      pages++
      t.equal(response.headers['content-security-policy'], PAGE_CSP, `${url}: the CSP`)
      const inline = [...response.body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([^<]*)<\/script>/g)].map(([, text]) => text)
      t.ok(
        inline.every((text) => text === NOBLE_HINT_SCRIPT),
        `${url}: no inline script but the hint`,
      )
      t.notMatch(response.body.replaceAll(NOBLE_HINT_SCRIPT, ''), /<script(?![^>]*\bsrc=)[^>]*>[^<]/, `${url}: no other inline script`)
      if (inline.length > 0) hinted++
      t.notMatch(response.body, /\son[a-z]+=/i, `${url}: no inline event handler`)
    }
  }
  t.ok(pages >= 8, `${pages} HTML answers checked`)
  t.ok(hinted >= 4, `${hinted} verified pages carry the hint`)
  const bad = await app.inject({ method: 'POST', url: '/v1/statements', payload: '{', headers: { 'content-type': 'application/json' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.headers['x-content-type-options'], 'nosniff', 'a refused POST too')
})

t.test('the policy allows no inline script but the hint, and no plugins', async (t) => {
  const directives = new Map(PAGE_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
  t.same(directives.get('script-src'), ["'self'", NOBLE_HINT_SOURCE])
  t.equal(NOBLE_HINT_SOURCE, `'sha256-${createHash('sha256').update(NOBLE_HINT_SCRIPT, 'utf8').digest('base64')}'`, 'the hint, by its hash')
  t.same(directives.get('worker-src'), ["'self'"], "workers (the console's audit) only from the node's own origin")
  t.same(directives.get('object-src'), ["'none'"])
  t.same(directives.get('base-uri'), ["'none'"])
  t.same(directives.get('frame-ancestors'), ["'none'"])
})

/** A stream never ends under inject: test/http/alert-stream.test.ts checks its headers on a real socket. */
function isEventStream(methods: Record<string, unknown>): boolean {
  const get = methods.get as { responses?: Record<string, { content?: Record<string, unknown> }> }
  return Object.values(get.responses ?? {}).some((response) => response.content?.['text/event-stream'] !== undefined)
}
