// Master data in an actor's registration (a GS1 postal address and contact point): refused when malformed
// with nothing written, served with the actor, shown on the consumer page as its place instead of a guess
// from its name, and in FSMA 204 location descriptions. And the three CTEs CBV has no business step for
// (harvesting, cooling, first land-based receiving), declared by the event and exported with their KDEs.

import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { toBase64 } from '../../src/core/bytes.js'
import { CTE_EXTENSION_IRI } from '../../src/food/fsma204-columns.js'
import type { Signer } from '../../src/core/keys.js'
import { newSigner, type TestNode } from '../helpers/ledger.js'
import { demoApp } from '../helpers/web.js'
import { parseCsv } from '../helpers/csv.js'

const HTML = { accept: 'text/html' }
const DOCK_LOCATION = 'urn:epc:id:sgln:6901234.00009.0'
const FARM_LOCATION = 'urn:epc:id:sgln:6901234.00008.0'
const PACKER_LOCATION = 'urn:epc:id:sgln:6901234.00007.0'
const HARVEST_LOT = 'urn:epc:class:lgtin:6901234.000090.H-0601'
const FISH_LOT = 'urn:epc:class:lgtin:6901234.000091.F-0602'
const FSMA_CONTEXT = { fsma: CTE_EXTENSION_IRI.replace(/cte$/, '') }

const NORWAY_ADDRESS = {
  streetAddress: 'Bryggen 1',
  addressLocality: { zh: '卑尔根', en: 'Bergen' },
  addressRegion: { zh: '韦斯特兰', en: 'Vestland' },
  postalCode: '5003',
  countryCode: 'NO',
}

async function register(t: Test, node: TestNode, app: FastifyInstance, id: string, extra: Record<string, unknown>, roles = ['farm']) {
  const signer = newSigner()
  const response = await app.inject({
    method: 'POST',
    url: '/v1/statements',
    payload: node.statement({ type: 'actor.register', actor: 'operator', body: { id, name: id, roles, publicKey: toBase64(signer.publicKey), ...extra } }, [node.operator]),
  })
  return { signer, response }
}

t.test('an address and a contact: refused when malformed, nothing written; served with the actor', async (t) => {
  const { node, app } = await demoApp(t)
  const size = node.ledger.size
  const refusals: [string, Record<string, unknown>][] = [
    ['no country', { address: { addressLocality: '杭州' } }],
    ['a country in lower case', { address: { countryCode: 'cn' } }],
    ['a country name', { address: { countryCode: 'China' } }],
    ['a field GS1 does not have', { address: { countryCode: 'CN', village: 'x' } }],
    ['an empty text', { address: { countryCode: 'CN', streetAddress: '' } }],
    ['a text of 201 characters', { address: { countryCode: 'CN', streetAddress: '街'.repeat(201) } }],
    ['a language other than zh and en', { address: { countryCode: 'CN', streetAddress: { fr: 'rue' } } }],
    ['a latitude beyond the pole', { address: { countryCode: 'CN', geo: { latitude: 91, longitude: 0 } } }],
    ['a longitude without latitude', { address: { countryCode: 'CN', geo: { longitude: 120 } } }],
    ['a telephone with letters', { contact: { telephone: '+86 CALL ME' } }],
    ['a telephone with a line break', { contact: { telephone: '+86 571\n0000' } }],
    ['an email without @', { contact: { email: 'office.example' } }],
    ['an empty contact', { contact: {} }],
    ['a contact as text', { contact: '+86 571 0000' }],
  ]
  for (const [what, extra] of refusals) {
    const { response } = await register(t, node, app, `bad-${refusals.findIndex(([w]) => w === what)}`, extra)
    t.equal(response.statusCode, 400, `${what}: ${response.body}`)
    t.equal(response.json().code, 'SCHEMA_INVALID', what)
  }
  t.equal(node.ledger.size, size, 'nothing written')

  const address = { ...NORWAY_ADDRESS, geo: { latitude: 60.397, longitude: 5.324 } }
  const contact = { name: { zh: '出口部', en: 'Export desk' }, telephone: '+47 55 00 00 00', email: 'export@fjord.example' }
  const { response } = await register(t, node, app, 'fjord-salmon', { address, contact, name: { zh: '峡湾三文鱼', en: 'Fjord Salmon' } })
  t.equal(response.statusCode, 201, response.body)
  const served = (await app.inject('/v1/actors/fjord-salmon')).json().actor
  t.same(served.address, address, 'the address as signed')
  t.same(served.contact, contact, 'the contact as signed')
})

