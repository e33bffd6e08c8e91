// The consumer script holds no GS1 syntax dictionary: it reads the common identifiers alone (food/identifier-forms.ts).
// A lot whose entries name any other identifier (here a returnable crate's GRAI, AI 8003, which the
// market observes with the lot) still verifies in Chromium: the verifier meets the AI, loads the lazy
// script once, pinned by its hash, and derives the page again with it. A copy of that script changed on the
// way fails the page, and says why.

import { join } from 'node:path'
import t from 'tap'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import type { Statement } from '../../src/core/statement.js'
import { readKeyFile } from '../../src/cli/key-files.js'
import { checkLazyScriptPinned, haveChromium, launchChromium, lazyScript, openVerifiedPage } from '../helpers/chromium.js'
import { postJson, ROOT, startNode } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const CRATE = 'urn:epc:id:grai:6901234.00003.CRATE7'

if (haveChromium(t)) {
  t.test('a lot page naming an identifier beyond the common forms (a GRAI) loads the parser on demand and verifies', async (t) => {
    const dir = testDir(t)
    const node = await startNode({ dir: join(dir, 'data'), args: ['--seed'] })
    t.teardown(() => node.stop())
    const { context, page, errors, requests } = await launchChromium(t, 'zh-CN', { console: true })

    const before = await openVerifiedPage(page, `${node.url}${lotPath(FINE_LOT)}?lang=en`)
    t.equal(before.state, 'verified', before.status)
    t.notOk(requests.some((url) => lazyScript().test(url)), 'the demo lot names the common forms only: nothing fetched on demand')

    const body = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'ObjectEvent',
      eventTime: '2026-05-28T10:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'OBSERVE',
      bizStep: 'storing',
      epcList: [CRATE],
      quantityList: [{ epcClass: `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`, quantity: 12, uom: 'KGM' }],
      readPoint: { id: 'urn:epc:id:sgln:6901234.00005.0' },
      bizLocation: { id: 'urn:epc:id:sgln:6901234.00005.0' },
    }
    const statement = { type: 'food.event', actor: 'market-hz-01', id: 'crate-observed', issuedAt: new Date().toISOString(), body } as Statement
    const envelope = buildStatementEnvelope(statement, [readKeyFile(join(ROOT, 'keys/demo/market-hz-01.json'))])
    const posted = await postJson<{ seq: number }>(`${node.url}/v1/statements`, envelope)
    t.equal(posted.status, 201, JSON.stringify(posted.body))
    const lotJson = (await (await fetch(`${node.url}${lotPath(FINE_LOT)}`, { headers: { accept: 'application/json' } })).json()) as { events: { seq: number }[] }
    t.ok(lotJson.events.some((event) => event.seq === posted.body.seq), 'the observation is on the lot page')

    requests.length = 0
    for (const lang of ['en', 'zh']) {
      const verdict = await openVerifiedPage(page, `${node.url}${lotPath(FINE_LOT)}?lang=${lang}`)
      t.equal(verdict.state, 'verified', `${lang}: ${verdict.status}`)
      t.equal(await page.getAttribute('[data-bound]', 'data-verified'), 'ok', `${lang}: the area is derived again in the browser, with the whole dictionary`)
    }
    t.same([...new Set(requests.filter((url) => lazyScript().test(url)))].map((url) => lazyScript('gs1').test(url)), [true], "the 'gs1' lazy script, fetched for the AI, and no other")
    t.same(errors, [])

    // Pinned as the page's own script is: one byte changed on the way, and the page fails, saying why.
    const proxy = await startRewritingProxy(t, node.url)
    await checkLazyScriptPinned(t, context, page, proxy, `${proxy.url}${lotPath(FINE_LOT)}?lang=en`)
  })

  t.test("a lot whose own Digital Link only the whole parser reads (a '.' in the lot) loads it on demand and verifies", async (t) => {
    const dir = testDir(t)
    const node = await startNode({ dir: join(dir, 'data'), args: ['--seed'] })
    t.teardown(() => node.stop())
    const { page, errors, requests } = await launchChromium(t, 'zh-CN', { console: true })
    const body = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'ObjectEvent',
      eventTime: '2026-05-27T09:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.000103.ZZ.1', quantity: 100, uom: 'KGM' }],
      readPoint: { id: 'urn:epc:id:sgln:6901234.00003.0' },
      bizLocation: { id: 'urn:epc:id:sgln:6901234.00003.0' },
    }
    const statement = { type: 'food.event', actor: 'factory-jiaxing-01', id: 'dotted-lot', issuedAt: new Date().toISOString(), body } as Statement
    const posted = await postJson<{ seq: number }>(`${node.url}/v1/statements`, buildStatementEnvelope(statement, [readKeyFile(join(ROOT, 'keys/demo/factory-jiaxing-01.json'))]))
    t.equal(posted.status, 201, JSON.stringify(posted.body))
    for (const lang of ['zh', 'en']) {
      requests.length = 0
      const verdict = await openVerifiedPage(page, `${node.url}/01/${ZONGZI}/10/ZZ.1?lang=${lang}`)
      t.equal(verdict.state, 'verified', `${lang}: ${verdict.status}`)
      t.equal(await page.getAttribute('[data-bound]', 'data-verified'), 'ok', `${lang}: derived again with the whole parser`)
      t.ok(requests.some((url) => lazyScript('gs1').test(url)), `${lang}: the 'gs1' lazy script fetched for the lot's own link`)
    }
    t.same(errors, [])
  })
}
