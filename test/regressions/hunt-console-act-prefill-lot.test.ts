// Hunt (console, acting): `?lot=` fills in the lot of a recall or an inspection from a link. Before, it took any
// text up to 2048 characters, and the recall's field is a three-row textarea read one lot a line: a link whose
// lot was a real one, a run of blank lines and another lot opened a recall form showing the first and hiding the
// second below the fold, and a lot with bidi controls or look-alike spaces showed other than it was. Now `lot` is
// one identifier, a Digital Link or an EPC URN: printable ASCII with no space; anything else is 400 BAD_REQUEST.

import t from 'tap'
import { demoApp, FINE_LOT, ZONGZI } from '../helpers/web.js'

const LOT = `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`
const OTHER = `https://id.gs1.org/01/${ZONGZI}/10/Z260526B`
/** A lot for a test's name, as ASCII: TAP reads U+2028 as a line break. */
const shown = (lot: string) => lot.replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

t.test('?lot= is one identifier; a smuggled second lot or a control character is refused', async (t) => {
  const { app } = await demoApp(t)
  const page = (action: string, lot: string) => app.inject(`/console/act?action=${action}&lot=${encodeURIComponent(lot)}`)
  const fine = await page('recall', LOT)
  t.equal(fine.statusCode, 200)
  t.match(fine.body, `>${LOT}</textarea>`, 'the lot filled in')
  for (const lot of [`${LOT}\n\n\n\n\n\n${OTHER}`, `${LOT}\r${OTHER}`, `${LOT}\u2028${OTHER}`, `${LOT} ${OTHER}`, `urn:epc:class:lgtin:6901234.000103.Z2605\u202e26A`, `${LOT}\u200b`, `${LOT}\u0000`]) {
    for (const action of ['recall', 'inspection']) {
      const response = await page(action, lot)
      t.equal(response.statusCode, 400, `${action}: ${shown(lot)}`)
      t.equal(response.statusCode === 400 ? response.json().code : response.body.slice(0, 40), 'BAD_REQUEST')
    }
  }
})
