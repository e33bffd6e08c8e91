// Corrections end to end (issue 16): a seeded node in its own process; the market declares its sale of lot Z260526A
// erroneous with `tracechain epcis import`, as its own system would send it; another actor's declaration of the
// same event is refused; the consumer page, in Chromium, strikes the sale through with "corrected by" and a link
// to the correction, and still verifies, in zh and en.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import type { Statement } from '../../src/core/statement.js'
import { readKeyFile } from '../../src/cli/key-files.js'
import { checkLazyScriptPinned, haveChromium, launchChromium, lazyScript, openVerifiedPage } from '../helpers/chromium.js'
import { postJson, ROOT, runCli, startNode } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const SALES = join(ROOT, 'examples/epcis/25.market-hz-01.receive.jsonld')
const SALE_ID = 'urn:uuid:6b0a4a52-0d0e-4c51-9d1e-000000000502'
const keyFile = (actor: string) => join(ROOT, 'keys/demo', `${actor}.json`)

interface PageJson {
  events: { seq: number; eventID: string; actor: { id: string }; correctedBy?: number; declares?: number[] }[]
}

if (haveChromium(t)) {
  t.test('a declaration sent as EPCIS by the event signer corrects it; the page strikes it through and verifies', async (t) => {
    const dir = testDir(t)
    const node = await startNode({ dir: join(dir, 'data'), args: ['--seed'] })
    t.teardown(() => node.stop())
    const document = JSON.parse(readFileSync(SALES, 'utf8')) as { epcisBody: { eventList: Record<string, unknown>[] } }
    const sale = document.epcisBody.eventList.find((event) => event.eventID === SALE_ID) as Record<string, unknown>
    const before = (await (await fetch(`${node.url}${lotPath(FINE_LOT)}`, { headers: { accept: 'application/json' } })).json()) as PageJson
    const original = before.events.find((event) => event.eventID === SALE_ID)
    t.ok(original, 'the sale is on the page')

    const declaration = { ...sale, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'did_not_occur' } }
    const attempt = buildStatementEnvelope(
      { type: 'food.event', actor: 'farm-anji-01', id: 'not-mine', issuedAt: new Date().toISOString(), body: { '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], ...declaration } } as Statement,
      [readKeyFile(keyFile('farm-anji-01'))],
    )
    const refused = await postJson<{ code: string }>(`${node.url}/v1/statements`, attempt)
    t.equal(refused.status, 403, "the farm may not correct the market's sale")
    t.equal(refused.body.code, 'CORRECTION_FORBIDDEN')

    const file = join(dir, 'declaration.jsonld')
    writeFileSync(file, JSON.stringify({ ...document, epcisBody: { eventList: [declaration] } }))
    const imported = await runCli(['epcis', 'import', file, '--key', keyFile('market-hz-01'), '--actor', 'market-hz-01', '--url', node.url])
    t.equal(imported.code, 0, imported.stdout + imported.stderr)
    const after = (await (await fetch(`${node.url}${lotPath(FINE_LOT)}`, { headers: { accept: 'application/json' } })).json()) as PageJson
    const declared = after.events.find((event) => event.eventID === SALE_ID && event.seq !== original?.seq)
    t.ok(declared, 'the declaration is served beside the event, under the same eventID')
    t.same(declared?.declares, [original?.seq], 'the JSON says which event it corrected')
    t.equal(after.events.find((event) => event.seq === original?.seq)?.correctedBy, declared?.seq, 'and which declaration corrected the event')

    const { context, page, errors, requests } = await launchChromium(t, 'zh-CN', { console: true })
    for (const [lang, mark] of [['zh', '已更正 · corrected by'], ['en', 'corrected by']] as const) {
      const verdict = await openVerifiedPage(page, `${node.url}${lotPath(FINE_LOT)}?lang=${lang}`)
      t.equal(verdict.state, 'verified', `${lang}: ${verdict.status}`)
      const step = page.locator(`li.step[data-seq="${original?.seq}"]`)
      t.equal(await step.getAttribute('class'), 'step k-sale corrected', `${lang}: the sale is marked corrected`)
      t.equal(await step.locator('.head').evaluate((element) => getComputedStyle(element).textDecorationLine), 'line-through', `${lang}: and struck through`)
      t.equal(await step.locator('[data-fact="correction"] .tag').textContent(), mark)
      t.equal(await step.locator('[data-fact="correction"] a').getAttribute('href'), `/v1/entries/${declared?.seq}`, `${lang}: linked to the correction`)
      t.equal(await page.getAttribute('[data-bound]', 'data-verified'), 'ok', `${lang}: the area with the mark is derived again in the browser`)
    }
    t.same(errors, [])
    const lazy = requests.filter((url) => lazyScript().test(url))
    t.same([...new Set(lazy)].map((url) => lazyScript('gs1').test(url)), [true], "the event hash code, fetched for the correction: the 'gs1' lazy script (web/lazy-code.ts)")

    // The mark is derived, not trusted: a node (or a network) that hides it, or puts one on a step nobody
    // corrected, makes the page fail, naming the step.
    const proxy = await startRewritingProxy(t, node.url)
    const hidden = (html: string) => html.replace(/<p class="correction" data-fact="correction">.*?<\/p>/, '').replace(' corrected"', '"')
    const forged = (html: string) => html.replace(/(<li class="step k-[a-z]+)(" data-seq="(\d+)")/, '$1 corrected$2')
    for (const [name, rewrite] of [['hidden', hidden], ['forged', forged]] as const) {
      proxy.rewrite = (html) => {
        const out = rewrite(html)
        t.not(out, html, `${name}: the rewrite changed the page`)
        return out
      }
      const verdict = await openVerifiedPage(page, `${proxy.url}${lotPath(FINE_LOT)}?lang=en`)
      t.equal(verdict.state, 'failed', `${name}: ${verdict.status}`)
    }

    // The lazy script is pinned as the page's own is: one byte changed on the way, and it does not run.
    await checkLazyScriptPinned(t, context, page, proxy, `${proxy.url}${lotPath(FINE_LOT)}?lang=en`)
  })
}
