// Hunt (cost): OVERDUE (seal applications past their due date) and RECALL_OVERDUE (failed lots no recall covers)
// are computed when asked: each read every due record and, for each, the application or the lot's recall mark.
// GET /v1/alerts, each page of it, the console (three times a page) and every stream's check did so on every
// request, none of them rate limited: with 900 open applications past due, one anonymous request read 1,800
// records, and the cost grew with every application a member filed and left open. The computed alerts are now
// held until something is committed or the clock reaches the next due time, and computed again then.

import t from 'tap'
import { SEAL, SHA, village } from '../helpers/seal.js'
import { countReads } from '../helpers/count-reads.js'

t.setTimeout(300_000)

const OPEN = 900

t.test('computed alerts are read once, not on every request, and stay right', async (t) => {
  const v = await village(t)
  const apply = (id: string, dueDate: string) =>
    v.statement('seal.apply', 'clerk', { applicationId: id, sealId: SEAL, title: `t ${id}`, purpose: 'p', document: { name: `${id}.pdf`, sha256: SHA('a') }, copies: 1, dueDate })
  for (let from = 0; from < OPEN; from += 300) {
    const out = await v.node.ledger.submitMany(Array.from({ length: 300 }, (_, i) => apply(`late-${from + i}`, '2026-05-20')))
    t.equal(out.filter((o) => 'seq' in o).length, 300, `applications ${from}-${from + 299} filed`)
  }
  await v.accept('seal.apply', 'clerk', { applicationId: 'due-tomorrow', sealId: SEAL, title: 't', purpose: 'p', document: { name: 'x.pdf', sha256: SHA('a') }, copies: 1, dueDate: '2026-06-02' })
  const overdue = async () => {
    const res = await v.get('/v1/alerts?kind=OVERDUE&limit=1000')
    t.equal(res.statusCode, 200)
    return (res.json().alerts as { applicationIds: string[] }[]).map((a) => a.applicationIds[0])
  }
  const reads = countReads(t, v.node.store)
  t.equal((await overdue()).length, OPEN, 'every late application is OVERDUE')
  t.ok(reads.take() >= OPEN, 'computed once')
  for (const url of ['/v1/alerts?limit=1', '/v1/alerts?limit=1&order=desc', '/v1/alerts?kind=NOPE', '/console?lang=en']) {
    reads.take()
    t.equal((await v.get(url)).statusCode, 200, url)
    const read = reads.take()
    t.ok(read <= 100, `${url} read ${read} records (at most 100)`)
  }

  // A commit: a new late application is OVERDUE at once.
  await v.accept('seal.apply', 'clerk', { applicationId: 'late-new', sealId: SEAL, title: 't', purpose: 'p', document: { name: 'y.pdf', sha256: SHA('a') }, copies: 1, dueDate: '2026-05-25' })
  const afterCommit = await overdue()
  t.equal(afterCommit.length, OPEN + 1)
  t.ok(afterCommit.includes('late-new'), 'an application filed late is OVERDUE on the next request')
  t.notOk(afterCommit.includes('due-tomorrow'))
  // The clock: the next due time passes, and that application is OVERDUE, with nothing committed.
  v.setNow('2026-06-03T02:00:00.000Z')
  const later = await overdue()
  t.equal(later.length, OPEN + 2)
  t.ok(later.includes('due-tomorrow'), 'an application comes due when its day ends')
})
