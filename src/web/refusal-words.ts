// A node's refusal of a statement in words a clerk or an inspector reads, beside its code: Chinese for the
// refusals a person signing from the console meets, English from the error codes' summaries (core/error-codes.ts).

import { ERROR_SUMMARIES } from '../core/error-codes.js'
import type { ErrorCode } from '../core/errors.js'
import type { Lang } from './i18n.js'

const ZH: Partial<Record<ErrorCode, string>> = {
  BAD_REQUEST: '声明格式不对',
  SCHEMA_INVALID: '声明内容不符合该类型的格式要求',
  IDENTIFIER_INVALID: '批次标识（数字链接或 EPC URN）无法解析',
  CHECK_DIGIT_INVALID: '商品条码（GTIN）的校验位不对',
  ISSUED_IN_FUTURE: '签署时间晚于节点时钟：请检查本机时间',
  UNKNOWN_ACTOR: '账本中没有这个参与方',
  UNKNOWN_KEY: '这把密钥未在账本中登记',
  KEY_NOT_VALID: '这把密钥已被轮换或其参与方已被注销',
  SIGNATURE_INVALID: '签名无效',
  SIGNATURE_MISSING: '没有该参与方有效密钥的签名：密钥与签名身份不符',
  ACTOR_REVOKED: '该参与方已被注销',
  ROLE_FORBIDDEN: '该参与方的角色无权签署此类声明',
  STATEMENT_ID_CONFLICT: '该声明编号已用于另一份内容：请换一个编号',
  RULE_VIOLATION: '签名有效，但违反账本规则',
  NOT_PRODUCT_MAKER: '签名者不是该商品的品牌方或其授权生产者',
  RECALL_FORBIDDEN: '只有监管部门或该批次的生产者可以召回',
  SEAL_NOT_FOUND: '没有这枚印章或这份申请',
  APPLICATION_EXISTS: '申请编号已被使用',
  NOT_APPROVER: '签名者不是这枚印章的审批人',
  SELF_APPROVAL: '申请人不能审批自己的申请',
  NOT_CUSTODIAN: '只有印章管理员可以用印',
  NOT_IN_ORG: '申请人不属于印章所属的组织',
  USE_WITHOUT_APPROVAL: '申请未经批准，不能用印',
  COPIES_EXCEEDED: '用印份数超过批准份数',
  REVOKED_SEAL_USE: '这枚印章已注销',
  INVALID_TRANSITION: '申请当前的状态不允许这一步',
  REFUSED_BEFORE: '这份签名声明此前已被拒绝，不能再次提交：请重新签署一份',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  MIRROR_READ_ONLY: '这是只读镜像节点：请到主节点办理',
  SHUTTING_DOWN: '节点正在关闭',
  STORE_UNAVAILABLE: '节点暂时无法写入',
}

/** "拒绝（ROLE_FORBIDDEN）：该参与方的角色无权签署此类声明" or its English; unknown codes show as they came. */
export function refusalWords(code: string, lang: Lang): string {
  const known = Object.hasOwn(ERROR_SUMMARIES, code) ? (code as ErrorCode) : undefined
  const words = known === undefined ? '' : lang === 'zh' ? (ZH[known] ?? ERROR_SUMMARIES[known]) : ERROR_SUMMARIES[known]
  return lang === 'zh' ? `节点拒绝（${code}）${words ? `：${words}` : ''}` : `Refused by the node (${code})${words ? `: ${words}` : ''}`
}
