// The public page of one seal (村务公开): its applications, a page at a time, with their approvals,
// rejections, uses, alerts and refused attempts, each entry with its seq, in Chinese, server-rendered.
// The browser check (/web/verify.js, the CONTRACT in src/web/verify.ts) reads `data-verification` on <main>, `data-seq` and `data-actor` on
// each entry, and writes into `data-verification-status`; without it the page still reads.

import type { Alert } from '../ledger/alerts.js'
import type { ActorRecord } from '../ledger/registry.js'
import { verifierScriptTag } from '../web/html.js'
import { formatLocal, type SealConfig } from './config.js'
import type { ApplicationRecord, HistoryItem, SealName } from './records.js'
import type { SealView } from './queries.js'

const STATE_LABELS: Record<ApplicationRecord['state'], string> = {
  applied: '待审批',
  approved: '已批准',
  rejected: '已驳回',
  used: '已用印',
  closed: '已办结',
}

const TYPE_LABELS: Record<string, string> = {
  'seal.register': '印章登记',
  'seal.apply': '用印申请',
  'seal.approve': '批准',
  'seal.reject': '驳回',
  'seal.use': '用印',
  'seal.close': '办结',
  'seal.revoke': '印章注销',
}

export const ALERT_LABELS: Record<string, string> = {
  OFF_HOURS_USE: '非工作时间用印',
  OVER_BUDGET: '超出预算',
  SPLIT_CONTRACT: '疑似拆分合同（化整为零）',
  OVERDUE: '逾期未办结',
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

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML content and quoted attributes; everything shown here is attacker-controlled. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c])
}

function nameOf(name: SealName | ActorRecord['name'] | undefined, fallback: string): string {
  if (name === undefined) return fallback
  return typeof name === 'string' ? name : (name.zh ?? name.en ?? fallback)
}

export interface SealPageInput {
  seal: SealView
  /** the applications on this page */
  applications: ApplicationRecord[]
  /** by application id: the pattern and OVERDUE alerts that name it */
  alerts: ReadonlyMap<string, Alert[]>
  /** by application id: its attempt records, at most ATTEMPT_GROUPS_SHOWN, and whether there are more */
  attempts: ReadonlyMap<string, AttemptList>
  /** attempt records about the seal and no application of it (an application refused), on the first page */
  sealAttempts: AttemptList
  /** this page's number and the number of pages, from 1 */
  page: { number: number; count: number }
  actor(id: string): ActorRecord | undefined
  config: SealConfig
}

export interface AttemptList {
  shown: Alert[]
  more: boolean
}

/** Applications per page of a seal's public page. */
export const APPLICATIONS_PER_PAGE = 20
/** Attempt records shown for one application (or for the seal alone); each counts any number of refusals. */
export const ATTEMPT_GROUPS_SHOWN = 10

/** A signer's issuedAt further than this from the node's recordedAt is shown beside it. */
const CLAIM_SHOWN_AFTER_MS = 10 * 60 * 1000

const yuan = (amount: number | undefined) => (amount === undefined ? '' : `${amount.toLocaleString('zh-CN')} 元`)
const short = (hash: string) => `<code title="${escapeHtml(hash)}">${escapeHtml(hash.slice(0, 12))}…</code>`

