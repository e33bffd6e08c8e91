// GET /v1/labels/:id.svg and .png: the QR code carries the lot's Digital Link URI on the node's
// public base URL, whichever form of id names the lot.

import t from 'tap'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { decodeQr } from '../helpers/qr.js'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'

const label = (id: string, ext: string, query = '') => `/v1/labels/${encodeURIComponent(id)}.${ext}${query}`

t.test('SVG and PNG labels of a lot, by Digital Link or EPC URN', async (t) => {
  const { app, node } = await demoApp(t, { baseUrl: 'https://trace.example.cn' })
  const keyId = logKeyIdOf(node.ledger.verifierKey)
  t.equal(keyId, node.ledger.verifierKey.split('+')[1], "the key hash of GET /v1/log/key's verifier key")
  const uri = `https://trace.example.cn${lotPath(FINE_LOT)}#log=${keyId}`
  // The label's own URI too, fragment and all: a resolver and the id parser read the Digital Link before '#'.
  for (const id of [`https://id.gs1.org${lotPath(FINE_LOT)}`, `https://any.example${lotPath(FINE_LOT)}`, 'urn:epc:class:lgtin:6901234.000103.Z260526A', uri]) {
    const png = await app.inject(label(id, 'png'))
    t.equal(png.statusCode, 200, id)
    t.equal(png.headers['content-type'], 'image/png')
    t.equal(decodeQr(png.rawPayload), uri, `${id}: the QR code is the lot's URI on the public base, pinned to the log's key`)
  }
  const svg = await app.inject(label('urn:epc:class:lgtin:6901234.000103.Z260526A', 'svg', '?size=screen'))
  t.match(svg.headers['content-type'], /^image\/svg\+xml/)
  t.match(svg.body, /width="320" height="480"/)
  t.match(svg.body, />嘉兴鲜肉粽</)
  t.match(svg.body, />Jiaxing pork zongzi</)
  t.match(svg.body, />Z260526A</)
  t.match(svg.body, />EQKW-2CTH</)
})

t.test('refusals', async (t) => {
  const { app } = await demoApp(t)
  const cases: [string, number, string][] = [
    [label('https://id.gs1.org/01/06901234001036/10/X', 'svg'), 400, 'CHECK_DIGIT_INVALID'],
    [label('urn:epc:id:sscc:6901234.0000000101', 'svg'), 400, 'IDENTIFIER_INVALID'],
    [label('https://id.gs1.org/01/06901234999990/10/X', 'svg'), 404, 'NOT_FOUND'],
    // A registered product, but a lot or item no event names: no label sends a shopper to nothing.
    [label(`https://id.gs1.org/01/${ZONGZI}/10/NEVER-MADE`, 'png'), 404, 'NOT_FOUND'],
    [label(`https://id.gs1.org/01/${ZONGZI}/21/0001`, 'svg'), 404, 'NOT_FOUND'],
    [`/v1/labels/${encodeURIComponent(`https://id.gs1.org${lotPath(FINE_LOT)}`)}.gif`, 404, 'NOT_FOUND'],
    [label(`https://id.gs1.org${lotPath(FINE_LOT)}`, 'svg', '?size=huge'), 400, 'BAD_REQUEST'],
  ]
  for (const [url, status, code] of cases) {
    const response = await app.inject(url)
    t.equal(response.statusCode, status, url)
    t.equal(response.json().code, code, url)
  }
})
