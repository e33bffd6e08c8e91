// Issue 12: the public seal page and /v1/alerts grew without bound. /v1/alerts is read in pages
// (limit, nextPageToken; a token it did not issue is 400 PAGE_TOKEN_INVALID) of one stable order; the
// seal page shows 20 applications a page with links to the others.

import t from 'tap'
import { SEAL, SHA, village } from '../helpers/seal.js'

t.test('/v1/alerts in pages: every alert once, in order, whatever the page size', async (t) => {
  const v = await village(t)
  for (let i = 0; i < 7; i++) {
    await v.apply(`p-${i}`, { amount: 900, budget: 800, dueDate: '2026-06-01' })
    await v.post(v.statement('seal.use', 'custodian', { applicationId: `p-${i}`, copies: 1, stamped: { sha256: SHA('b') } }))
  }
  v.setNow('2026-06-03T02:00:00.000Z')
  const all = (await v.get('/v1/alerts?limit=1000')).json()
  t.equal(all.alerts.length, 21, '7 over budget, 7 refused uses, 7 overdue')
  t.notOk('nextPageToken' in all, 'no token on the last page')
  const ats = all.alerts.map((a: { at: string }) => a.at)
  t.same(ats, [...ats].sort(), 'oldest first')
  for (const limit of [1, 2, 5, 20]) {
    const walked = []
    let token: string | undefined
    do {
      const response = await v.get(`/v1/alerts?limit=${limit}${token ? `&pageToken=${token}` : ''}`)
      t.equal(response.statusCode, 200)
      const page = response.json()
      t.ok(page.alerts.length <= limit)
      walked.push(...page.alerts)
      token = page.nextPageToken
    } while (token)
    t.same(walked, all.alerts, `limit ${limit}: the same alerts in the same order`)
  }
  const first = (await v.get('/v1/alerts?kind=OVERDUE&limit=3')).json()
  const rest = (await v.get(`/v1/alerts?kind=OVERDUE&limit=1000&pageToken=${first.nextPageToken}`)).json()
  t.same([...first.alerts, ...rest.alerts].map((a: { applicationIds: string[] }) => a.applicationIds[0]), ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'], 'with a kind too')
  t.equal((await v.get('/v1/alerts')).json().alerts.length, 21, 'default page of 100')
})

t.test('/v1/alerts: bad limits and tokens are 400 with a code', async (t) => {
  const v = await village(t)
  await v.apply('a-1', { amount: 900, budget: 800 })
  const forged = Buffer.from('not a position').toString('base64url')
  const cases: [string, string][] = [
    ['/v1/alerts?pageToken=garbage!', 'PAGE_TOKEN_INVALID'],
    [`/v1/alerts?pageToken=${forged}`, 'PAGE_TOKEN_INVALID'],
    [`/v1/alerts?pageToken=${Buffer.from('2026-01-01T00:00:00.000Z').toString('base64url')}`, 'PAGE_TOKEN_INVALID'],
    [`/v1/alerts?pageToken=${'A'.repeat(3000)}`, 'BAD_REQUEST'],
    ['/v1/alerts?pageToken=', 'BAD_REQUEST'],
    ['/v1/alerts?limit=0', 'BAD_REQUEST'],
    ['/v1/alerts?limit=1001', 'BAD_REQUEST'],
    ['/v1/alerts?limit=ten', 'BAD_REQUEST'],
    ['/v1/alerts?after=x', 'BAD_REQUEST'],
  ]
  const size = v.node.ledger.size
  for (const [url, code] of cases) {
    const response = await v.get(url)
    t.equal(response.statusCode, 400, url)
    t.equal(response.json().code, code, url)
  }
  t.equal(v.node.ledger.size, size)
})

t.test('the seal page: 20 applications a page, links to the others', async (t) => {
  const v = await village(t)
  const envelopes = Array.from({ length: 45 }, (_, i) =>
    v.statement('seal.apply', 'clerk', { applicationId: `pg-${String(i).padStart(2, '0')}`, sealId: SEAL, title: `事项 ${i}`, purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1 }),
  )
  await v.app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes } })
  const sections = (html: string) => [...html.matchAll(/<section class="card application(?: overdue)?" id="([^"]+)"/g)].map((m) => m[1])
  const first = (await v.get(`/seals/${SEAL}`)).body
  t.same(sections(first), envelopes.slice(0, 20).map((_, i) => `pg-${String(i).padStart(2, '0')}`))
  t.match(first, /第 1 \/ 3 页/)
  t.match(first, /<a href="\?page=2" rel="next">/)
  t.notMatch(first, /rel="prev"/)
  t.match(first, /45 件/, 'the count is of every application')
  const last = (await v.get(`/seals/${SEAL}?page=3`)).body
  t.same(sections(last), ['pg-40', 'pg-41', 'pg-42', 'pg-43', 'pg-44'])
  t.match(last, /<a href="\?page=2" rel="prev">/)
  t.notMatch(last, /rel="next"/)
  // A page reads its own applications' records, not every application's, whatever the seal holds.
  const records = v.node.ledger.records
  const get = records.get.bind(records)
  let applicationReads = 0
  records.get = ((space: string, key: string) => {
    if (space === 'seal.application') applicationReads++
    return get(space, key)
  }) as typeof records.get
  t.teardown(() => {
    records.get = get
  })
  await v.get(`/seals/${SEAL}?page=2`)
  t.ok(applicationReads <= 20, `page 2 read ${applicationReads} application records of 45`)
  const beyond = await v.get(`/seals/${SEAL}?page=9`)
  t.equal(beyond.statusCode, 200)
  t.same(sections(beyond.body), [])
  t.match(beyond.body, /<a href="\?page=3" rel="prev">/, 'a page past the end links back to the last')
  for (const page of ['0', '-1', 'x', '1.5', '50001']) {
    const response = await v.get(`/seals/${SEAL}?page=${page}`)
    t.equal(response.statusCode, 400, page)
    t.equal(response.json().code, 'BAD_REQUEST', page)
  }
})