t.test('the page shows the place the registration states; without one, the guess from the name', async (t) => {
  const { node, app } = await demoApp(t)
  const farm = await register(t, node, app, 'fjord-salmon', { name: { zh: '峡湾三文鱼（安吉分部）', en: 'Fjord Salmon' }, address: NORWAY_ADDRESS, locations: [FARM_LOCATION] })
  t.equal(farm.response.statusCode, 201, farm.response.body)
  const plain = await register(t, node, app, 'anji-only-by-name', { name: { zh: '安吉竹笋场', en: 'Anji Bamboo' }, address: { countryCode: 'CN' } })
  t.equal(plain.response.statusCode, 201, plain.response.body)
  await postEvent(t, node, app, 'fjord-salmon', farm.signer, commissioning('urn:epc:class:lgtin:6901234.000090.N-1', FARM_LOCATION))
  await postEvent(t, node, app, 'anji-only-by-name', plain.signer, commissioning('urn:epc:class:lgtin:6901234.000091.A-1'))

  const zh = (await app.inject({ url: '/01/06901234000900/10/N-1', headers: HTML })).body
  t.match(zh, /峡湾三文鱼（安吉分部）<\/p><p class="where" data-fact="place"><svg class="pin"><use href="#pin"\/><\/svg>NO · 韦斯特兰 · 卑尔根</, 'the stated address, not 安吉 from the name')
  const en = (await app.inject({ url: '/01/06901234000900/10/N-1?lang=en', headers: HTML })).body
  t.match(en, /data-fact="place"><svg class="pin"><use href="#pin"\/><\/svg>Bergen, Vestland, NO</)
  const guessed = (await app.inject({ url: '/01/06901234000917/10/A-1', headers: HTML })).body
  t.match(guessed, /data-fact="place"><svg class="pin"><use href="#pin"\/><\/svg>浙江 · 湖州 · 安吉</, 'an address with a country alone names no region: the name guess stays')
})

