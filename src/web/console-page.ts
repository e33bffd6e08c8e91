// The regulators' and inspectors' console at GET /console: every alert, food and seal, filtered by a GET
// form that works without script, counted per kind over time in a server-drawn chart, newest first, each
// linking to the entries, lots, seals and applications it names. The entries each alert points at are
// verified in the browser (alert-entries.ts); new alerts arrive without a reload (console-live.ts, from
// GET /v1/alerts/stream). Chinese first, English with ?lang=en.

import type { ActorProfile } from './bound-view.js'
import { renderAlertChart, type AlertChart } from './alert-chart.js'
import { renderAlertCard, type ConsoleAlert } from './alert-list.js'
import { ALERT_KINDS, type AlertFamily } from './alert-words.js'
import { renderConsolePage } from './console-shell.js'
import { escapeHtml } from './html.js'
import { TEXT, type Lang } from './i18n.js'
import type { WebhookStatus } from '../publish/webhooks.js'
import { renderWebhookSection, WEBHOOK_STYLES } from './webhook-status.js'

/** The console's form, as the reader filled it (each '' when not set). */
export interface ConsoleFilter {
  kind: string
  org: string
  seal: string
  lot: string
  /** local dates, YYYY-MM-DD */
  from: string
  to: string
}

export interface ConsoleView {
  filter: ConsoleFilter
  /** present when the lot filter's lot has more serialised items than it reads: how many it read */
  lotCutAtItems?: number
  alerts: readonly ConsoleAlert[]
  actors: ReadonlyMap<string, ActorProfile>
  chart: AlertChart
  /** the most alerts the chart counts */
  chartLimit: number
  /** the days the chart covers up to today when the reader chose no dates */
  chartDays?: number
  /** organisations for the form: id and a name to know it by */
  orgs: readonly { id: string; name: string }[]
  /** the page of older alerts, if any; set when this is not the newest page */
  olderToken?: string
  newest: boolean
  /** where the browser listens for new alerts and fetches their cards; absent when none can appear here */
  live?: { stream: string; rows: string }
  /** the node's webhooks and their delivery state */
  webhooks?: readonly WebhookStatus[]
}

const WORDS = {
  zh: {
    title: '监管预警台',
    intro: '食品与印章的全部预警：由节点根据账本记录得出，每条预警所指的账本记录在您的浏览器中核验。',
    filters: '筛选预警',
    kind: '预警类型', anyKind: '全部类型', org: '组织', anyOrg: '全部组织', seal: '印章编号', lot: '批次',
    lotHint: '批次号、追溯码或数字链接', from: '开始日期', to: '结束日期', apply: '筛选', clear: '清除筛选',
    families: { food: '食品', seal: '印章', log: '账本记录', attempt: '被拒绝的尝试' } as Record<AlertFamily, string>,
    list: '预警', none: '没有符合条件的预警。', older: '较早的预警', newestPage: '回到最新',
    live: '实时更新：正在连接…', liveOff: '查看的是较早的预警或过去的日期，新预警不会在此出现。',
    noScript: '需要启用 JavaScript 才能在本机核验账本记录并实时接收新预警；筛选与翻页无需 JavaScript。',
    verification: '账本核验', chartLast: '近 {n} 天', explorer: '账本浏览', api: '数据接口',
    lotCut: '结果不完整：该批次的单品超过 {n} 件，只按其中前 {n} 件单品筛选了预警；其余单品的预警未列出，图表中也未计入。',
  },
  en: {
    title: 'Alerts console',
    intro: "Every food and seal alert. The node finds them in the log; the entries each alert points at are verified in your browser.",
    filters: 'Filter alerts',
    kind: 'Kind', anyKind: 'All kinds', org: 'Organisation', anyOrg: 'All organisations', seal: 'Seal id', lot: 'Lot',
    lotHint: 'Lot number, trace code or Digital Link', from: 'From', to: 'To', apply: 'Filter', clear: 'Clear filters',
    families: { food: 'Food', seal: 'Seals', log: 'Records', attempt: 'Refused attempts' } as Record<AlertFamily, string>,
    list: 'Alerts', none: 'No alert matches.', older: 'Older alerts', newestPage: 'Newest',
    live: 'Live updates: connecting…', liveOff: 'You are looking at older alerts or past dates: new alerts do not appear here.',
    noScript: 'Turn on JavaScript to verify the entries on this device and to receive new alerts live; filtering and paging work without it.',
    verification: 'Ledger check', chartLast: 'the last {n} days', explorer: 'Ledger explorer', api: 'Data API',
    lotCut: 'Partial: this lot has more than {n} serialised items, and only the alerts of the first {n} are matched. The alerts of the others are not listed here nor counted in the chart.',
  },
} as const

