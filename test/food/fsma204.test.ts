// GET /v1/export/fsma204: the FDA FSMA 204 sortable spreadsheet of the zongzi scenario, row by row,
// filtered by lot (with everything trace links to it) and by date, and bad input refused with codes.

import t, { type Test } from 'tap'
import { formatCsvRow } from '../../src/food/csv.js'
import { FSMA204_COLUMNS } from '../../src/food/fsma204-columns.js'
import { localDateOf } from '../../src/food/fsma204-filter.js'
import { parseCsv } from '../helpers/csv.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const RICE_LOT = '(01)06901234000115(10)R2605A'
const PORK_B = '(01)06901234000283(10)P2605B'
const PORK_C = '(01)06901234000283(10)P2605C'
const ZONGZI_A = '(01)06901234001037(10)Z260526A'
const ZONGZI_B = '(01)06901234001037(10)Z260526B'
const ANJI = 'Anji Rice Cooperative (安吉稻米合作社)'
const JINHUA = 'Jinhua Pig Farm (金华两头乌养殖场)'
const FACTORY = 'Jiaxing Zongzi Factory (嘉兴粽子食品厂)'
const MARKET = 'Hangzhou West Lake Supermarket (杭州西湖生鲜超市)'
// Location descriptions (21 CFR 1.1310) of the demo actors that registered an address and a phone.
const ANJI_LOCATION = `${ANJI}; tel. +86 572 5000 001; 18 Hengshanwu Village, Dipu Subdistrict, Anji, Huzhou, Zhejiang, 313300, CN; 30.638,119.681`
const FACTORY_LOCATION = `${FACTORY}; tel. +86 573 8000 003`
const MARKET_LOCATION = `${MARKET}; tel. +86 571 8800 005; 90 Wensan Road, Xihu District, Hangzhou, Zhejiang, 310012, CN`

type Row = Record<(typeof FSMA204_COLUMNS)[number], string>

async function demoApp(t: Test) {
  const { node, app } = await seededDemoApp(t)
  const sheet = async (search = '') => {
    const response = await app.inject(`/v1/export/fsma204${search ? `?${search}` : ''}`)
    t.equal(response.statusCode, 200, search)
    t.equal(response.headers['content-type'], 'text/csv; charset=utf-8; header=present')
    t.match(response.headers['content-disposition'], /attachment; filename="fsma204\.csv"/)
    const bytes = response.rawPayload
    t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark')
    const [header, ...records] = parseCsv(bytes.subarray(3).toString('utf8'))
    t.same(header, [...FSMA204_COLUMNS])
    for (const record of records) t.equal(record.length, header.length)
    const rows = records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])) as Row)
    return { rows, text: bytes.toString('utf8') }
  }
  return { node, app, sheet }
}

const summary = (rows: Row[]) => rows.map((r) => `${r['Critical Tracking Event']} ${r['Traceability Lot Code']}${r['Transformation Role'] ? ` ${r['Transformation Role']}` : ''}`)

