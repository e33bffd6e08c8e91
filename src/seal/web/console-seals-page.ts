// The console's Seals view (GET /console/seals): every organisation's seals and applications in one table
// and the suspected split contracts side by side, filtered by organisation and state with a GET form that
// works without script. The table and the groups are one bound area (seal-table-view.ts) the browser
// verifier derives again from the entries it verified.

import { boundAreaOpen, BoundViewError } from '../../web/bound-view.js'
import { renderConsolePage } from '../../web/console-shell.js'
import { escapeHtml } from '../../web/html.js'
import { TEXT, type Lang } from '../../web/i18n.js'
import type { SealTableInput } from '../console-data.js'
import { SEAL_PAGE_STYLES } from './seal-styles.js'
import { SEAL_TABLE_VIEW, sealTableParams, sealTableView, type StateFilter } from './seal-table-view.js'
import { STATE_LABELS } from './seal-words.js'

const WORDS = {
  zh: {
    title: '印章与用印', intro: '各组织的印章、用印申请与疑似拆分合同。表中每一项由账本中的已签名记录得出，并在您的浏览器中重新得出、逐项比对。',
    filters: '筛选申请', org: '组织', anyOrg: '全部组织', state: '状态', anyState: '全部状态', open: '未办结', overdue: '逾期未办结',
    apply: '筛选', clear: '清除筛选', verification: '账本核验', more: (n: number) => `只显示前 ${n} 件申请；请按组织或状态筛选。`,
    noScript: '需要启用 JavaScript 才能在本机核验账本记录；筛选无需 JavaScript。', failed: '本表无法由账本中的已签名记录得出，因此不予显示：',
  },
  en: {
    title: 'Seals and applications', intro: "Every organisation's seals, applications and suspected split contracts. Each fact in the table follows from signed entries in the log, and your browser derives it again and compares.",
    filters: 'Filter applications', org: 'Organisation', anyOrg: 'All organisations', state: 'State', anyState: 'All states', open: 'Open', overdue: 'Overdue',
    apply: 'Filter', clear: 'Clear filters', verification: 'Ledger check', more: (n: number) => `Only the first ${n} applications are shown; filter by organisation or state.`,
    noScript: 'Turn on JavaScript to verify the entries on this device; filtering works without it.', failed: 'This table cannot be derived from the signed entries of the log, so it is not shown: ',
  },
} as const

const STYLES =
  SEAL_PAGE_STYLES.replace(/main\.seal-page\{[^}]*\}/, '') +
  'table.seals{font-size:14px;min-width:760px}table.seals th[scope=row]{font-weight:600}table.seals td,table.seals th{padding:8px 6px}' +
  'tr.overdue{background:#fff1f0}tr.overdue th[scope=row]{box-shadow:inset 4px 0 #c62828}' +
  '.seals .small{color:#4f5754}.money{min-width:170px}.money .meter{max-width:200px}.node{color:#4f5754}' +
  '.splits{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px;margin:8px 0 0}' +
  '.split{border:1px solid #e1e6e3;border-left:6px solid #6c3483;border-radius:12px;padding:10px 12px;background:#fff}.split h3{margin:0}' +
  '.members{margin:6px 0;padding-left:20px;font-size:14px}.members li{margin:4px 0}.members .amount{display:block;font-weight:600}.members .small{display:block}' +
  '.splits-title{margin:16px 0 4px}'

export function renderConsoleSeals(input: SealTableInput, filter: { org: string; state: StateFilter }, lang: Lang, url: string): string {
  const w = WORDS[lang]
  const selected = (a: string, b: string) => (a === b ? ' selected' : '')
  const states: [StateFilter, string][] = [
    ['open', w.open],
    ['overdue', w.overdue],
    ...(['applied', 'approved', 'used', 'closed', 'rejected'] as const).map((s) => [s, STATE_LABELS[lang][s]] as [StateFilter, string]),
  ]
  const form =
    `<form class="filters" method="get" action="/console/seals" role="search" aria-label="${w.filters}">` +
    `<label>${w.org}<select name="org"><option value="">${w.anyOrg}</option>${input.orgs.map((org) => `<option value="${escapeHtml(org)}"${selected(org, filter.org)}>${escapeHtml(org)}</option>`).join('')}</select></label>` +
    `<label>${w.state}<select name="state"><option value="">${w.anyState}</option>${states.map(([value, label]) => `<option value="${value}"${selected(value, filter.state)}>${escapeHtml(label)}</option>`).join('')}</select></label>` +
    `<input type="hidden" name="lang" value="${lang}"><div class="actions"><button type="submit">${w.apply}</button><a href="/console/seals?lang=${lang}">${w.clear}</a></div></form>`
  const area = { view: SEAL_TABLE_VIEW, evidence: input.evidence.map((e) => e.seq), actors: input.namedActors, params: sealTableParams(input.claims) }
  let table: string
  try {
    table = `${boundAreaOpen(area, 'div', 'class="bound"')}${sealTableView.render({ lang, entries: input.evidence, actors: input.actors, params: area.params })}</div>`
  } catch (error) {
    if (!(error instanceof BoundViewError)) throw error
    table = `<p class="bound-error">${w.failed}${escapeHtml(error.message)}</p>`
  }
  const body = [
    `<section class="card"><h1>${w.title}</h1><p class="sub">${w.intro}</p>${form}</section>`,
    `<section class="card verify"><h2>${w.verification}</h2><p data-verification-status>${escapeHtml(TEXT[lang].pending)}</p><noscript><p class="small">${w.noScript}</p></noscript></section>`,
    `<section class="card">${input.more ? `<p class="tag">${escapeHtml(w.more(input.claims.rows.reduce((n, r) => n + r.applicationIds.length, 0)))}</p>` : ''}${table}</section>`,
  ]
  return renderConsolePage({ lang, url, title: w.title, current: 'seals', mainAttributes: 'data-verification="pending"', body: body.join(''), styles: STYLES })
}
