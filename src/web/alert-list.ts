// The console's list of alerts. Each alert is the node's finding (its kind, time, message and what it
// names are the node's claims, outside any verified area); the entries it points at are a bound area
// (alert-entries.ts) the browser verifier renders again from the entries it verified.

import { formatPageToken, type Alert } from '../ledger/alerts.js'
import type { ActorProfile, EvidenceEntry } from './bound-view.js'
import { boundAreaOpen } from './bound-view.js'
import { ALERT_ENTRIES_VIEW, renderAlertEntries } from './alert-entries.js'
import { ALERT_KINDS, alertFamily, alertKindName } from './alert-words.js'
import { escapeHtml } from './html.js'
import { formatTime, type Lang } from './i18n.js'

const WORDS = {
  zh: { lots: '涉及批次', applications: '涉及申请', seal: '印章', actor: '尝试者', count: '被拒绝 {n} 次', first: '首次', last: '最近', refused: '被拒绝的声明不写入账本，由节点留存为证据；签名者与次数为节点所记录。', entries: '账本记录（在您的浏览器中核验）', details: '节点说明', isNew: '新' },
  en: { lots: 'Lots', applications: 'Applications', seal: 'Seal', actor: 'Tried by', count: 'refused {n} times', first: 'first', last: 'latest', refused: 'Refused statements are not in the log: the node keeps them as evidence; the signer and count are its record.', entries: 'Ledger entries (verified in your browser)', details: "The node's note", isNew: 'new' },
} as const

/** An alert as the console shows it: the alert, its position, and what the node found for its links. */
export interface ConsoleAlert {
  position: string
  alert: Alert
  /** the entries its seqs name that the node could read, ascending */
  entries: readonly EvidenceEntry[]
  /** for each id it names, the page of that lot or object where there is one */
  idPaths: ReadonlyMap<string, string>
}

/** A GS1 Digital Link path as a reader knows the lot: "Z260526B · 06901234001037" (lot, then GTIN). */
function pathLabel(path: string): string {
  const parts = path.split('/').filter(Boolean)
  const value = (ai: string) => {
    const at = parts.indexOf(ai)
    if (at < 0 || at % 2 !== 0 || at + 1 >= parts.length) return undefined
    try {
      return decodeURIComponent(parts[at + 1])
    } catch {
      return parts[at + 1]
    }
  }
  return [value('10'), value('21'), value('01')].filter((v) => v !== undefined).join(' · ') || path
}

/** One alert's card (an <li>); `fresh` marks one that arrived after the page loaded. */
export function renderAlertCard(item: ConsoleAlert, actors: ReadonlyMap<string, ActorProfile>, lang: Lang, fresh = false): string {
  const w = WORDS[lang]
  const { alert } = item
  const attempt = alert.count !== undefined || alert.code !== undefined
  const family = alertFamily(alert.kind, attempt)
  const known = ALERT_KINDS[alert.kind] !== undefined
  const facts: string[] = []
  if ((alert.ids ?? []).length > 0) {
    const lots = (alert.ids ?? []).map((id) => {
      const path = item.idPaths.get(id)
      return path ? `<a href="${escapeHtml(path)}?lang=${lang}" title="${escapeHtml(id)}">${escapeHtml(pathLabel(path))}</a>` : `<span class="code">${escapeHtml(id)}</span>`
    })
    facts.push(`<dt>${w.lots}</dt><dd>${lots.join(' ')}</dd>`)
  }
  if ((alert.applicationIds ?? []).length > 0) {
    const base = alert.sealId !== undefined ? `/seals/${encodeURIComponent(alert.sealId)}` : undefined
    const apps = (alert.applicationIds ?? []).map((id) =>
      base ? `<a href="${base}?lang=${lang}#${encodeURIComponent(id)}">${escapeHtml(id)}</a>` : `<a href="/v1/seals/applications/${encodeURIComponent(id)}">${escapeHtml(id)}</a>`,
    )
    facts.push(`<dt>${w.applications}</dt><dd>${apps.join(' ')}</dd>`)
  }
  if (alert.sealId !== undefined) facts.push(`<dt>${w.seal}</dt><dd><a href="/seals/${encodeURIComponent(alert.sealId)}?lang=${lang}">${escapeHtml(alert.sealId)}</a></dd>`)
  if (attempt && alert.actor !== undefined) {
    const when = [alert.firstAt && `${w.first} ${formatTime(alert.firstAt, lang)}`, alert.lastAt && alert.lastAt !== alert.firstAt && `${w.last} ${formatTime(alert.lastAt, lang)}`].filter(Boolean).join('，')
    facts.push(`<dt>${w.actor}</dt><dd><span class="code">${escapeHtml(alert.actor)}</span> · ${w.count.replace('{n}', String(alert.count ?? 1))}${when ? ` · ${escapeHtml(when)}` : ''}</dd>`)
  }
  const seqs = [...new Set(alert.seqs)].sort((a, b) => a - b)
  const entries =
    seqs.length > 0
      ? `<p class="small">${w.entries}</p>` +
        boundAreaOpen({ view: ALERT_ENTRIES_VIEW, evidence: item.entries.map((e) => e.seq), actors: [], params: {} }, 'ul', 'class="entries"') +
        renderAlertEntries(item.entries, actors, lang) +
        '</ul>'
      : `<p class="small">${w.refused}</p>`
  // The node writes its messages in English: the Chinese page marks them so, for screen readers too.
  const message = `<details><summary>${w.details}</summary><p lang="en" class="msg">${escapeHtml(alert.message)}</p></details>`
  return (
    `<li class="alert f-${family}${fresh ? ' fresh' : ''}" data-position="${escapeHtml(formatPageToken(item.position))}" data-kind="${escapeHtml(alert.kind)}">` +
    `<div class="head"><h3>${escapeHtml(alertKindName(alert.kind, lang))}${fresh ? ` <span class="pass">${w.isNew}</span>` : ''}</h3>` +
    `<time datetime="${escapeHtml(alert.at)}">${escapeHtml(formatTime(alert.at, lang))}</time></div>` +
    (known ? `<p class="small code">${escapeHtml(alert.kind)}</p>` : '') +
    (facts.length > 0 ? `<dl class="facts">${facts.join('')}</dl>` : '') +
    message +
    entries +
    '</li>'
  )
}
