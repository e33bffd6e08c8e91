// schemas/food.product.json, food.recall.json and food.event.json: what they accept and refuse. The
// event schema only lets an event through to validateEpcisEvent (GS1's schema), so it accepts GS1's examples.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { loadSchemas, validateBody } from '../../src/ledger/schemas.js'

const EXAMPLE = fileURLToPath(new URL('../fixtures/gs1-epcis/JSON/Example_9.6.1-ObjectEvent.jsonld', import.meta.url))

const PRODUCT = {
  gtin: '06901234000115',
  name: { zh: '安吉糯米', en: 'Anji glutinous rice' },
  storage: { minC: 0, maxC: 25 },
  shelfLifeDays: 365,
  companyPrefixLength: 7,
}

const RECALL = {
  ids: ['https://id.gs1.org/01/06901234000283/10/P2605C', 'urn:epc:class:lgtin:6901234.000028.P2605B'],
  reason: '抽检不合格：兽药残留超标 / Failed inspection: veterinary drug residue above limit',
  severity: 'class-i',
}

t.test('each schema has an $id under tracechain.dev, a title and a description', async (t) => {
  for (const name of ['food.product', 'food.recall', 'food.event']) {
    const document = loadSchemas().documents.get(name)
    t.ok(document, name)
    t.equal(document?.$id, `https://tracechain.dev/schemas/${name}.json`)
    t.equal(document?.$schema, 'https://json-schema.org/draft/2020-12/schema')
    t.type(document?.title, 'string')
    t.type(document?.description, 'string')
  }
})

t.test('food.product', async (t) => {
  for (const body of [
    PRODUCT,
    { gtin: '06901234000115', name: 'Anji glutinous rice' },
    { gtin: '06901234000115', name: { zh: '安吉糯米' } },
    { gtin: '06901234000115', name: { en: 'rice' }, storage: { maxC: 4 } },
  ]) {
    t.doesNotThrow(() => validateBody('food.product', body), JSON.stringify(body).slice(0, 60))
  }
  for (const [what, body] of [
    ['a 13-digit GTIN', { ...PRODUCT, gtin: '6901234000115' }],
    ['a GTIN with letters', { ...PRODUCT, gtin: '0690123400011A' }],
    ['no name', { gtin: PRODUCT.gtin }],
    ['an empty name object', { ...PRODUCT, name: {} }],
    ['a name in another language', { ...PRODUCT, name: { fr: 'riz' } }],
    ['an empty storage', { ...PRODUCT, storage: {} }],
    ['a storage temperature as a string', { ...PRODUCT, storage: { minC: '0' } }],
    ['a negative shelf life', { ...PRODUCT, shelfLifeDays: -1 }],
    ['a fractional shelf life', { ...PRODUCT, shelfLifeDays: 1.5 }],
    ['a company prefix of 5', { ...PRODUCT, companyPrefixLength: 5 }],
    ['a company prefix of 13', { ...PRODUCT, companyPrefixLength: 13 }],
    ['an unknown field', { ...PRODUCT, owner: 'farm-anji-01' }],
  ] as const) {
    t.throws(() => validateBody('food.product', body), { code: 'SCHEMA_INVALID' }, what)
  }
})

t.test('food.recall', async (t) => {
  t.doesNotThrow(() => validateBody('food.recall', RECALL))
  for (const severity of ['class-ii', 'class-iii']) t.doesNotThrow(() => validateBody('food.recall', { ...RECALL, severity }))
  for (const [what, body] of [
    ['no ids', { ...RECALL, ids: [] }],
    ['an id that is no URN or URI', { ...RECALL, ids: ['P2605C'] }],
    ['the same id twice', { ...RECALL, ids: [RECALL.ids[0], RECALL.ids[0]] }],
    ['no reason', { ...RECALL, reason: '' }],
    ['an unknown severity', { ...RECALL, severity: 'high' }],
    ['no severity', { ids: RECALL.ids, reason: RECALL.reason }],
    ['an unknown field', { ...RECALL, lots: [] }],
  ] as const) {
    t.throws(() => validateBody('food.recall', body), { code: 'SCHEMA_INVALID' }, what)
  }
})

t.test('food.event lets an event through to the EPCIS check', async (t) => {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8'))
  for (const event of doc.epcisBody.eventList) {
    t.doesNotThrow(() => validateBody('food.event', event))
    t.doesNotThrow(() => validateBody('food.event', { '@context': doc['@context'], ...event }))
  }
  t.throws(() => validateBody('food.event', { eventTime: '2005-04-03T20:33:31.116-06:00' }), { code: 'SCHEMA_INVALID' }, 'no type')
  t.throws(() => validateBody('food.event', [doc.epcisBody.eventList[0]]), { code: 'SCHEMA_INVALID' }, 'not an object')
})
