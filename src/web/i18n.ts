// The consumer pages speak Chinese (zh-CN) by default and English where the browser asks for it
// (RFC 9110 section 12.5.4 Accept-Language) or the reader switches with ?lang=en|zh.

import { bidiClosed, hasVisibleText } from '../core/display-text.js'
import { offsetMinutes } from '../core/zone-offset.js'

export type Lang = 'zh' | 'en'

export type Bilingual = string | { zh?: string; en?: string } | null | undefined

/**
 * The page language: ?lang= wins, else the first of zh or en by q-value in Accept-Language
 * (attacker-controlled, parsed leniently), else Chinese.
 */
export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'zh') return query
  let best: { lang: Lang; q: number } | undefined
  for (const part of (acceptLanguage ?? '').split(',').slice(0, 32)) {
    const [tag, ...params] = part.trim().toLowerCase().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    if (!(q > 0)) continue
    const lang: Lang | undefined = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') ? 'en' : undefined
    if (lang && (!best || q > best.q)) best = { lang, q }
  }
  return best?.lang ?? 'zh'
}

/**
 * A display name in `lang`, falling back to the other language, then to `fallback`. A blank one (an old
 * log's "" or "\u200b", which a registration is now refused for) counts as absent, so no signer shows as nothing.
 * Its bidi controls are closed within it (core/display-text.ts), wherever the page puts it.
 */
export function nameIn(name: Bilingual, lang: Lang, fallback = ''): string {
  if (!name) return fallback
  const [first, second] = typeof name === 'string' ? [name] : lang === 'en' ? [name.en, name.zh] : [name.zh, name.en]
  const shown = [first, second].find((text) => text !== undefined && hasVisibleText(text))
  return shown === undefined ? fallback : bidiClosed(shown)
}

/** A product's name as a page shows it: an old log's blank one ("", "\u200b", {"zh": ""}), which a food.product is now
 *  refused for (NAME_BLANK), is its GTIN instead, so no goods line, recall or inspection names nothing. */
export function productNameOrGtin(name: Bilingual, gtin: string): Bilingual {
  return nameIn(name, 'zh') !== '' ? name : { zh: `${TEXT.zh.gtin} ${gtin}`, en: `${TEXT.en.gtin} ${gtin}` }
}

/** "中文 / English" text (as the demo recall reason is written) reduced to the reader's half, its bidi controls closed. */
export function halfIn(text: string, lang: Lang): string {
  const parts = text.split(' / ')
  const cjk = (s: string) => /[\u4e00-\u9fff]/.test(s)
  const [a, b] = parts
  const half = parts.length !== 2 || cjk(a) === cjk(b) ? text : lang === 'zh' ? (cjk(a) ? a : b) : cjk(a) ? b : a
  return bidiClosed(half)
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

/**
 * A time as the place it happened saw it (the event's own offset; China Standard Time when it has
 * none), e.g. "2026年5月20日 08:00" or "20 May 2026, 08:00". `withTime` false gives the date alone.
 */
export function formatTime(iso: string, lang: Lang, offset?: string, withTime = true): string {
  const millis = Date.parse(iso)
  if (Number.isNaN(millis)) return iso
  const minutes = offsetMinutes(offset) ?? offsetMinutes(/([+-]\d{2}:\d{2})$/.exec(iso)?.[1]) ?? 480
  const local = new Date(millis + minutes * 60_000)
  const [y, m, d, hh, mm] = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()]
  // As words are written, so that a page script built with one language's words keeps one form (web/one-language.ts).
  return {
    zh: () => `${y}年${m + 1}月${d}日${withTime ? ` ${pad(hh)}:${pad(mm)}` : ''}`,
    en: () => `${d} ${MONTHS[m]} ${y}${withTime ? `, ${pad(hh)}:${pad(mm)}` : ''}`,
  }[lang]()
}

