// The public page of one seal (村务公开), server-rendered in Chinese. Its facts are in one bound area
// (src/web/bound-view.ts): the seal's name and record and the applications on this page, rendered by the
// view in seal-view.ts from the signed entries it lists, which the browser verifier renders again and
// compares. Outside it, and saying so: the node's counts and paging, and the refused attempts it
// recorded, which are not in the log and cannot be verified.

import { BoundViewError, boundAreaOpen, type ActorProfile, type BoundArea, type BoundView, type EvidenceEntry } from '../../web/bound-view.js'
import type { Alert } from '../../ledger/alerts.js'
import { verifierScriptTag } from '../../web/html.js'
import { formatLocal, type SealConfig } from '../config.js'
import type { SealPageClaims } from '../derive.js'
import { DERIVED_ALERT_LABELS, SEAL_VIEW, escapeHtml, sealPageParams, sealView } from './seal-view.js'

export const ALERT_LABELS: Record<string, string> = {
  ...DERIVED_ALERT_LABELS,
  USE_WITHOUT_APPROVAL: '未经批准用印（已拒绝）',
  SELF_APPROVAL: '审批本人申请（已拒绝）',
  COPIES_EXCEEDED: '超出批准份数用印（已拒绝）',
  REVOKED_SEAL_USE: '使用已注销印章（已拒绝）',
  NOT_CUSTODIAN: '非印章管理员用印（已拒绝）',
  NOT_APPROVER: '非审批人审批（已拒绝）',
  NOT_IN_ORG: '非本村人员申请（已拒绝）',
  INVALID_TRANSITION: '不合流程的操作（已拒绝）',
  ROLE_FORBIDDEN: '无权签署（已拒绝）',
  APPLICATION_EXISTS: '重复的申请编号（已拒绝）',
  SEAL_EXISTS: '重复登记印章（已拒绝）',
}

export interface AttemptList {
  shown: Alert[]
  more: boolean
}

export interface SealPageInput {
  sealId: string
  /** the seal's name as the node's records have it, for the window title (outside the page's body) */
  title: string
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
  /** attempt records by application id (those on this page), and about the seal alone */
  attempts: ReadonlyMap<string, AttemptList>
  sealAttempts: AttemptList
  /** a display name from the node's registry, for the attempts (which no entry backs) */
  actorName(id: string): string
  config: SealConfig
}

/** Applications per page of a seal's public page. */
export const APPLICATIONS_PER_PAGE = 20
/** Attempt records shown for one application (or for the seal alone); each counts any number of refusals. */
export const ATTEMPT_GROUPS_SHOWN = 10

/**
 * One bound area: its opening tag, what `view` renders from the entries it lists, its end. Where the
 * view refuses the node's own entries (a log that breaks the seal rules), the page says so in place of
 * the area and carries none, so the browser reports the page as failed rather than show what it cannot derive.
 */
function boundArea(view: BoundView, area: BoundArea, evidence: readonly EvidenceEntry[], actors: ReadonlyMap<string, ActorProfile>): string {
  const listed = new Set(area.evidence)
  try {
    const html = view.render({ lang: 'zh', entries: evidence.filter((entry) => listed.has(entry.seq)), actors, params: area.params })
    return `${boundAreaOpen(area, 'div', 'class="bound"')}${html}</div>`
  } catch (error) {
    if (!(error instanceof BoundViewError)) throw error
    return `<p class="bound-error">本页的记录无法由账本中的已签名记录得出，因此不予显示 · this page cannot be derived from the signed entries: ${escapeHtml(error.message)}</p>`
  }
}

/** Outside the bound areas: each application on the page as an offline proof bundle (docs/bundles.md). */
function bundleLinks(applicationIds: readonly string[]): string {
  if (applicationIds.length === 0) return ''
  const links = applicationIds.map((id) => `<a data-proof-bundle href="/v1/seals/applications/${encodeURIComponent(id)}?format=bundle" download>${escapeHtml(id)}</a>`)
  return `<p>下载证明 · Download proof（离线核验文件 · verifies offline）：${links.join(' · ')}</p>`
}

