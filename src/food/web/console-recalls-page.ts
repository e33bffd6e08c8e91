// The console's Recalls view (GET /console/recalls): first the failed lots no recall covers yet, each with the
// hours since its failed inspection against the three recall deadlines, then each recall, newest first, with what it reached
// downstream (the lots, and the events that named them counted by step and by shop) and the lots still
// moved or sold after it (EVENT_AFTER_RECALL). The counts are the node's reading of its indexes, shown as
// such; the entries each recall rests on, the recall and each movement after it, are a bound area
// (web/alert-entries.ts) the browser verifies.

import type { ActorProfile } from '../../web/bound-view.js'
import { boundAreaOpen } from '../../web/bound-view.js'
import { ALERT_ENTRIES_VIEW, renderAlertEntries } from '../../web/alert-entries.js'
import { renderConsolePage } from '../../web/console-shell.js'
import { escapeHtml, escapeText } from '../../web/html.js'
import { formatTime, halfIn, nameIn, TEXT, type Bilingual, type Lang } from '../../web/i18n.js'
import { hoursSinceFailure } from '../inspection.js'
import { RECALL_START_HOURS } from '../recall-class.js'
import type { AwaitingRecall, RecallSummary } from '../recalls-console.js'
import { SEVERITY } from './provenance-page.js'
import { resolverPathOf } from './search.js'
import { stageOf } from './stages.js'

const WORDS = {
  zh: {
    title: '召回', intro: '检验不合格而尚待召回的批次及其召回时限；每项召回及其影响：召回批次向下游到达的批次、按环节与门店统计的记录，以及召回后仍在流通或销售的批次。',
    none: '账本中没有召回。', verification: '账本核验', reason: '原因', severity: '级别', by: '发布', at: '召回时间',
    reached: (n: number) => `到达下游批次 ${n} 个`, bySteps: '按环节', byShop: '按门店', count: '记录数', step: '环节', shop: '门店',
    noShop: '没有门店的记录。', after: '召回后仍在流通或销售', afterNone: '召回后未见流通或销售记录。', entries: '依据的账本记录（在您的浏览器中核验）',
    counts: '统计由节点的索引得出，未在浏览器中核验。', partial: '统计不完整：已达读取上限，或召回的下游追溯被截断。',
    noScript: '需要启用 JavaScript 才能在本机核验账本记录。', lots: '批次',
    awaiting: '检验不合格，尚待召回',
    awaitingIntro: '召回须在获知风险后 24（一级）、48（二级）、72（三级）小时内启动（《食品召回管理办法》）。级别在召回时才确定，这里按三个时限列出每个批次的剩余时间。',
    awaitingNone: '没有检验不合格而尚未召回的批次。', failedAt: '检验不合格', sample: '样品',
    since: (h: number) => `（已过 ${h} 小时）`, left: (h: number) => `剩 ${h} 小时`, overdue: (h: number) => `已逾期 ${h} 小时`,
    classes: { 'class-i': '一级', 'class-ii': '二级', 'class-iii': '三级' } as Record<string, string>,
    awaitingCounts: '批次与时间由节点的索引得出；所依据的检验记录在您的浏览器中核验。',
  },
  en: {
    title: 'Recalls', intro: 'The lots that failed an inspection and await a recall, against its deadlines; each recall and its reach: the lots downstream of the recalled lot, their events counted by step and by shop, and the lots still moved or sold after it.',
    none: 'No recall in the log.', verification: 'Ledger check', reason: 'Reason', severity: 'Severity', by: 'Issued by', at: 'Recalled',
    reached: (n: number) => `${n} lots reached downstream`, bySteps: 'By step', byShop: 'By shop', count: 'Events', step: 'Step', shop: 'Shop',
    noShop: 'No shop recorded it.', after: 'Moved or sold after the recall', afterNone: 'Nothing moved or sold after the recall.', entries: 'The ledger entries it rests on (verified in your browser)',
    counts: "The counts are the node's reading of its indexes, not verified in your browser.", partial: 'The counts are partial: a reading bound was reached, or the recall\'s walk downstream was cut short.',
    noScript: 'Turn on JavaScript to verify the entries on this device.', lots: 'Lots',
    awaiting: 'Failed inspection, not yet recalled',
    awaitingIntro: "A recall starts within 24 (class I), 48 (class II) or 72 (class III) hours of the risk being known (China's food recall measures). The class is set only by the recall, so each lot's time left is shown against all three.",
    awaitingNone: 'No lot failed an inspection without a recall.', failedAt: 'Failed inspection', sample: 'Sample',
    since: (h: number) => ` (${h} h ago)`, left: (h: number) => `${h} h left`, overdue: (h: number) => `${h} h overdue`,
    classes: { 'class-i': 'Class I', 'class-ii': 'Class II', 'class-iii': 'Class III' } as Record<string, string>,
    awaitingCounts: "The lots and times are the node's reading of its indexes; the inspections they rest on are verified in your browser.",
  },
} as const

