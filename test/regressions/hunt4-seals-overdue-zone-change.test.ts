// Hunt 4 (seals): OVERDUE after the node's zone changes (serve --zone). OVERDUE is computed when asked, and the
// seal page and the console derive it under the zone in effect; but the node's index held each application at the
// end of its due day in the zone of the day it was applied, and /v1/alerts (and the alert stream, the webhooks)
// went by that. Before, with the zone moved from +08:00 to -05:00, /v1/alerts said OVERDUE "(-05:00)" for 13
// hours while the page and the console said the matter was not yet due, and with the zone moved to +14:00 the page
// said overdue while the alerts stayed silent; a matter closed after the change stayed in the index for good. Now
// OVERDUE falls at the end of the due day in the zone in effect, on every view, and closing takes it out.

import t from 'tap'
import { SEAL_SPACES } from '../../src/seal/records.js'
import { areasOf } from '../helpers/bound-areas.js'
import { SEAL, village, type Village } from '../helpers/seal.js'

const overdue = async (v: Village) => (await v.get('/v1/alerts?kind=OVERDUE')).json().alerts as { at: string; applicationIds: string[]; message: string }[]
const pageSaysOverdue = async (v: Village) => areasOf((await v.get(`/seals/${SEAL}`)).body).areas[0].inner.includes('data-fact="overdue"')
const consoleSaysOverdue = async (v: Village) => (await v.get('/console/seals?state=overdue')).body.includes('data-fact="overdue"')

t.test('moved west: OVERDUE at the end of the due day at -05:00, as the page and the console say', async (t) => {
  const v = await village(t) // +08:00
  await v.apply('zone-w', { dueDate: '2026-06-01' })
  await v.restart({ seal: { zoneOffset: '-05:00' } })
  v.setNow('2026-06-01T17:00:00.000Z') // past the day's end at +08:00, 12:00 of the day at -05:00
  t.same(await overdue(v), [], 'not yet due at -05:00')
  t.equal(await pageSaysOverdue(v), false, 'the page agrees')
  t.equal(await consoleSaysOverdue(v), false, 'and the console')
  v.setNow('2026-06-02T05:00:00.000Z')
  const [alert] = await overdue(v)
  t.equal(alert?.at, '2026-06-02T05:00:00.000Z', 'due at the end of 2026-06-01 at -05:00')
  t.equal(await pageSaysOverdue(v), true, 'the page agrees')
  t.equal(await consoleSaysOverdue(v), true, 'and the console')
})

t.test('moved east: OVERDUE as soon as the due day has ended at +14:00', async (t) => {
  const v = await village(t)
  await v.apply('zone-e', { dueDate: '2026-06-01' })
  await v.restart({ seal: { zoneOffset: '+14:00' } })
  v.setNow('2026-06-01T12:00:00.000Z') // 02:00 of the next day at +14:00, 20:00 of the day at +08:00
  const [alert] = await overdue(v)
  t.equal(alert?.at, '2026-06-01T10:00:00.000Z', 'due at the end of 2026-06-01 at +14:00')
  t.equal(await pageSaysOverdue(v), true, 'as the page says')
})

t.test('a matter closed after the change leaves OVERDUE and the index', async (t) => {
  const v = await village(t)
  await v.apply('zone-c', { dueDate: '2026-06-01' })
  await v.accept('seal.approve', 'director', { applicationId: 'zone-c' })
  await v.restart({ seal: { zoneOffset: '-05:00' } })
  await v.accept('seal.close', 'clerk', { applicationId: 'zone-c', outcome: '办结', completedAt: '2026-06-01' })
  v.setNow('2026-06-03T00:00:00.000Z')
  t.same(await overdue(v), [])
  t.same(await v.node.ledger.records.range(SEAL_SPACES.due, {}), [], 'nothing is left in the due index')
})
