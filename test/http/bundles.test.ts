// The node's proof bundles through app.inject on the seeded demo: GET /v1/bundles/entries/:seq, a lot from the
// resolver (Accept: application/vnd.tracechain.bundle+json or ?format=bundle) holding exactly the entries its
// page verifies, a seal application; each verified offline with the log key; every bad request a 4xx with a code.

import t from 'tap'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { BUNDLE_MEDIA_TYPE, type ProofBundle } from '../../src/core/proof-bundle.js'
import { verifyBundle } from '../../src/web/verify-bundle.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT, ZONGZI } from '../helpers/web.js'

const BUNDLE = { accept: BUNDLE_MEDIA_TYPE }
const BUNDLE_TYPE = /^application\/vnd\.tracechain\.bundle\+json; charset=utf-8$/

t.test('GET /v1/bundles/entries/:seq: one entry and its signers back to entry 0', async (t) => {
  const { app, node } = await demoApp(t)
  const seq = node.ledger.size - 1
  const response = await app.inject(`/v1/bundles/entries/${seq}`)
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], BUNDLE_TYPE)
  t.equal(response.headers['content-disposition'], `attachment; filename="entry-${seq}.tracechain-bundle.json"`)
  t.equal(response.headers['access-control-allow-origin'], '*', 'public data, readable from any origin')
  const bundle = response.json() as ProofBundle
  t.same(bundle.about, { kind: 'entry', seq, seqs: [seq] })
  t.equal(bundle.checkpoint, node.ledger.checkpoint)
  const outcome = await verifyBundle(bundle, nobleEd25519, { verifierKey: node.ledger.verifierKey })
  t.same(outcome.failures, [])
  t.ok(outcome.account?.actors.some((a) => a.id === 'operator'), 'back to the operator')
  t.equal((await app.inject('/v1/bundles/entries/0')).statusCode, 200, 'the genesis entry too')
})

t.test('GET /v1/bundles/entries/:seq: bad input is a 4xx with a code', async (t) => {
  const { app, node } = await demoApp(t)
  const cases: [string, number, string][] = [
    [`/v1/bundles/entries/${node.ledger.size}`, 404, 'ENTRY_NOT_FOUND'],
    ['/v1/bundles/entries/9007199254740991', 404, 'ENTRY_NOT_FOUND'],
    ['/v1/bundles/entries/-1', 400, 'BAD_REQUEST'],
    ['/v1/bundles/entries/1.5', 400, 'BAD_REQUEST'],
    ['/v1/bundles/entries/abc', 400, 'BAD_REQUEST'],
    ['/v1/bundles/entries/9007199254740992', 400, 'BAD_REQUEST'],
  ]
  for (const [url, status, code] of cases) {
    const response = await app.inject(url)
    t.equal(response.statusCode, status, url)
    t.match(response.json(), { statusCode: status, code }, url)
  }
})

t.test("a lot's bundle holds the entries its page verifies, and proves them", async (t) => {
  const { app, node } = await demoApp(t)
  const page = await app.inject({ url: lotPath(FINE_LOT), headers: { accept: 'text/html' } })
  const evidence = /data-evidence="([0-9 ]+)"/.exec(page.body)?.[1].split(' ').map(Number)
  t.ok(evidence && evidence.length > 3, `the page lists ${evidence?.length} entries`)
  t.match(page.body, new RegExp(`<a data-proof-bundle href="${lotPath(FINE_LOT)}\\?format=bundle" download>下载证明 ↓</a>`), 'the page links its bundle')

  const response = await app.inject({ url: lotPath(FINE_LOT), headers: BUNDLE })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], BUNDLE_TYPE)
  t.equal(response.headers['content-disposition'], `attachment; filename="${ZONGZI}-${FINE_LOT}.tracechain-bundle.json"`)
  t.match(String(response.headers.vary), /Accept/)
  const bundle = response.json() as ProofBundle
  t.same(bundle.about, { kind: 'lot', gtin: ZONGZI, lot: FINE_LOT, digitalLink: `https://id.gs1.org${lotPath(FINE_LOT)}`, seqs: evidence })
  const outcome = await verifyBundle(bundle, nobleEd25519, { verifierKey: node.ledger.verifierKey })
  t.same(outcome.failures, [])
  t.ok(outcome.account!.entries.some((e) => e.type === 'food.event' && e.ok), 'its events, each verified')
  const named = /data-actors="([^"]*)"/.exec(page.body)?.[1].split(' ').filter(Boolean) ?? []
  for (const actor of named) t.ok(outcome.account!.actors.some((a) => a.id === actor), `the page's actor ${actor} is established`)

  const byLink = await app.inject({ url: `${lotPath(FINE_LOT)}?format=bundle`, headers: { accept: 'text/html' } })
  t.match(byLink.headers['content-type'], BUNDLE_TYPE, '?format=bundle: what the page links to, from a browser')
  t.same((byLink.json() as ProofBundle).about, bundle.about)

  const recalled = (await app.inject({ url: lotPath(RECALLED_LOT), headers: BUNDLE })).json() as ProofBundle
  const recall = await verifyBundle(recalled, nobleEd25519, { verifierKey: node.ledger.verifierKey })
  t.ok(recall.ok, 'the recalled lot')
  t.ok(recall.account!.entries.some((e) => e.type === 'food.recall'), 'with its recall')
})

