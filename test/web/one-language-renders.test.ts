// The one-language scripts (web/one-language.ts) render what the server renders, in their language, for
// every branch of the lot page: the provenance view is bundled as the consumer scripts are (each language's
// words alone) and its output compared with the server's own modules'. First for the demo's lots, derived
// from their entries as a browser derives them; then for views made to take each branch the demo does not
// (custody, late and corrected steps, sales after a recall, a broken cold chain, failed inspections, each
// recall class, a truncated or empty page, witnesses). Then the seal pages' area, from the entries each page
// lists, as a browser reads them. A word read in the wrong language shows as a difference.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import t, { type Test } from 'tap'
import { buildProvenance } from '../../src/food/provenance.js'
import { provenanceEvidence } from '../../src/food/http/provenance-evidence.js'
import { provenanceBoundView, provenanceViewFromArea, type ProvenanceParams } from '../../src/food/web/provenance-bound.js'
import type { ProvenanceView } from '../../src/food/web/provenance-view.js'
import { renderProvenanceArea } from '../../src/food/web/provenance-page.js'
import { decodeEnvelope } from '../../src/core/dsse.js'
import { parseStatementPayload } from '../../src/core/statement.js'
import { sealView } from '../../src/seal/web/seal-view.js'
import { actorProfile, type ActorProfile, type BoundViewInput } from '../../src/web/bound-view.js'
import type { Lang } from '../../src/web/i18n.js'
import { oneLanguage } from '../../src/web/one-language.js'
import { areasOf } from '../helpers/bound-areas.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { ZONGZI } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

interface Renderers {
  renderProvenanceArea: typeof renderProvenanceArea
  provenanceBoundView: typeof provenanceBoundView
  sealView: typeof sealView
}

const SOURCE = new URL('../../src/', import.meta.url).pathname

