// An EPCIS event's standard fields occur at most once (EPCglobal-epcis-2_0.xsd: each in the event's sequence,
// maxOccurs 1). The XML conversion kept the last of a repeated one: an ObjectEvent with two <epcList>s was
// signed with the second list only, the first's EPCs silently dropped, and one with two <bizStep>s signed as
// the second, whatever a reader of the XML took it for. Now a repeated standard field is EPCIS_INVALID, as any
// element where the schema has none is, and POST /capture makes no job of it.

import t from 'tap'
import { captureApp } from '../helpers/capture-app.js'

const xml = (fields: string) =>
  `<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-06-03T09:00:00.000+08:00"><EPCISBody><EventList><ObjectEvent><eventTime>2026-06-03T08:00:00.000+08:00</eventTime><eventTimeZoneOffset>+08:00</eventTimeZoneOffset>${fields}</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`

t.test('an XML event with a standard field twice is refused', async (t) => {
  const { node, app, token } = await captureApp(t, 'erp-xml')
  const size = node.ledger.size
  const cases = {
    'two epcLists': '<epcList><epc>urn:epc:id:sgtin:6901234.000122.S1</epc></epcList><epcList><epc>urn:epc:id:sgtin:6901234.000122.S2</epc></epcList><action>OBSERVE</action>',
    'two bizSteps': '<epcList><epc>urn:epc:id:sgtin:6901234.000122.S1</epc></epcList><action>OBSERVE</action><bizStep>receiving</bizStep><bizStep>shipping</bizStep>',
    'two epcClasses in a quantityElement':
      '<epcList/><action>OBSERVE</action><quantityList><quantityElement><epcClass>urn:epc:class:lgtin:6901234.000122.A</epcClass><epcClass>urn:epc:class:lgtin:6901234.000122.B</epcClass><quantity>5</quantity></quantityElement></quantityList>',
    'an eventID in the event and in its 1.2 baseExtension': '<eventID>urn:uuid:1d4e2f60-8c1b-4a7e-9a51-000000000801</eventID><baseExtension><eventID>urn:uuid:1d4e2f60-8c1b-4a7e-9a51-000000000802</eventID></baseExtension><epcList/><action>OBSERVE</action>',
  }
  for (const [name, fields] of Object.entries(cases)) {
    const response = await app.inject({ method: 'POST', url: '/capture', headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` }, payload: xml(fields) })
    t.equal(response.statusCode, 400, `${name}: ${response.body.slice(0, 200)}`)
    t.equal((response.json() as { code?: string }).code, 'EPCIS_INVALID', name)
  }
  const jobs = (await app.inject({ url: '/capture', headers: { authorization: `Bearer ${token}` } })).json() as unknown[]
  t.same(jobs, [], 'no job made')
  t.equal(node.ledger.size, size, 'nothing written')
})