t.test('the whole scenario: one row per lot in each CTE, the TLC first, every row provable', async (t) => {
  const { node, sheet } = await demoApp(t)
  const { rows } = await sheet()
  t.equal(FSMA204_COLUMNS[0], 'Traceability Lot Code')
  t.same(summary(rows), [
    `Initial Packing ${RICE_LOT}`,
    `Shipping ${RICE_LOT}`,
    `Initial Packing ${PORK_B}`,
    `Initial Packing ${PORK_C}`,
    `Shipping ${PORK_B}`,
    `Shipping ${PORK_C}`,
    `Receiving ${RICE_LOT}`,
    `Receiving ${PORK_B}`,
    `Receiving ${PORK_C}`,
    `Transformation ${RICE_LOT} input`,
    `Transformation ${PORK_B} input`,
    `Transformation ${ZONGZI_A} output`,
    `Transformation ${RICE_LOT} input`,
    `Transformation ${PORK_C} input`,
    `Transformation ${ZONGZI_B} output`,
    `Shipping ${ZONGZI_A}`,
    `Shipping ${ZONGZI_B}`,
    `Receiving ${ZONGZI_A}`,
    `Receiving ${ZONGZI_B}`,
  ])

  const [harvest, riceShipping] = rows
  t.match(harvest, {
    'Traceability Lot Code Source': ANJI,
    'Traceability Lot Code Source Reference': 'urn:epc:id:sgln:6901234.00001.0',
    'Product Description': 'Anji glutinous rice (安吉糯米) (GTIN 06901234000115)',
    Quantity: '2000',
    'Unit of Measure': 'KGM',
    'Event Date': '2026-05-20',
    'Event Time (UTC)': '2026-05-20T00:00:00.000Z',
    'Location Description': ANJI_LOCATION,
    'Harvest Date': '2026-05-18',
    'EPCIS Event': 'ObjectEvent commissioning',
    'Event ID': 'urn:uuid:6b0a4a52-0d0e-4c51-9d1e-000000000101',
  })
  t.match(riceShipping, {
    Quantity: '600',
    'Location Description': ANJI,
    'Immediate Subsequent Recipient': FACTORY,
    'Immediate Subsequent Recipient Reference': 'urn:epc:id:sgln:6901234.00003.0',
    'Immediate Previous Source': '',
    'Reference Document Type': 'Despatch Advice (ASN)',
    'Reference Document Number': 'urn:epcglobal:cbv:bt:6901234000001:DESADV-2605-17',
  })
  const received = rows.filter((r) => r['Critical Tracking Event'] === 'Receiving')
  t.same(
    received.map((r) => [r['Traceability Lot Code'], r['Immediate Previous Source'], r['Location Description'], r.Container]),
    [
      [RICE_LOT, ANJI_LOCATION, FACTORY_LOCATION, ''],
      [PORK_B, JINHUA, FACTORY_LOCATION, ''],
      [PORK_C, JINHUA, FACTORY_LOCATION, ''],
      [ZONGZI_A, FACTORY_LOCATION, MARKET_LOCATION, 'urn:epc:id:sscc:6901234.0000000101'],
      [ZONGZI_B, FACTORY_LOCATION, MARKET_LOCATION, 'urn:epc:id:sscc:6901234.0000000102'],
    ],
    'the previous source of each lot is where that lot was shipped from',
  )
  const made = rows.find((r) => r['Traceability Lot Code'] === ZONGZI_A && r['Critical Tracking Event'] === 'Transformation') as Row
  t.match(made, {
    Quantity: '400',
    'Traceability Lot Code Source': FACTORY,
    'Linked Traceability Lot Codes': `${RICE_LOT}; ${PORK_B}`,
    'Reference Document Type': 'Production Record',
    'Reference Document Number': 'urn:epc:id:gdti:6901234.00001.ZZ-260526-1',
    'Event Date': '2026-05-26',
  })
  const palletShipping = rows.filter((r) => r['Critical Tracking Event'] === 'Shipping' && r['Traceability Lot Code'].startsWith('(01)06901234001037'))
  t.same(
    palletShipping.map((r) => [r.Quantity, r['Unit of Measure'], r['Immediate Subsequent Recipient'], r['Reference Document Type'], r['Reference Document Number']]),
    [
      ['400', 'KGM', MARKET_LOCATION, 'Purchase Order', 'urn:epcglobal:cbv:bt:6901234000005:PO-HZ-8812'],
      ['330', 'KGM', MARKET_LOCATION, 'Purchase Order', 'urn:epcglobal:cbv:bt:6901234000005:PO-HZ-8812'],
    ],
    'a shipped pallet is opened to the lots packed on it',
  )
  for (const row of rows) {
    const { leafHash } = await node.ledger.getEntry(Number(row['Entry Seq']))
    t.equal(row['Leaf Hash'], leafHash, `row of seq ${row['Entry Seq']} names its entry's leaf hash`)
    t.equal(row['Event Date'], localDateOf(row['Event Time (UTC)'], '+08:00'))
  }
})

