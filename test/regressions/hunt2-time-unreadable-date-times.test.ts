// Hunt (time): date-times that the schemas' "date-time" format (ajv-formats) admits but JavaScript's Date cannot
// read: an offset of hours alone ("2026-06-01T08:00:00+08"; V8 reads it only after a space, PostgreSQL's text form)
// and a leap second ("23:59:60Z"). Before, such an eventTime (valid against GS1's EPCIS schema) made the node answer
// 500 INTERNAL; such an inspectedAt skipped the rule that a result is not from after its signing, so a lab could sign
// a result dated 2099; such a `since` made GET /v1/alerts answer 500. Now each is read as the instant it names (a
// leap second as the second before it) by one reader (core/date-time.ts), on the node and in the browser alike.

import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const GTIN = '06901234001037'
const LOT = `https://id.gs1.org/01/${GTIN}/10/PG1`
const URN = 'urn:epc:class:lgtin:6901234.000103.PG1'

t.test('an eventTime, inspectedAt or since that Date cannot read is read, not a 500 or a skipped rule', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const farm = await node.register('farm-x', ['farm', 'processor', 'logistics', 'retailer'])
  const lab = await node.register('lab-x', ['lab'])
  const post = (actor: string, signer: typeof farm, type: string, body: Record<string, unknown>, issuedAt?: string) =>
    app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor, body, ...(issuedAt ? { issuedAt } : {}) }, [signer]) })
  const event = (eventTime: string, action: string, bizStep: string) => ({
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime,
    eventTimeZoneOffset: '+08:00',
    action,
    bizStep,
    quantityList: [{ epcClass: LOT, quantity: 10, uom: 'KGM' }],
  })

  t.equal((await post('farm-x', farm, 'food.product', { gtin: GTIN, name: 'zongzi', shelfLifeDays: 7 })).statusCode, 201)
  // Made on 1 June (+08:00), good for 7 days; sold on 9 June, after its best-before day.
  const made = await post('farm-x', farm, 'food.event', event('2026-06-01T08:00:00+08', 'ADD', 'commissioning'))
  t.equal(made.statusCode, 201, `an offset of hours alone: ${made.body.slice(0, 200)}`)
  const sold = await post('farm-x', farm, 'food.event', event('2026-06-09 09:00:00+08', 'OBSERVE', 'retail_selling'))
  t.equal(sold.statusCode, 201, `the sale: ${sold.body.slice(0, 200)}`)
  const leap = await post('farm-x', farm, 'food.event', event('2026-06-30T23:59:60Z', 'OBSERVE', 'shipping'))
  t.equal(leap.statusCode, 201, `a leap second: ${leap.body.slice(0, 200)}`)

  const expiry = (await app.inject('/v1/alerts?kind=EVENT_AFTER_EXPIRY')).json().alerts as { seqs: number[]; ids: string[] }[]
  t.same(
    expiry.map((alert) => [alert.seqs, alert.ids]),
    [[[sold.json().seq], [URN]], [[leap.json().seq], [URN]]],
    'the best-before day was fixed from the making event, and both later steps are judged against it',
  )
  const events = (await app.inject(`/v1/events?MATCH_epcClass=${encodeURIComponent(URN)}`)).json().epcisBody.queryResults.resultsBody.eventList as { eventTime: string }[]
  t.same(events.map((e) => e.eventTime), ['2026-06-01T08:00:00+08', '2026-06-09 09:00:00+08', '2026-06-30T23:59:60Z'], 'in eventTime order')

  const inspection = (inspectedAt: string) => ({
    lot: LOT,
    sampleId: 'S-1',
    method: 'GB 4789.2-2022',
    result: { outcome: 'pass' },
    certificate: { name: 'r.pdf', sha256: 'ab'.repeat(32) },
    inspectedAt,
  })
  const issuedAt = new Date().toISOString()
  const size = node.ledger.size
  for (const inspectedAt of ['2099-12-31T23:59:60Z', '2099-01-01T08:00:00+08', '2099-01-01 08:00:00+0800']) {
    const refused = await post('lab-x', lab, 'food.inspection', inspection(inspectedAt), issuedAt)
    t.equal(refused.statusCode, 409, `a result dated ${inspectedAt}, after its signing`)
    t.equal(refused.json().code, 'RULE_VIOLATION')
  }
  t.equal(node.ledger.size, size, 'nothing written')
  const fine = await post('lab-x', lab, 'food.inspection', inspection('2026-06-30T23:59:60Z'), issuedAt)
  t.equal(fine.statusCode, 201, 'a leap second before its signing')

  for (const since of ['2026-06-30T23:59:60Z', '2026-06-09T00:00:00+08']) {
    const response = await app.inject(`/v1/alerts?kind=EVENT_AFTER_EXPIRY&since=${encodeURIComponent(since)}`)
    t.equal(response.statusCode, 200, `since=${since}: ${response.body.slice(0, 200)}`)
  }
  // The console's own bounds, the instants its local days start at, still read: 0000-01-01 in +08:00 is in year -1.
  const early = await app.inject({ url: '/console?lang=en&from=0000-01-01', headers: { accept: 'text/html' } })
  t.equal(early.statusCode, 200, `the console from 0000-01-01: ${early.body.slice(0, 200)}`)
})
