// The public page of one seal (村务公开), server-rendered in Chinese first (English with ?lang=en) in the
// consumer pages' frame: their header, language switch and design. Its facts are in one bound area
// (src/web/bound-view.ts): the seal's name and record and the applications on this page, each with its
// amount against its budget and its timeline, rendered by the view in seal-view.ts from the signed entries
// it lists, which the browser verifier renders again and compares. Outside it, and saying so: the node's
// counts and paging, and the refused attempts it recorded, which are not in the log and cannot be
// verified. Printed, it is a sheet for the village notice board (村务公开栏) with a QR code of its own URL.

import { BoundViewError, boundAreaOpen, type ActorProfile, type BoundArea, type BoundView, type EvidenceEntry } from '../../web/bound-view.js'
import { alertKindName } from '../../web/alert-words.js'
import { renderShell, withLang } from '../../web/html.js'
import { TEXT, type Lang } from '../../web/i18n.js'
import { buildQrMatrix, qrPathData, QUIET_ZONE_MODULES } from '../../labels/qr.js'
import type { AttemptGroup } from '../attempts.js'
import { formatLocal, type SealConfig } from '../config.js'
import type { SealPageClaims } from '../derive.js'
import { SEAL_VIEW, escapeHtml, sealPageParams, sealView } from './seal-view.js'
import { SEAL_PAGE_STYLES } from './seal-styles.js'

export interface SealPageInput {
  sealId: string
  /** the seal's name as the node's records have it, for the window title (outside the page's body) */
  title: string
  lang: Lang
  /** this page's URL as requested (path and query), for the language switch */
  url: string
  /** this page's absolute URL, for the QR code on the printed sheet */
  pageUrl: string
  /** the entries the area is rendered from, ascending by seq */
  evidence: readonly EvidenceEntry[]
  /** profiles of every signer of the evidence and of the custodian and approvers */
  actors: ReadonlyMap<string, ActorProfile>
  /** the actors the seal area names beyond its entries' signers */
  namedActors: readonly string[]
  claims: SealPageClaims
  /** the node's count of the seal's applications (not verified: the page holds only this page's), up to a bound */
  totals: { applications: number; more: boolean }
  /** this page's number and the number of pages, from 1; `more` when the count stopped at its bound */
  page: { number: number; count: number; more: boolean }
  /** the refused attempts the node recorded about the seal, per actor and reason; `more` when it read only some */
  attempts: { groups: readonly AttemptGroup[]; more: boolean }
  /** a display name from the node's registry, for the attempts (which no entry backs) */
  actorName(id: string): string
  config: SealConfig
}

/** Applications per page of a seal's public page. */
export const APPLICATIONS_PER_PAGE = 20

const WORDS = {
  zh: {
    windowTitle: '用印公开', eyebrow: '村务公开 · 印章使用记录', verification: '账本核验',
    intro: '每条记录后的 # 号是它在公开账本中的序号。本页在浏览器中逐条核验账本证明，并由这些记录重新得出页面上的每一项内容；也可用 tracechain verify 独立核验全部记录。',
    attempts: '被拒绝的尝试', attemptsNote: '被拒绝的声明从未写入账本，没有序号；以下是节点自己的记录（按尝试者与原因合计），您的浏览器无法核验。',
    actor: '尝试者', reason: '原因', count: '次数', first: '首次', last: '最近', applications: '涉及申请', sealOnly: '本印章',
    countText: (n: number) => `${n} 次`, moreAttempts: '另有更多被拒绝的尝试，见', allAlerts: '全部预警',
    stats: (count: string) => `节点的统计（未在浏览器中核验）：用印申请 ${count}`, countOf: (n: number, more: boolean) => (more ? `${n.toLocaleString('zh-CN')} 件以上` : `${n} 件`),
    pageOf: (n: number, count: string) => `第 ${n} / ${count} 页`, previous: '上一页', next: '下一页', pages: '分页',
    data: '数据', proof: '下载证明（离线核验文件）', scan: '用手机扫码，在浏览器中核验本页', printed: '打印时间',
    derivedError: '本页的记录无法由账本中的已签名记录得出，因此不予显示：',
  },
  en: {
    windowTitle: 'Seal records', eyebrow: 'Village affairs made public · seal use', verification: 'Ledger check',
    intro: "The # after each record is its seq in the public ledger. Your browser checks each entry's proofs and derives every fact on this page again from them; tracechain verify audits the whole log independently.",
    attempts: 'Refused attempts', attemptsNote: "Refused statements never entered the log and have no seq: this is the node's own record, summed per actor and reason, which your browser cannot verify.",
    actor: 'Tried by', reason: 'Reason', count: 'Times', first: 'First', last: 'Latest', applications: 'Applications', sealOnly: 'the seal',
    countText: (n: number) => `${n}`, moreAttempts: 'There are more refused attempts: see', allAlerts: 'all alerts',
    stats: (count: string) => `The node's count (not verified in your browser): ${count}`, countOf: (n: number, more: boolean) => (more ? `${n.toLocaleString('en-GB')} or more applications` : `${n} applications`),
    pageOf: (n: number, count: string) => `page ${n} of ${count}`, previous: 'Previous', next: 'Next', pages: 'Pages',
    data: 'Data', proof: 'Download proof (verifies offline)', scan: 'Scan with a phone to check this page in its browser', printed: 'Printed',
    derivedError: 'The records of this page cannot be derived from the signed entries of the log, so they are not shown: ',
  },
} as const

