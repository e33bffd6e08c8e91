// GET /search when a lot number names more than one lot (two products made lots of the same number): the
// explorer lists both for a browser, a program gets them as JSON; one match redirects either way.

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { newSigner } from '../helpers/ledger.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
const JSON_ACCEPT = { accept: 'application/json' }
const OTHER_GTIN = '06901234001044'

t.test('a lot number two products share: both listed, as a page and as JSON', async (t) => {
  const { node, app } = await seededDemoApp(t)
  const farm = newSigner()
  await node.ledger.submit(
    node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'farm-y', name: 'farm-y', roles: ['farm'], publicKey: toBase64(farm.publicKey) } }, [node.operator]),
  )
  const submit = (type: string, id: string, body: Record<string, unknown>) => node.ledger.submit(node.statement({ type, actor: 'farm-y', id, body }, [farm]))
  await submit('food.product', 'search-product', { gtin: OTHER_GTIN, name: { zh: '蛋黄粽', en: 'Egg-yolk zongzi' }, shelfLifeDays: 7 })
  await submit('food.event', 'search-lot', {
    '@context': CONTEXT,
    type: 'ObjectEvent',
    eventTime: '2026-05-26T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    quantityList: [{ epcClass: `https://id.gs1.org/01/${OTHER_GTIN}/10/Z260526A`, quantity: 10, uom: 'KGM' }],
  })
  const size = node.ledger.size

  const page = await app.inject({ url: '/search?q=Z260526A&lang=en', headers: HTML })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /\/01\/06901234001037\/10\/Z260526A/)
  t.match(page.body, new RegExp(`/01/${OTHER_GTIN}/10/Z260526A`))

  const json = await app.inject({ url: '/search?q=Z260526A', headers: JSON_ACCEPT })
  t.equal(json.statusCode, 200)
  t.match(json.headers['content-type'], /^application\/json/)
  t.match(json.headers.vary, /\bAccept\b/)
  const body = json.json() as { query: string; lots: { path: string; gtin: string; lot: string }[] }
  t.equal(body.query, 'Z260526A')
  t.same(body.lots.map((lot) => lot.path).sort(), ['/01/06901234001037/10/Z260526A', `/01/${OTHER_GTIN}/10/Z260526A`])

  // Named with its GTIN, one lot: a redirect for a program as for a browser.
  const one = await app.inject({ url: `/search?q=${OTHER_GTIN}%20Z260526A`, headers: JSON_ACCEPT })
  t.equal(one.statusCode, 303)
  t.equal(one.headers.location, `/01/${OTHER_GTIN}/10/Z260526A`)
  t.equal(node.ledger.size, size, 'a search writes nothing')
})
