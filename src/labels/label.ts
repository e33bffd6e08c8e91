// The printable label: the QR code of the lot's Digital Link URI, the product name in Chinese and
// English, the lot, the trace code and the URI in small print, as SVG (and PNG through png.ts).

import { hasVisibleText } from '../core/display-text.js'
import { buildQrMatrix, qrPathData, QUIET_ZONE_MODULES } from './qr.js'

export type LabelSize = 'print' | 'screen'
export const LABEL_SIZES: readonly LabelSize[] = ['print', 'screen']

/** Print resolution of the PNG form; thermal and inkjet label printers work at 300 dpi. */
export const PRINT_DPI = 300
const MM_PER_INCH = 25.4

/**
 * Drawing units are 0.1 mm on a 40 x 60 mm label (a common roll size for food packs). The print
 * form declares its size in mm; the screen form is 320 x 480 CSS px, the same drawing.
 */
const WIDTH = 400
const HEIGHT = 600
/** The QR code's side on the print label, quiet zone included: 28 of the label's 40 mm. */
export const QR_SIDE_MM = 28
const UNITS_PER_MM = WIDTH / 40
export const LABEL_DIMENSIONS = {
  // 40 mm at 300 dpi is 472.4 px; the height keeps the 2:3 drawing exact (708 px, 59.9 mm).
  print: { width: '40mm', height: '60mm', pixelWidth: Math.round((40 / MM_PER_INCH) * PRINT_DPI), pixelHeight: Math.round((40 / MM_PER_INCH) * PRINT_DPI) * 1.5 },
  screen: { width: '320', height: '480', pixelWidth: 320, pixelHeight: 480 },
} as const

export type ProductName = string | { zh?: string; en?: string }

export interface LabelContent {
  uri: string
  /** null when the product is not known (a label made offline without a data directory) */
  productName: ProductName | null
  gtin: string
  lot?: string
  serial?: string
  traceCode: string
}

const SANS = "'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei','DejaVu Sans',sans-serif"
const MONO = "'DejaVu Sans Mono','Noto Sans Mono CJK SC',monospace"
const INK = '#111'
const BRAND = '#0b6e4f'

/** Characters outside XML 1.0's Char production (section 2.2): no reference can stand for them either. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu

/** Text for XML content or an attribute (attacker-controlled: a producer's product name); what XML forbids is drawn as U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\ufffd').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Width of `text` in ems, estimated: CJK and full-width characters 1em, others about 0.62em. */
function emWidth(text: string, mono: boolean): number {
  let ems = 0
  for (const char of text) ems += /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/.test(char) ? 1 : mono ? 0.6 : 0.62
  return ems
}

/** UAX #9's explicit embeddings, overrides and isolates (LRE..RLO, LRI..PDI): a printed name leaves them out. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g

/** The preferred font size, or smaller so `text` fits `maxWidth` (long URIs, long product names). */
function fitFont(text: string, maxWidth: number, preferred: number, mono = false): number {
  const ems = emWidth(text, mono)
  return ems === 0 ? preferred : Math.max(8, Math.min(preferred, Math.floor((maxWidth / ems) * 10) / 10))
}

function text(x: number, y: number, content: string, attrs: { size: number; anchor?: 'start' | 'middle' | 'end'; weight?: number; fill?: string; mono?: boolean }): string {
  return (
    `<text x="${x}" y="${y}" font-family="${attrs.mono ? MONO : SANS}" font-size="${attrs.size}"` +
    `${attrs.weight ? ` font-weight="${attrs.weight}"` : ''} fill="${attrs.fill ?? INK}" text-anchor="${attrs.anchor ?? 'middle'}">` +
    `${escapeXml(content)}</text>`
  )
}

const CAPTION_SIZE = 19
/** Below this size "lot · serial" on one line is hard to read: the two go on two lines instead. */
const LOT_ONE_LINE_MIN_SIZE = 16