/**
 * One bound area: its opening tag, what `view` renders from the entries it lists, its end. Where the
 * view refuses the node's own entries (a log that breaks the seal rules), the page says so in place of
 * the area and carries none, so the browser reports the page as failed rather than show what it cannot derive.
 */
function boundArea(view: BoundView, area: BoundArea, evidence: readonly EvidenceEntry[], actors: ReadonlyMap<string, ActorProfile>, lang: Lang): string {
  const listed = new Set(area.evidence)
  try {
    const html = view.render({ lang, entries: evidence.filter((entry) => listed.has(entry.seq)), actors, params: area.params })
    return `${boundAreaOpen(area, 'div', 'class="bound"')}${html}</div>`
  } catch (error) {
    if (!(error instanceof BoundViewError)) throw error
    return `<p class="card bound-error">${WORDS[lang].derivedError}${escapeHtml(error.message)}</p>`
  }
}

/** The QR code of `url` as an SVG, for the printed sheet. */
function qrCode(url: string, label: string): string {
  const matrix = buildQrMatrix(url)
  const side = matrix.size + 2 * QUIET_ZONE_MODULES
  return `<svg class="qr-code" viewBox="0 0 ${side} ${side}" role="img" aria-label="${escapeHtml(label)}" shape-rendering="crispEdges"><rect width="${side}" height="${side}" fill="#fff"/><path d="${qrPathData(matrix)}" fill="#000"/></svg>`
}

/** The node's record of refused attempts, one row per actor and reason. Outside every bound area. */
function attemptsSection(input: SealPageInput): string {
  const { groups, more } = input.attempts
  if (groups.length === 0) return ''
  const { lang, config } = input
  const w = WORDS[lang]
  const onPage = new Set(input.claims.applicationIds)
  const when = (at: string) => `<time datetime="${escapeHtml(at)}">${escapeHtml(formatLocal(at, config))}</time>`
  const rows = groups.map((group) => {
    const applications = group.applicationIds.length === 0 ? w.sealOnly : group.applicationIds.map((id) => (onPage.has(id) ? `<a href="#${escapeHtml(id)}">${escapeHtml(id)}</a>` : escapeHtml(id))).join(' ')
    return (
      `<tr data-kind="${escapeHtml(group.code)}"><td>${escapeHtml(input.actorName(group.actor))}</td><td>${escapeHtml(alertKindName(group.code, lang))}</td>` +
      `<td class="num">${w.countText(group.count)}</td><td>${when(group.firstAt)}</td><td>${when(group.lastAt)}</td><td>${applications}</td></tr>`
    )
  })
  return (
    `<section class="card attempts" aria-labelledby="attempts-title"><h2 id="attempts-title">${w.attempts}</h2><p class="small">${w.attemptsNote}</p>` +
    `<div class="scroll"><table><thead><tr><th scope="col">${w.actor}</th><th scope="col">${w.reason}</th><th scope="col">${w.count}</th><th scope="col">${w.first}</th><th scope="col">${w.last}</th><th scope="col">${w.applications}</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>` +
    (more ? `<p class="small">${w.moreAttempts} <a href="/v1/alerts?seal=${encodeURIComponent(input.sealId)}">/v1/alerts</a></p>` : '') +
    `</section>`
  )
}