t.test('the resolver gives a bundle only to who names its type', async (t) => {
  const { app } = await demoApp(t)
  const typeOf = async (accept: string) => String((await app.inject({ url: lotPath(FINE_LOT), headers: { accept } })).headers['content-type'])
  t.match(await typeOf('application/json'), /^application\/json/)
  t.notMatch(await typeOf('application/*'), BUNDLE_TYPE, 'not through application/*')
  t.notMatch(await typeOf('*/*'), BUNDLE_TYPE, 'nor through */*')
  t.match(await typeOf(`${BUNDLE_MEDIA_TYPE};q=0.5, application/json`), /^application\/json/)
  t.match(await typeOf(`${BUNDLE_MEDIA_TYPE}, application/json;q=0.9`), BUNDLE_TYPE)
  t.match(await typeOf('text/html'), /^text\/html/)
})

t.test("the resolver's bundle: bad input is a 4xx with a code", async (t) => {
  const { app } = await demoApp(t)
  const cases: [string, number, string][] = [
    [`/01/${ZONGZI}/10/NO-SUCH-LOT`, 404, 'NOT_FOUND'],
    [`/01/${ZONGZI}`, 406, 'BUNDLE_NOT_AVAILABLE'],
    [`/01/${ZONGZI}/21/0001`, 406, 'BUNDLE_NOT_AVAILABLE'],
    [`/01/${ZONGZI}/10/${FINE_LOT}/21/0001`, 406, 'BUNDLE_NOT_AVAILABLE'],
    ['/01/06901234001038/10/Z1', 400, 'CHECK_DIGIT_INVALID'],
    [`/01/${ZONGZI}/99/x`, 400, 'IDENTIFIER_INVALID'],
  ]
  for (const [url, status, code] of cases) {
    const response = await app.inject({ url, headers: BUNDLE })
    t.equal(response.statusCode, status, url)
    t.match(response.headers['content-type'], /^application\/json/, `${url}: the error as JSON`)
    t.match(response.json(), { statusCode: status, code }, url)
  }
  const page = await app.inject({ url: `/01/${ZONGZI}/10/NO-SUCH-LOT`, headers: { accept: 'text/html' } })
  t.notMatch(page.body, /data-proof-bundle/, 'no link on the page of a lot the ledger does not know')
  const product = await app.inject({ url: `/01/${ZONGZI}`, headers: { accept: 'text/html' } })
  t.notMatch(product.body, /data-proof-bundle/, "nor on a product's page")
})

t.test("a seal application's bundle: the seal's entries and the application's, proved; the page links it", async (t) => {
  const { app, node } = await demoApp(t)
  const response = await app.inject({ url: '/v1/seals/applications/YQ-2026-001', headers: BUNDLE })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], BUNDLE_TYPE)
  const bundle = response.json() as ProofBundle
  t.same(bundle.about, { kind: 'seal-application', applicationId: 'YQ-2026-001', sealId: 'yiqiao-committee-seal', seqs: bundle.about.seqs })
  const outcome = await verifyBundle(bundle, nobleEd25519, { verifierKey: node.ledger.verifierKey })
  t.same(outcome.failures, [])
  t.same(outcome.account!.entries.map((e) => e.type), ['seal.register', 'seal.apply', 'seal.approve', 'seal.use', 'seal.close'])
  t.match((await app.inject('/v1/seals/applications/YQ-2026-001')).json(), { applicationId: 'YQ-2026-001' }, 'JSON as before')
  t.match((await app.inject('/v1/seals/applications/YQ-2026-001?format=bundle')).headers['content-type'], BUNDLE_TYPE)
  const missing = await app.inject({ url: '/v1/seals/applications/NOPE?format=bundle' })
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { code: 'SEAL_NOT_FOUND' })
  const bad = await app.inject({ url: '/v1/seals/applications/a%20b', headers: BUNDLE })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'BAD_REQUEST' })
  const page = await app.inject('/seals/yiqiao-committee-seal')
  t.match(page.body, /<a data-proof-bundle href="\/v1\/seals\/applications\/YQ-2026-001\?format=bundle" download>YQ-2026-001<\/a>/)
})