const STYLES =
  '.alerts{list-style:none;margin:10px 0 0;padding:0}' +
  '.alert{background:#fff;border:1px solid #e1e6e3;border-left:6px solid #34495e;border-radius:12px;padding:10px 14px;margin:0 0 10px}' +
  '.f-food{border-left-color:#c0392b}.f-seal{border-left-color:#6c3483}.f-log{border-left-color:#7e5f00}.f-attempt{border-left-color:#5d6d7e}' +
  '.alert.fresh{background:#fffbe6}' +
  '.alert .facts{margin:6px 0 0;font-size:14px}.alert .facts dd{font-weight:400;overflow-wrap:anywhere}' +
  '.alert details{margin:6px 0 0;font-size:14px}.alert summary{cursor:pointer;color:#3d4442}.msg{margin:4px 0 0}' +
  '.entries{list-style:none;margin:2px 0 0;padding:0;font-size:14px}.entries li{margin:2px 0}' +
  '.alert .small{margin:6px 0 0}' +
  '.legend{display:flex;flex-wrap:wrap;gap:6px 16px;list-style:none;padding:0;margin:8px 0 0;font-size:14px}' +
  '.legend a{color:#1b1f1d;text-decoration:none}.legend a:hover{text-decoration:underline}' +
  '.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:5px;vertical-align:-1px}' +
  'figure.chart{margin:0;padding:0;background:none}figure.chart svg{max-height:260px}.scroll{overflow-x:auto}' +
  '.pager{display:flex;gap:16px;margin:8px 0 0}' +
  '.warn{margin:10px 0 0;padding:8px 12px;border-radius:10px;background:#fdecea;color:#8e1c12;font-weight:600}' +
  '.live{margin:0;font-size:14px;color:#3d4442}.live[data-state=open]:before{content:"● ";color:#176f30}.live[data-state=retrying]:before{content:"● ";color:#b9770e}'

/** The query string of the console for `filter` (and `lang`), for links that keep the reader's filters. */
export function consoleQuery(filter: ConsoleFilter, lang: Lang, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(filter)) if (value !== '') params.set(name, value)
  params.set('lang', lang)
  for (const [name, value] of Object.entries(extra)) params.set(name, value)
  return params.toString()
}

function filterForm(view: ConsoleView, lang: Lang): string {
  const w = WORDS[lang]
  const f = view.filter
  const selected = (a: string, b: string) => (a === b ? ' selected' : '')
  const groups = (['food', 'seal', 'log', 'attempt'] as AlertFamily[])
    .map((family) => {
      const options = Object.entries(ALERT_KINDS)
        .filter(([, words]) => words.family === family)
        .map(([kind, words]) => `<option value="${kind}"${selected(kind, f.kind)}>${escapeHtml(words[lang])}</option>`)
      return `<optgroup label="${w.families[family]}">${options.join('')}</optgroup>`
    })
    .join('')
  // A kind the table does not name (an older node's, a new domain's) can still be filtered by its code.
  const otherKind = f.kind !== '' && !ALERT_KINDS[f.kind] ? `<option value="${escapeHtml(f.kind)}" selected>${escapeHtml(f.kind)}</option>` : ''
  const orgs = view.orgs.map((org) => `<option value="${escapeHtml(org.id)}"${selected(org.id, f.org)}>${escapeHtml(org.name)}</option>`).join('')
  const input = (name: keyof ConsoleFilter, label: string, type: string, extra = '') =>
    `<label>${label}<input type="${type}" name="${name}" value="${escapeHtml(f[name])}"${extra}></label>`
  return (
    `<form class="filters" method="get" action="/console" role="search" aria-label="${w.filters}">` +
    `<label>${w.kind}<select name="kind"><option value="">${w.anyKind}</option>${otherKind}${groups}</select></label>` +
    `<label>${w.org}<select name="org"><option value="">${w.anyOrg}</option>${orgs}</select></label>` +
    input('seal', w.seal, 'text', ' maxlength="64" autocomplete="off" spellcheck="false"') +
    input('lot', w.lot, 'text', ` maxlength="512" autocomplete="off" spellcheck="false" placeholder="${escapeHtml(w.lotHint)}"`) +
    input('from', w.from, 'date') +
    input('to', w.to, 'date') +
    `<input type="hidden" name="lang" value="${lang}">` +
    `<div class="actions"><button type="submit">${w.apply}</button><a href="/console?lang=${lang}">${w.clear}</a></div></form>`
  )
}

