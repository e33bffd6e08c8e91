// Alerts per kind over time, drawn on the server as one SVG of stacked bars (no script, no library), with
// the same counts as a table for screen readers and for copying. Days are China Standard Time days;
// a range longer than two months is counted by week, longer than a year by month.

import type { Alert } from '../ledger/alerts.js'
import { ALERT_KINDS, alertKindName, type AlertFamily } from './alert-words.js'
import { escapeHtml } from './html.js'
import type { Lang } from './i18n.js'

const DAY_MS = 86_400_000
/** China Standard Time, the console's calendar. */
export const CONSOLE_OFFSET_MS = 8 * 3_600_000
const MAX_DAY_BUCKETS = 62
const MAX_WEEK_BUCKETS = 53

export type BucketUnit = 'day' | 'week' | 'month'

export interface AlertChart {
  unit: BucketUnit
  /** each bucket's start (RFC 3339, UTC) and its local date (YYYY-MM-DD) */
  buckets: { start: string; date: string }[]
  /** counts per bucket for each kind present, in the order of ALERT_KINDS, then other kinds by name */
  series: { kind: string; counts: number[]; total: number }[]
  total: number
  /** true when more alerts matched than were counted */
  capped: boolean
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDate(ms: number): string {
  return new Date(ms + CONSOLE_OFFSET_MS).toISOString().slice(0, 10)
}

/** The instant a local date (YYYY-MM-DD) starts. */
export function startOfLocalDate(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`) - CONSOLE_OFFSET_MS
}

/** Bucket starts covering [since, until): local days, Monday weeks or calendar months. */
export function bucketStarts(sinceMs: number, untilMs: number): { unit: BucketUnit; starts: number[] } {
  const first = startOfLocalDate(localDate(sinceMs))
  const days = Math.ceil((untilMs - first) / DAY_MS)
  const unit: BucketUnit = days <= MAX_DAY_BUCKETS ? 'day' : days <= MAX_WEEK_BUCKETS * 7 ? 'week' : 'month'
  const starts: number[] = []
  if (unit === 'day') for (let at = first; at < untilMs; at += DAY_MS) starts.push(at)
  if (unit === 'week') {
    const weekday = (new Date(first + CONSOLE_OFFSET_MS).getUTCDay() + 6) % 7
    for (let at = first - weekday * DAY_MS; at < untilMs; at += 7 * DAY_MS) starts.push(at)
  }
  if (unit === 'month') {
    const [year, month] = localDate(first).split('-').map(Number)
    for (let i = 0; ; i++) {
      const at = Date.UTC(year, month - 1 + i, 1) - CONSOLE_OFFSET_MS
      if (at >= untilMs) break
      starts.push(at)
    }
  }
  return { unit, starts }
}

/** Counts `alerts` (their `at` within [since, until)) per kind per bucket. */
export function buildAlertChart(alerts: readonly Alert[], since: string, until: string, capped = false): AlertChart {
  const { unit, starts } = bucketStarts(Date.parse(since), Date.parse(until))
  const byKind = new Map<string, number[]>()
  let total = 0
  for (const alert of alerts) {
    const at = Date.parse(alert.at)
    let low = 0
    let high = starts.length - 1
    if (!(at >= starts[0] && at < Date.parse(until))) continue
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (starts[mid] <= at) low = mid
      else high = mid - 1
    }
    let counts = byKind.get(alert.kind)
    if (!counts) byKind.set(alert.kind, (counts = new Array<number>(starts.length).fill(0)))
    counts[low]++
    total++
  }
  const order = Object.keys(ALERT_KINDS)
  const rank = (kind: string) => (order.includes(kind) ? order.indexOf(kind) : order.length)
  const series = [...byKind.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1))
    .map(([kind, counts]) => ({ kind, counts, total: counts.reduce((sum, n) => sum + n, 0) }))
  return { unit, buckets: starts.map((at) => ({ start: new Date(at).toISOString(), date: localDate(at) })), series, total, capped }
}

const PALETTE: Record<AlertFamily, string[]> = {
  food: ['#c0392b', '#d35400', '#b9770e', '#a04000', '#922b21'],
  seal: ['#6c3483', '#1f618d', '#117a65', '#2e4053', '#7d3c98'],
  log: ['#7e5f00'],
  attempt: ['#5d6d7e', '#839192', '#4d5656', '#717d7e', '#2c3e50', '#616a6b', '#7b7d7d', '#515a5a', '#85929e'],
}

/** A colour per kind: its family's palette in table order, so a kind keeps its colour across pages. */
export function kindColour(kind: string): string {
  const words = ALERT_KINDS[kind]
  if (!words) return '#34495e'
  const family = Object.entries(ALERT_KINDS).filter(([, w]) => w.family === words.family).map(([k]) => k)
  const palette = PALETTE[words.family]
  return palette[family.indexOf(kind) % palette.length]
}

const WORDS = {
  zh: { title: '各类预警数量', per: { day: '每日', week: '每周', month: '每月' }, none: '所选范围内没有预警。', capped: '预警过多，图中只统计了最近的 {n} 条。', table: '数据表', date: '日期', total: '合计', unit: '条' },
  en: { title: 'Alerts by kind', per: { day: 'per day', week: 'per week', month: 'per month' }, none: 'No alerts in this range.', capped: 'Too many alerts: the chart counts the latest {n}.', table: 'Data table', date: 'Date', total: 'Total', unit: '' },
} as const

function shortDate(date: string, unit: BucketUnit, lang: Lang): string {
  const [y, m, d] = date.split('-').map(Number)
  if (unit === 'month') return lang === 'zh' ? `${y}年${m}月` : `${y}-${String(m).padStart(2, '0')}`
  return lang === 'zh' ? `${m}月${d}日` : `${d}/${m}`
}

/** The chart as a <figure>: the SVG, a legend whose entries filter by kind (`kindHref`), and the table. */
export function renderAlertChart(chart: AlertChart, lang: Lang, kindHref: (kind: string) => string, countedAtMost: number): string {
  const w = WORDS[lang]
  const caption = lang === 'zh' ? `${w.title}（${w.per[chart.unit]}）` : `${w.title} (${w.per[chart.unit]})`
  if (chart.total === 0) return `<figure class="chart"><figcaption><h2>${caption}</h2></figcaption><p class="muted">${w.none}</p></figure>`
  const n = chart.buckets.length
  const width = 640
  const height = 200
  const left = 34
  const bottom = 24
  const top = 8
  const plotWidth = width - left - 6
  const plotHeight = height - top - bottom
  const stacked = chart.buckets.map((_, i) => chart.series.reduce((sum, s) => sum + s.counts[i], 0))
  const peak = Math.max(1, ...stacked)
  const step = peak <= 5 ? 1 : Math.ceil(peak / 4 / 5) * 5
  const yMax = Math.ceil(peak / step) * step
  const y = (value: number) => top + plotHeight - (value / yMax) * plotHeight
  const slot = plotWidth / n
  const barWidth = Math.max(2, slot * 0.72)
  const grid: string[] = []
  for (let value = 0; value <= yMax; value += step) {
    grid.push(`<line x1="${left}" x2="${width - 6}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#dfe4e2"/>`)
    grid.push(`<text x="${left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#4a524f">${value}</text>`)
  }
  const labelEvery = Math.ceil(n / 8)
  const bars: string[] = []
  chart.buckets.forEach((bucket, i) => {
    const x = left + i * slot + (slot - barWidth) / 2
    let base = 0
    for (const series of chart.series) {
      const count = series.counts[i]
      if (count === 0) continue
      const top = y(base + count)
      const label = `${shortDate(bucket.date, chart.unit, lang)} · ${alertKindName(series.kind, lang)}: ${count}`
      bars.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${kindColour(series.kind)}"><title>${escapeHtml(label)}</title></rect>`)
      base += count
    }
    if (i % labelEvery === 0) {
      bars.push(`<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle" font-size="11" fill="#4a524f">${escapeHtml(shortDate(bucket.date, chart.unit, lang))}</text>`)
    }
  })
  const description = chart.series.map((s) => `${alertKindName(s.kind, lang)} ${s.total}`).join(lang === 'zh' ? '，' : ', ')
  const svg =
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(`${caption}: ${description}`)}" xmlns="http://www.w3.org/2000/svg">` +
    grid.join('') +
    bars.join('') +
    `</svg>`
  const legend = chart.series
    .map((s) => `<li><a href="${escapeHtml(kindHref(s.kind))}"><span class="swatch" style="background:${kindColour(s.kind)}"></span>${escapeHtml(alertKindName(s.kind, lang))} <b>${s.total}</b></a></li>`)
    .join('')
  const head = `<tr><th scope="col">${w.date}</th>${chart.series.map((s) => `<th scope="col">${escapeHtml(alertKindName(s.kind, lang))}</th>`).join('')}<th scope="col">${w.total}</th></tr>`
  const rows = chart.buckets
    .map((bucket, i) => (stacked[i] === 0 ? '' : `<tr><th scope="row">${escapeHtml(bucket.date)}</th>${chart.series.map((s) => `<td>${s.counts[i]}</td>`).join('')}<td>${stacked[i]}</td></tr>`))
    .join('')
  return (
    `<figure class="chart"><figcaption><h2>${caption} · ${chart.total}${w.unit}</h2></figcaption>${svg}` +
    `<ul class="legend">${legend}</ul>` +
    (chart.capped ? `<p class="small">${w.capped.replace('{n}', String(countedAtMost))}</p>` : '') +
    `<details><summary>${w.table}</summary><div class="scroll"><table>${head}${rows}</table></div></details></figure>`
  )
}
