// Issue 12, web hardening: `GET /01/../..//evil.example/x` rendered a language switch
// `href="//evil.example/x?lang=en"` (another host); the seal page, SVG labels and the checkpoint had no
// nosniff; the seal page's CSP had no object-src 'none'.

import { request } from 'node:http'
import t from 'tap'
import { NOBLE_HINT_SOURCE } from '../../src/http/html-reply.js'
import { NOBLE_HINT_SCRIPT } from '../../src/web/noble-hint.js'
import { withLang } from '../../src/web/html.js'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'
import { SEAL, village } from '../helpers/seal.js'

/** GET with the path sent as is (fetch and inject would resolve its dot segments first). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])

t.test('a language switch built from a hostile path stays on this origin', async (t) => {
  const { app } = await demoApp(t, { listen: true })
  const { port } = app.server.address() as { port: number }
  for (const path of ['/01/../..//evil.example/x', '/01/..%2F..//evil.example/x', '/01/../../\\evil.example/x', `/01/${ZONGZI}/10/../../..//evil.example/x`]) {
    const page = await rawGet(port, path, { accept: 'text/html' })
    t.equal(page.headers['content-type'], 'text/html; charset=utf-8', path)
    for (const href of hrefs(page.body).filter((href) => href !== 'data:,')) {
      t.notOk(/^(\/\/|\/\\|[a-z]+:)/i.test(href.replace(/&amp;/g, '&')), `${path}: ${href} is a same-origin path`)
    }
    t.notMatch(page.body, /href="[/\\][/\\]/, path)
  }
  t.equal(withLang('/01/../..//evil.example/x', 'en'), '/evil.example/x?lang=en')
  t.equal(withLang('http://evil.example//x?a=1', 'zh'), '/x?a=1&lang=zh')
  t.equal(withLang(`${lotPath(FINE_LOT)}?lang=zh`, 'en'), `${lotPath(FINE_LOT)}?lang=en`, 'an ordinary path is kept')
})

t.test('nosniff on the checkpoint, SVG labels, errors', async (t) => {
  const { app } = await demoApp(t)
  const label = `/v1/labels/${encodeURIComponent(`https://id.gs1.org${lotPath(FINE_LOT)}`)}.svg`
  for (const url of ['/v1/checkpoint', '/v1/log/key', label, '/no/such/route', '/v1/entries/999999']) {
    const response = await app.inject(url)
    t.equal(response.headers['x-content-type-options'], 'nosniff', url)
  }
})

t.test('the seal page: nosniff and the one CSP, no inline script but the fixed hint', async (t) => {
  const seals = await village(t)
  const page = await seals.app.inject(`/seals/${SEAL}`)
  t.equal(page.statusCode, 200)
  t.equal(page.headers['x-content-type-options'], 'nosniff')
  const csp = String(page.headers['content-security-policy'])
  for (const directive of ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) t.match(csp, directive)
  t.match(csp, NOBLE_HINT_SOURCE, 'the one inline script the CSP allows, by its hash')
  // The hint (web/noble-hint.ts) is fixed text; nothing else inline, and nothing an applicant wrote runs.
  const withoutHint = page.body.replaceAll(`>${NOBLE_HINT_SCRIPT}</script>`, '></script>')
  t.notMatch(withoutHint, /<script(?![^>]*\bsrc=)[^>]*>[^<]/, 'no other inline script')
})
