// Hunt (cost): the `org=` filter of /v1/alerts, its stream and the console finds an alert's organisations by
// reading the entries it names and who signed them, and kept what it read for one request only. Every page asked
// again for the same entries: with 900 open applications past due (OVERDUE, each naming its application's entry),
// each anonymous request with an `org=` read 900 entries (the console 2,700), and up to 20,000 stored alerts more.
// An entry never changes: who signed it is now kept across requests (a bounded cache per ledger).

import t from 'tap'
import { SEAL, SHA, VILLAGE, village } from '../helpers/seal.js'

t.setTimeout(300_000)

const OPEN = 900

t.test('the org filter reads who signed an entry once', async (t) => {
  const v = await village(t)
  const apply = (id: string) => v.statement('seal.apply', 'clerk', { applicationId: id, sealId: SEAL, title: `t ${id}`, purpose: 'p', document: { name: `${id}.pdf`, sha256: SHA('a') }, copies: 1, dueDate: '2026-05-20' })
  for (let from = 0; from < OPEN; from += 300) {
    const out = await v.node.ledger.submitMany(Array.from({ length: 300 }, (_, i) => apply(`late-${from + i}`)))
    t.equal(out.filter((o) => 'seq' in o).length, 300, `applications ${from}-${from + 299} filed`)
  }
  const ledger = v.node.ledger as unknown as { getEntry: (...args: unknown[]) => unknown }
  const getEntry = ledger.getEntry
  let entries = 0
  ledger.getEntry = function (...args: unknown[]) {
    entries++
    return getEntry.apply(this, args)
  }
  t.teardown(() => {
    ledger.getEntry = getEntry
  })
  const first = await v.get('/v1/alerts?org=other-village&limit=1')
  t.same(first.json().alerts, [], "no alert is about the other village's conduct")
  t.ok(entries >= OPEN, `the first request reads the entries (${entries})`)
  for (const url of ['/v1/alerts?org=other-village&limit=1', `/v1/alerts?org=${VILLAGE}&limit=1000`, '/console?org=other-village&lang=en']) {
    entries = 0
    const res = await v.get(url)
    t.equal(res.statusCode, 200, url)
    t.ok(entries <= 100, `${url} read ${entries} entries (at most 100)`)
  }
  t.equal((await v.get(`/v1/alerts?org=${VILLAGE}&limit=1000`)).json().alerts.length, OPEN, "the village's applications are its alerts")
})