t.test('lot: the lot and every lot trace links to it, in any identifier form', async (t) => {
  const { sheet } = await demoApp(t)
  const rice = await sheet(`lot=${encodeURIComponent(RICE_LOT)}`)
  t.same(summary(rice.rows), [
    `Initial Packing ${RICE_LOT}`,
    `Shipping ${RICE_LOT}`,
    `Receiving ${RICE_LOT}`,
    `Transformation ${RICE_LOT} input`,
    `Transformation ${ZONGZI_A} output`,
    `Transformation ${RICE_LOT} input`,
    `Transformation ${ZONGZI_B} output`,
    `Shipping ${ZONGZI_A}`,
    `Shipping ${ZONGZI_B}`,
    `Receiving ${ZONGZI_A}`,
    `Receiving ${ZONGZI_B}`,
  ])
  for (const form of ['https://id.gs1.org/01/06901234000115/10/R2605A', 'urn:epc:class:lgtin:6901234.000011.R2605A']) {
    t.equal((await sheet(`lot=${encodeURIComponent(form)}`)).text, rice.text, form)
  }
  const pork = await sheet(`lot=${encodeURIComponent(PORK_C)}`)
  t.same(summary(pork.rows), [
    `Initial Packing ${PORK_C}`,
    `Shipping ${PORK_C}`,
    `Receiving ${PORK_C}`,
    `Transformation ${PORK_C} input`,
    `Transformation ${ZONGZI_B} output`,
    `Shipping ${ZONGZI_B}`,
    `Receiving ${ZONGZI_B}`,
  ])
  const zongzi = await sheet(`lot=${encodeURIComponent(ZONGZI_A)}`)
  t.same(new Set(zongzi.rows.map((r) => r['Traceability Lot Code'])), new Set([ZONGZI_A, RICE_LOT, PORK_B]), 'backward to its farms too')
})

t.test('from and to: dates in the event\'s own zone, or instants', async (t) => {
  const { sheet } = await demoApp(t)
  const day = await sheet('from=2026-05-26&to=2026-05-26')
  t.same(summary(day.rows).map((s) => s.split(' ')[0]), ['Transformation', 'Transformation', 'Transformation', 'Transformation', 'Transformation', 'Transformation'])
  t.ok(day.rows.every((r) => r['Event Date'] === '2026-05-26'))
  const from27 = await sheet('from=2026-05-27')
  t.same(summary(from27.rows), [`Shipping ${ZONGZI_A}`, `Shipping ${ZONGZI_B}`, `Receiving ${ZONGZI_A}`, `Receiving ${ZONGZI_B}`])
  const instants = await sheet(`from=${encodeURIComponent('2026-05-26T00:00:00Z')}&to=${encodeURIComponent('2026-05-27T00:00:00.000Z')}`)
  t.equal(instants.rows.length, 8, 'both transformations and the pallet shipment at 23:00Z')
  const both = await sheet(`lot=${encodeURIComponent(PORK_C)}&to=2026-05-25`)
  t.same(summary(both.rows), [`Initial Packing ${PORK_C}`, `Shipping ${PORK_C}`, `Receiving ${PORK_C}`])
  const none = await sheet('from=2027-01-01')
  t.same(none.rows, [])
})

t.test('CSV cells: RFC 4180 quoting, and formulas kept as text', async (t) => {
  t.equal(formatCsvRow(['plain', 'a,b', 'say "hi"', 'two\r\nlines', ' padded', '=HYPERLINK("x")', '-1', 12.5, 7]), `plain,"a,b","say ""hi""","two\r\nlines"," padded","'=HYPERLINK(""x"")",'-1,12.5,7\r\n`)
  t.same(parseCsv(formatCsvRow(['粽子', 'x,y', '"q"'])), [['粽子', 'x,y', '"q"']])
})

t.test('bad input: 4xx with a code', async (t) => {
  const { app } = await demoApp(t)
  for (const [search, status, code] of [
    ['lot=not-a-lot', 400, 'IDENTIFIER_INVALID'],
    [`lot=${encodeURIComponent('(01)06901234000116(10)R2605A')}`, 400, 'CHECK_DIGIT_INVALID'],
    [`lot=${encodeURIComponent('(01)06901234000115(10)NOPE')}`, 404, 'NOT_FOUND'],
    ['from=yesterday', 400, 'BAD_REQUEST'],
    ['from=2026-02-30', 400, 'BAD_REQUEST'],
    ['to=2026-05-27T10:00:00', 400, 'BAD_REQUEST'],
    ['from=2026-05-28&to=2026-05-27', 400, 'BAD_REQUEST'],
    ['lot=a&lot=b', 400, 'BAD_REQUEST'],
    ['format=xlsx', 400, 'BAD_REQUEST'],
  ] as const) {
    const response = await app.inject(`/v1/export/fsma204?${search}`)
    t.equal(response.statusCode, status, search)
    t.equal(response.json().code, code, search)
  }
})
