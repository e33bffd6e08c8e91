// The seal page's bound view (src/web/bound-view.ts has the contract): the seal's name and record, and
// the applications on one page, their facts, histories and alerts, rendered from signed entries by
// derive.ts. One area holds them all, so a name cannot be put above another seal's record. The node
// renders the area with this function; the browser verifier renders it again from the entries it
// verified and compares. Pure and browser-safe. The page is Chinese only, so `lang` changes nothing here.

import { lateBy, lateDays } from '../../core/late-record.js'
import { BoundViewError, type BoundView, type BoundViewInput, type EvidenceEntry } from '../../web/bound-view.js'
import { formatLocal, sealConfig, type SealConfig } from '../config.js'
import { deriveSealPage, Profiles, type ApplicationFacts, type DerivedAlert, type SealFacts, type SealPageClaims } from '../derive.js'
import type { SealName } from '../records.js'
import type { ApplicationState } from '../workflow.js'

export const SEAL_VIEW = 'seal'

export const STATE_LABELS: Record<ApplicationState, string> = {
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

/** The fact a history line's signer is, by statement type. */
const SIGNER_FACT: Record<string, string> = {
  'seal.apply': 'applicant',
  'seal.approve': 'approver',
  'seal.reject': 'approver',
  'seal.use': 'custodian',
}

export const DERIVED_ALERT_LABELS: Record<DerivedAlert['kind'], string> = {
  OFF_HOURS_USE: '非工作时间用印',
  OVER_BUDGET: '超出预算',
  SPLIT_CONTRACT: '疑似拆分合同（化整为零）',
  OVERDUE: '逾期未办结',
  LATE_RECORD: '补录（签署后逾期才记录）',
  USE_BEFORE_APPROVAL_RECORDED: '用印时间早于审批记录',
}

/** The names of the facts the views mark, as a failure reports them (src/verifier.ts registers them). */
export const SEAL_FACTS: Record<string, { zh: string; en: string }> = {
  sealName: { zh: '印章名称', en: 'seal name' },
  seal: { zh: '印章', en: 'seal' },
  org: { zh: '所属组织', en: 'organisation' },
  sealState: { zh: '印章状态', en: 'seal state' },
  custodian: { zh: '印章管理员', en: 'custodian' },
  approvers: { zh: '审批人', en: 'approvers' },
  approver: { zh: '审批人', en: 'approver' },
  late: { zh: '补录', en: 'late record' },
  application: { zh: '用印申请', en: 'application' },
  title: { zh: '标题', en: 'title' },
  state: { zh: '状态', en: 'state' },
  applicant: { zh: '申请人', en: 'applicant' },
  purpose: { zh: '用途', en: 'purpose' },
  document: { zh: '文件', en: 'document' },
  copies: { zh: '份数', en: 'copies' },
  amount: { zh: '金额', en: 'amount' },
  budget: { zh: '预算', en: 'budget' },
  due: { zh: '办结期限', en: 'due date' },
  alert: { zh: '预警', en: 'alert' },
  history: { zh: '记录', en: 'entries' },
  signer: { zh: '签署人', en: 'signer' },
  time: { zh: '时间', en: 'time' },
  issuedAt: { zh: '签署时间', en: 'signing time' },
  detail: { zh: '记录内容', en: 'entry detail' },
  settings: { zh: '规则设置', en: 'rule settings' },
  scope: { zh: '核验范围', en: 'scope' },
}

/** A signer's issuedAt further than this from the node's recordedAt is shown beside it. */
const CLAIM_SHOWN_AFTER_MS = 10 * 60 * 1000

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML content and quoted attributes; everything shown here is attacker-controlled. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c])
}

export function nameOf(name: SealName | undefined, fallback: string): string {
  if (name === undefined) return fallback
  return typeof name === 'string' ? name : (name.zh ?? name.en ?? fallback)
}

