// The CBV 2.0 event hash ID against GS1's reference generator: every JSON-LD case of its test suite, pre-hash
// string and hash (test/fixtures/epcis-event-hash/, SOURCE.md there: the pre-hash strings are the regenerated
// ones), its pair of spellings of one event, and the quirks SOURCE.md writes out, one by one.

import { readFileSync, readdirSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import { COMPONENTS, SENSOR_ALERT_TYPES, SENSOR_MEASUREMENT_TYPES } from '../../src/core/cbv-terms.js'
import { compareCodePoints } from '../../src/core/bytes.js'
import { documentPreHashes, eventHashId, eventPreHash, hashIdOfPreHash } from '../../src/core/epcis-event-hash.js'
import { normaliseHashIdentifier } from '../../src/core/epcis-hash-identifiers.js'
import { canonicalNumber, canonicalTimestamp, formatPythonNumber } from '../../src/core/epcis-hash-values.js'
import { propertyParameters } from '../helpers/property.js'

const FIXTURES = new URL('../fixtures/epcis-event-hash/', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8')
const lines = (path: string) => read(path).split('\n').filter((line) => line !== '')
const CASES = readdirSync(new URL('tests/examples/', FIXTURES))
  .filter((name) => name.endsWith('.jsonld'))
  .map((name) => name.slice(0, -'.jsonld'.length))

t.test('every JSON-LD case of the reference: each event’s pre-hash string and hash ID', async (t) => {
  t.equal(CASES.length, 22)
  for (const name of CASES) {
    const document = JSON.parse(read(`tests/examples/${name}.jsonld`)) as unknown
    const preHashes = documentPreHashes(document)
    const expected = lines(`prehashes-regenerated/${name}.prehashes`)
    const hashes = lines(`tests/examples/${name}.hashes`)
    t.equal(preHashes?.length, hashes.length, `${name}: one hash per event`)
    expected.forEach((preHash, i) => {
      t.equal(preHashes?.[i], preHash, `${name} event ${i}: pre-hash string`)
      t.equal(hashIdOfPreHash(preHashes?.[i] ?? ''), hashes[i], `${name} event ${i}: hash ID`)
    })
  }
})

t.test('two spellings of one event give one hash ID', async (t) => {
  const preHashes = documentPreHashes(JSON.parse(read('tests/expected_equal/ReferenceEventHashAlgorithm.json'))) ?? []
  t.same(preHashes, lines('prehashes-regenerated/expected_equal-ReferenceEventHashAlgorithm.prehashes'))
  t.same(preHashes.map(hashIdOfPreHash), Array(2).fill(lines('tests/examples/ReferenceEventHashAlgorithm.hashes')[0]))
})

t.test('an event alone, with its document’s context, hashes as in its document', async (t) => {
  for (const name of ['epcisDocWithSingleEvent', 'ralfsChaosExample', 'epcisDocWithSensorComponent', 'CertificationInfoAndSensorReportWithCRS']) {
    const document = JSON.parse(read(`tests/examples/${name}.jsonld`)) as { '@context': unknown; epcisBody: { eventList: Record<string, unknown>[] } }
    const [event] = document.epcisBody.eventList
    t.equal(eventHashId(event, { context: document['@context'] }), lines(`tests/examples/${name}.hashes`)[0], name)
    t.equal(eventHashId({ '@context': document['@context'], ...event }), lines(`tests/examples/${name}.hashes`)[0], `${name}, its own @context`)
  }
})

t.test('the sensor vocabularies are the bare terms of the EPCIS 2.0 context', async (t) => {
  const terms = (JSON.parse(read('cbv-bare-terms.json')) as { properties: Record<string, { terms: string[] }> }).properties
  t.same([...SENSOR_MEASUREMENT_TYPES].sort(), terms['sensorElementList.sensorReport.type'].terms)
  t.same([...SENSOR_ALERT_TYPES].sort(), terms['sensorElementList.sensorReport.exception'].terms)
  t.same([...COMPONENTS].sort(), terms['sensorElementList.sensorReport.component'].terms)
})

const EVENT = {
  type: 'ObjectEvent',
  eventTime: '2026-05-25T15:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'shipping',
  epcList: ['urn:epc:id:sgtin:6901234.000103.77'],
}

t.test('what leaves the hash and what changes it', async (t) => {
  const base = eventPreHash(EVENT)
  t.equal(base, 'eventType=ObjectEventeventTime=2026-05-25T07:00:00.000ZeventTimeZoneOffset=+08:00epcListepc=https://id.gs1.org/01/06901234001037/21/77action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shipping')
  t.equal(eventPreHash({ ...EVENT, eventID: 'urn:uuid:1', recordTime: '2026-05-25T08:00:00Z', comment: 'c', errorDeclaration: { declarationTime: '2026-05-26T00:00:00Z' } }), base)
  t.equal(eventPreHash({ ...EVENT, bizStep: 'urn:epcglobal:cbv:bizstep:shipping' }), base, 'a CBV URN is its Web URI')
  t.equal(eventPreHash({ ...EVENT, epcList: ['https://example.com/01/06901234001037/21/77?x=1'] }), base, 'a Digital Link on any host')
  t.equal(eventPreHash({ ...EVENT, eventTime: '2026-05-25T07:00:00Z' }), base, 'the same instant in UTC')
  t.not(eventPreHash({ ...EVENT, action: 'ADD' }), base)
})

t.test('bizTransaction entries keep their JSON key order; destinationList comes before sourceList', async (t) => {
  const typeFirst = eventPreHash({ ...EVENT, bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:6901234000009:PO1' }] })
  const idFirst = eventPreHash({ ...EVENT, bizTransactionList: [{ bizTransaction: 'urn:epcglobal:cbv:bt:6901234000009:PO1', type: 'po' }] })
  t.match(typeFirst, /bizTransactionListtype=https:\/\/ref\.gs1\.org\/cbv\/BTT-pobizTransaction=urn:epcglobal:cbv:bt:6901234000009:PO1$/)
  t.not(idFirst, typeFirst)
  const listed = eventPreHash({ ...EVENT, sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:6901234.00000' }], destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:6901235.00000' }] })
  t.ok(listed.indexOf('destinationList') < listed.indexOf('sourceList'))
})

t.test('an unknown field of a standard one writes the whole field again after the rest', async (t) => {
  const preHash = eventPreHash({ ...EVENT, readPoint: { id: 'urn:epc:id:sgln:6901234.00001.0', note: 'dock 2' } })
  t.ok(preHash.endsWith('readPointid=https://id.gs1.org/414/6901234000016note=dock 2'), preHash)
  const extended = eventPreHash({ '@context': [{ ex: 'https://ns.example.com/' }], ...EVENT, readPoint: { id: 'urn:epc:id:sgln:6901234.00001.0', 'ex:dock': '2' } })
  t.ok(extended.endsWith('readPointid=https://id.gs1.org/414/6901234000016{https://ns.example.com/}dock=2'), 'a user extension stays inside')
})

t.test('numbers as Python writes float(text)', async (t) => {
  const cases: [string, string | undefined][] = [
    ['600.0', '600'], ['26.50', '26.5'], ['1e-7', '1e-07'], ['0123', '123'], ['12345678901234567890', '12345678901234567168'],
    ['0.0001', '0.0001'], ['0.00001', '1e-05'], ['-1.5e-10', '-1.5e-10'], ['1_000.5', '1000.5'], ['+5', '5'], ['.5', '0.5'], ['5.', '5'],
    ['-0', '0'], ['1e22', '10000000000000000000000'], ['nan', undefined], ['inf', undefined], ['1__0', undefined], ['0x10', undefined], ['12a', undefined],
  ]
  for (const [text, expected] of cases) t.equal(canonicalNumber(text), expected, text)
  t.equal(formatPythonNumber(42.698334), '42.698334')
  t.equal(eventPreHash({ ...EVENT, 'ex:flag': true, 'ex:none': null }).slice(-24), 'ex:flag=Trueex:none=None')
})

t.test('timestamps in UTC to the millisecond, rounded half to even', async (t) => {
  const cases: [string, string | undefined][] = [
    ['2023-02-02T11:04:03.1425Z', '2023-02-02T11:04:03.142Z'],
    ['2023-02-02T11:04:03.1435Z', '2023-02-02T11:04:03.144Z'],
    ['2023-02-02T11:04:03.1415999Z', '2023-02-02T11:04:03.142Z'],
    ['2023-02-02T11:04:03.14249999Z', '2023-02-02T11:04:03.142Z'],
    ['2023-12-31T23:59:59.9996Z', '2024-01-01T00:00:00.000Z'],
    ['2005-04-03T20:33:31.116000-06:00', '2005-04-04T02:33:31.116Z'],
    ['2019-10-21T14:45:00', '2019-10-21T14:45:00.000Z'],
    ['2019-10-21T14:45:00+0530', '2019-10-21T09:15:00.000Z'],
    ['2019-10-21', '2019-10-21T00:00:00.000Z'],
    ['2019-02-30T00:00:00Z', undefined],
    // Already as written out (the fast path): as they are, and a date or hour that Date would roll over, not.
    ['2026-05-20T00:00:06.000Z', '2026-05-20T00:00:06.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
    ['2026-02-30T00:00:00.000Z', undefined],
    ['2026-05-20T24:00:00.000Z', undefined],
    ['0000-01-01T00:00:00.000Z', undefined],
    ['yesterday', undefined],
  ]
  for (const [text, expected] of cases) t.equal(canonicalTimestamp(text), expected, text)
})

t.test('identifiers as the reference’s Digital Link normaliser writes them', async (t) => {
  const cases: [string, string | undefined][] = [
    ['urn:epc:id:sgtin:4012345.011111.9876', 'https://id.gs1.org/01/04012345111118/21/9876'],
    ['urn:epc:id:sgln:4012345.00005.0', 'https://id.gs1.org/414/4012345000054'],
    ['urn:epc:id:grai:123456789012..5', undefined],
    ['https://id.gs1.org/01/9506000134352/10/L1/21/S1', 'https://id.gs1.org/01/09506000134352/21/S1'],
    ['https://example.org/shop/gtin/09506000134352/cpv/2A/lot/L1', 'https://id.gs1.org/01/09506000134352/10/L1'],
    ['https://example.org/sscc/095060001343520000', 'https://id.gs1.org/00/095060001343520000'],
    ['https://example.org/gtin/09506000134352/ser/S1', 'https://id.gs1.org/01/09506000134352/21/S1'],
    ['https://id.gs1.org/01/09506000134352/21/' + 'x'.repeat(21), undefined],
    ['http://transaction.acme.com/po/12345678', undefined],
    ['geo:47.506694,11.104301', undefined],
  ]
  for (const [text, expected] of cases) t.equal(normaliseHashIdentifier(text), expected, text)
})

t.test('strings compare by code point, as Python sorts them', async (t) => {
  t.ok(compareCodePoints('\uffff', '\u{10000}') < 0, 'U+FFFF before U+10000 (UTF-16 order says otherwise)')
  t.ok(compareCodePoints('a', 'ab') < 0)
  t.equal(compareCodePoints('x', 'x'), 0)
  t.ok(compareCodePoints('Z', 'a') < 0)
})

/** The value with its objects' keys and its lists' items in another order; an entry of bizTransactionList, sourceList or destinationList keeps its key order. */
function reordered(value: unknown, random: () => number, entry = false): unknown {
  const shuffled = <T>(items: T[]) => items.map((item) => [random(), item] as const).sort((a, b) => a[0] - b[0]).map(([, item]) => item)
  if (Array.isArray(value)) return shuffled(value.map((item) => reordered(item, random, entry)))
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value).map(([key, inner]) => [key, reordered(inner, random, /^(bizTransaction|source|destination)List$/.test(key))] as const)
  return Object.fromEntries(entry ? entries : shuffled(entries))
}

t.test('no order of keys or list items changes a hash ID, but an entry’s own key order', async (t) => {
  const events = CASES.flatMap((name) => {
    const document = JSON.parse(read(`tests/examples/${name}.jsonld`)) as { '@context': unknown; epcisBody: { eventList?: Record<string, unknown>[] } }
    return (document.epcisBody.eventList ?? []).map((event) => ({ event, context: document['@context'] }))
  })
  fc.assert(
    fc.property(fc.integer({ min: 0, max: events.length - 1 }), fc.integer(), (index, seed) => {
      let state = seed
      const random = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
      const { event, context } = events[index]
      return eventHashId(reordered(event, random) as Record<string, unknown>, { context }) === eventHashId(event, { context })
    }),
    propertyParameters(t, 200),
  )
})
