// A capture job proceeds past a refused event: the others of its document are appended. But an event that
// could not be made into a statement at all (its statement over the 48 KiB payload cap, or its eventID, the
// statement id, holding a control character) threw while its slice of 100 was being signed, and the job
// reported every event of that slice refused with its code: good events were never appended for a
// neighbour's fault. Now such an event is refused alone, and the rest of its slice is appended.

import t from 'tap'
import { captureApp, finishedJob, EPCIS_CONTEXT } from '../helpers/capture-app.js'

t.test('an event that cannot be a statement is refused alone; its slice is appended', async (t) => {
  const { node, app, token } = await captureApp(t, 'erp-slice')
  const event = (i: number, extra: Record<string, unknown> = {}) => ({
    type: 'ObjectEvent',
    eventID: `urn:uuid:1d4e2f60-8c1b-4a7e-9a51-${String(i).padStart(12, '0')}`,
    eventTime: '2026-06-03T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    epcList: [`https://id.gs1.org/01/06901234001037/21/SLICE${i}`],
    ...extra,
  })
  const events = [
    event(0),
    event(1, { 'ex:blob': 'x'.repeat(60 * 1024) }),
    event(2),
    event(3, { eventID: 'urn:uuid:bell\u0007' }),
    event(4),
  ]
  const document = { '@context': [EPCIS_CONTEXT, { ex: 'https://ns.example.com/ex/' }], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-06-03T09:00:00.000+08:00', epcisBody: { eventList: events } }
  const size = node.ledger.size
  const response = await app.inject({ method: 'POST', url: '/capture', headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${token}` }, payload: JSON.stringify(document) })
  t.equal(response.statusCode, 202, response.body)
  const job = await finishedJob(app, String(response.headers.location), token)
  const errors = job.errors as { eventIndex: number; code: string; status: number }[]
  t.same(
    errors.map(({ eventIndex, code }) => ({ eventIndex, code })),
    [
      { eventIndex: 1, code: 'STATEMENT_TOO_LARGE' },
      { eventIndex: 3, code: 'BAD_REQUEST' },
    ],
    'only the two events are refused',
  )
  t.ok(errors.every((error) => error.status >= 400 && error.status < 500), 'each a 4xx')
  t.same(
    (job.captured as { eventIndex: number }[]).map(({ eventIndex }) => eventIndex),
    [0, 2, 4],
    'the others are appended',
  )
  t.equal(node.ledger.size, size + 3)
})
