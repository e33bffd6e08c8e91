// Cold-chain readings as a small inline SVG chart: the product's storage range as a band, the
// readings as a line, any reading outside the range in red, with a one-line summary under it.

import { escapeHtml } from '../../web/html.js'
import { formatTime, TEXT, type Lang } from '../../web/i18n.js'

export interface ChartReading {
  celsius: number
  time?: string
}

const WIDTH = 320
const HEIGHT = 96
const LEFT = 38
const RIGHT = 8
const TOP = 8
const BOTTOM = 18

const round1 = (n: number) => (Math.round(n * 10) / 10).toString()
const degrees = (n: number) => `${round1(n)} °C`

export function isOutside(celsius: number, storage: { minC?: number; maxC?: number } | undefined): boolean {
  return storage !== undefined && ((storage.minC !== undefined && celsius < storage.minC) || (storage.maxC !== undefined && celsius > storage.maxC))
}

/** The chart and its summary as an HTML fragment, led by the sensor's own alarms when it raised any; empty for neither. */
export function renderTemperatureChart(readings: ChartReading[], storage: { minC?: number; maxC?: number } | undefined, lang: Lang, offset?: string, sensorAlarms = 0): string {
  const text = TEXT[lang]
  const alarm = sensorAlarms > 0 ? `<p><span class="warn" data-fact="sensor-alarm">${escapeHtml(text.sensorAlarm)} (ALARM_CONDITION × ${sensorAlarms})</span></p>` : ''
  if (readings.length === 0) return alarm ? `<div class="chart">${alarm}</div>` : ''
  const sorted = [...readings].sort((a, b) => (a.time && b.time ? Date.parse(a.time) - Date.parse(b.time) : 0))
  const values = sorted.map((r) => r.celsius)
  const bounds = [...values, ...(storage?.minC !== undefined ? [storage.minC] : []), ...(storage?.maxC !== undefined ? [storage.maxC] : [])]
  const low = Math.floor(Math.min(...bounds) - 1)
  const high = Math.ceil(Math.max(...bounds) + 1)
  const y = (c: number) => TOP + ((high - c) / (high - low)) * (HEIGHT - TOP - BOTTOM)
  const times = sorted.map((r) => (r.time ? Date.parse(r.time) : Number.NaN))
  const timed = times.every((t) => !Number.isNaN(t)) && times[times.length - 1] > times[0]
  const x = (i: number) =>
    LEFT + (sorted.length === 1 ? 0.5 : timed ? (times[i] - times[0]) / (times[times.length - 1] - times[0]) : i / (sorted.length - 1)) * (WIDTH - LEFT - RIGHT)

  const parts: string[] = []
  if (storage?.minC !== undefined || storage?.maxC !== undefined) {
    const top = y(storage.maxC ?? high)
    const bottom = y(storage.minC ?? low)
    parts.push(`<rect x="${LEFT}" y="${top.toFixed(1)}" width="${WIDTH - LEFT - RIGHT}" height="${(bottom - top).toFixed(1)}" fill="#dff1e6"/>`)
    for (const edge of [storage.maxC, storage.minC]) {
      if (edge === undefined) continue
      parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(edge).toFixed(1)}" y2="${y(edge).toFixed(1)}" stroke="#8cc5a2" stroke-dasharray="3 3"/>`)
      parts.push(`<text x="${LEFT - 4}" y="${(y(edge) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#3d6b50">${round1(edge)}°</text>`)
    }
  }
  const points = sorted.map((r, i) => `${x(i).toFixed(1)},${y(r.celsius).toFixed(1)}`)
  if (sorted.length > 1) parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="#1b6fb5" stroke-width="2"/>`)
  sorted.forEach((r, i) => {
    const bad = isOutside(r.celsius, storage)
    parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(r.celsius).toFixed(1)}" r="${bad ? 4.5 : 3}" fill="${bad ? '#c62828' : '#1b6fb5'}"/>`)
    if (bad) parts.push(`<text x="${Math.min(x(i) + 6, WIDTH - RIGHT - 30).toFixed(1)}" y="${(y(r.celsius) + 4).toFixed(1)}" font-size="11" font-weight="700" fill="#c62828">${round1(r.celsius)}°</text>`)
  })
  if (timed) {
    const clock = (t: string) => formatTime(t, lang, offset).split(/\s|, /).pop() ?? ''
    parts.push(`<text x="${LEFT}" y="${HEIGHT - 4}" font-size="11" fill="#5b6360">${escapeHtml(clock(sorted[0].time as string))}</text>`)
    parts.push(`<text x="${WIDTH - RIGHT}" y="${HEIGHT - 4}" text-anchor="end" font-size="11" fill="#5b6360">${escapeHtml(clock(sorted[sorted.length - 1].time as string))}</text>`)
  }

  const min = Math.min(...values)
  const max = Math.max(...values)
  const outside = sorted.filter((r) => isOutside(r.celsius, storage))
  const rangeText = storage ? `${round1(storage.minC ?? low)}–${round1(storage.maxC ?? high)} °C` : ''
  const count = { zh: `${sorted.length} 次读数`, en: `${sorted.length} reading${sorted.length === 1 ? '' : 's'}` }[lang]
  const spread = min === max ? degrees(min) : `${round1(min)}–${degrees(max)}`
  let summary: string
  if (outside.length > 0) {
    const worst = outside.reduce((a, b) => (Math.abs(b.celsius - (storage?.maxC ?? 0)) > Math.abs(a.celsius - (storage?.maxC ?? 0)) ? b : a))
    summary = {
      zh: `<span class="warn">${degrees(worst.celsius)}，${text.excursion}（${text.range} ${rangeText}）</span>`,
      en: `<span class="warn">${degrees(worst.celsius)}, ${text.excursion} (${text.range} ${rangeText})</span>`,
    }[lang]
  } else if (storage) {
    summary = { zh: `${text.within}（${text.range} ${rangeText}）`, en: `${text.within} (${text.range} ${rangeText})` }[lang]
  } else {
    summary = ''
  }
  const label = `${text.readings}: ${count}, ${spread}`
  return (
    `<div class="chart"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${parts.join('')}</svg>` +
    `<p>${escapeHtml(text.readings)} · ${escapeHtml(count)} · ${escapeHtml(spread)}</p>${alarm}${summary ? `<p>${summary}</p>` : ''}</div>`
  )
}
