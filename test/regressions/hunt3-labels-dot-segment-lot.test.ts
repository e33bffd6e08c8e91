// Hunt 3 (labels): GS1 character set 82 allows a lot or serial of "." or "..", and the ledger takes events
// naming one. Before, GET /v1/labels/:id.svg printed such a lot's label, its QR code /01/{gtin}/10/. or
// /10/..: every phone browser removes dot segments from a URL's path (WHATWG URL; RFC 3986 §5.2.4), and does so
// for %2E too, so a shopper scanning the label landed on /01/{gtin}/10/ or /01/{gtin}/, an error page, never
// the lot's. A label must not send a shopper somewhere other than its lot. Now such a label is refused, 400
// IDENTIFIER_INVALID with details.reason DOT_SEGMENT, from the node and from `tracechain label` offline.

import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { encodeDigitalLinkValue } from '../../src/core/digital-link-path.js'
import { makeLabel } from '../../src/cli/label.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { commissioning } from '../helpers/food-events.js'

const GTIN = '06901234001037'

t.test('a label whose URI a phone would rewrite is refused; one it keeps is printed and resolves', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const farm = await node.register('farm-dot', ['farm'])
  await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-dot', body: { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } } }, [farm]))
  const id = (lot?: string, serial?: string) =>
    `https://id.gs1.org/01/${GTIN}${lot !== undefined ? `/10/${encodeDigitalLinkValue(lot)}` : ''}${serial !== undefined ? `/21/${encodeDigitalLinkValue(serial)}` : ''}`
  const refused = [id('.'), id('..'), id(undefined, '.'), id('.', 'S1'), id('L1', '..')]
  const printed = [id('.A'), id('..B'), id('...')]
  for (const each of [...refused, ...printed]) {
    const goods = each.includes('/21/') ? { epcList: [each] } : { quantityList: [{ epcClass: each, quantity: 10, uom: 'KGM' }] }
    await node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-dot', body: commissioning(goods) }, [farm]))
  }
  for (const each of refused) {
    for (const ext of ['svg', 'png']) {
      const label = await app.inject(`/v1/labels/${encodeURIComponent(each)}.${ext}`)
      t.equal(label.statusCode, 400, `${each}.${ext}: no label whose URI a browser rewrites (${label.statusCode === 200 ? new URL(/https:\/\/trace[^#<]*/.exec(label.body)?.[0] ?? 'https://x/').pathname : ''})`)
      t.match(label.statusCode === 400 ? label.json() : {}, { code: 'IDENTIFIER_INVALID', details: { reason: 'DOT_SEGMENT' } }, each)
    }
    await t.rejects(makeLabel({ id: each, baseUrl: 'https://trace.example.cn', logKey: node.ledger.verifierKey }), { code: 'IDENTIFIER_INVALID' }, `${each}: offline too`)
  }
  for (const each of printed) {
    const label = await app.inject(`/v1/labels/${encodeURIComponent(each)}.svg`)
    t.equal(label.statusCode, 200, `${each}: a label`)
    // What a phone's browser makes of the URI the label carries.
    const followed = new URL(/https:\/\/trace\.example\.cn\/01\/[^#<]*#log=[0-9a-f]+/.exec(label.body)?.[0] as string)
    const page = await app.inject({ url: followed.pathname, headers: { accept: 'application/json' } })
    t.equal(page.statusCode, 200, `${each}: ${followed.pathname} resolves`)
    t.equal(page.json().digitalLink, each, `${each}: to its own lot`)
  }
})
