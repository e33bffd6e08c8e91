// The 400 page for a GS1 Digital Link that does not parse: what is wrong, in the reader's
// language, and what to do (check the code on the pack), never a stack trace.

import type { TracechainError } from '../../core/errors.js'
import { gs1CheckDigit } from '../identifiers.js'
import { escapeHtml, renderShell, withLang } from '../../web/html.js'
import { TEXT, type Lang } from '../../web/i18n.js'

/** The AI 10 / 21 character set (GS1 character set 82) and the path shapes we resolve. */
const AI82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/

export interface LinkProblem {
  zh: string
  en: string
}

/**
 * What is wrong with a resolver path ("/01/..."), in words a shopper can act on, or undefined
 * when this reading finds nothing (then the parser's own message is shown). Attacker-controlled.
 */
export function explainLinkPath(path: string): LinkProblem | undefined {
  const segments = path.split('?')[0].split('/').filter((s) => s !== '')
  if (segments[0] !== '01' || segments.length < 2) return { zh: '链接不是商品条码（01）开头的 GS1 数字链接。', en: 'The link does not start with a GTIN (01) as a GS1 Digital Link must.' }
  const gtin = decodeSafe(segments[1])
  if (!/^\d+$/.test(gtin) || ![8, 12, 13, 14].includes(gtin.length)) {
    return { zh: `商品条码“${gtin}”应为 8、12、13 或 14 位数字。`, en: `The GTIN "${gtin}" must be 8, 12, 13 or 14 digits.` }
  }
  const expected = gs1CheckDigit(gtin.slice(0, -1))
  if (gtin[gtin.length - 1] !== expected) {
    return { zh: `商品条码 ${gtin} 的校验位错误：最后一位应为 ${expected}。`, en: `The GTIN ${gtin} has a wrong check digit: the last digit should be ${expected}.` }
  }
  const qualifiers = segments.slice(2)
  if (qualifiers.length % 2 !== 0) return { zh: '链接的限定符（10 批次 / 21 序列号）缺少取值。', en: 'A qualifier (10 lot / 21 serial) in the link has no value.' }
  const order: string[] = []
  for (let i = 0; i < qualifiers.length; i += 2) {
    const ai = qualifiers[i]
    const value = decodeSafe(qualifiers[i + 1])
    if (ai !== '10' && ai !== '21' && ai !== '22') return { zh: `不支持的限定符 ${ai}：商品条码后只能跟 22、10（批次）、21（序列号）。`, en: `Unsupported qualifier ${ai}: a GTIN may be followed only by 22, 10 (lot) and 21 (serial).` }
    if (!AI82.test(value) || value.length === 0 || value.length > 20) {
      const name = ai === '10' ? { zh: '批次号', en: 'lot' } : { zh: '序列号', en: 'serial' }
      return {
        zh: `${name.zh}“${value}”含有不允许的字符或长度不对（1–20 个 GS1 字符集 82 中的字符）。`,
        en: `The ${name.en} "${value}" has characters outside GS1 character set 82 or a wrong length (1 to 20).`,
      }
    }
    order.push(ai)
  }
  const rank = { '22': 0, '10': 1, '21': 2 } as Record<string, number>
  for (let i = 1; i < order.length; i++) {
    if (rank[order[i]] <= rank[order[i - 1]]) {
      return { zh: `限定符顺序错误：${order.join('、')}。应为 22、10（批次）、21（序列号）的顺序，例如 /01/…/10/批次/21/序列号。`, en: `Qualifiers are out of order (${order.join(', ')}): they must come as 22, 10 (lot), 21 (serial), e.g. /01/…/10/LOT/21/SERIAL.` }
    }
  }
  return undefined
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

export function renderLinkErrorPage(error: TracechainError, path: string, lang: Lang): string {
  const problem = explainLinkPath(path)
  const heading = lang === 'zh' ? '这个溯源链接无效' : 'This trace link is not valid'
  const advice =
    lang === 'zh'
      ? '请核对包装上的二维码或追溯码，或在账本浏览页搜索批次号。'
      : 'Check the QR code or trace code on the pack, or search for the lot in the ledger explorer.'
  const body =
    `<section class="card"><h1>${escapeHtml(heading)}</h1>` +
    `<p><strong>${escapeHtml(problem ? problem[lang] : error.message)}</strong></p>` +
    `<p class="muted">${escapeHtml(advice)}</p>` +
    `<p class="small">${escapeHtml(error.code)} · ${escapeHtml(path)}</p>` +
    `<p><a href="/?lang=${lang}">${escapeHtml(TEXT[lang].explorer)}</a></p></section>`
  return renderShell({
    lang,
    title: heading,
    switchHref: withLang(path, lang === 'zh' ? 'en' : 'zh'),
    switchLabel: TEXT[lang].switchTo,
    homeLabel: lang === 'zh' ? 'tracechain 溯源' : 'tracechain',
    body,
  })
}