/** The provenance view's modules as the `lang` script carries them, bundled for Node. */
async function oneLanguageRenderers(t: Test, lang: Lang): Promise<Renderers> {
  const result = await build({
    stdin: {
      contents: [
        "export { renderProvenanceArea } from './food/web/provenance-page.js'",
        "export { provenanceBoundView } from './food/web/provenance-bound.js'",
        "export { sealView } from './seal/web/seal-view.js'",
      ].join('\n'),
      resolveDir: SOURCE,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
    define: { __TRACECHAIN_PAGE_LANG__: JSON.stringify(lang) },
    plugins: [oneLanguage(lang)],
  })
  const file = join(testDir(t), `provenance-${lang}.mjs`)
  writeFileSync(file, result.outputFiles[0].text)
  return (await import(pathToFileURL(file).href)) as Renderers
}

const LOTS = ['Z260526A', 'Z260526B', 'R2605A', 'P2605B']

t.test("each language's script renders the demo's lot pages and every branch of the view as the server does", async (t) => {
  const { node } = await seededDemoApp(t)
  const scripts = { zh: await oneLanguageRenderers(t, 'zh'), en: await oneLanguageRenderers(t, 'en') }
  t.notOk(scripts.zh.renderProvenanceArea === renderProvenanceArea, 'the bundles are modules of their own')

  const inputs: { name: string; input: Omit<BoundViewInput, 'lang'> }[] = []
  for (const lot of LOTS) {
    const gtin = lot.startsWith('Z') ? ZONGZI : undefined
    const link = gtin ? `https://id.gs1.org/01/${gtin}/10/${lot}` : undefined
    const subject = link ?? (await lotLinkNamed(node.ledger, lot))
    const provenance = await buildProvenance(node.ledger, subject)
    const { input } = await provenanceEvidence(node.ledger, provenance, provenance.digitalLink)
    const params: ProvenanceParams = { path: new URL(provenance.digitalLink).pathname, subject: input.subject, asOf: String(input.asOf), operator: input.operator }
    inputs.push({ name: lot, input: { entries: input.entries, actors: input.actors, params: { ...params } } })
  }
  t.ok(inputs.every(({ input }) => input.entries.length > 0), 'each lot has entries')

  // The whole bound view, derived from the entries in the script's language, as a browser does.
  for (const { name, input } of inputs) {
    for (const lang of ['zh', 'en'] as const) {
      t.equal(scripts[lang].provenanceBoundView.render({ ...input, lang }), provenanceBoundView.render({ ...input, lang }), `${name}, ${lang}: derived and rendered alike`)
    }
  }

  // The rendering of views made to take the branches the demo's lots do not.
  const views = inputs.map(({ input }) => provenanceViewFromArea(input))
  let compared = 0
  for (const view of views) {
    for (const [variant, changed] of variants(view)) {
      for (const lang of ['zh', 'en'] as const) {
        const expected = renderProvenanceArea(changed, lang)
        if (scripts[lang].renderProvenanceArea(changed, lang) !== expected) t.fail(`${view.lot} ${variant}, ${lang}: renders differently`)
        compared++
      }
    }
  }
  t.ok(compared >= 100, `${compared} renderings alike`)
})

/** The Digital Link of the demo lot whose lot number is `lot` (the ingredients' GTINs are the demo's to know). */
async function lotLinkNamed(ledger: Parameters<typeof buildProvenance>[0], lot: string): Promise<string> {
  for (const gtin of ['06901234000115', '06901234000283']) {
    const link = `https://id.gs1.org/01/${gtin}/10/${lot}`
    if (!(await buildProvenance(ledger, link)).events.length) continue
    return link
  }
  throw new Error(`no demo lot ${lot}`)
}

function variants(view: ProvenanceView): [string, ProvenanceView][] {
  const operator = view.operator
  const steps = view.steps
  const withReadings = (step: ProvenanceView['steps'][number], values: number[]) => ({
    ...step,
    storage: { minC: 0, maxC: 4 },
    readings: values.map((celsius, i) => ({ time: new Date(Date.parse(step.eventTime) + i * 3_600_000).toISOString(), celsius })),
  })
  const failedInspection: ProvenanceView['inspections'][number] = {
    seq: 40,
    by: { id: 'regulator-hz', name: { zh: '杭州市场监管', en: 'Hangzhou market regulator' }, custody: true },
    lotName: { zh: '猪肉', en: 'Pork' },
    lot: 'P2605B',
    self: false,
    sampleId: 'S-1',
    method: 'GB 31650',
    outcome: 'fail',
    measurements: [
      { analyte: '克伦特罗 / clenbuterol', value: 0.8, unit: 'µg/kg', limit: 0.5 },
      { analyte: 'lead', value: 0.01, unit: 'mg/kg' },
    ],
    certificate: { name: 'report.pdf', sha256: 'ab'.repeat(32) },
    inspectedAt: '2026-05-27T02:00:00.000Z',
    lateDays: 4,
  }
  const recall = (severity: string, self: boolean): NonNullable<ProvenanceView['recall']> => ({
    reason: '兽药残留超标 / veterinary drug residue over the limit',
    at: '2026-05-28T02:00:00.000Z',
    signedAt: '2026-05-20T02:00:00.000Z',
    severity,
    lotName: { zh: '猪肉', en: 'Pork' },
    lot: 'P2605B',
    self,
    by: operator,
  })
  return [
    ['as derived', view],
    ['every actor in the platform\'s custody', { ...view, steps: steps.map((step) => ({ ...step, actor: { ...step.actor, custody: true } })) }],
    ['late, corrected steps sold and shipped after a recall', { ...view, steps: steps.map((step, i) => ({ ...step, lateDays: i + 2, corrected: { by: operator, seq: 50 + i }, afterRecall: true })) }],
    ['a broken cold chain', { ...view, steps: steps.map((step) => withReadings(step, [2.5, 9.5, 3.1])) }],
    ['a cold chain kept', { ...view, steps: steps.map((step) => withReadings(step, [1.2, 3.9])) }],
    ['failed and passed inspections', { ...view, inspections: [...view.inspections, failedInspection, { ...failedInspection, outcome: 'pass', self: true, lateDays: undefined, measurements: [] }] }],
    ...(['class-i', 'class-ii', 'class-iii', 'other'] as const).flatMap((severity): [string, ProvenanceView][] => [
      [`a ${severity} recall of an ingredient`, { ...view, recall: recall(severity, false) }],
      [`a ${severity} recall of the lot itself`, { ...view, recall: recall(severity, true) }],
    ]),
    ['truncated and witnessed', { ...view, truncated: true, witnessedBy: 2 }],
    ['no product', { ...view, product: null }],
    ['no dates', { ...view, bestBefore: undefined, madeOn: undefined }],
    ['unknown to the ledger', { ...view, empty: true, steps: [], inspections: [], route: [] }],
  ]
}

t.test("each language's script renders the demo's seal pages as the server does", async (t) => {
  const { node, app } = await seededDemoApp(t)
  const scripts = { zh: await oneLanguageRenderers(t, 'zh'), en: await oneLanguageRenderers(t, 'en') }
  const actors = new Map<string, ActorProfile>(node.ledger.actors.all().map((record) => [record.id, actorProfile(record)]))
  const { seals } = (await app.inject('/v1/seals')).json() as { seals: { sealId: string }[] }
  t.ok(seals.length > 0, `${seals.length} seals`)
  let compared = 0
  for (const { sealId } of seals) {
    for (const lang of ['zh', 'en'] as const) {
      const html = (await app.inject({ url: `/seals/${encodeURIComponent(sealId)}?lang=${lang}`, headers: { accept: 'text/html' } })).body
      const [area] = areasOf(html).areas
      const entries = []
      for (const seq of area.evidence) {
        const { entry } = await node.ledger.getEntry(seq)
        entries.push({ seq, recordedAt: entry.recordedAt, statement: parseStatementPayload(decodeEnvelope(entry.envelope).payload) })
      }
      const input = { lang, entries, actors, params: area.params }
      const served = sealView.render(input)
      t.ok(served.length > 2000 && html.includes(served.slice(0, 200)), `${sealId}, ${lang}: the server's own rendering, as the page has it`)
      t.equal(scripts[lang].sealView.render(input), served, `${sealId}, ${lang}: rendered alike`)
      compared++
    }
  }
  t.ok(compared >= 2)
})
