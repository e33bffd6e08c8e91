// The food statements a regulator makes from the console (/console/act): a recall (food.recall) and an
// inspection result (food.inspection), as forms whose values give the bodies schemas/food.recall.json and
// schemas/food.inspection.json describe. Pure and browser-safe: the page builds and signs with them.

import {
  compactTime,
  invalidField,
  optionalNumber,
  optionalText,
  requiredChinaTime,
  requiredLines,
  requiredSha256,
  requiredText,
  type ActionForm,
  type FormValues,
} from '../core/statement-form.js'

/** The most ids one recall names (the schema's maxItems). */
const MAX_RECALL_IDS = 256

const recallForm: ActionForm = {
  action: 'recall',
  type: 'food.recall',
  title: { zh: '发布召回', en: 'Issue a recall' },
  signer: { zh: '市场监管部门，或该批次的生产者', en: 'a regulator, or the producer of the lots' },
  fields: [
    {
      name: 'ids',
      kind: 'lines',
      label: { zh: '召回的批次（每行一个）', en: 'Lots recalled (one a line)' },
      hint: { zh: '数字链接（https://id.gs1.org/01/…/10/…）或 EPC URN；其下游批次一并召回', en: 'Digital Link (https://id.gs1.org/01/…/10/…) or EPC URN; everything made from them is recalled too' },
      required: true,
      maxLength: 2048 * 4,
      prefill: 'lot',
    },
    { name: 'reason', kind: 'textarea', label: { zh: '召回原因', en: 'Reason' }, hint: { zh: '消费者和监管人员会读到', en: 'consumers and inspectors read it' }, required: true, maxLength: 2000 },
    {
      name: 'severity',
      kind: 'select',
      label: { zh: '召回级别', en: 'Class' },
      required: true,
      options: [
        { value: 'class-i', zh: '一级（可能造成严重健康损害或死亡）', en: 'Class I (serious harm or death is probable)' },
        { value: 'class-ii', zh: '二级（可能造成一般健康损害）', en: 'Class II (temporary or reversible harm)' },
        { value: 'class-iii', zh: '三级（一般不会造成健康损害）', en: 'Class III (unlikely to cause harm)' },
      ],
    },
  ],
  body(values: FormValues) {
    const ids = requiredLines(values, 'ids', MAX_RECALL_IDS)
    for (const id of ids) if (!/^(urn:|https?:\/\/)/.test(id)) invalidField('ids', `${id} is neither an EPC URN nor a Digital Link`)
    const severity = requiredText(values, 'severity', 16)
    if (!['class-i', 'class-ii', 'class-iii'].includes(severity)) invalidField('severity', 'severity must be class-i, class-ii or class-iii')
    return { ids, reason: requiredText(values, 'reason', 2000), severity }
  },
  defaultId: (_values, issuedAt) => `recall-${compactTime(issuedAt)}`,
  resultLinks: (statement) => lotPages((statement.body as { ids: string[] }).ids),
}

/** The consumer pages of the lots named as Digital Links (an EPC URN's page is found by the explorer's search). */
function lotPages(ids: readonly string[]): { href: string; label: { zh: string; en: string } }[] {
  return ids.flatMap((id) => {
    const match = /^https?:\/\/[^/]+(\/01\/\d{14}\/10\/[^/?#]+)$/.exec(id)
    const path = match ? match[1] : `/search?q=${encodeURIComponent(id)}`
    return [{ href: path, label: { zh: `批次页面：${id}`, en: `Lot page: ${id}` } }]
  })
}

const inspectionForm: ActionForm = {
  action: 'inspection',
  type: 'food.inspection',
  title: { zh: '登记抽检结果', en: 'Record an inspection result' },
  signer: { zh: '市场监管部门或检验机构', en: 'a regulator or a laboratory' },
  fields: [
    { name: 'lot', kind: 'text', label: { zh: '抽检批次', en: 'Lot sampled' }, hint: { zh: '数字链接或 EPC URN（urn:epc:class:lgtin:…）', en: 'Digital Link or EPC URN (urn:epc:class:lgtin:…)' }, required: true, maxLength: 2048, prefill: 'lot' },
    { name: 'sampleId', kind: 'text', label: { zh: '样品编号', en: 'Sample id' }, required: true, maxLength: 128 },
    { name: 'method', kind: 'text', label: { zh: '检验方法或标准', en: 'Method or standard' }, hint: { zh: '如 GB 31658.17-2021', en: 'e.g. GB 31658.17-2021' }, required: true, maxLength: 200 },
    {
      name: 'outcome',
      kind: 'select',
      label: { zh: '结论', en: 'Outcome' },
      required: true,
      options: [
        { value: 'pass', zh: '合格', en: 'Pass' },
        { value: 'fail', zh: '不合格', en: 'Fail' },
      ],
    },
    { name: 'analyte', kind: 'text', label: { zh: '检测项目（可选）', en: 'Analyte (optional)' }, hint: { zh: '如 恩诺沙星', en: 'e.g. enrofloxacin' }, maxLength: 200 },
    { name: 'value', kind: 'number', label: { zh: '检测值', en: 'Measured value' }, maxLength: 32 },
    { name: 'unit', kind: 'text', label: { zh: '单位', en: 'Unit' }, hint: { zh: '如 µg/kg', en: 'e.g. µg/kg' }, maxLength: 32 },
    { name: 'limit', kind: 'number', label: { zh: '限量（可选）', en: 'Limit (optional)' }, maxLength: 32 },
    { name: 'certificateName', kind: 'text', label: { zh: '检验报告名称或编号', en: 'Test report name or number' }, required: true, maxLength: 200 },
    { name: 'certificateSha256', kind: 'sha256', label: { zh: '检验报告的 SHA-256', en: "The test report's SHA-256" }, required: true },
    { name: 'inspectedAt', kind: 'datetime', label: { zh: '检验时间（北京时间）', en: 'Tested at (China Standard Time)' }, required: true },
  ],
  body(values: FormValues) {
    const outcome = requiredText(values, 'outcome', 8)
    if (outcome !== 'pass' && outcome !== 'fail') invalidField('outcome', 'outcome must be pass or fail')
    const analyte = optionalText(values, 'analyte', 200)
    const result: Record<string, unknown> = { outcome }
    if (analyte !== undefined) {
      const value = optionalNumber(values, 'value') ?? invalidField('value', 'a measurement needs its value')
      const limit = optionalNumber(values, 'limit')
      result.measurements = [{ analyte, value, unit: requiredText(values, 'unit', 32), ...(limit !== undefined ? { limit } : {}) }]
    }
    return {
      lot: requiredText(values, 'lot', 2048),
      sampleId: requiredText(values, 'sampleId', 128),
      method: requiredText(values, 'method', 200),
      result,
      certificate: { name: requiredText(values, 'certificateName', 200), sha256: requiredSha256(values, 'certificateSha256') },
      inspectedAt: requiredChinaTime(values, 'inspectedAt'),
    }
  },
  resultLinks: (statement) => lotPages([(statement.body as { lot: string }).lot]),
  defaultId: (values, issuedAt) => `inspection-${(values.sampleId ?? '').trim().slice(0, 64) || 'sample'}-${compactTime(issuedAt)}`,
}

/** The food forms, in the order the console lists them. */
export const FOOD_ACTION_FORMS: readonly ActionForm[] = [recallForm, inspectionForm]
