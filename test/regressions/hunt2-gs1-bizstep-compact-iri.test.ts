// A bizStep or disposition is a JSON-LD @vocab value: a compact IRI under a prefix the event's own
// @context binds to GS1's CBV namespace (`{"c":"https://ref.gs1.org/cbv/"}`, `"c:BizStep-retail_selling"`)
// is that CBV term, and the event's CBV 2.0 hash ID already reads it so. The indexes and rules did not: a
// market could sell a recalled lot with its bizStep spelt that way and no EVENT_AFTER_RECALL was raised, and
// EQ_bizStep=retail_selling did not find the sale. Now the term is read under the event's context.

import t from 'tap'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { readKeyFile } from '../../src/cli/key-files.js'
import { foodEventHashId } from '../../src/food/event-ids.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'

t.test('a sale of a recalled lot with its bizStep as a compact IRI is a retail_selling', async (t) => {
  const { app } = await seededDemoApp(t)
  const market = readKeyFile(join(ROOT, 'keys/demo/market-hz-01.json'))
  const plain = {
    '@context': [EPCIS_CONTEXT],
    type: 'ObjectEvent',
    eventTime: '2026-05-30T11:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'retail_selling',
    disposition: 'retail_sold',
    quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234001037/10/Z260526B', quantity: 2, uom: 'KGM' }],
    readPoint: { id: 'urn:epc:id:sgln:6901234.00005.0' },
    bizLocation: { id: 'urn:epc:id:sgln:6901234.00005.0' },
  }
  const body = {
    ...plain,
    '@context': [EPCIS_CONTEXT, { c: 'https://ref.gs1.org/cbv/' }],
    bizStep: 'c:BizStep-retail_selling',
    disposition: 'c:Disp-retail_sold',
  }
  t.equal(foodEventHashId(body), foodEventHashId(plain), 'the hash ID reads both spellings as one event')
  const statement = { type: 'food.event', actor: 'market-hz-01', id: 'compact-iri-sale', issuedAt: new Date().toISOString(), body }
  const appended = await app.inject({ method: 'POST', url: '/v1/statements', payload: buildStatementEnvelope(statement, [market]) })
  t.equal(appended.statusCode, 201, appended.body)
  const { seq } = appended.json() as { seq: number }

  const alerts = (await app.inject('/v1/alerts?kind=EVENT_AFTER_RECALL')).json() as { alerts: { seqs: number[] }[] }
  t.ok(
    alerts.alerts.some((alert) => alert.seqs.includes(seq)),
    'selling the recalled lot raises EVENT_AFTER_RECALL',
  )
  const found = (await app.inject('/events?EQ_bizStep=retail_selling&EQ_disposition=retail_sold&GE_eventTime=2026-05-30T03:00:00Z')).json() as {
    epcisBody: { queryResults: { resultsBody: { eventList: { bizStep: string }[] } } }
  }
  const events = found.epcisBody.queryResults.resultsBody.eventList
  t.equal(events.length, 1, 'EQ_bizStep and EQ_disposition find the sale')
  t.equal(events[0]?.bizStep, 'retail_selling', 'served in the bare form GS1 schema asks for')

  // `cbv:` bound by the event to another namespace is not CBV's: refused as a CBV value CBV does not have.
  const size = (await app.inject('/v1/checkpoint')).body.split('\n')[1]
  const rebound = { ...plain, '@context': [EPCIS_CONTEXT, { cbv: 'https://example.com/not-cbv/' }], bizStep: 'cbv:BizStep-retail_selling', eventTime: '2026-05-30T12:00:00.000+08:00' }
  const refused = await app.inject({
    method: 'POST',
    url: '/v1/statements',
    payload: buildStatementEnvelope({ type: 'food.event', actor: 'market-hz-01', id: 'rebound-cbv', issuedAt: new Date().toISOString(), body: rebound }, [market]),
  })
  t.equal(refused.statusCode, 400, refused.body)
  t.equal(refused.json().code, 'EPCIS_INVALID')
  t.equal((await app.inject('/v1/checkpoint')).body.split('\n')[1], size, 'nothing written')
})