/** Fixed strings of the pages, by key. */
export const TEXT = {
  zh: {
    title: '产品溯源',
    switchTo: 'English',
    lot: '批次',
    serial: '序列号',
    gtin: '商品条码',
    traceCode: '追溯码',
    bestBefore: '保质期至',
    madeOn: '生产日期',
    storage: '储存条件',
    journey: '从农田到货架',
    journeyNote: '每一步都是生产者签名、写入公开账本的记录。',
    journeyTruncated: '此批次关联的记录过多，这里只显示其中一部分。',
    verification: '账本核验',
    verificationIntro: '本页记录由您的浏览器直接核验：检查点签名、每条记录的哈希与包含证明、以及生产者的签名。',
    pending: '正在您的浏览器中核验…',
    noScript: '需要启用 JavaScript 才能在本机核验。',
    recalled: '召回',
    recalledEn: 'Recalled',
    recallAdvice: '请勿食用。请将产品退回购买商店，或拨打 12315 咨询。',
    recallOf: '召回批次',
    recallOn: '召回日期',
    signedOn: '签署时间',
    recallBy: '发布机构',
    certificates: '证书',
    certificate: '查看证书',
    inspections: '检验检测',
    inspectionPassed: '合格',
    inspectionFailed: '不合格',
    inspectionOfIngredient: '原料',
    sample: '样品',
    method: '方法',
    limit: '限量',
    report: '检验报告',
    readings: '温度记录',
    range: '要求',
    excursion: '超出储存温度',
    within: '全程在储存温度内',
    sensorAlarm: '温度记录仪报警',
    ledgerEntry: '账本记录',
    label: '标签',
    printLabel: '打印标签',
    json: '数据 (JSON)',
    unknown: '此批次尚无记录',
    unknownNote: '账本中没有这个批次的任何记录。请核对包装上的追溯码，或咨询商家。',
    productOnly: '这是产品的二维码',
    productOnlyNote: '它标识的是产品，而不是某一批次。批次的来源与流向，请扫描印有批次号的标签。',
    shippedTo: '发往',
    from: '来自',
    madeFrom: '原料',
    footer: '追溯数据由 tracechain 公开账本提供，可独立核验。',
    explorer: '账本浏览',
  },
  en: {
    title: 'Product provenance',
    switchTo: '中文',
    lot: 'Lot',
    serial: 'Serial',
    gtin: 'GTIN',
    traceCode: 'Trace code',
    bestBefore: 'Best before',
    madeOn: 'Made on',
    storage: 'Storage',
    journey: 'From farm to shelf',
    journeyNote: 'Each step is a record signed by its producer and written to a public ledger.',
    journeyTruncated: 'This lot is linked to too many records to show them all: only part of its journey is shown here.',
    verification: 'Ledger check',
    verificationIntro: "Your browser checks this page itself: the checkpoint's signature, each record's hash and inclusion proof, and the producer's signature.",
    pending: 'Checking the proofs in your browser…',
    noScript: 'Turn on JavaScript to check the proofs on this device.',
    recalled: '召回',
    recalledEn: 'Recalled',
    recallAdvice: 'Do not eat it. Return it to the shop where you bought it.',
    recallOf: 'Recalled lot',
    recallOn: 'Recalled on',
    signedOn: 'signed',
    recallBy: 'Issued by',
    certificates: 'Certificates',
    certificate: 'View certificate',
    inspections: 'Inspections',
    inspectionPassed: 'Passed',
    inspectionFailed: 'Failed',
    inspectionOfIngredient: 'Ingredient',
    sample: 'Sample',
    method: 'Method',
    limit: 'limit',
    report: 'Report',
    readings: 'Temperature',
    range: 'required',
    excursion: 'outside the storage range',
    within: 'within the storage range throughout',
    sensorAlarm: 'the temperature logger raised an alarm',
    ledgerEntry: 'Ledger entry',
    label: 'Label',
    printLabel: 'Print label',
    json: 'Data (JSON)',
    unknown: 'No records for this lot yet',
    unknownNote: 'The ledger holds nothing about this lot. Check the trace code on the pack, or ask the shop.',
    productOnly: "This is the product's code",
    productOnlyNote: 'It names the product, not one lot of it. Scan a label that carries a lot number to see where that lot came from.',
    shippedTo: 'to',
    from: 'from',
    madeFrom: 'Made from',
    footer: 'Traceability data from the tracechain public ledger, independently verifiable.',
    explorer: 'Ledger explorer',
  },
} as const satisfies Record<Lang, Record<string, string>>

export type TextKey = keyof (typeof TEXT)['zh']
