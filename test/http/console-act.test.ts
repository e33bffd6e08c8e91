// GET /console/act and /console/audit (inject): the domains' forms drawn on the server, Chinese first, every control labelled,
// filled in from a lot's or a seal's link; bad queries get a 400 with a code; the page takes no key and
// posts nothing (its buttons wait for the script).

import t from 'tap'
import { PAGE_CSP } from '../../src/http/html-reply.js'
import { buildAuditWorkerBundle } from '../../src/web/bundle.js'
import { seededDemoApp } from '../helpers/demo-app.js'

/** Every form control's id and whether a <label for> names it. */
function unlabelled(html: string): string[] {
  const ids = [...html.matchAll(/<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1])
  return ids.filter((id) => !html.includes(`<label for="${id}">`))
}

t.test('each form, in Chinese and English, labelled, prefilled from the link', async (t) => {
  const { app } = await seededDemoApp(t)
  const page = await app.inject({ url: '/console/act' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-security-policy'], /script-src 'self'/)
  t.match(page.body, /<html lang="zh-CN">/)
  t.match(page.body, /data-action-form="recall"/, 'the first form by default')
  t.match(page.body, /aria-current="page">发布召回/)
  t.match(page.body, /<a href="\/console\/act\?lang=zh" aria-current="page">签署 · <span lang="en">Act<\/span><\/a>/, "the console's navigation, this view marked")
  for (const action of ['recall', 'inspection', 'apply', 'approve', 'revoke']) {
    for (const lang of ['zh', 'en']) {
      const answer = await app.inject({ url: `/console/act?action=${action}&lang=${lang}` })
      t.equal(answer.statusCode, 200, `${action} ${lang}`)
      t.match(answer.body, `data-action-form="${action}"`)
      t.same(unlabelled(answer.body), [], `${action} ${lang}: every control has its label`)
      t.match(answer.body, /<button type="submit" data-preview disabled>/, 'nothing is sent without the script')
    }
  }
  const en = await app.inject({ url: '/console/act?action=apply&lang=en&seal=yiqiao-committee-seal' })
  t.match(en.body, /<html lang="en">/)
  t.match(en.body, /Apply to use a seal/)
  t.match(en.body, /name="sealId" required[^>]*value="yiqiao-committee-seal"/, 'the seal filled in')
  const approve = await app.inject({ url: '/console/act?action=approve&application=YQ-2026-004' })
  t.match(approve.body, /name="applicationId" required[^>]*value="YQ-2026-004"/)
  const recall = await app.inject({ url: `/console/act?action=recall&lot=${encodeURIComponent('https://id.gs1.org/01/06901234001037/10/Z260526A')}` })
  t.match(recall.body, /<textarea id="f-recall-ids" name="ids"[^>]*>https:\/\/id\.gs1\.org\/01\/06901234001037\/10\/Z260526A<\/textarea>/)
  const hostile = await app.inject({ url: `/console/act?action=recall&lot=${encodeURIComponent('</textarea><script>alert(1)</script>')}` })
  t.notMatch(hostile.body, /<script>alert/, 'a prefilled value is escaped')
})

t.test('bad queries get a 400 with a code', async (t) => {
  const { app } = await seededDemoApp(t)
  for (const query of ['action=stamp', 'seal=has%20space', 'application=' + 'x'.repeat(65), 'lang=fr', 'key=secret', 'lot=']) {
    const answer = await app.inject({ url: `/console/act?${query}` })
    t.equal(answer.statusCode, 400, query)
    t.equal(answer.json().code, 'BAD_REQUEST', query)
  }
  const post = await app.inject({ method: 'POST', url: '/console/act', payload: { privateKey: 'x' } })
  t.equal(post.statusCode, 405, 'the page takes nothing: there is nothing to post to')
  t.equal(post.headers.allow, 'GET, HEAD')
})

t.test('/console/audit names its versioned worker, served immutable under the pages\' CSP', async (t) => {
  await buildAuditWorkerBundle()
  const { app, node } = await seededDemoApp(t)
  for (const lang of ['zh', 'en']) {
    const page = await app.inject({ url: `/console/audit?lang=${lang}` })
    t.equal(page.statusCode, 200)
    t.same(unlabelled(page.body), [], `${lang}: every control has its label`)
    t.match(page.body, String(node.ledger.size), 'the size the range runs to')
  }
  const page = await app.inject({ url: '/console/audit' })
  t.match(page.body, /<button type="submit" data-audit-start disabled>开始审计<\/button>/)
  t.match(page.body, /<a href="\/console\/audit\?lang=zh" aria-current="page">审计/, "the console's navigation, this view marked")
  t.match(page.body, /<a href="\/console\/seals\?lang=zh">印章/)
  const path = /data-audit-worker="([^"]+)"/.exec(page.body)?.[1] as string
  t.match(path, /^\/console\/audit\/audit-worker-[0-9a-f]{16}\.js$/)
  const worker = await app.inject({ url: path, headers: { 'accept-encoding': 'br' } })
  t.equal(worker.statusCode, 200)
  t.match(worker.headers['content-type'], /^text\/javascript/)
  t.equal(worker.headers['content-encoding'], 'br')
  t.equal(worker.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.equal(worker.headers['content-security-policy'], PAGE_CSP, 'the worker runs under the pages\' policy')
  const other = await app.inject({ url: '/console/audit/audit-worker-0000000000000000.js' })
  t.equal(other.statusCode, 404)
  t.equal(other.json().code, 'NOT_FOUND')
  for (const query of ['lang=fr', 'from=3']) {
    const bad = await app.inject({ url: `/console/audit?${query}` })
    t.equal(bad.statusCode, 400, query)
    t.equal(bad.json().code, 'BAD_REQUEST')
  }
})
