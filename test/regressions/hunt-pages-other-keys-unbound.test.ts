// Hunt (pages): the resolver serves the consumer provenance page at every GS1 primary key's path (a pallet's
// SSCC at /00/…, a GRAI at /8003/…), each with its bound area, but the page script required that area only at
// /01/…. A proxy that stripped the area's marking from a pallet's page could then rewrite any of its facts (a
// place, a temperature, "no recall") and the page still said "verified". Now every resolver page (a path whose
// first segment is a GS1 application identifier) must carry its provenance area.

import t from 'tap'
import { normaliseHashIdentifier } from '../../src/core/epcis-hash-identifiers.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { seededDemoBehindProxy } from '../helpers/demo-app.js'

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test("a pallet's page without its bound area does not verify", async (t) => {
    const proxy = await seededDemoBehindProxy(t)
    const { page } = await launchChromium(t)
    // The demo's first pallet, as the resolver serves it.
    const pallet = `${proxy.url}${new URL(normaliseHashIdentifier('urn:epc:id:sscc:6901234.0000000101') ?? '').pathname}`
    const served = await (await fetch(pallet, { headers: { accept: 'text/html' } })).text()
    t.match(served, 'data-bound="food.provenance"', "the pallet's page carries its provenance area")
    t.equal((await openVerifiedPage(page, pallet)).state, 'verified', 'untouched, it verifies')

    proxy.rewrite = (html) => html.replace('data-bound="food.provenance"', 'data-unbound="food.provenance"').replaceAll('浙江 · 湖州 · 安吉', '浙江 · 嘉兴 · 南湖')
    const stripped = await openVerifiedPage(page, pallet)
    t.equal(stripped.state, 'failed', `its area unmarked and a place rewritten: ${stripped.status}`)
    t.match(stripped.status, /the page has no "food.provenance" area/)
  })
}