export function renderConsole(view: ConsoleView, lang: Lang, url: string): string {
  const w = WORDS[lang]
  const query = (extra: Record<string, string> = {}) => `/console?${consoleQuery(view.filter, lang, extra)}`
  const kindHref = (kind: string) => `/console?${consoleQuery({ ...view.filter, kind }, lang)}`
  const chartTitleNote = view.chartDays !== undefined ? `<p class="small">${w.chartLast.replace('{n}', String(view.chartDays))}</p>` : ''
  const cards = view.alerts.map((item) => renderAlertCard(item, view.actors, lang)).join('')
  const pager = [
    view.newest ? '' : `<a href="${escapeHtml(query())}" rel="first">${w.newestPage}</a>`,
    view.olderToken !== undefined ? `<a href="${escapeHtml(query({ pageToken: view.olderToken }))}" rel="next">${w.older}</a>` : '',
  ].join('')
  const live = view.live
    ? `<p class="live" data-live-status role="status">${w.live}</p>`
    : `<p class="live">${w.liveOff}</p>`
  const listAttributes = view.live ? ` data-stream="${escapeHtml(view.live.stream)}" data-rows="${escapeHtml(view.live.rows)}"` : ''
  // beside the form, above the chart and the list: both are cut by it
  const lotCut =
    view.lotCutAtItems !== undefined ? `<p class="warn" role="note" data-lot-truncated>${w.lotCut.replaceAll('{n}', view.lotCutAtItems.toLocaleString('en-US'))}</p>` : ''
  const body = [
    `<section class="card"><h1>${w.title}</h1><p class="sub">${w.intro}</p>` +
      `<ul class="nav"><li><a href="/?lang=${lang}">${w.explorer}</a></li><li><a href="/docs">${w.api}</a></li></ul>${filterForm(view, lang)}${lotCut}</section>`,
    `<section class="card verify"><h2>${w.verification}</h2><p data-verification-status>${escapeHtml(TEXT[lang].pending)}</p>` +
      `<noscript><p class="small">${w.noScript}</p></noscript></section>`,
    `<section class="card">${renderAlertChart(view.chart, lang, kindHref, view.chartLimit)}${chartTitleNote}</section>`,
    `<section class="card" aria-labelledby="alert-list-title"><div class="head"><h2 id="alert-list-title">${w.list}</h2>${live}</div>` +
      (view.alerts.length === 0 ? `<p class="muted" data-no-alerts>${w.none}</p>` : '') +
      `<ul class="alerts" data-alert-list${listAttributes}>${cards}</ul>` +
      (pager ? `<nav class="pager" aria-label="${w.older}">${pager}</nav>` : '') +
      '</section>',
    renderWebhookSection(view.webhooks ?? [], lang),
  ]
  return renderConsolePage({ lang, url, title: w.title, current: 'alerts', mainAttributes: 'data-verification="pending"', body: body.join(''), styles: STYLES + WEBHOOK_STYLES })
}

/** The cards of alerts that arrived after the page loaded (GET /console/rows), oldest first. */
export function renderFreshCards(alerts: readonly ConsoleAlert[], actors: ReadonlyMap<string, ActorProfile>, lang: Lang): string {
  return alerts.map((item) => renderAlertCard(item, actors, lang, true)).join('')
}
