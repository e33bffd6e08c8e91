// Labels: the QR code in the rendered PNG decodes (jsQR, an independent decoder) to the exact
// Digital Link URI; sizes, trace codes, escaping and URI building.

import { PNG } from 'pngjs'
import t from 'tap'
import { encodeDigitalLinkValue } from '../../src/core/digital-link-path.js'
import { buildLabelUri, normaliseTraceCode, traceCodeOf, TRACE_CODE_PATTERN } from '../../src/labels/digital-link.js'
import { buildLabelSvg, LABEL_DIMENSIONS, QR_SIDE_MM, type LabelContent } from '../../src/labels/label.js'
import { renderLabelPng } from '../../src/labels/png.js'
import { buildQrMatrix, LABEL_ERROR_CORRECTION, QUIET_ZONE_MODULES } from '../../src/labels/qr.js'
import { decodeQr } from '../helpers/qr.js'

const ZONGZI = { gtin: '06901234001037', lot: 'Z260526A' }
const KEY_ID = '370b113f'

function content(uri: string, extra: Partial<LabelContent> = {}): LabelContent {
  return { uri, productName: { zh: '嘉兴鲜肉粽', en: 'Jiaxing pork zongzi' }, ...ZONGZI, traceCode: traceCodeOf(ZONGZI), ...extra }
}

t.test('Digital Link URIs on the public base, qualifiers in order, values encoded, the log key id in the fragment', async (t) => {
  t.equal(buildLabelUri('https://trace.example.cn', ZONGZI, KEY_ID), 'https://trace.example.cn/01/06901234001037/10/Z260526A#log=370b113f')
  t.equal(buildLabelUri('https://trace.example.cn/', ZONGZI, KEY_ID), 'https://trace.example.cn/01/06901234001037/10/Z260526A#log=370b113f')
  t.equal(buildLabelUri('https://example.cn/food/', { gtin: ZONGZI.gtin, lot: 'A/1', serial: '7' }, KEY_ID), 'https://example.cn/food/01/06901234001037/10/A%2F1/21/7#log=370b113f')
  t.equal(encodeDigitalLinkValue("a'b(c)*!"), 'a%27b%28c%29%2A%21', 'only URI unreserved characters stay as they are, as GS1 encodes them')
  t.throws(() => buildLabelUri('ftp://x', ZONGZI, KEY_ID), RangeError)
  t.throws(() => buildLabelUri('https://x/?q=1', ZONGZI, KEY_ID), RangeError)
  t.throws(() => buildLabelUri('https://x/#log=370b113f', ZONGZI, KEY_ID), RangeError, 'the base brings no fragment of its own')
  t.throws(() => buildLabelUri('https://x', { gtin: '6901234001037' }, KEY_ID), RangeError, 'GTIN-14 only')
  for (const bad of ['', '370B113F', '370b113', '370b113g', 'x'.repeat(8), '0'.repeat(65)]) {
    t.throws(() => buildLabelUri('https://x', ZONGZI, bad), RangeError, `key id ${JSON.stringify(bad)}`)
  }
})

t.test('trace codes: short, stable, typo-tolerant', async (t) => {
  const code = traceCodeOf(ZONGZI)
  t.match(code, TRACE_CODE_PATTERN)
  t.equal(code, 'EQKW-2CTH', 'derived from SHA-256("01/06901234001037/10/Z260526A"): a change here breaks printed labels')
  t.not(traceCodeOf({ ...ZONGZI, lot: 'Z260526B' }), code)
  t.not(traceCodeOf({ ...ZONGZI, serial: '1' }), code)
  t.equal(normaliseTraceCode(' eqkw 2cth '), code)
  t.equal(normaliseTraceCode('EQKW2CTH'), code)
  t.equal(normaliseTraceCode('1OIL-0000'), '1011-0000', 'O reads as 0, I and L as 1')
  t.equal(normaliseTraceCode('EQKW-2CT'), undefined)
  t.equal(normaliseTraceCode('EQKW-2CTU'), undefined, 'U is not in Crockford base32')
})