export function renderSealPage(input: SealPageInput): string {
  const { sealId, evidence, actors, claims, totals, page, attempts, sealAttempts, actorName, config } = input
  const sealArea = boundArea(sealView, { view: SEAL_VIEW, evidence: evidence.map((e) => e.seq), actors: input.namedActors, params: sealPageParams(claims) }, evidence, actors)
  const when = (at: string) => `<time datetime="${escapeHtml(at)}">${escapeHtml(formatLocal(at, config))}</time>`
  // One line per attempt record: who, how often, first and latest, whatever the number of refusals.
  const attemptLines = ({ shown, more }: AttemptList, subject: string) =>
    shown
      .map((a) => {
        const times = (a.count ?? 1) > 1 ? `${a.count} 次，首次 ${when(a.firstAt ?? a.at)}，最近 ${when(a.lastAt ?? a.at)}` : when(a.at)
        return `<li class="alert attempt" data-kind="${escapeHtml(a.kind)}">${subject}${escapeHtml(ALERT_LABELS[a.kind] ?? a.kind)} ${a.actor ? escapeHtml(actorName(a.actor)) : ''} ${times}</li>`
      })
      .join('') + (more ? `<li class="alert more">另有更多被拒绝的尝试 · more refused attempts: <a href="/v1/alerts">/v1/alerts</a></li>` : '')
  const refused =
    attemptLines(sealAttempts, '本印章：') +
    claims.applicationIds.map((id) => attemptLines(attempts.get(id) ?? { shown: [], more: false }, `<a href="#${escapeHtml(id)}">${escapeHtml(id)}</a>：`)).join('')
  const pageLink = (n: number, rel: string, text: string) => `<a href="?page=${n}" rel="${rel}">${text}</a>`
  const paging =
    page.count > 1 || page.number > 1
      ? ` · 第 ${page.number} / ${page.count}${page.more ? '+' : ''} 页 · page ${page.number} of ${page.count}${page.more ? '+' : ''}` +
        (page.number > 1 ? ` · ${pageLink(Math.min(page.number - 1, page.count), 'prev', '上一页 · previous')}` : '') +
        (page.number < page.count || page.more ? ` · ${pageLink(page.number + 1, 'next', '下一页 · next')}` : '')
      : ''
  const count = totals.more ? `${totals.applications.toLocaleString('zh-CN')} 件以上` : `${totals.applications} 件`
  const pages = `<nav class="pages">节点的统计（未在浏览器中核验）：用印申请 ${count}${paging}</nav>`
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} · 用印公开</title>
<style>
body{font:16px/1.6 system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#222;background:#f7f7f5}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0}h2{font-size:1.1rem;margin:0 0 .5rem}
.seal,.application,.attempts{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:6rem 1fr;gap:.2rem .5rem;margin:.5rem 0}dt{color:#666}dd{margin:0}
ol.entries{list-style:none;padding:0;margin:.5rem 0}.entry{margin:.25rem 0}.seq{font-family:monospace;color:#555}
.detail{color:#444}.entry[data-verified=ok] .seq::after{content:" ✓";color:#176f30}.entry[data-verified=failed] .seq::after{content:" ✗";color:#c62828}.state{font-size:.85rem;padding:0 .4rem;border-radius:.3rem;background:#eee}
.state.approved,.state.used{background:#e3f1e3}.state.rejected{background:#f6e0e0}.state.closed{background:#e4e9f2}
.alerts{margin:.5rem 0;padding:.5rem 1.5rem;background:#fff4e5;border-left:4px solid #e08a00}.alerts:empty{display:none}.pages{margin:1rem 0;color:#555}
.attempts h2{font-size:1rem}.attempts .alerts{border-left-color:#999}.settings,.scope,.note{color:#555;font-size:.9rem}
.bound-error{padding:.5rem 1rem;border-radius:.5rem;background:#f6e0e0}
.verification{padding:.5rem 1rem;border-radius:.5rem;background:#eef}
main[data-verification=verified] .verification{background:#e3f1e3}main[data-verification=failed] .verification{background:#f6e0e0}
[data-verified=failed]:not(.entry){outline:2px solid #c62828;outline-offset:2px}
code{font-size:.85em}
</style>
</head>
<body>
<main data-verification="pending">
<p class="eyebrow">村务公开 · 印章使用记录</p>
<p class="verification" data-verification-status>每条记录后的 # 号是它在公开账本中的序号。本页在浏览器中逐条核验账本证明，并由这些记录重新得出页面上的每一项内容；也可用 <code>tracechain verify</code> 独立核验全部记录。</p>
${pages}
${sealArea}
${
  refused
    ? `<section class="attempts">
<h2>节点记录的被拒绝尝试（不在账本中，无法核验） · refused attempts the node recorded (not in the log, cannot be verified)</h2>
<p class="note">被拒绝的声明从未写入账本，没有序号；以下是节点自己的记录，您的浏览器无法核验。</p>
<ul class="alerts">${refused}</ul>
</section>`
    : ''
}
${page.count > 1 || page.number > 1 ? pages : ''}
<p>数据：<a href="/v1/seals/${encodeURIComponent(sealId)}">JSON</a> · <a href="/v1/alerts">全部预警</a></p>
${bundleLinks(claims.applicationIds)}
</main>
${verifierScriptTag('seal')}
</body>
</html>
`
}