const STYLES =
  '.recall-card{border-left:6px solid #c62828}.recall-card h2{font-size:18px}.recall-card h3{margin:12px 0 0}' +
  '.counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:12px;margin:10px 0 0}' +
  '.counts table{font-size:14px}.counts .num{text-align:right}.counts caption{text-align:left;font-weight:700;margin:0 0 4px}' +
  '.reached{display:flex;flex-wrap:wrap;gap:4px 12px;list-style:none;padding:0;margin:6px 0 0;font-size:14px}' +
  '.after{list-style:none;padding:0;margin:6px 0 0}.after>li{background:#fff1f0;border-radius:8px;padding:6px 10px;margin:0 0 6px;font-size:14px}' +
  '.entries{list-style:none;margin:4px 0 0;padding:0;font-size:14px}.entries li{margin:2px 0}' +
  '.recall-card .small{color:#4f5754}' +
  '.awaiting-card{border-left:6px solid #b26a00}.awaiting{list-style:none;padding:0;margin:8px 0 0}.awaiting>li{margin:0 0 10px}' +
  '.clocks{display:flex;flex-wrap:wrap;gap:4px 8px;list-style:none;padding:0;margin:4px 0 0;font-size:14px}' +
  '.clocks li{border-radius:6px;padding:1px 8px;background:#eef3f1}.clocks .late{background:#fde7e5;color:#8c1d18;font-weight:700}'

function lotLink(id: string, label: string, lang: Lang): string {
  const path = resolverPathOf(id)
  return path ? `<a href="${escapeHtml(path)}?lang=${lang}">${escapeHtml(label)}</a>` : `<span class="code">${escapeHtml(id)}</span>`
}

function card(summary: RecallSummary, actors: ReadonlyMap<string, ActorProfile>, lang: Lang): string {
  const w = WORDS[lang]
  const { recall } = summary
  const name = nameIn(summary.product?.name as Bilingual, lang, summary.lot?.gtin ?? recall.id)
  const actorName = (id: string) => escapeHtml(nameIn(actors.get(id)?.name as Bilingual, lang, id))
  const stepName = (step: string) => stageOf({ bizStep: step || null, eventType: 'ObjectEvent', roles: [], productNames: [], hasReadings: false })[lang]
  const rows = (map: Map<string, number>, label: (key: string) => string) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) => `<tr><td>${label(key)}</td><td class="num">${n}</td></tr>`).join('')
  const table = (caption: string, head: string, body: string, empty: string) =>
    `<table><caption>${caption}</caption><thead><tr><th scope="col">${head}</th><th scope="col">${w.count}</th></tr></thead><tbody>${body || `<tr><td colspan="2">${empty}</td></tr>`}</tbody></table>`
  const seqs = [...(summary.entry ? [summary.entry] : []), ...summary.afterRecall.flatMap((a) => a.entries)]
  const unique = [...new Map(seqs.map((e) => [e.seq, e])).values()].sort((a, b) => a.seq - b.seq)
  const signers = [...new Set(unique.map((e) => e.statement.actor))]
  const after = summary.afterRecall.map(({ alert }) => {
    const lots = (alert.ids ?? []).map((id) => lotLink(id, id.split(/[:.]/).pop() ?? id, lang)).join(' ')
    return `<li><time datetime="${escapeHtml(alert.at)}">${escapeHtml(formatTime(alert.at, lang))}</time> · ${lots} · ${alert.seqs.map((s) => `#${s}`).join(' ')}</li>`
  })
  return (
    `<section class="card recall-card" aria-labelledby="recall-${recall.seq}"><h2 id="recall-${recall.seq}">${escapeHtml(name)}${summary.lot?.lot ? ` · <span class="code">${escapeHtml(summary.lot.lot)}</span>` : ''}</h2>` +
    `<dl class="facts"><dt>${w.reason}</dt><dd>${escapeHtml(halfIn(recall.reason, lang))}</dd><dt>${w.severity}</dt><dd>${escapeText(SEVERITY[recall.severity]?.[lang] ?? recall.severity)}</dd>` +
    `<dt>${w.by}</dt><dd>${actorName(recall.by)}</dd><dt>${w.at}</dt><dd><time datetime="${escapeHtml(recall.at)}">${escapeHtml(formatTime(recall.at, lang))}</time></dd></dl>` +
    `<h3>${escapeHtml(w.reached(Math.max(0, summary.reached.length - 1)))}</h3>` +
    `<ul class="reached" aria-label="${w.lots}">${summary.reached.map((o) => `<li>${lotLink(o.id, `${o.lot ?? o.serial ?? o.id}${o.gtin ? ` · ${o.gtin}` : ''}`, lang)}</li>`).join('')}</ul>` +
    `<div class="counts">${table(w.bySteps, w.step, rows(summary.bySteps, (step) => escapeHtml(stepName(step))), '—')}${table(w.byShop, w.shop, rows(summary.byShop, actorName), w.noShop)}</div>` +
    `<p class="small">${w.counts}${summary.partial ? ` ${w.partial}` : ''}</p>` +
    `<h3>${w.after}</h3>` +
    (after.length > 0 ? `<ul class="after">${after.join('')}</ul>` : `<p class="muted">${w.afterNone}</p>`) +
    `<h3>${w.entries}</h3>` +
    `${boundAreaOpen({ view: ALERT_ENTRIES_VIEW, evidence: unique.map((e) => e.seq), actors: signers, params: {} }, 'ol', 'class="entries"')}${renderAlertEntries(unique, actors, lang)}</ol>` +
    `</section>`
  )
}

