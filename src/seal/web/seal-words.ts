// The seal pages' words in Chinese and English: states, statement types, the timeline's steps, the facts a
// failure names, money. Browser-safe: the bound views render with them on the node and in the browser.

import type { Lang } from '../../web/i18n.js'
import type { ApplicationState } from '../workflow.js'

export const STATE_LABELS: Record<Lang, Record<ApplicationState, string>> = {
  zh: { applied: '待审批', approved: '已批准', rejected: '已驳回', used: '已用印', closed: '已办结' },
  en: { applied: 'Awaiting approval', approved: 'Approved', rejected: 'Rejected', used: 'Stamped', closed: 'Closed' },
}

export const TYPE_LABELS: Record<Lang, Record<string, string>> = {
  zh: { 'seal.register': '印章登记', 'seal.apply': '用印申请', 'seal.approve': '批准', 'seal.reject': '驳回', 'seal.use': '用印', 'seal.close': '办结', 'seal.revoke': '印章注销' },
  en: { 'seal.register': 'Seal registered', 'seal.apply': 'Applied', 'seal.approve': 'Approved', 'seal.reject': 'Rejected', 'seal.use': 'Stamped', 'seal.close': 'Closed', 'seal.revoke': 'Seal revoked' },
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
  overdue: { zh: '逾期', en: 'overdue' },
  application: { zh: '用印申请', en: 'application' },
  title: { zh: '标题', en: 'title' },
  state: { zh: '状态', en: 'state' },
  applicant: { zh: '申请人', en: 'applicant' },
  purpose: { zh: '用途', en: 'purpose' },
  document: { zh: '文件', en: 'document' },
  copies: { zh: '份数', en: 'copies' },
  amount: { zh: '金额', en: 'amount' },
  budget: { zh: '预算', en: 'budget' },
  bar: { zh: '金额与预算图', en: 'amount against budget bar' },
  due: { zh: '办结期限', en: 'due date' },
  alert: { zh: '预警', en: 'alert' },
  history: { zh: '办理经过', en: 'timeline' },
  step: { zh: '办理步骤', en: 'timeline step' },
  signer: { zh: '签署人', en: 'signer' },
  time: { zh: '时间', en: 'time' },
  issuedAt: { zh: '签署时间', en: 'signing time' },
  detail: { zh: '记录内容', en: 'entry detail' },
  settings: { zh: '规则设置', en: 'rule settings' },
  scope: { zh: '核验范围', en: 'scope' },
  row: { zh: '申请一览', en: 'application row' },
  split: { zh: '疑似拆分合同', en: 'suspected split contract' },
  sum: { zh: '合计', en: 'sum' },
}

/** The fixed words of the seal views. */
export const SEAL_WORDS = {
  zh: {
    org: '所属组织', sealState: '状态', active: '在用', revoked: '已注销：', custodian: '印章管理员', approvers: '审批人', sep: '、',
    applicant: '申请人', purpose: '用途', document: '文件', copies: '份数', money: '金额 / 预算', amount: '金额', budget: '预算', due: '办结期限',
    copiesText: (requested: number, approved: number, used: number) => `申请 ${requested}，批准 ${approved}，已盖 ${used}`,
    over: (by: string, percent: string) => `超出 ${by}（${percent}）`, within: (left: string) => `余 ${left}`, final: '决算',
    overdue: '逾期', lateTag: (days: number) => `补录 · 签署 ${days} 天后才记录`, signedAt: '签署时间', seeEntries: '见',
    timeline: '办理经过', pending: '尚未办理', notNeeded: '未用印即办结', stepApplied: '申请', stepApproved: '批准', stepStamped: '用印', stepClosed: '办结', stepRejected: '驳回',
    useDetail: (copies: number) => `${copies} 份，盖章件`, photo: '照片', completed: '完成', entry: '账本记录',
    history: '印章记录',
  },
  en: {
    org: 'Organisation', sealState: 'State', active: 'In use', revoked: 'Revoked: ', custodian: 'Custodian', approvers: 'Approvers', sep: ', ',
    applicant: 'Applicant', purpose: 'Purpose', document: 'Document', copies: 'Copies', money: 'Amount / budget', amount: 'Amount', budget: 'Budget', due: 'Due',
    copiesText: (requested: number, approved: number, used: number) => `${requested} requested, ${approved} approved, ${used} stamped`,
    over: (by: string, percent: string) => `over by ${by} (${percent})`, within: (left: string) => `${left} left`, final: 'Final',
    overdue: 'Overdue', lateTag: (days: number) => `Late record · recorded ${days} days after signing`, signedAt: 'signed', seeEntries: 'see',
    timeline: 'Timeline', pending: 'not yet', notNeeded: 'closed without stamping', stepApplied: 'Applied', stepApproved: 'Approved', stepStamped: 'Stamped', stepClosed: 'Closed', stepRejected: 'Rejected',
    useDetail: (copies: number) => `${copies} ${copies === 1 ? 'copy' : 'copies'}, stamped file`, photo: 'photo', completed: 'completed', entry: 'Ledger entry',
    history: 'Seal records',
  },
} as const

/** Thousands separators, the same in every browser (no Intl: its data differs between builds). */
function grouped(amount: number): string {
  const text = String(amount)
  if (/e/i.test(text)) return text
  const [whole, fraction] = text.split('.')
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`
}

/** CNY: "52,000 元" in Chinese, "CNY 52,000" in English. */
export function yuan(amount: number, lang: Lang = 'zh'): string {
  return lang === 'zh' ? `${grouped(amount)} 元` : `CNY ${grouped(amount)}`
}