/** CNY with thousands separators, the same in every browser (no Intl: its data differs between builds). */
export function yuan(amount: number): string {
  const text = String(amount)
  if (/e/i.test(text)) return `${text} 元`
  const [whole, fraction] = text.split('.')
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''} 元`
}

const short = (hash: string) => `<code title="${escapeHtml(hash)}">${escapeHtml(hash.slice(0, 12))}…</code>`
const pad = (hour: number) => String(hour).padStart(2, '0')

/** The path of a seal's page; the browser checks it is the one it asked for, so seal B's page cannot be served as seal A's. */
export const sealPagePath = (sealId: string) => `/seals/${sealId}`

/** The params of the seal area, each a string (the contract), from the claims. */
export function sealPageParams(claims: SealPageClaims): Record<string, string> {
  const { config } = claims
  return {
    seal: claims.sealId,
    path: sealPagePath(claims.sealId),
    applications: claims.applicationIds.join(' '),
    splits: claims.splitGroups.map((group) => group.join(' ')).join(';'),
    now: claims.now,
    asOf: String(claims.asOf),
    zoneOffset: config.zoneOffset,
    offHoursFrom: String(config.offHoursFrom),
    offHoursTo: String(config.offHoursTo),
    collectiveThreshold: String(config.collectiveThreshold),
    splitWindowDays: String(config.splitWindowDays),
    splitMinApplications: String(config.splitMinApplications),
    titleSimilarity: String(config.titleSimilarity),
    lateRecordAfterMs: String(config.lateRecordAfterMs),
  }
}

const NUMBER_SETTINGS = ['offHoursFrom', 'offHoursTo', 'collectiveThreshold', 'splitWindowDays', 'splitMinApplications', 'titleSimilarity', 'lateRecordAfterMs'] as const
const PARAM_NAMES = new Set(['seal', 'path', 'applications', 'splits', 'now', 'asOf', 'zoneOffset', ...NUMBER_SETTINGS])

/** The claims from a served area's params (attacker input). Throws BoundViewError naming the bad one. */
export function parseSealPageParams(params: Readonly<Record<string, string>>): SealPageClaims {
  for (const name of Object.keys(params)) if (!PARAM_NAMES.has(name)) throw new BoundViewError(`unknown parameter "${name}"`)
  for (const name of PARAM_NAMES) if (typeof params[name] !== 'string') throw new BoundViewError(`parameter "${name}" is missing`)
  if (params.path !== sealPagePath(params.seal)) throw new BoundViewError(`the page of seal ${params.seal.slice(0, 64)} is not at ${params.path.slice(0, 100)}`)
  const numbers: Partial<Record<(typeof NUMBER_SETTINGS)[number], number>> = {}
  for (const name of NUMBER_SETTINGS) {
    const value = Number(params[name])
    if (!/^\d+(\.\d+)?$/.test(params[name]) || String(value) !== params[name]) throw new BoundViewError(`setting "${name}" is not a number: "${params[name].slice(0, 40)}"`)
    numbers[name] = value
  }
  let config: SealConfig
  try {
    config = sealConfig({ ...numbers, zoneOffset: params.zoneOffset })
  } catch (error) {
    throw new BoundViewError(`a setting is out of range: ${(error as Error).message}`)
  }
  const seqList = (text: string) => {
    const seqs = text.split(' ').map(Number)
    if (seqs.some((seq) => !Number.isSafeInteger(seq) || seq < 0)) throw new BoundViewError(`split group "${text.slice(0, 80)}" is not a list of seqs`)
    return seqs
  }
  const asOf = Number(params.asOf)
  if (!/^\d+$/.test(params.asOf) || !Number.isSafeInteger(asOf)) throw new BoundViewError(`"asOf" is not a log size`)
  return {
    sealId: params.seal,
    applicationIds: params.applications === '' ? [] : params.applications.split(' '),
    splitGroups: params.splits === '' ? [] : params.splits.split(';').map(seqList),
    now: params.now,
    asOf,
    config,
  }
}

/** The seal's name and record and the applications on one page. Params: sealPageParams. */
export const sealView: BoundView = {
  name: SEAL_VIEW,
  render({ entries, actors, params }: BoundViewInput): string {
    const claims = parseSealPageParams(params)
    const { config } = claims
    const { seal, applications } = deriveSealPage(entries, actors, claims)
    const profiles = new Profiles(actors)
    const who = (id: string) => escapeHtml(nameOf(profiles.of(id).name, id))
    const when = (at: string, fact = 'time') => `<time data-fact="${fact}" datetime="${escapeHtml(at)}">${escapeHtml(formatLocal(at, config))}</time>`
    const line = (entry: EvidenceEntry, detail = '') => {
      const { type, actor, issuedAt } = entry.statement
      // The node's time, and the signer's own where it differs (a backdated or late statement shows).
      const claimed = Math.abs(Date.parse(issuedAt) - Date.parse(entry.recordedAt)) > CLAIM_SHOWN_AFTER_MS ? `（签署时间 ${when(issuedAt, 'issuedAt')}）` : ''
      const late = lateBy(issuedAt, entry.recordedAt, config.lateRecordAfterMs)
      const lateMark = late === undefined ? '' : ` <span class="late" data-fact="late">补录 · 签署 ${lateDays(late)} 天后才记录</span>`
      return (
        `<li class="entry" data-seq="${entry.seq}" data-actor="${escapeHtml(actor)}"><a class="seq" href="/v1/entries/${entry.seq}">#${entry.seq}</a> ` +
        `<b>${escapeHtml(TYPE_LABELS[type] ?? type)}</b> <span data-fact="${SIGNER_FACT[type] ?? 'signer'}">${who(actor)}</span> ${when(entry.recordedAt)}${claimed}${lateMark}` +
        `${detail ? ` <span class="detail" data-fact="detail">${detail}</span>` : ''}</li>`
      )
    }
    const detailOf = (application: ApplicationFacts, entry: EvidenceEntry): string => {
      if (entry === application.approval?.entry && application.approval.comment) return escapeHtml(application.approval.comment)
      if (entry === application.rejection?.entry && application.rejection.comment) return escapeHtml(application.rejection.comment)
      const use = application.uses.find((u) => u.entry === entry)
      if (use) return `${use.copies} 份，盖章件 ${short(use.stamped)}${use.photo ? `，照片 ${short(use.photo)}` : ''}`
      const closing = application.closing
      if (closing && entry === closing.entry) {
        return `${escapeHtml(closing.outcome)}（${escapeHtml(closing.completedAt)} 完成${closing.finalAmount !== undefined ? `，决算 ${yuan(closing.finalAmount)}` : ''}）`
      }
      return ''
    }
    const alertLine = (alert: DerivedAlert) =>
      `<li class="alert" data-fact="alert" data-kind="${alert.kind}">${DERIVED_ALERT_LABELS[alert.kind]} ${when(alert.at)} 见 ${alert.seqs.map((s) => `#${s}`).join('、')}</li>`
    const applicationSection = (a: ApplicationFacts) => {
      const last = a.history[a.history.length - 1]
      const facts: [string, string, string][] = [
        ['applicant', '申请人', who(a.applicant)],
        ['purpose', '用途', escapeHtml(a.purpose)],
        ['document', '文件', `${escapeHtml(a.document.name)} ${short(a.document.sha256)}`],
        ['copies', '份数', `申请 ${a.copiesRequested}，批准 ${a.copiesApproved}，已盖 ${a.copiesUsed}`],
        ...(a.amount !== undefined ? [['amount', '金额', yuan(a.amount)] as [string, string, string]] : []),
        ...(a.budget !== undefined ? [['budget', '预算', yuan(a.budget)] as [string, string, string]] : []),
        ...(a.dueDate ? [['due', '办结期限', escapeHtml(a.dueDate)] as [string, string, string]] : []),
      ]
      const movedBy = `${nameOf(profiles.of(last.statement.actor).name, last.statement.actor)} · ${formatLocal(last.recordedAt, config)} · #${last.seq}`
      return `<section class="application" id="${escapeHtml(a.applicationId)}" data-fact="application">
<h2><span data-fact="title">${escapeHtml(a.title)}</span> <span class="state ${a.state}" data-fact="state" title="${escapeHtml(movedBy)}">${STATE_LABELS[a.state]}</span></h2>
<dl>${facts.map(([fact, label, value]) => `<dt>${label}</dt><dd data-fact="${fact}">${value}</dd>`).join('')}</dl>
<ul class="alerts" data-fact="alert">${a.alerts.map(alertLine).join('')}</ul>
<ol class="entries" data-fact="history">${a.history.map((entry) => line(entry, detailOf(a, entry))).join('')}</ol>
</section>`
    }
    const sealHistory = [line(seal.register), ...(seal.revoke ? [line(seal.revoke.entry, escapeHtml(seal.revoke.reason))] : [])].join('')
    const settings =
      `预警规则的设置（节点运营方的配置，不是已签名的记录）：时间为 UTC${escapeHtml(config.zoneOffset)}；` +
      `非工作时间为 ${pad(config.offHoursFrom)}:00 至 ${pad(config.offHoursTo)}:00；集体决策金额 ${yuan(config.collectiveThreshold)}；` +
      `拆分合同：同一组织 ${config.splitWindowDays} 天内至少 ${config.splitMinApplications} 件标题相近（相似度 ≥ ${config.titleSimilarity}）、每件低于集体决策金额而合计达到它；` +
      `办结期限按节点生成本页的时间 ${when(claims.now, 'settings')} 计。`
    const scope =
      `以上内容由节点列出的 ${entries.length} 条已签名记录和上面的规则设置得出（节点生成本页时账本共 ${claims.asOf} 条），` +
      `脚本在您的浏览器中由这些记录重新得出并逐项比对。它不能证明节点没有漏列记录（例如后来的批准、用印或注销）；完整的审计请用 <code>tracechain verify</code>。`
    return `<h1 data-fact="sealName">${escapeHtml(nameOf(seal.name, seal.sealId))}</h1>
<section class="seal" data-fact="seal">
<dl>
<dt>所属组织</dt><dd data-fact="org">${escapeHtml(seal.org)}</dd>
<dt>状态</dt><dd data-fact="sealState">${seal.revoke ? `已注销：${escapeHtml(seal.revoke.reason)}` : '在用'}</dd>
<dt>印章管理员</dt><dd data-fact="custodian">${who(seal.custodian)}</dd>
<dt>审批人</dt><dd data-fact="approvers">${seal.approvers.map(who).join('、')}</dd>
</dl>
<ol class="entries" data-fact="history">${sealHistory}</ol>
</section>
${applications.map(applicationSection).join('\n')}
<p class="settings" data-fact="settings">${settings}</p>
<p class="scope" data-fact="scope">${scope}</p>
`
  },
}

/** The actors the seal area names beyond its entries' signers: the custodian and approvers. */
export function sealAreaActors(seal: Pick<SealFacts, 'custodian' | 'approvers'>): string[] {
  return [seal.custodian, ...seal.approvers]
}
