// What the console calls each alert kind, in Chinese and English, and which family it belongs to (its
// colour in the chart and the list). A kind missing here is shown by its code. Browser-safe.

import type { Lang } from './i18n.js'

export type AlertFamily = 'food' | 'seal' | 'log' | 'attempt'

export interface AlertKindWords {
  zh: string
  en: string
  family: AlertFamily
}

/** Every kind a node raises today: food patterns, seal patterns then LATE_RECORD (of any statement), then refused seal attempts (their codes). */
export const ALERT_KINDS: Record<string, AlertKindWords> = {
  TEMPERATURE_EXCURSION: { zh: '温度超出储存范围', en: 'Temperature outside storage range', family: 'food' },
  MASS_BALANCE: { zh: '投入产出重量不平衡', en: 'Mass balance broken', family: 'food' },
  EVENT_AFTER_RECALL: { zh: '召回后仍在流通', en: 'Moved after recall', family: 'food' },
  EVENT_AFTER_EXPIRY: { zh: '过期后仍在流通', en: 'Moved after its best-before date', family: 'food' },
  BROKEN_CHAIN_OF_CUSTODY: { zh: '交接链条断裂', en: 'Broken chain of custody', family: 'food' },
  INSPECTION_FAILED: { zh: '检验不合格', en: 'Inspection failed', family: 'food' },
  RECALL_LATE: { zh: '召回启动超时', en: 'Recall started late', family: 'food' },
  RECALL_OVERDUE: { zh: '检验不合格，逾期未召回', en: 'Not recalled after a failed inspection', family: 'food' },
  OFF_HOURS_USE: { zh: '非工作时间用印', en: 'Seal used off hours', family: 'seal' },
  OVER_BUDGET: { zh: '超出预算', en: 'Over budget', family: 'seal' },
  SPLIT_CONTRACT: { zh: '疑似拆分合同（化整为零）', en: 'Suspected split contract', family: 'seal' },
  OVERDUE: { zh: '逾期未办结', en: 'Overdue', family: 'seal' },
  USE_BEFORE_APPROVAL_RECORDED: { zh: '用印时间早于审批记录', en: 'Stamped before the approval was recorded', family: 'seal' },
  LATE_RECORD: { zh: '补录（签署后逾期才记录）', en: 'Recorded late', family: 'log' },
  USE_WITHOUT_APPROVAL: { zh: '未经批准用印（已拒绝）', en: 'Use without approval (refused)', family: 'attempt' },
  SELF_APPROVAL: { zh: '审批本人申请（已拒绝）', en: 'Self-approval (refused)', family: 'attempt' },
  COPIES_EXCEEDED: { zh: '超出批准份数用印（已拒绝）', en: 'More copies than approved (refused)', family: 'attempt' },
  REVOKED_SEAL_USE: { zh: '使用已注销印章（已拒绝）', en: 'Use of a revoked seal (refused)', family: 'attempt' },
  NOT_CUSTODIAN: { zh: '非印章管理员用印（已拒绝）', en: 'Stamped by a non-custodian (refused)', family: 'attempt' },
  NOT_APPROVER: { zh: '非审批人审批（已拒绝）', en: 'Approved by a non-approver (refused)', family: 'attempt' },
  NOT_IN_ORG: { zh: '非本村人员申请（已拒绝）', en: 'Applicant outside the organisation (refused)', family: 'attempt' },
  INVALID_TRANSITION: { zh: '不合流程的操作（已拒绝）', en: 'Out-of-order step (refused)', family: 'attempt' },
  ROLE_FORBIDDEN: { zh: '无权签署（已拒绝）', en: 'Signed without the role (refused)', family: 'attempt' },
}

/** The kind's name in `lang`, or its code. */
export function alertKindName(kind: string, lang: Lang): string {
  return ALERT_KINDS[kind]?.[lang] ?? kind
}

/** The kind's family; a refused attempt's code outside the table is an attempt too when the alert says so. */
export function alertFamily(kind: string, isAttempt = false): AlertFamily {
  return ALERT_KINDS[kind]?.family ?? (isAttempt ? 'attempt' : 'seal')
}

/** Statement types as the console names the entries an alert points at. */
export const STATEMENT_TYPE_NAMES: Record<string, Record<Lang, string>> = {
  'food.event': { zh: '食品流通记录', en: 'Food event' },
  'food.product': { zh: '产品登记', en: 'Product' },
  'food.recall': { zh: '召回', en: 'Recall' },
  'food.inspection': { zh: '检验结果', en: 'Inspection' },
  'seal.register': { zh: '印章登记', en: 'Seal registered' },
  'seal.apply': { zh: '用印申请', en: 'Application' },
  'seal.approve': { zh: '批准', en: 'Approval' },
  'seal.reject': { zh: '驳回', en: 'Rejection' },
  'seal.use': { zh: '盖章', en: 'Stamping' },
  'seal.close': { zh: '办结', en: 'Closed' },
  'seal.revoke': { zh: '印章注销', en: 'Seal revoked' },
  'actor.register': { zh: '主体登记', en: 'Actor registered' },
  'actor.rotate-key': { zh: '密钥更换', en: 'Key rotated' },
  'actor.revoke': { zh: '主体注销', en: 'Actor revoked' },
}
