// The consumer provenance page at the Digital Link URI: the product, any recall as a red banner,
// the in-browser ledger check, the lot's journey from farm to shop as a timeline, and its inspections.
// Server-rendered HTML with one inline stylesheet. Everything that states a fact is one bound area
// (web/bound-view.ts): /web/verify.js verifies its entries and renders it again from them with
// renderProvenanceArea, so a fact the entries do not make fails the page, named by its data-fact.

import { boundAreaOpen, type BoundArea } from '../../web/bound-view.js'
import { escapeHtml, escapeText, renderShell, withLang } from '../../web/html.js'
import { formatTime, halfIn, nameIn, TEXT, type Bilingual, type Lang } from '../../web/i18n.js'
import { isProductPage } from './provenance-model.js'
import type { ActorView, GoodsLine, InspectionView, ProvenanceView, StepView } from './provenance-view.js'
import { isOutside, renderTemperatureChart } from './temperature-chart.js'

/** The name of the page's bound view (web/bound-view.ts). */
export const PROVENANCE_VIEW = 'food.provenance'

const UNITS: Record<string, { zh: string; en: string }> = {
  KGM: { zh: 'kg', en: 'kg' },
  GRM: { zh: 'g', en: 'g' },
  TNE: { zh: '吨', en: 't' },
  LTR: { zh: '升', en: 'L' },
  EA: { zh: '件', en: 'pcs' },
  H87: { zh: '件', en: 'pcs' },
}

const AFTER_RECALL = {
  sale: { zh: '召回发布后售出', en: 'Sold after the recall was issued' },
  transport: { zh: '召回发布后运输', en: 'Shipped after the recall was issued' },
}

/** The mark of a step an error declaration corrected: the zh page says it in both languages, as it does recalls. */
const CORRECTED_BY = { zh: '已更正 · corrected by', en: 'corrected by' }

function correctionLine(corrected: NonNullable<StepView['corrected']>, lang: Lang): string {
  const name = escapeHtml(nameIn(corrected.by.name, lang, corrected.by.id))
  return `<p class="correction" data-fact="correction"><span class="tag">${CORRECTED_BY[lang]}</span> ${name} · <a href="/v1/entries/${corrected.seq}">${TEXT[lang].ledgerEntry} #${corrected.seq}</a></p>`
}

/** Recall severities (FDA classes) in words; the console's Recalls view shows them too. */
export const SEVERITY: Record<string, { zh: string; en: string }> = {
  'class-i': { zh: '一级召回', en: 'Class I recall' },
  'class-ii': { zh: '二级召回', en: 'Class II recall' },
  'class-iii': { zh: '三级召回', en: 'Class III recall' },
}

function actorLines(actor: ActorView, lang: Lang): string {
  return (
    `<p class="who" data-fact="actor">${escapeHtml(nameIn(actor.name, lang, actor.id))}</p>` +
    // Custody shown as the issue's bilingual mark: the producer's own signature is absent, in both languages.
    (actor.custody ? `<p class="muted" data-fact="custody">由平台代签 · signed by the platform for ${escapeHtml(nameIn(actor.name, 'en', actor.id))}</p>` : '') +
    (actor.region ? `<p class="where" data-fact="place"><svg class="pin"><use href="#pin"/></svg>${escapeText(actor.region[lang])}</p>` : '')
  )
}

function goodsLine(line: GoodsLine, lang: Lang, recalledLot: string | undefined): string {
  const t = TEXT[lang]
  const unit = line.uom ? (UNITS[line.uom]?.[lang] ?? line.uom) : ''
  const parts = [escapeHtml(nameIn(line.name, lang))]
  if (line.lot) parts.push(`${t.lot} <span class="code">${escapeText(line.lot)}</span>`)
  if (line.quantity !== undefined) parts.push(`<span data-fact="quantity">${line.quantity} ${escapeText(unit)}</span>`)
  const bad = recalledLot !== undefined && line.lot === recalledLot
  return `<li data-fact="goods"${bad ? ' class="bad"' : ''}>${line.role === 'output' ? '→ ' : ''}${parts.join(' · ')}${bad ? ` <span class="tag">${t.recalled} ${t.recalledEn}</span>` : ''}</li>`
}