function pagingNav(input: SealPageInput): string {
  const { page, totals, lang } = input
  const w = WORDS[lang]
  const count = `${page.count}${page.more ? '+' : ''}`
  // Relative links keep the path; the language goes along only when the reader chose it.
  const chosen = new URL(input.url, 'http://x').searchParams.has('lang') ? `&amp;lang=${lang}` : ''
  const link = (n: number, rel: string, text: string) => `<a href="?page=${n}${chosen}" rel="${rel}">${text}</a>`
  const paging =
    page.count > 1 || page.number > 1
      ? ` · ${w.pageOf(page.number, count)}` +
        (page.number > 1 ? ` · ${link(Math.min(page.number - 1, page.count), 'prev', w.previous)}` : '') +
        (page.number < page.count || page.more ? ` · ${link(page.number + 1, 'next', w.next)}` : '')
      : ''
  return `<nav class="pages small" aria-label="${w.pages}">${w.stats(w.countOf(totals.applications, totals.more))}${paging}</nav>`
}

export function renderSealPage(input: SealPageInput): string {
  const { sealId, evidence, actors, claims, page, lang, config } = input
  const w = WORDS[lang]
  const area = { view: SEAL_VIEW, evidence: evidence.map((e) => e.seq), actors: input.namedActors, params: sealPageParams(claims) }
  const downloads = claims.applicationIds.map(
    (id) => `<a data-proof-bundle href="/v1/seals/applications/${encodeURIComponent(id)}?format=bundle" download>${escapeHtml(id)}</a>`,
  )
  const body = [
    `<p class="print-only print-head">${w.eyebrow} · ${w.printed} ${escapeHtml(formatLocal(claims.now, config))}</p>`,
    `<p class="eyebrow no-print">${w.eyebrow}</p>`,
    pagingNav(input),
    boundArea(sealView, area, evidence, actors, lang),
    attemptsSection(input),
    `<section class="card verify"><h2>${w.verification}</h2><p data-verification-status>${escapeHtml(TEXT[lang].pending)}</p>` +
      `<noscript><p class="small">${TEXT[lang].noScript}</p></noscript><p class="small">${escapeHtml(w.intro)}</p></section>`,
    page.count > 1 || page.number > 1 ? pagingNav(input) : '',
    `<p class="small no-print">${w.data}: <a href="/v1/seals/${encodeURIComponent(sealId)}">JSON</a> · <a href="/console/seals?lang=${lang}">${lang === 'zh' ? '监管控制台' : 'Console'}</a> · <a href="/v1/alerts?seal=${encodeURIComponent(sealId)}">${w.allAlerts}</a></p>`,
    downloads.length > 0 ? `<p class="small no-print">${w.proof}: ${downloads.join(' · ')}</p>` : '',
    `<figure class="print-only qr">${qrCode(input.pageUrl, w.scan)}<figcaption><strong>${w.scan}</strong><br><span class="small">${escapeHtml(input.pageUrl)}</span></figcaption></figure>`,
  ]
  return renderShell({
    lang,
    title: `${input.title} · ${w.windowTitle}`,
    switchHref: withLang(input.url, lang === 'zh' ? 'en' : 'zh'),
    switchLabel: TEXT[lang].switchTo,
    homeLabel: lang === 'zh' ? 'tracechain 溯源' : 'tracechain',
    mainAttributes: 'class="seal-page" data-verification="pending"',
    body: body.join('\n'),
    styles: SEAL_PAGE_STYLES,
    script: 'seal',
    onlyUsedStyles: true,
  })
}
