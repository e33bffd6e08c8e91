// JSON.parse reads a number beyond a double (1e400) as Infinity and keeps a lone surrogate (\ud800): neither has
// an RFC 8785 form, so no statement can carry them (I-JSON, RFC 7493, forbids both). POST /capture took such a
// document: an event without an eventID answered 500; one with an eventID answered 202 and its job never ended
// ("running": true for good, taken up again at every start), and the other events of its slice were never
// appended. EPCIS XML's <quantity>1e400</quantity> did the same. Now the document is refused, 400 with a code,
// and no job is made.

import t from 'tap'
import { captureApp, EPCIS_CONTEXT } from '../helpers/capture-app.js'

function event(n: number, extra: string): string {
  return `{"type":"ObjectEvent",${n > 0 ? `"eventID":"urn:uuid:1d4e2f60-8c1b-4a7e-9a51-00000000069${n}",` : ''}"eventTime":"2026-06-03T08:00:00.000+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.000122.R2606A","quantity":${extra === 'number' ? '1e400' : '5'},"uom":"KGM"}]${extra === 'surrogate' ? ',"ex:note":"\\ud800"' : ''}}`
}
function jsonDocument(...events: string[]): string {
  return `{"@context":["${EPCIS_CONTEXT}",{"ex":"https://ns.example.com/ex/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-06-03T09:00:00.000+08:00","epcisBody":{"eventList":[${events.join(',')}]}}`
}
const XML = `<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-06-03T09:00:00.000+08:00"><EPCISBody><EventList><ObjectEvent><eventTime>2026-06-03T08:00:00.000+08:00</eventTime><eventTimeZoneOffset>+08:00</eventTimeZoneOffset><epcList/><action>OBSERVE</action><quantityList><quantityElement><epcClass>urn:epc:class:lgtin:6901234.000122.R2606A</epcClass><quantity>1e400</quantity><uom>KGM</uom></quantityElement></quantityList></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`

t.test('a capture document with a value no statement can carry is refused with a 4xx and makes no job', async (t) => {
  const { node, app, token } = await captureApp(t, 'erp-json')
  const cases: [string, string, string][] = [
    ['a number beyond a double, no eventID', 'application/ld+json', jsonDocument(event(0, 'number'))],
    ['a lone surrogate, no eventID', 'application/ld+json', jsonDocument(event(0, 'surrogate'))],
    ['a lone surrogate after a good event, with eventIDs', 'application/ld+json', jsonDocument(event(1, ''), event(2, 'surrogate'))],
    ['a number beyond a double, with an eventID', 'application/ld+json', jsonDocument(event(3, 'number'))],
    ['XML quantity beyond a double', 'application/xml', XML],
  ]
  const size = node.ledger.size
  for (const [name, type, payload] of cases) {
    const response = await app.inject({ method: 'POST', url: '/capture', headers: { 'content-type': type, authorization: `Bearer ${token}` }, payload })
    t.ok(response.statusCode >= 400 && response.statusCode < 500, `${name}: 4xx (${response.statusCode} ${response.body.slice(0, 160)})`)
    const body = response.json() as { code?: string; message?: string }
    t.ok(body.code && body.message, `${name}: a code and a message`)
  }
  const jobs = (await app.inject({ url: '/capture', headers: { authorization: `Bearer ${token}` } })).json() as unknown[]
  t.same(jobs, [], 'no job made')
  t.equal(node.ledger.size, size, 'nothing written')
})