function renderStep(step: StepView, lang: Lang, recalledLot: string | undefined): string {
  const t = TEXT[lang]
  const inputs = step.goods.filter((g) => g.role === 'input')
  const others = step.goods.filter((g) => g.role !== 'input')
  const goods = [
    ...(inputs.length > 0 ? [`<li class="muted">${t.madeFrom}:</li>`, ...inputs.map((g) => goodsLine(g, lang, recalledLot))] : []),
    ...others.map((g) => goodsLine(g, lang, recalledLot)),
  ]
  const destination = step.destination
    ? `<p class="where" data-fact="destination">${t.shippedTo} ${escapeHtml(nameIn(step.destination.name, lang, step.destination.id))}${step.destination.region ? ` · ${escapeText(step.destination.region[lang])}` : ''}</p>`
    : ''
  const dates = [
    step.dates.harvest ? `${{ zh: '采收', en: 'Harvested' }[lang]} ${escapeHtml(formatTime(step.dates.harvest, lang, '+08:00', false))}` : '',
  ].filter(Boolean)
  const certificates =
    step.certificates.length > 0
      ? `<p class="certs" data-fact="certificate">${t.certificates}: ${step.certificates.map((url) => `<a href="${escapeHtml(url)}" rel="noopener nofollow">${t.certificate} ↗</a>`).join(' ')}</p>`
      : ''
  const excursion = (step.sensorAlarms ?? 0) > 0 || step.readings.some((r) => isOutside(r.celsius, step.storage))
  return (
    `<li class="step k-${step.kind}${step.corrected ? ' corrected' : ''}" data-seq="${step.seq}" data-actor="${escapeHtml(step.actor.id)}" data-fact="step">` +
    `<span class="dot"${excursion ? ' style="border-color:#c62828"' : ''}></span>` +
    `<div class="head"><h3 data-fact="stage">${escapeText(step.stage[lang])}</h3><time data-fact="time" datetime="${escapeHtml(step.eventTime)}">${escapeHtml(formatTime(step.eventTime, lang, step.timeZoneOffset))}</time></div>` +
    (step.corrected ? correctionLine(step.corrected, lang) : '') +
    actorLines(step.actor, lang) +
    destination +
    (goods.length > 0 ? `<ul class="goods">${goods.join('')}</ul>` : '') +
    (dates.length > 0 ? `<p class="muted">${dates.join(' · ')}</p>` : '') +
    (step.afterRecall ? `<p class="goods"><span class="tag">${AFTER_RECALL[step.kind === 'sale' ? 'sale' : 'transport'][lang]}</span></p>` : '') +
    lateLine(step.lateDays, lang) +
    (step.readings.length > 0 || step.sensorAlarms ? `<div data-fact="temperature">${renderTemperatureChart(step.readings, step.storage, lang, step.timeZoneOffset, step.sensorAlarms)}</div>` : '') +
    certificates +
    `<p class="entry"><a href="/v1/entries/${step.seq}">${t.ledgerEntry} #${step.seq}</a><span class="tick"></span></p>` +
    `</li>`
  )
}

function measurementText(m: InspectionView['measurements'][number], lang: Lang): string {
  const over = m.limit !== undefined && m.value > m.limit
  const limit = m.limit !== undefined ? ` (${TEXT[lang].limit} ${m.limit} ${m.unit})` : ''
  return `<li data-fact="measurement"${over ? ' class="bad"' : ''}>${escapeHtml(halfIn(m.analyte, lang))}: ${m.value} ${escapeText(m.unit)}${escapeHtml(limit)}</li>`
}

/** One test result; a failed one is marked in red, in words as well as colour. */
/** LATE_RECORD beside an entry: recorded long after it was signed, which is how records are papered over. */
function lateLine(days: number | undefined, lang: Lang): string {
  if (!days) return ''
  const text = { zh: `补录 · 签署 ${days} 天后才记录`, en: `Late record · recorded ${days} days after signing` }[lang]
  return `<p class="goods" data-fact="late"><span class="tag">${text}</span></p>`
}

