// The seal workflow from the console (/console/act) without the CLI: a village clerk applies to use a seal
// (seal.apply), an approver approves or rejects (seal.approve, seal.reject), an admin revokes a seal
// (seal.revoke). Forms whose values give the bodies of schemas/seal.*.json; pure and browser-safe.

import {
  compactTime,
  invalidField,
  optionalDate,
  optionalNumber,
  optionalText,
  requiredId,
  requiredInteger,
  requiredSha256,
  requiredText,
  type ActionForm,
  type FormValues,
} from '../core/statement-form.js'

/** The schemas' bound on amounts and budgets, in CNY. */
const MAX_AMOUNT = 1e12

const applyForm: ActionForm = {
  action: 'apply',
  type: 'seal.apply',
  title: { zh: '申请用印', en: 'Apply to use a seal' },
  signer: { zh: '印章所属组织的任一成员（如村文书）', en: "any member of the seal's organisation (a village clerk)" },
  fields: [
    { name: 'sealId', kind: 'text', label: { zh: '印章编号', en: 'Seal id' }, required: true, maxLength: 64, prefill: 'seal' },
    { name: 'applicationId', kind: 'text', label: { zh: '申请编号', en: 'Application id' }, hint: { zh: '本节点内唯一，如 YQ-2026-031', en: 'unique on this node, e.g. YQ-2026-031' }, required: true, maxLength: 64 },
    { name: 'title', kind: 'text', label: { zh: '用印事由', en: 'Matter' }, hint: { zh: '如合同名称', en: "e.g. the contract's title" }, required: true, maxLength: 200 },
    { name: 'purpose', kind: 'textarea', label: { zh: '用途', en: 'Purpose' }, required: true, maxLength: 2000 },
    { name: 'documentName', kind: 'text', label: { zh: '用印文件名称', en: 'Document name' }, required: true, maxLength: 200 },
    { name: 'documentSha256', kind: 'sha256', label: { zh: '用印文件的 SHA-256', en: "The document's SHA-256" }, required: true },
    { name: 'copies', kind: 'integer', label: { zh: '用印份数', en: 'Copies' }, required: true },
    { name: 'amount', kind: 'amount', label: { zh: '金额（元，可选）', en: 'Amount (CNY, optional)' } },
    { name: 'budget', kind: 'amount', label: { zh: '预算（元，可选）', en: 'Budget (CNY, optional)' } },
    { name: 'dueDate', kind: 'date', label: { zh: '办结期限（可选）', en: 'Due date (optional)' } },
  ],
  body(values: FormValues) {
    const amount = optionalNumber(values, 'amount', { min: 0, max: MAX_AMOUNT })
    const budget = optionalNumber(values, 'budget', { min: 0, max: MAX_AMOUNT })
    const dueDate = optionalDate(values, 'dueDate')
    return {
      applicationId: requiredId(values, 'applicationId'),
      sealId: requiredId(values, 'sealId'),
      title: requiredText(values, 'title', 200),
      purpose: requiredText(values, 'purpose', 2000),
      document: { name: requiredText(values, 'documentName', 200), sha256: requiredSha256(values, 'documentSha256') },
      copies: requiredInteger(values, 'copies', 1, 10_000),
      ...(amount !== undefined ? { amount } : {}),
      ...(budget !== undefined ? { budget } : {}),
      ...(dueDate !== undefined ? { dueDate } : {}),
    }
  },
  defaultId: (values) => `${(values.applicationId ?? '').trim()}-apply`,
  resultLinks: (statement) => {
    const { sealId, applicationId } = statement.body as { sealId: string; applicationId: string }
    return [
      sealPage(sealId),
      { href: `/console/act?action=approve&application=${encodeURIComponent(applicationId)}`, label: { zh: `审批此申请（${applicationId}）`, en: `Approve or reject it (${applicationId})` } },
    ]
  },
}

function sealPage(sealId: string): { href: string; label: { zh: string; en: string } } {
  return { href: `/seals/${encodeURIComponent(sealId)}`, label: { zh: `印章公开页：${sealId}`, en: `The seal's public page: ${sealId}` } }
}

const decisionForm: ActionForm = {
  action: 'approve',
  type: 'seal.approve',
  title: { zh: '审批用印申请', en: 'Approve or reject an application' },
  signer: { zh: '该印章的审批人（不能是申请人本人）', en: 'an approver of the seal who is not the applicant' },
  fields: [
    { name: 'applicationId', kind: 'text', label: { zh: '申请编号', en: 'Application id' }, required: true, maxLength: 64, prefill: 'application' },
    {
      name: 'decision',
      kind: 'select',
      label: { zh: '审批意见', en: 'Decision' },
      required: true,
      options: [
        { value: 'seal.approve', zh: '同意', en: 'Approve' },
        { value: 'seal.reject', zh: '不同意', en: 'Reject' },
      ],
    },
    { name: 'comment', kind: 'textarea', label: { zh: '审批说明（公开，可选）', en: 'Comment (public, optional)' }, maxLength: 1000 },
  ],
  body(values: FormValues) {
    const comment = optionalText(values, 'comment', 1000)
    return { applicationId: requiredId(values, 'applicationId'), ...(comment !== undefined ? { comment } : {}) }
  },
  resultLinks: (statement) => {
    const { applicationId } = statement.body as { applicationId: string }
    return [{ href: `/v1/seals/applications/${encodeURIComponent(applicationId)}`, label: { zh: `申请记录（JSON）：${applicationId}`, en: `The application (JSON): ${applicationId}` } }]
  },
  defaultId: (values) => `${(values.applicationId ?? '').trim()}-${values.decision === 'seal.reject' ? 'reject' : 'approve'}`,
  typeOf: (values) => {
    const decision = values.decision ?? 'seal.approve'
    if (decision !== 'seal.approve' && decision !== 'seal.reject') invalidField('decision', 'decision must be seal.approve or seal.reject')
    return decision
  },
}

const revokeForm: ActionForm = {
  action: 'revoke',
  type: 'seal.revoke',
  title: { zh: '注销印章', en: 'Revoke a seal' },
  signer: { zh: '节点管理员（admin 角色）', en: 'an admin of the node' },
  fields: [
    { name: 'sealId', kind: 'text', label: { zh: '印章编号', en: 'Seal id' }, required: true, maxLength: 64, prefill: 'seal' },
    { name: 'reason', kind: 'textarea', label: { zh: '注销原因（公开）', en: 'Reason (public)' }, required: true, maxLength: 1000 },
  ],
  body: (values: FormValues) => ({ sealId: requiredId(values, 'sealId'), reason: requiredText(values, 'reason', 1000) }),
  resultLinks: (statement) => [sealPage((statement.body as { sealId: string }).sealId)],
  defaultId: (values, issuedAt) => `revoke-${(values.sealId ?? '').trim()}-${compactTime(issuedAt)}`,
}

/** The seal forms, in the order the console lists them. */
export const SEAL_ACTION_FORMS: readonly ActionForm[] = [applyForm, decisionForm, revokeForm]
