// GS1's own EPCIS 2.0 example documents (test/fixtures/gs1-epcis/JSON, unchanged) import through
// POST /v1/statements without a refusal, and an id from each is traced and queried.

import t from 'tap'
import { validateEpcisDocument } from '../../src/food/epcis-schema.js'
import { buildApp } from '../../src/http/app.js'
import { eventsOf, gs1ExampleDocuments, importGs1Examples, type Json } from '../helpers/gs1-examples.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

/** An id the document's events name: instance ids are MATCH_anyEPC, classes MATCH_anyEPCClass, places EQ_readPoint. */
function someIdOf(events: Json[]): { id: string; parameter: string } | undefined {
  for (const event of events) {
    for (const field of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']) {
      const list = event[field] as string[] | undefined
      if (list?.length) return { id: list[0], parameter: 'MATCH_anyEPC' }
    }
    if (typeof event.parentID === 'string') return { id: event.parentID, parameter: 'MATCH_anyEPC' }
    for (const field of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']) {
      const list = event[field] as { epcClass: string }[] | undefined
      if (list?.length) return { id: list[0].epcClass, parameter: 'MATCH_anyEPCClass' }
    }
  }
  // Sensor reports about a place and nothing else (SensorDataExample1b, 3): the place.
  const place = events.map((e) => (e.readPoint as { id?: string } | undefined)?.id).find((id) => id !== undefined)
  return place === undefined ? undefined : { id: place, parameter: 'EQ_readPoint' }
}

t.test('every GS1 example document imports, traces and queries', async (t) => {
  t.ok(gs1ExampleDocuments().length >= 47, `${gs1ExampleDocuments().length} example documents`)
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  let imported = 0
  let total = 0
  for (const { name, doc: document, statusCode, results } of await importGs1Examples(node, app)) {
    t.equal(statusCode, 200, name)
    const refused = results.map((r, j) => ({ ...r, event: j })).filter((r) => r.code)
    t.same(refused, [], `${name}: all ${results.length} events accepted`)
    imported += results.length - refused.length
    total += eventsOf(document).length

    const target = someIdOf(eventsOf(document))
    if (!t.ok(target, `${name} names an object`) || !target) continue
    const trace = await app.inject(`/v1/trace/${encodeURIComponent(target.id)}?direction=both`)
    t.equal(trace.statusCode, 200, `${name}: trace ${target.id} ${trace.body.slice(0, 200)}`)
    const query = await app.inject(`/v1/events?${target.parameter}=${encodeURIComponent(target.id)}&perPage=1000`)
    t.equal(query.statusCode, 200, `${name}: ${target.parameter}=${target.id} ${query.body.slice(0, 200)}`)
    if (query.statusCode === 200) {
      t.ok(query.json().epcisBody.queryResults.resultsBody.eventList.length > 0, `${name}: the query finds ${target.id}`)
    }
  }
  t.equal(imported, total, `all ${total} events imported`)

  // Everything back out, as one EPCISQueryDocument valid against GS1's schema.
  const everything = await app.inject('/v1/events?perPage=1000')
  t.equal(everything.statusCode, 200)
  const document = everything.json()
  t.doesNotThrow(() => validateEpcisDocument(document), 'the query document is valid EPCIS 2.0')
  t.equal(document.epcisBody.queryResults.resultsBody.eventList.length, imported)
  const sheet = await app.inject('/v1/export/fsma204')
  t.equal(sheet.statusCode, 200, 'the FSMA 204 export reads every GS1 event')
})