function renderInspection(inspection: InspectionView, view: ProvenanceView, lang: Lang): string {
  const t = TEXT[lang]
  const failed = inspection.outcome === 'fail'
  const verdict = failed ? `<span class="tag">✗ ${t.inspectionFailed}</span>` : `<span class="pass">✓ ${t.inspectionPassed}</span>`
  const lotName = inspection.self ? nameIn(view.product?.name, lang, view.gtin ? `${t.gtin} ${view.gtin}` : '') : `${t.inspectionOfIngredient}: ${nameIn(inspection.lotName, lang)}`
  return (
    `<li class="step${failed ? ' failed' : ''}" data-seq="${inspection.seq}" data-actor="${escapeHtml(inspection.by.id)}" data-outcome="${inspection.outcome}" data-fact="inspection">` +
    `<span class="dot"${failed ? ' style="border-color:#c62828"' : ''}></span>` +
    `<div class="head"><h3>${verdict} ${escapeHtml(lotName)}${inspection.lot ? ` · <span class="code">${escapeText(inspection.lot)}</span>` : ''}</h3>` +
    `<time datetime="${escapeHtml(inspection.inspectedAt)}">${escapeHtml(formatTime(inspection.inspectedAt, lang, '+08:00'))}</time></div>` +
    actorLines(inspection.by, lang) +
    `<p class="muted">${t.method}: ${escapeText(inspection.method)} · ${t.sample} <span class="code">${escapeText(inspection.sampleId)}</span></p>` +
    (inspection.measurements.length > 0 ? `<ul class="goods">${inspection.measurements.map((m) => measurementText(m, lang)).join('')}</ul>` : '') +
    lateLine(inspection.lateDays, lang) +
    `<p class="certs">${t.report}: ${escapeText(inspection.certificate.name)} · SHA-256 <span class="code">${escapeHtml(inspection.certificate.sha256.slice(0, 16))}…</span></p>` +
    `<p class="entry"><a href="/v1/entries/${inspection.seq}">${t.ledgerEntry} #${inspection.seq}</a><span class="tick"></span></p>` +
    `</li>`
  )
}

function renderInspections(view: ProvenanceView, lang: Lang): string {
  if (view.inspections.length === 0) return ''
  return `<section class="card inspections"><h2>${TEXT[lang].inspections}</h2><ol class="timeline">${view.inspections.map((i) => renderInspection(i, view, lang)).join('')}</ol></section>`
}

function renderRecall(view: ProvenanceView, lang: Lang): string {
  const recall = view.recall
  if (!recall) return ''
  const t = TEXT[lang]
  const severity = SEVERITY[recall.severity]?.[lang] ?? recall.severity
  const lotName = recall.self ? nameIn(view.product?.name, lang, view.gtin ? `${TEXT[lang].gtin} ${view.gtin}` : '') : nameIn(recall.lotName, lang)
  return (
    `<section class="recall" role="alert" data-fact="recall"><h2>${t.recalled} / ${t.recalledEn}</h2>` +
    `<p><strong>${escapeHtml(halfIn(recall.reason, lang))}</strong></p>` +
    (recall.self ? '' : `<p>${{ zh: '本批次使用了被召回的原料。', en: 'This lot was made with a recalled ingredient.' }[lang]}</p>`) +
    `<p>${escapeHtml(t.recallAdvice)}</p><dl>` +
    `<dt>${t.recallOf}</dt><dd>${escapeHtml(lotName)}${recall.lot ? ` · <span class="code">${escapeText(recall.lot)}</span>` : ''}</dd>` +
    `<dt>${t.recallOn}</dt><dd>${escapeHtml(formatTime(recall.at, lang, '+08:00', false))}${signedOn(recall.signedAt, lang)} · ${escapeText(severity)}</dd>` +
    `<dt>${t.recallBy}</dt><dd>${escapeHtml(nameIn(recall.by.name, lang, recall.by.id))}</dd></dl></section>`
  )
}

/** The signer's own date beside the node's, where they are more than a day apart. */
function signedOn(signedAt: string | undefined, lang: Lang): string {
  if (!signedAt) return ''
  const date = escapeHtml(formatTime(signedAt, lang, '+08:00', false))
  return { zh: `（${TEXT.zh.signedOn} ${date}）`, en: ` (${TEXT.en.signedOn} ${date})` }[lang]
}

/** Where it has been, map-free: 安吉 › 金华 › 嘉兴 › 杭州, each with what happened there. */
function renderRoute(view: ProvenanceView, lang: Lang): string {
  if (view.route.length < 2) return ''
  const stops = view.route.map((stop) => `<li><b>${escapeText(stop.place[lang])}</b><small>${escapeText(stop.stage[lang])}</small></li>`)
  return `<ol class="route" data-fact="route" aria-label="${{ zh: '产地与流向', en: 'Where it has been' }[lang]}">${stops.join('')}</ol>`
}

function storageText(storage: { minC?: number; maxC?: number } | undefined): string | undefined {
  if (!storage || (storage.minC === undefined && storage.maxC === undefined)) return undefined
  if (storage.minC !== undefined && storage.maxC !== undefined) return `${storage.minC}–${storage.maxC} °C`
  return storage.maxC !== undefined ? `≤ ${storage.maxC} °C` : `≥ ${storage.minC} °C`
}

