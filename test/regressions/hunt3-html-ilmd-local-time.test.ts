// Hunt 3 (html): an ILMD date the consumer page shows was parsed with Date.parse, which reads a date-time with no
// zone ("2026-06-03T20:00:00", an xsd:dateTime CBV allows) as the local time of the machine that reads it. The
// node, in UTC, rendered 保质期至 2026年6月4日 (a day later than signed, and than the day EVENT_AFTER_EXPIRY judges
// by); a phone in China derived 6月3日 from the same entry, so the honest page failed its check ("best before"
// differs). Now the page shows the day the date names, as the node's best-before index reads it, everywhere.

import t, { type Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const GTIN = '06901234001037'
const RAW = 'https://id.gs1.org/01/06901234000115/10/R1'
const LOT = `https://id.gs1.org/01/${GTIN}/10/TZ1`
const PATH = `/01/${GTIN}/10/TZ1`

async function lotNode(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const maker = await node.register('maker', ['farm', 'processor', 'retailer'])
  const post = async (type: string, body: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type, actor: 'maker', body }, [maker]) })
    t.equal(response.statusCode, 201, `${type}: ${response.body.slice(0, 200)}`)
  }
  await post('food.product', { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } })
  await post('food.event', {
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime: '2026-05-18T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    quantityList: [{ epcClass: RAW, quantity: 10, uom: 'KGM' }],
    ilmd: { 'cbvmda:harvestStartDate': '2026-05-18T20:00:00' },
  })
  await post('food.event', {
    '@context': CONTEXT,
    type: 'TransformationEvent',
    eventTime: '2026-06-01T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    bizStep: 'commissioning',
    inputQuantityList: [{ epcClass: RAW, quantity: 10, uom: 'KGM' }],
    outputQuantityList: [{ epcClass: LOT, quantity: 10, uom: 'KGM' }],
    ilmd: { 'cbvmda:bestBeforeDate': '2026-06-03T20:00:00' },
  })
  return { node, app }
}

const saved = process.env.TZ
t.teardown(() => {
  if (saved === undefined) delete process.env.TZ
  else process.env.TZ = saved
})

t.test('the node shows the day the ILMD date names, whatever its own time zone', async (t) => {
  const { app } = await lotNode(t)
  const render = async (zone: string) => {
    process.env.TZ = zone
    const page = await app.inject({ url: PATH, headers: { accept: 'text/html' } })
    t.equal(page.statusCode, 200)
    return page.body
  }
  for (const zone of ['UTC', 'Asia/Shanghai', 'America/Los_Angeles']) {
    const body = await render(zone)
    t.equal(/data-fact="best-before">([^<]*)</.exec(body)?.[1], '2026年6月3日', `best before as signed and as the node judges, in ${zone}`)
    t.equal(/采收 ([^<]*)</.exec(body)?.[1], '2026年5月18日', `harvested as signed, in ${zone}`)
  }
})

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('a phone in China verifies the page a node in UTC rendered', async (t) => {
    process.env.TZ = 'UTC'
    const { app } = await lotNode(t)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const { context, page } = await launchChromium(t)
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Shanghai' })
    const verified = await openVerifiedPage(page, `http://127.0.0.1:${port}${PATH}`)
    t.equal(verified.state, 'verified', verified.status)
  })
}
