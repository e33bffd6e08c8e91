// Hunt (cost): the explorer's home page, /search, and the `lot=` filter of /v1/alerts, its stream and the console
// found lots by reading the object records in key order, 20,000 of them per request (twice for `lot=`: once for the
// lots, once for their serialised items). The home page and the alert filter are not rate limited, so any anonymous
// request made the node read 20,000-40,000 records; and any producer who commissioned 20,000 serialised items (50
// events) hid every lot whose key sorts after them: the search and the alert filter no longer found it, and the home
// page no longer listed the newest lots. Lots are now found through indexes of their lot number, trace code and first
// seq, and a lot's items through an index of the items under each lot: a request reads what it answers.

import t from 'tap'
import { traceCodeOf } from '../../src/labels/digital-link.js'
import { openNode } from '../../src/cli/node-dir.js'
import { buildApp } from '../../src/http/app.js'
import { LOT_INDEX_META } from '../../src/food/lot-index.js'
import { SPACES } from '../../src/food/records.js'
import { millNode } from '../helpers/food-events.js'
import { withoutIndex } from '../helpers/store-index.js'

t.setTimeout(300_000)

const SITE = 'urn:epc:id:sgln:6901234.00009.0'
const RICE = '06901234000115'
const LATE_GTIN = '09501101020917'
const LATE_LOT = 'LATE1'

t.test('finding a lot reads what it finds, however many objects the node holds', async (t) => {
  const { node, app, sign } = await millNode(t, SITE)
  await node.ledger.submit(sign('food.product', { gtin: RICE, name: 'rice', companyPrefixLength: 7 }))
  const when = { eventTime: new Date(Date.now() - 3_600_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: SITE } }
  // 20,000 serialised items of one GTIN: 50 cheap events.
  const flood = await node.ledger.submitMany(
    Array.from({ length: 50 }, (_, e) =>
      sign('food.event', { type: 'ObjectEvent', ...when, action: 'ADD', bizStep: 'commissioning', epcList: Array.from({ length: 400 }, (_, i) => `urn:epc:id:sgtin:6901234.000011.S${e}x${i}`) }),
    ),
  )
  t.equal(flood.filter((o) => 'seq' in o).length, 50, 'the items are commissioned')
  const late = await node.ledger.submit(
    sign('food.event', { type: 'ObjectEvent', ...when, action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: `https://id.gs1.org/01/${LATE_GTIN}/10/${LATE_LOT}`, quantity: 5, uom: 'KGM' }] }),
  )
  t.ok('seq' in late, 'a lot is made after them')

  const store = node.store as unknown as Record<string, (...args: unknown[]) => unknown>
  let reads = 0
  const originals = new Map<string, (...args: unknown[]) => unknown>()
  for (const name of ['getRange', 'getRecords', 'getRecord', 'getRecordSync', 'rangeRecords']) originals.set(name, store[name] as (...args: unknown[]) => unknown)
  store.getRange = async (...args) => {
    const rows = (await (originals.get('getRange') as (...a: unknown[]) => Promise<unknown[]>).apply(node.store, args))
    reads += rows.length
    return rows
  }
  store.getRecords = async (...args) => {
    const rows = (await (originals.get('getRecords') as (...a: unknown[]) => Promise<unknown[]>).apply(node.store, args))
    reads += rows.length
    return rows
  }
  store.getRecord = (...args) => (reads++, (originals.get('getRecord') as (...a: unknown[]) => unknown).apply(node.store, args))
  store.getRecordSync = (...args) => (reads++, (originals.get('getRecordSync') as (...a: unknown[]) => unknown).apply(node.store, args))
  store.rangeRecords = async function* (...args: unknown[]) {
    for await (const row of (originals.get('rangeRecords') as (...a: unknown[]) => AsyncIterable<unknown>).apply(node.store, args)) {
      reads++
      yield row
    }
  }
  t.teardown(() => {
    for (const [name, fn] of originals) store[name] = fn
  })
  const BOUND = 1_000
  const ask = async (url: string, accept = 'application/json') => {
    reads = 0
    const res = await app.inject({ url, headers: { accept } })
    t.ok(reads <= BOUND, `${url} read ${reads} records (at most ${BOUND})`)
    return res
  }

  const home = await ask('/?lang=en', 'text/html')
  t.match(home.body, LATE_LOT, 'the home page lists the newest lot')
  const byNumber = await ask(`/search?q=${LATE_LOT}`)
  t.equal(byNumber.statusCode, 303, 'the search finds the lot by its number')
  t.equal(byNumber.headers.location, `/01/${LATE_GTIN}/10/${LATE_LOT}`)
  const byCode = await ask(`/search?q=${traceCodeOf({ gtin: LATE_GTIN, lot: LATE_LOT })}`)
  t.equal(byCode.headers.location, `/01/${LATE_GTIN}/10/${LATE_LOT}`, 'and by its trace code')
  t.equal((await ask(`/search?q=${LATE_LOT.toLowerCase()}`)).headers.location, `/01/${LATE_GTIN}/10/${LATE_LOT}`, 'and by its number in lower case')
  t.equal((await ask('/search?q=NOSUCHLOT')).statusCode, 404, 'a number no lot has is not found')

  const alerts = await ask(`/v1/alerts?lot=${LATE_LOT}`)
  t.equal(alerts.statusCode, 200, 'the alert filter by lot number answers')
  const riceLot = await ask(`/v1/alerts?lot=${encodeURIComponent(`urn:epc:class:lgtin:6901234.000011.L9`)}`)
  t.equal(riceLot.statusCode, 200, "a lot of the flooded GTIN does not read the GTIN's items")
  await ask(`/console?lot=${LATE_LOT}&lang=en`, 'text/html')
})

t.test("a store an earlier release wrote gets the lot indexes at open", async (t) => {
  const { node, app, sign } = await millNode(t, SITE)
  const when = { eventTime: new Date(Date.now() - 3_600_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: SITE } }
  const lotLink = `https://id.gs1.org/01/${LATE_GTIN}/10/${LATE_LOT}`
  await node.ledger.submit(
    sign('food.event', { type: 'ObjectEvent', ...when, action: 'ADD', bizStep: 'commissioning', epcList: [`${lotLink}/21/7`], quantityList: [{ epcClass: lotLink, quantity: 5, uom: 'KGM' }] }),
  )
  const spaces = [SPACES.lotByNumber, SPACES.lotByCode, SPACES.lotBySeq, SPACES.lotItem]
  const written = await Promise.all(spaces.map((space) => node.store.getRange(space)))
  t.same(written.map((rows) => rows.length), [1, 1, 1, 1], 'the lot is indexed three ways, its item under it')
  await app.close()
  t.equal(await withoutIndex(node.store, spaces, LOT_INDEX_META), 4)
  await node.close()
  const reopened = await openNode(node.dir)
  const again = await buildApp({ ledger: reopened.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await again.close()
    await reopened.close()
  })
  t.same(await Promise.all(spaces.map((space) => reopened.store.getRange(space))), written, 'built again at open')
  t.ok(await reopened.store.getMeta(LOT_INDEX_META))
  t.equal((await again.inject(`/search?q=${LATE_LOT}`)).headers.location, `/01/${LATE_GTIN}/10/${LATE_LOT}`, 'and the search finds the lot')
})