/** "Not recalled" is absence, which no inclusion proof shows: say up to which checkpoint, on whose computation. */
function renderNoRecall(view: ProvenanceView, lang: Lang): string {
  if (view.recall || view.empty) return ''
  const operator = nameIn(view.operator.name, lang, view.operator.id)
  const k = view.witnessedBy
  const text = {
    zh: `截至检查点 ${view.checkpointSize}${k ? `（该账本经至少 ${k} 方见证）` : ''}，${operator} 的账本中未见召回。`,
    en: `No recall in ${operator}'s ledger as of checkpoint ${view.checkpointSize}${k ? `, a ledger cosigned by at least ${k} witnesses` : ''}.`,
  }[lang]
  return `<p class="small" data-fact="no-recall">${escapeHtml(text)}</p>`
}

/** The bound area's content: every fact of the page, rendered from the view alone. */
export function renderProvenanceArea(view: ProvenanceView, lang: Lang): string {
  const t = TEXT[lang]
  const product = view.product
  const title = nameIn(product?.name, lang, view.gtin ? `${t.gtin} ${view.gtin}` : view.id)
  const other = lang === 'zh' ? nameIn(product?.name, 'en') : nameIn(product?.name, 'zh')
  const facts: [string, string, string][] = []
  if (view.lot) facts.push(['lot', t.lot, `<span class="code">${escapeText(view.lot)}</span>`])
  if (view.serial) facts.push(['serial', t.serial, `<span class="code">${escapeText(view.serial)}</span>`])
  if (view.traceCode) facts.push(['trace-code', t.traceCode, `<span class="code">${escapeText(view.traceCode)}</span>`])
  if (view.madeOn) facts.push(['made-on', t.madeOn, escapeHtml(formatTime(view.madeOn.time, lang, view.madeOn.offset, false))])
  if (view.bestBefore) facts.push(['best-before', t.bestBefore, escapeHtml(formatTime(view.bestBefore, lang, '+08:00', false))])
  const storage = storageText(product?.storage)
  if (storage) facts.push(['storage', t.storage, escapeHtml(storage)])
  if (view.gtin) facts.push(['gtin', t.gtin, `<span class="code">${escapeHtml(view.gtin)}</span>`])
  const recalledLot = view.recall?.lot
  return [
    renderRecall(view, lang),
    `<section class="card"><p class="pill"><span class="p-pending">${{ zh: '账本核验中…', en: 'Checking the ledger…' }[lang]}</span>` +
      `<span class="p-verified">✓ ${{ zh: '账本已核验', en: 'Ledger verified' }[lang]}</span><span class="p-failed">✗ ${{ zh: '核验失败', en: 'Not verified' }[lang]}</span></p>` +
      `<h1 data-fact="product">${escapeHtml(title)}</h1>${other && other !== title ? `<p class="sub" data-fact="product">${escapeHtml(other)}</p>` : ''}` +
      renderRoute(view, lang) +
      `<dl class="facts">${facts.map(([fact, k, v]) => `<dt>${escapeHtml(k)}</dt><dd data-fact="${fact}">${v}</dd>`).join('')}</dl>` +
      renderNoRecall(view, lang) +
      `</section>`,
    view.empty
      ? isProductPage(view)
        ? `<section class="card"><h2>${t.productOnly}</h2><p class="muted">${t.productOnlyNote}</p></section>`
        : `<section class="card"><h2>${t.unknown}</h2><p class="muted">${t.unknownNote}</p></section>`
      : `<section class="card"><h2>${t.journey}</h2><p class="muted">${t.journeyNote}</p>` +
        (view.truncated ? `<p class="muted" data-truncated>${t.journeyTruncated}</p>` : '') +
        `<ol class="timeline">${view.steps.map((step) => renderStep(step, lang, recalledLot)).join('')}</ol></section>`,
    renderInspections(view, lang),
  ].join('')
}

export interface ProvenancePageOptions {
  lang: Lang
  /** this page's URL (path and query), for the language switch */
  url: string
  /** the label image of this lot (screen size SVG) */
  labelHref?: string
  /** the page's bound area: the entries, actors and claims the view was derived from */
  area: Omit<BoundArea, 'view'>
  /** a recall the node's index holds that the listed entries do not show (the walk to it was cut short):
   *  shown outside the verified area, as the node's report, rather than hidden */
  reportedRecall?: { reason: string; at: string }
  /** the standalone verifier for this lot, and whether it is on an origin the node does not control */
  verifierLink?: { href: string; independent: boolean }
  /** this lot as an offline proof bundle (docs/bundles.md) */
  bundleHref?: string
}