t.test('harvesting, cooling and first land-based receiving, declared by the event, exported with their KDEs', async (t) => {
  const { node, app } = await demoApp(t)
  const farm = await register(t, node, app, 'lettuce-farm', {
    name: { en: 'Green Field Farm' },
    locations: [FARM_LOCATION],
    address: { streetAddress: '3 Field Road', addressLocality: 'Salinas', addressRegion: 'CA', postalCode: '93901', countryCode: 'US' },
    contact: { telephone: '+1 831 555 0100' },
  })
  const packer = await register(t, node, app, 'packer', { name: { en: 'Valley Packhouse' }, locations: [PACKER_LOCATION] }, ['processor'])
  const dock = await register(t, node, app, 'zhoushan-dock', { name: { zh: '舟山渔港', en: 'Zhoushan Fishing Port' }, locations: [DOCK_LOCATION] }, ['processor'])
  for (const actor of [farm, packer, dock]) t.equal(actor.response.statusCode, 201, actor.response.body)
  const toPacker = [{ type: 'location', destination: PACKER_LOCATION }]

  await postEvent(t, node, app, 'lettuce-farm', farm.signer, {
    '@context': [FSMA_CONTEXT],
    ...commissioning(HARVEST_LOT, FARM_LOCATION),
    eventTime: '2026-06-01T06:00:00.000Z',
    destinationList: toPacker,
    'fsma:cte': 'harvesting',
  })
  await postEvent(t, node, app, 'lettuce-farm', farm.signer, {
    '@context': [FSMA_CONTEXT],
    type: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'storing',
    eventTime: '2026-06-01T09:00:00.000Z',
    eventTimeZoneOffset: '-07:00',
    quantityList: [{ epcClass: HARVEST_LOT, quantity: 1200, uom: 'KGM' }],
    readPoint: { id: FARM_LOCATION },
    destinationList: toPacker,
    'fsma:cte': 'cooling',
  })
  await postEvent(t, node, app, 'zhoushan-dock', dock.signer, {
    ...commissioning(FISH_LOT, DOCK_LOCATION),
    bizStep: 'receiving',
    sourceList: [{ type: 'owning_party', source: 'urn:example:vessel:ZDY-01234' }],
    ilmd: { 'cbvmda:harvestStartDate': '2026-05-28', 'cbvmda:harvestEndDate': '2026-05-30' },
    [CTE_EXTENSION_IRI]: 'first_land_based_receiving',
  })

  const sheet = await app.inject('/v1/export/fsma204?from=2026-05-30&to=2026-06-03')
  t.equal(sheet.statusCode, 200)
  const [header, ...records] = parseCsv(sheet.rawPayload.subarray(3).toString('utf8'))
  const rows = records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
  const farmLocation = 'Green Field Farm; tel. +1 831 555 0100; 3 Field Road, Salinas, CA, 93901, US'
  t.match(rows.find((r) => r['Critical Tracking Event'] === 'Harvesting'), {
    'Traceability Lot Code': '(01)06901234000900(10)H-0601',
    'Location Description': farmLocation,
    'Immediate Subsequent Recipient': 'Valley Packhouse',
    'Immediate Subsequent Recipient Reference': PACKER_LOCATION,
    'Harvest Date': '2026-05-31',
    Quantity: '1200',
  })
  t.match(rows.find((r) => r['Critical Tracking Event'] === 'Cooling'), {
    'Location Description': farmLocation,
    'Event Date': '2026-06-01',
    'Immediate Subsequent Recipient': 'Valley Packhouse',
    'Harvest Date': '',
  })
  t.match(rows.find((r) => r['Critical Tracking Event'] === 'First Land-Based Receiving'), {
    'Traceability Lot Code': '(01)06901234000917(10)F-0602',
    'Traceability Lot Code Source': 'Zhoushan Fishing Port (舟山渔港)',
    'Immediate Previous Source': 'urn:example:vessel:ZDY-01234',
    'Harvest Date': '2026-05-28..2026-05-30',
  })
  t.equal(rows.filter((r) => r['Critical Tracking Event'] === 'Initial Packing').length, 0, 'a declared CTE is not also inferred')

  const size = node.ledger.size
  const refused = await app.inject({
    method: 'POST',
    url: '/v1/statements',
    payload: node.statement({ type: 'food.event', actor: 'lettuce-farm', body: { '@context': [FSMA_CONTEXT], ...commissioning(HARVEST_LOT, FARM_LOCATION), 'fsma:cte': 'picking' } }, [farm.signer]),
  })
  t.equal(refused.statusCode, 400, refused.body)
  t.equal(refused.json().code, 'EPCIS_INVALID')
  t.match(refused.json().message, /fsma:cte must be one of harvesting, cooling/)
  t.equal(node.ledger.size, size, 'nothing written')
})

function commissioning(epcClass: string, location?: string): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    action: 'ADD',
    bizStep: 'commissioning',
    eventTime: '2026-06-01T06:00:00.000Z',
    eventTimeZoneOffset: '-07:00',
    quantityList: [{ epcClass, quantity: 1200, uom: 'KGM' }],
    ...(location ? { readPoint: { id: location } } : {}),
  }
}

async function postEvent(t: Test, node: TestNode, app: FastifyInstance, actor: string, signer: Signer, event: Record<string, unknown>) {
  const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor, body: event }, [signer]) })
  t.equal(response.statusCode, 201, `${actor} ${String(event.bizStep)}: ${response.body}`)
}
