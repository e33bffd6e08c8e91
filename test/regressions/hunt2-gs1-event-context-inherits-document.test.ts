// JSON-LD applies an event's own @context on top of its document's: an event in an EPCISDocument that
// carries one (GS1's schema allows it on every event) still means its document's prefixes. Capture and
// `epcis import` signed such an event with its own context alone, so a document-level prefix it used
// (`ex:temp`) was lost from what was signed and served, `EQ_ex:temp` did not find it, and its hash ID was
// not the one `tracechain epcis hash` prints for the document, so GET /events/{that id} answered 404.
// Now the event is signed under the document's context followed by its own.

import t from 'tap'
import { documentPreHashes, hashIdOfPreHash } from '../../src/core/epcis-event-hash.js'
import { captureApp, finishedJob, EPCIS_CONTEXT } from '../helpers/capture-app.js'

t.test('an event with a @context of its own keeps its document prefixes when captured', async (t) => {
  const { node, app, token } = await captureApp(t, 'erp-ctx')
  const document = {
    '@context': [EPCIS_CONTEXT, { ex: 'https://ns.example.com/ex/' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-25T16:00:00.000+08:00',
    epcisBody: {
      eventList: [
        {
          // a system that stamps every event with GS1's context
          '@context': [EPCIS_CONTEXT],
          type: 'ObjectEvent',
          eventTime: '2026-05-25T16:00:00.000+08:00',
          eventTimeZoneOffset: '+08:00',
          action: 'OBSERVE',
          bizStep: 'inspecting',
          epcList: ['https://id.gs1.org/01/06901234001037/21/CTX1'],
          'ex:temp': 'warm',
        },
      ],
    },
  }
  const expected = hashIdOfPreHash((documentPreHashes(document) as string[])[0] as string)
  const response = await app.inject({
    method: 'POST',
    url: '/capture',
    headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${token}` },
    payload: JSON.stringify(document),
  })
  t.equal(response.statusCode, 202, response.body)
  const job = await finishedJob(app, String(response.headers.location), token)
  t.same(job.errors, [], 'captured')

  const byId = await app.inject(`/events/${encodeURIComponent(expected)}`)
  t.equal(byId.statusCode, 200, `GET /events/{the document's hash ID}: ${byId.body.slice(0, 200)}`)
  const found = (await app.inject('/events?EQ_ex:temp=warm')).json() as { epcisBody: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } } }
  const events = found.epcisBody.queryResults.resultsBody.eventList
  t.equal(events.length, 1, 'EQ_ex:temp finds it under its document prefix')
  t.equal(events[0]?.eventID, expected, 'served with the hash ID of the document form')
  t.match(JSON.stringify(events[0]?.['@context']), /"ex":"https:\/\/ns\.example\.com\/ex\/"/, 'served with the prefix it uses')
})