function awaitingCard(awaiting: readonly AwaitingRecall[], actors: ReadonlyMap<string, ActorProfile>, now: Date, lang: Lang): string {
  const w = WORDS[lang]
  if (awaiting.length === 0) return `<section class="card awaiting-card"><h2>${w.awaiting}</h2><p class="muted">${w.awaitingNone}</p></section>`
  const items = awaiting.map(({ due, lot, product }) => {
    const name = nameIn(product?.name as Bilingual, lang, lot?.gtin ?? due.id)
    const since = Math.floor(hoursSinceFailure(due.recordedAt, now))
    const clocks = Object.entries(RECALL_START_HOURS).map(([severity, hours]) => {
      const left = hours - since
      return `<li${left <= 0 ? ' class="late"' : ''}>${w.classes[severity] ?? severity} ${hours} h · ${left > 0 ? w.left(left) : w.overdue(-left)}</li>`
    })
    return (
      `<li>${lotLink(due.id, `${name} · ${lot?.lot ?? lot?.serial ?? due.id}`, lang)}` +
      ` · ${w.failedAt} <time datetime="${escapeHtml(due.recordedAt)}">${escapeHtml(formatTime(due.recordedAt, lang))}</time>${w.since(since)}` +
      ` · ${w.sample} <span class="code">${escapeHtml(due.sampleId)}</span> · #${due.seq}<ul class="clocks">${clocks.join('')}</ul></li>`
    )
  })
  const entries = [...new Map(awaiting.flatMap(({ entry }) => (entry ? [[entry.seq, entry] as const] : []))).values()].sort((a, b) => a.seq - b.seq)
  const signers = [...new Set(entries.map((e) => e.statement.actor))]
  return (
    `<section class="card awaiting-card" aria-labelledby="awaiting"><h2 id="awaiting">${w.awaiting}</h2><p class="sub">${w.awaitingIntro}</p>` +
    `<ul class="awaiting">${items.join('')}</ul><p class="small">${w.awaitingCounts}</p><h3>${w.entries}</h3>` +
    `${boundAreaOpen({ view: ALERT_ENTRIES_VIEW, evidence: entries.map((e) => e.seq), actors: signers, params: {} }, 'ol', 'class="entries"')}${renderAlertEntries(entries, actors, lang)}</ol>` +
    `</section>`
  )
}

export interface ConsoleRecalls {
  recalls: readonly RecallSummary[]
  awaiting: readonly AwaitingRecall[]
  actors: ReadonlyMap<string, ActorProfile>
  /** the node's time, which the recall clocks are read at */
  now: Date
}

export function renderConsoleRecalls({ recalls, awaiting, actors, now }: ConsoleRecalls, lang: Lang, url: string): string {
  const w = WORDS[lang]
  const body = [
    `<section class="card"><h1>${w.title}</h1><p class="sub">${w.intro}</p></section>`,
    `<section class="card verify"><h2>${w.verification}</h2><p data-verification-status>${escapeHtml(TEXT[lang].pending)}</p><noscript><p class="small">${w.noScript}</p></noscript></section>`,
    awaitingCard(awaiting, actors, now, lang),
    recalls.length > 0 ? recalls.map((summary) => card(summary, actors, lang)).join('') : `<section class="card"><p class="muted">${w.none}</p></section>`,
  ]
  return renderConsolePage({ lang, url, title: w.title, current: 'recalls', mainAttributes: 'data-verification="pending"', body: body.join(''), styles: STYLES })
}
