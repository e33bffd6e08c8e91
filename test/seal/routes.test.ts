// Seal read routes and the public page: ids validated by the route schemas, unknown ids 404
// SEAL_NOT_FOUND, and a page that names every entry by seq, escapes what actors wrote, and carries
// the hooks the browser verification needs.

import t from 'tap'
import { SEAL, SHA, village } from '../helpers/seal.js'

t.test('unknown ids are 404 SEAL_NOT_FOUND; malformed ids are 400 BAD_REQUEST', async (t) => {
  const v = await village(t)
  for (const url of ['/v1/seals/nope', '/v1/seals/applications/nope', '/seals/nope']) {
    const response = await v.get(url)
    t.equal(response.statusCode, 404, url)
    t.equal(response.json().code, 'SEAL_NOT_FOUND', url)
  }
  for (const url of [`/v1/seals/${'x'.repeat(65)}`, '/v1/seals/a%20b', '/v1/seals/applications/%3Cscript%3E', `/seals/${encodeURIComponent('../x')}`]) {
    const response = await v.get(url)
    t.equal(response.statusCode, 400, url)
    t.equal(response.json().code, 'BAD_REQUEST', url)
  }
  const docs = (await v.get('/docs/json')).json()
  t.ok(docs.paths['/v1/seals/{id}'] && docs.paths['/v1/seals/applications/{id}'] && docs.paths['/seals/{id}'], 'in the OpenAPI document')
})

t.test('the public page: every entry with its seq, alerts, escaped text, the verification hooks', async (t) => {
  const v = await village(t)
  const applied = await v.apply('p-1', { title: '<script>alert(1)</script>义桥村道路修复', purpose: '"quoted" & <b>bold</b>', amount: 52000, budget: 45000 })
  const approved = await v.accept('seal.approve', 'director', { applicationId: 'p-1', comment: '同意 <i>' })
  const used = await v.accept('seal.use', 'custodian', { applicationId: 'p-1', copies: 1, stamped: { sha256: SHA('e') } })
  await v.apply('p-2')
  const rejected = await v.accept('seal.reject', 'deputy', { applicationId: 'p-2', comment: '材料不全' })
  await v.post(v.statement('seal.use', 'custodian', { applicationId: 'p-2', copies: 1, stamped: { sha256: SHA('e') } }))

  const response = await v.get(`/seals/${SEAL}`)
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/html; charset=utf-8/)
  t.match(response.headers['content-security-policy'], /script-src 'self'/)
  const html = response.body
  t.match(html, /<html lang="zh-CN">/)
  t.match(html, /<main class="seal-page" data-verification="pending">/)
  t.match(html, /<header class="bar"><a class="brand" href="\/">tracechain 溯源<\/a><a class="lang" href="\/seals\/[^"]+\?lang=en" hreflang="en">English<\/a><\/header>/, "the consumer pages' header and language switch")
  t.match(html, /<script src="\/web\/seal-[0-9a-f]{16}\.js" integrity="sha384-[A-Za-z0-9+/]{64}" crossorigin="anonymous" defer><\/script>/)
  t.match(html, /村务公开/)
  t.match(html, /义桥村村民委员会公章/)
  const seal = (await v.get(`/v1/seals/${SEAL}`)).json().seal
  const shown = [...html.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b)
  t.same(shown, seal.seqs, 'every entry about the seal, each once')
  for (const [seq, actor] of [[applied, 'clerk'], [approved, 'director'], [used, 'custodian'], [rejected, 'deputy']]) {
    t.match(html, new RegExp(`data-seq="${seq}" data-actor="${actor}" data-fact="step">.*?<a class="seq" href="/v1/entries/${seq}">账本记录 #${seq}</a>`))
  }
  t.notMatch(html, /<script>alert/, 'titles are escaped')
  t.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;义桥村道路修复/)
  t.match(html, /&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;\/b&gt;/)
  t.match(html, /同意 &lt;i&gt;/)
  t.match(html, /已驳回/)
  t.equal(html.split('超出预算').length - 1, 1, 'the pattern alert on p-1, once')
  t.match(html, /未经批准用印（已拒绝）/, 'the refused attempt on p-2')
  t.match(html, /clerk（中文名）/, 'actors by name')
  t.ok(Buffer.byteLength(html) < 30_000, 'small')
})
