// Hunt (labels): a product name is the producer's text, any string the schema takes, and the label is XML.
// Before, a name holding a character XML 1.0 forbids (a C0 control such as U+0001 or U+000B, NUL, U+FFFE,
// U+FFFF) went into the label SVG as it was: GET /v1/labels/:id.svg served a document no
// XML parser reads (a browser shows a parse error, a print pipeline stops), and the PNG form answered 500
// INTERNAL with the renderer's stack in its details. Now such characters are drawn as U+FFFD, the SVG is
// well-formed and the PNG renders; markup in a name stays text.

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const GTIN = '06901234001037'
const LOT = `https://id.gs1.org/01/${GTIN}/10/L1`
/** Characters outside XML 1.0's Char production (W3C XML 1.0 section 2.2). */
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u

t.test('a product name with characters XML forbids still makes a well-formed SVG label and a PNG', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const farm = newSigner()
  await node.ledger.submit(
    node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'farm-x', name: 'farm-x', roles: ['farm', 'processor'], publicKey: toBase64(farm.publicKey) } }, [node.operator]),
  )
  let n = 0
  const submit = (type: string, body: Record<string, unknown>) => node.ledger.submit(node.statement({ type, actor: 'farm-x', id: `label-${++n}`, body }, [farm]))
  const zh = '鲜肉粽\u0001\u000b\u001f<script>alert(1)</script>\uffff'
  const en = 'Pork\u0000 zongzi \ufffe ]]> <?xml'
  t.equal((await submit('food.product', { gtin: GTIN, name: { zh, en } })).created, true, 'the node takes the name: the schema allows any text')
  await submit('food.event', { '@context': CONTEXT, type: 'ObjectEvent', eventTime: '2026-06-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: LOT, quantity: 10, uom: 'KGM' }] })
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(() => app.close())

  const svg = await app.inject(`/v1/labels/${encodeURIComponent(LOT)}.svg`)
  t.equal(svg.statusCode, 200)
  t.notOk(NOT_XML.test(svg.body), `no character XML forbids in the SVG: ${JSON.stringify(NOT_XML.exec(svg.body)?.[0])}`)
  t.notMatch(svg.body, /<script/, 'markup in a name stays text')
  t.match(svg.body, />鲜肉粽\ufffd\ufffd\ufffd&#60;script&#62;alert\(1\)&#60;\/script&#62;\ufffd</)

  for (const size of ['print', 'screen']) {
    const png = await app.inject(`/v1/labels/${encodeURIComponent(LOT)}.png?size=${size}`)
    t.equal(png.statusCode, 200, `the PNG label renders (${size}): ${png.statusCode === 200 ? '' : png.body.slice(0, 200)}`)
    t.equal(png.headers['content-type'], 'image/png')
  }
})