export function renderSealPage({ seal, applications, alerts, attempts, sealAttempts, page, actor, config }: SealPageInput): string {
  const who = (id: string) => `${escapeHtml(nameOf(actor(id)?.name, id))}`
  const when = (at: string) => `<time datetime="${escapeHtml(at)}">${escapeHtml(formatLocal(at, config))}</time>`
  const entry = (item: HistoryItem, detail = '') => {
    // The node's time, and the signer's own where it differs (a backdated or late statement shows).
    const claimed = Math.abs(Date.parse(item.issuedAt) - Date.parse(item.at)) > CLAIM_SHOWN_AFTER_MS ? `（签署时间 ${when(item.issuedAt)}）` : ''
    return `<li class="entry" data-seq="${item.seq}" data-actor="${escapeHtml(item.actor)}"><a class="seq" href="/v1/entries/${item.seq}">#${item.seq}</a> <b>${escapeHtml(TYPE_LABELS[item.type] ?? item.type)}</b> ${who(item.actor)} ${when(item.at)}${claimed}${detail ? ` <span class="detail">${detail}</span>` : ''}</li>`
  }
  const detailOf = (application: ApplicationRecord, item: HistoryItem): string => {
    if (item.type === 'seal.approve' && application.approval?.comment) return escapeHtml(application.approval.comment)
    if (item.type === 'seal.reject' && application.rejection?.comment) return escapeHtml(application.rejection.comment)
    const use = application.uses.find((u) => u.seq === item.seq)
    if (use) return `${use.copies} 份，盖章件 ${short(use.stamped.sha256)}${use.photo ? `，照片 ${short(use.photo.sha256)}` : ''}`
    if (item.type === 'seal.close' && application.closing) {
      const c = application.closing
      return `${escapeHtml(c.outcome)}（${escapeHtml(c.completedAt)} 完成${c.finalAmount !== undefined ? `，决算 ${yuan(c.finalAmount)}` : ''}）`
    }
    return ''
  }
  const alertsOf = (applicationId: string) =>
    (alerts.get(applicationId) ?? [])
      .map((a) => `<li class="alert">${escapeHtml(ALERT_LABELS[a.kind] ?? a.kind)} ${when(a.at)}${a.seqs.length ? ` 见 ${a.seqs.map((s) => `#${s}`).join('、')}` : ''}</li>`)
      .join('')
  // One line per attempt record: who, how often, first and latest, whatever the number of refusals.
  const attemptsOf = ({ shown, more }: AttemptList) =>
    shown
      .map((a) => {
        const times = (a.count ?? 1) > 1 ? `${a.count} 次，首次 ${when(a.firstAt ?? a.at)}，最近 ${when(a.lastAt ?? a.at)}` : when(a.at)
        return `<li class="alert attempt" data-kind="${escapeHtml(a.kind)}">${escapeHtml(ALERT_LABELS[a.kind] ?? a.kind)} ${a.actor ? who(a.actor) : ''} ${times}</li>`
      })
      .join('') + (more ? `<li class="alert more">另有更多被拒绝的尝试 · more refused attempts: <a href="/v1/alerts">/v1/alerts</a></li>` : '')
  const applicationSection = (a: ApplicationRecord) => {
    const facts = [
      ['申请人', who(a.applicant)],
      ['用途', escapeHtml(a.purpose)],
      ['文件', `${escapeHtml(a.document.name)} ${short(a.document.sha256)}`],
      ['份数', `申请 ${a.copiesRequested}，批准 ${a.copiesApproved}，已盖 ${a.copiesUsed}`],
      ...(a.amount !== undefined ? [['金额', yuan(a.amount)]] : []),
      ...(a.budget !== undefined ? [['预算', yuan(a.budget)]] : []),
      ...(a.dueDate ? [['办结期限', escapeHtml(a.dueDate)]] : []),
    ]
    const flagged = alertsOf(a.applicationId) + attemptsOf(attempts.get(a.applicationId) ?? { shown: [], more: false })
    return `<section class="application" id="${escapeHtml(a.applicationId)}">
<h2>${escapeHtml(a.title)} <span class="state ${a.state}">${STATE_LABELS[a.state]}</span></h2>
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${flagged ? `<ul class="alerts">${flagged}</ul>` : ''}
<ol class="entries">${a.history.map((h) => entry(h, detailOf(a, h))).join('')}</ol>
</section>`
  }
  const sealName = nameOf(seal.name, seal.sealId)
  const sealFlagged = attemptsOf(sealAttempts)
  const pageLink = (n: number, rel: string, text: string) => `<a href="?page=${n}" rel="${rel}">${text}</a>`
  const pages =
    page.count > 1 || page.number > 1
      ? `<nav class="pages">第 ${page.number} / ${page.count} 页 · page ${page.number} of ${page.count}` +
        (page.number > 1 ? ` · ${pageLink(Math.min(page.number - 1, page.count), 'prev', '上一页 · previous')}` : '') +
        (page.number < page.count ? ` · ${pageLink(page.number + 1, 'next', '下一页 · next')}` : '') +
        `</nav>`
      : ''
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(sealName)} · 用印公开</title>
<style>
body{font:16px/1.6 system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#222;background:#f7f7f5}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0}h2{font-size:1.1rem;margin:0 0 .5rem}
.seal,.application{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:6rem 1fr;gap:.2rem .5rem;margin:.5rem 0}dt{color:#666}dd{margin:0}
ol.entries{list-style:none;padding:0;margin:.5rem 0}.entry{margin:.25rem 0}.seq{font-family:monospace;color:#555}
.detail{color:#444}.entry[data-verified=ok] .seq::after{content:" ✓";color:#1e8e3e}.entry[data-verified=failed] .seq::after{content:" ✗";color:#c62828}.state{font-size:.85rem;padding:0 .4rem;border-radius:.3rem;background:#eee}
.state.approved,.state.used{background:#e3f1e3}.state.rejected{background:#f6e0e0}.state.closed{background:#e4e9f2}
.alerts{margin:.5rem 0;padding:.5rem 1.5rem;background:#fff4e5;border-left:4px solid #e08a00}.pages{margin:1rem 0;color:#555}
.verification{padding:.5rem 1rem;border-radius:.5rem;background:#eef}
main[data-verification=verified] .verification{background:#e3f1e3}main[data-verification=failed] .verification{background:#f6e0e0}
code{font-size:.85em}
</style>
</head>
<body>
<main data-verification="pending">
<p class="eyebrow">村务公开 · 印章使用记录</p>
<h1>${escapeHtml(sealName)}</h1>
<p class="verification" data-verification-status>每条记录后的 # 号是它在公开账本中的序号。本页在浏览器中逐条核验账本证明；也可用 <code>tracechain verify</code> 独立核验全部记录。</p>
<section class="seal">
<dl>
<dt>所属组织</dt><dd>${escapeHtml(seal.org)}</dd>
<dt>状态</dt><dd>${seal.state === 'active' ? '在用' : `已注销：${escapeHtml(seal.revokeReason ?? '')}`}</dd>
<dt>印章管理员</dt><dd>${who(seal.custodian)}</dd>
<dt>审批人</dt><dd>${seal.approvers.map(who).join('、')}</dd>
<dt>用印申请</dt><dd>${seal.applications.length} 件，已盖 ${seal.applications.reduce((n, a) => n + a.copiesUsed, 0)} 份</dd>
</dl>
${sealFlagged ? `<ul class="alerts">${sealFlagged}</ul>` : ''}
<ol class="entries">${seal.history.map((h) => entry(h, h.type === 'seal.revoke' ? escapeHtml(seal.revokeReason ?? '') : '')).join('')}</ol>
</section>
${pages}
${applications.map(applicationSection).join('\n')}
${pages}
<p>时间为 UTC${escapeHtml(config.zoneOffset)}。数据：<a href="/v1/seals/${encodeURIComponent(seal.sealId)}">JSON</a> · <a href="/v1/alerts">全部预警</a></p>
</main>
${verifierScriptTag()}
</body>
</html>
`
}