const BUNDLE_LINK = {
  zh: { link: '下载证明', note: '离线核验文件：在独立核验页或用 tracechain verify --bundle 核验，无需联网。' },
  en: { link: 'Download proof', note: 'A file that verifies offline: on the standalone verification page, or with tracechain verify --bundle.' },
}

/** Outside every bound area: a link to the bundle of the entries the area lists. */
function bundleLinkHtml(href: string | undefined, lang: Lang): string {
  if (!href) return ''
  return `<p class="small"><a data-proof-bundle href="${escapeHtml(href)}" download>${BUNDLE_LINK[lang].link} ↓</a> ${escapeHtml(BUNDLE_LINK[lang].note)}</p>`
}

const VERIFIER_LINK = {
  independent: { zh: '在独立站点核验', en: 'Verify on an independent site' },
  own: { zh: '在独立核验页核验（本节点提供的副本）', en: "Check on the standalone verification page (this node's copy)" },
}

/** Outside every bound area: a link, not a fact. Its `#log=` is the node's; the script puts the label's in. */
function verifierLinkHtml(link: ProvenancePageOptions['verifierLink'], lang: Lang): string {
  if (!link) return ''
  return `<p class="small"><a data-independent-verifier href="${escapeHtml(link.href)}" rel="noopener">${VERIFIER_LINK[link.independent ? 'independent' : 'own'][lang]} ↗</a></p>`
}

export function renderProvenancePage(view: ProvenanceView, options: ProvenancePageOptions): string {
  const { lang } = options
  const t = TEXT[lang]
  const title = nameIn(view.product?.name, lang, view.gtin ? `${t.gtin} ${view.gtin}` : view.id)
  const reported = options.reportedRecall
  const body = [
    reported
      ? `<section class="recall" role="alert"><h2>${t.recalled} / ${t.recalledEn}</h2><p><strong>${escapeHtml(halfIn(reported.reason, lang))}</strong></p>` +
        `<p>${escapeHtml(t.recallAdvice)}</p><p class="small">${lang === 'zh' ? '由节点报告：本页列出的记录不足以在浏览器中核验此召回。' : 'Reported by the node: the entries this page lists do not let your browser verify this recall.'}</p></section>`
      : '',
    boundAreaOpen({ view: PROVENANCE_VIEW, ...options.area }) + renderProvenanceArea(view, lang) + '</div>',
    `<section class="card verify"><h2>${t.verification}</h2>` +
      `<p data-verification-status>${escapeHtml(t.pending)}</p><noscript><p class="muted">${t.noScript}</p></noscript>` +
      `<p class="small">${escapeHtml(t.verificationIntro)}</p>${verifierLinkHtml(options.verifierLink, lang)}${bundleLinkHtml(options.bundleHref, lang)}</section>`,
    options.labelHref
      ? // Lazy: the label sits below the journey, and a phone that never scrolls to it need not fetch it.
        `<section class="card label"><img src="${escapeHtml(options.labelHref)}" alt="${escapeHtml(t.label)}" width="96" height="144" loading="lazy">` +
        `<div><h2>${t.label}</h2><p>${t.printLabel}: <a href="${escapeHtml(options.labelHref.replace('size=screen', 'size=print'))}">SVG</a> · <a href="${escapeHtml(options.labelHref.replace('.svg?size=screen', '.png?size=print'))}">PNG</a></p>` +
        `<p class="small">${escapeHtml(view.digitalLink)}</p></div></section>`
      : '',
    `<footer>${escapeHtml(t.footer)} · <a href="${escapeHtml(withLang(options.url, lang).replace(/lang=\w+/, 'format=json'))}">${t.json}</a></footer>`,
  ]
  return renderShell({
    lang,
    title: `${title}${view.lot ? ` · ${view.lot}` : ''} — ${t.title}`,
    switchHref: withLang(options.url, lang === 'zh' ? 'en' : 'zh'),
    switchLabel: t.switchTo,
    homeLabel: lang === 'zh' ? 'tracechain 溯源' : 'tracechain',
    mainAttributes: `data-verification="pending"`,
    body: body.join(''),
    onlyUsedStyles: true,
  })
}

export type { Bilingual }