t.test('QR level Q: a bare lot URI is version 4, with #log= version 5, modules well over 0.33 mm at print size', async (t) => {
  t.equal(LABEL_ERROR_CORRECTION, 'Q')
  const bare = buildQrMatrix('https://trace.example.cn/01/06901234001037/10/Z260526A')
  t.equal(bare.version, 4)
  t.equal(bare.size, 33)
  const moduleMm = (size: number) => QR_SIDE_MM / (size + 2 * QUIET_ZONE_MODULES)
  for (const [uri, version] of [
    ['https://trace.example.cn/01/06901234001037/10/Z260526A#log=370b113f', 5],
    ['http://127.0.0.1:3000/01/06901234001037/10/Z260526A/21/0001#log=370b113f', 5],
    // A longer base with escapes reaches 6: still 0.57 mm.
    ['https://example.cn/food/01/06901234001037/10/A%2F1%3F%25#log=370b113f', 6],
  ] as const) {
    const matrix = buildQrMatrix(uri)
    t.equal(matrix.version, version, uri)
    t.ok(moduleMm(matrix.size) >= 0.5, `${uri}: a module is ${moduleMm(matrix.size).toFixed(2)} mm at 40 x 60 mm`)
  }
  t.equal(moduleMm(37).toFixed(2), '0.62', 'version 5 on the print label')
  t.throws(() => buildQrMatrix('x'.repeat(3000)), RangeError)
})

t.test('the PNG label decodes back to the exact URI, fragment and all, at print and screen size', async (t) => {
  for (const uri of [
    'https://trace.example.cn/01/06901234001037/10/Z260526A#log=370b113f',
    'http://127.0.0.1:3000/01/06901234001037/10/Z260526A/21/0001#log=370b113f',
    'https://example.cn/food/01/06901234001037/10/A%2F1%3F%25#log=370b113f',
    'https://trace.example.cn/01/06901234001037/10/Z260526A',
  ]) {
    for (const size of ['print', 'screen'] as const) {
      const png = renderLabelPng(buildLabelSvg(content(uri), size), size)
      const image = PNG.sync.read(png)
      t.same([image.width, image.height], [LABEL_DIMENSIONS[size].pixelWidth, LABEL_DIMENSIONS[size].pixelHeight], `${size} pixel size`)
      t.equal(decodeQr(png), uri, `${size}: ${uri}`)
    }
  }
})

t.test('print PNGs say 300 dpi; the SVG says 40 x 60 mm', async (t) => {
  const svg = buildLabelSvg(content('https://trace.example.cn/01/06901234001037/10/Z260526A'), 'print')
  t.match(svg, /width="40mm" height="60mm"/)
  const png = renderLabelPng(svg, 'print')
  const at = png.indexOf('pHYs')
  t.ok(at > 0, 'has a pHYs chunk')
  t.equal(png.readUInt32BE(at + 4), 11811, 'pixels per metre at 300 dpi')
  t.equal(png[at + 12], 1, 'unit: metre')
  t.equal(png.indexOf('pHYs'), png.lastIndexOf('pHYs'))
  t.match(buildLabelSvg(content('https://x.cn/01/06901234001037/10/Z'), 'screen'), /width="320" height="480"/)
})

t.test('every text on the label is escaped and present', async (t) => {
  const svg = buildLabelSvg(content('https://x.cn/01/06901234001037/10/A%26B', { productName: { zh: '<粽子&>', en: 'a "b"' }, lot: 'A&B' }))
  t.notMatch(svg, /<粽子/)
  t.match(svg, /&#60;粽子&#38;&#62;/)
  t.match(svg, /a &#34;b&#34;/)
  t.match(svg, />A&#38;B</)
  t.match(svg, />EQKW-2CTH</)
  t.match(svg, /https:\/\/x\.cn\/01\/06901234001037\/10\/A%26B/)
  const unnamed = buildLabelSvg(content('https://x.cn/01/06901234001037', { productName: null, lot: undefined }))
  t.match(unnamed, /GTIN 06901234001037/, 'an offline label without a product shows its GTIN')
})