/**
 * The lot and serial, right-aligned beside their caption and never over it: on one line when it fits at a
 * readable size, else the lot above the serial (an item's 20 + 20 characters would shrink to 0.7 mm).
 */
function lotLines(caption: string, values: string[], oneLine: string): string[] {
  const right = WIDTH - 30
  const maxWidth = Math.min(220, right - (30 + emWidth(caption, false) * CAPTION_SIZE) - 12)
  const size = fitFont(oneLine, maxWidth, 28, true)
  const attrs = { anchor: 'end', weight: 700, mono: true } as const
  if (values.length < 2 || (size >= LOT_ONE_LINE_MIN_SIZE && emWidth(oneLine, true) * size <= maxWidth)) return [text(right, 488, oneLine, { size, ...attrs })]
  const twoLines = Math.min(22, ...values.map((value) => fitFont(value, maxWidth, 22, true)))
  return values.map((value, line) => text(right, 475 + line * Math.round(twoLines * 12) / 10, value, { size: twoLines, ...attrs }))
}

const URI_WIDTH = 360
const URI_MIN_SIZE = 8

/**
 * The URI in small print: one line when it fits at URI_MIN_SIZE, else cut into equal lines that do, the
 * last at the label's foot, so every character the QR code carries is printed on the label.
 */
function uriLines(uri: string): string[] {
  const attrs = { fill: '#444', mono: true } as const
  const size = fitFont(uri, URI_WIDTH, 15, true)
  if (emWidth(uri, true) * size <= URI_WIDTH) return [text(WIDTH / 2, 572, uri, { size, ...attrs })]
  const chars = [...uri]
  const count = Math.ceil((emWidth(uri, true) * URI_MIN_SIZE) / URI_WIDTH)
  const perLine = Math.ceil(chars.length / count)
  const lines = Array.from({ length: count }, (_, line) => chars.slice(line * perLine, (line + 1) * perLine).join('')).filter((line) => line !== '')
  const lineSize = Math.min(10, ...lines.map((line) => fitFont(line, URI_WIDTH, 10, true)))
  const step = Math.round(lineSize * 12) / 10
  return lines.map((line, at) => text(WIDTH / 2, Math.round((588 - (lines.length - 1 - at) * step) * 10) / 10, line, { size: lineSize, ...attrs }))
}

const NAME_WIDTH = 360

/**
 * A product name (the producer's text, up to 200 characters) centred on the label: shrunk to fit, and when it
 * does not fit at the smallest size, cut and ended with "…", each character then counted 1em whatever the font,
 * so nothing is drawn past the label's edges.
 */
function nameText(y: number, name: string, preferred: number, attrs: { weight?: number; fill?: string }): string {
  const size = fitFont(name, NAME_WIDTH, preferred)
  if (emWidth(name, false) * size <= NAME_WIDTH) return text(WIDTH / 2, y, name, { size, ...attrs })
  const kept = [...name].slice(0, Math.max(1, Math.floor(NAME_WIDTH / size) - 1)).join('')
  return text(WIDTH / 2, y, `${kept}…`, { size, ...attrs })
}

/**
 * The names printed, without bidi controls: resvg applies them (a U+202E drew the rest of the name reversed, the
 * cut's "…" within it), and so does a browser showing the <title>, where the lot and trace code follow the name.
 */
function namesOf(name: ProductName | null, gtin: string): { primary: string; secondary?: string } {
  const printed = (text: string) => text.replace(BIDI_CONTROLS, '')
  // An old log's blank name ("", "\u200b", {"zh": ""}), which a food.product is now refused for, prints as absent.
  const shown = (text: string | undefined) => (text !== undefined && hasVisibleText(text) ? text : undefined)
  const [zh, en] = name === null ? [] : typeof name === 'string' ? [shown(name)] : [shown(name.zh), shown(name.en)]
  const primary = zh ?? en
  if (primary === undefined) return { primary: `GTIN ${gtin}` }
  return { primary: printed(primary), secondary: zh !== undefined && en !== undefined ? printed(en) : undefined }
}

