// The consumer page's link to the standalone verifier: the lot, the log's URL and the node's key id in
// the fragment (the page's script puts a label's id in its place); on the operator's independent origin
// when there is one, else on the node's own /verify, worded so that it does not claim independence.

import t from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { logKeyIdOf, parseTrustFragment } from '../../src/core/log-key-id.js'
import { buildApp } from '../../src/http/app.js'
import { standaloneVerifierHref } from '../../src/web/standalone-page.js'
import { makeNode } from '../helpers/ledger.js'
import { FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const HTML = { accept: 'text/html' }

function linkOf(body: string): { href: string; text: string } | undefined {
  const match = /<a data-independent-verifier href="([^"]+)"[^>]*>([^<]+)<\/a>/.exec(body)
  return match ? { href: match[1].replaceAll('&amp;', '&'), text: match[2] } : undefined
}

t.test('standaloneVerifierHref', async (t) => {
  t.equal(standaloneVerifierHref(undefined, { log: '370b113f' }), '/verify#log=370b113f')
  t.equal(standaloneVerifierHref('https://verify.example.org/tracechain/#old', { log: '370b113f' }), 'https://verify.example.org/tracechain/#log=370b113f')
  t.throws(() => standaloneVerifierHref('javascript:alert(1)', {}), RangeError)
  t.throws(() => standaloneVerifierHref('not a url', {}), RangeError)
})

t.test("the page links to the node's own /verify, and says it is the node's copy", async (t) => {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  const own = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  const independent = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn', independentVerifier: 'https://verify.example.org/tc/' } })
  t.teardown(async () => {
    await own.close()
    await independent.close()
    await node.close()
  })
  const keyId = logKeyIdOf(node.ledger.verifierKey)

  const zh = linkOf((await own.inject({ url: lotPath(FINE_LOT), headers: HTML })).body)
  t.ok(zh, 'a link')
  t.match(zh?.href, /^\/verify#/)
  t.same(parseTrustFragment((zh?.href ?? '').slice('/verify'.length)), { log: keyId, lot: `https://id.gs1.org${lotPath(FINE_LOT)}`, url: 'https://trace.example.cn' })
  t.match(zh?.text, /本节点提供的副本/)
  t.notMatch(zh?.text, /独立站点/, 'not "an independent site": it is the node itself')
  t.match(linkOf((await own.inject({ url: `${lotPath(FINE_LOT)}?lang=en`, headers: HTML })).body)?.text, /this node's copy/)

  const away = linkOf((await independent.inject({ url: lotPath(FINE_LOT), headers: HTML })).body)
  t.match(away?.href, /^https:\/\/verify\.example\.org\/tc\/#log=/)
  t.equal(parseTrustFragment(new URL(away?.href ?? '').hash).log, keyId)
  t.match(away?.text, /在独立站点核验/)
  t.match(linkOf((await independent.inject({ url: `${lotPath(FINE_LOT)}?lang=en`, headers: HTML })).body)?.text, /Verify on an independent site/)

  const unknown = await own.inject({ url: `/01/${ZONGZI}/10/NEVER`, headers: HTML })
  t.equal(unknown.statusCode, 404)
  t.equal(linkOf(unknown.body), undefined, 'no link for a lot the ledger does not know')
})