/**
 * The label as a standalone SVG document. Text is drawn with system fonts (a CJK font such as
 * Noto Sans CJK SC for the Chinese name); `uri` must fit a QR code at level Q (RangeError otherwise).
 */
/** Labels drawn lately, by size and content: a scanned lot's label is asked for again and again, and
 *  encoding its QR code is most of a label request's time (bench/soak.mjs). */
const DRAWN_LABELS_MAX = 512
const drawnLabels = new Map<string, string>()

export function buildLabelSvg(content: LabelContent, size: LabelSize = 'print'): string {
  const key = size + '\u0000' + JSON.stringify(content)
  const drawn = drawnLabels.get(key)
  if (drawn !== undefined) {
    drawnLabels.delete(key)
    drawnLabels.set(key, drawn)
    return drawn
  }
  const svg = drawLabelSvg(content, size)
  if (drawnLabels.size >= DRAWN_LABELS_MAX) drawnLabels.delete(drawnLabels.keys().next().value as string)
  drawnLabels.set(key, svg)
  return svg
}

function drawLabelSvg(content: LabelContent, size: LabelSize): string {
  const matrix = buildQrMatrix(content.uri)
  const modules = matrix.size + 2 * QUIET_ZONE_MODULES
  const qrSide = QR_SIDE_MM * UNITS_PER_MM
  const qrX = (WIDTH - qrSide) / 2
  const qrY = 70
  const scale = qrSide / modules
  const { primary, secondary } = namesOf(content.productName, content.gtin)
  const dims = LABEL_DIMENSIONS[size]
  const lotText = [content.lot, content.serial].filter((v) => v !== undefined).join(' · ') || '—'
  const lotCaption = content.serial !== undefined ? (content.lot !== undefined ? '批次/序列 Lot/SN' : '序列号 Serial') : '批次 Lot'
  const body = [
    `<rect x="5" y="5" width="${WIDTH - 10}" height="${HEIGHT - 10}" rx="18" fill="#fff" stroke="${INK}" stroke-width="3"/>`,
    `<path d="M5 23a18 18 0 0 1 18-18h${WIDTH - 46}a18 18 0 0 1 18 18v35h-${WIDTH - 10}z" fill="${BRAND}"/>`,
    text(WIDTH / 2, 42, '扫码查看来源 · Scan to trace', { size: 24, weight: 700, fill: '#fff' }),
    `<g transform="translate(${qrX} ${qrY}) scale(${scale.toFixed(4)})"><rect width="${modules}" height="${modules}" fill="#fff"/>` +
      `<path d="${qrPathData(matrix)}" fill="#000" shape-rendering="crispEdges"/></g>`,
    nameText(392, primary, 36, { weight: 700 }),
    secondary !== undefined ? nameText(428, secondary, 22, { fill: '#333' }) : '',
    `<line x1="30" y1="448" x2="${WIDTH - 30}" y2="448" stroke="#bbb" stroke-width="2"/>`,
    text(30, 486, lotCaption, { size: CAPTION_SIZE, anchor: 'start', fill: '#555' }),
    ...lotLines(lotCaption, [content.lot, content.serial].filter((v) => v !== undefined), lotText),
    text(30, 530, '追溯码 Code', { size: 19, anchor: 'start', fill: '#555' }),
    text(WIDTH - 30, 532, content.traceCode, { size: 30, anchor: 'end', weight: 700, mono: true, fill: BRAND }),
    ...uriLines(content.uri),
  ]
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${dims.width}" height="${dims.height}" viewBox="0 0 ${WIDTH} ${HEIGHT}">` +
    `<title>${escapeXml(`${primary} ${lotText} ${content.traceCode}`)}</title>${body.join('')}</svg>`
  )
}
