// The explorer's recent entries as a bound view (bound-view.ts): the table of each entry's type, signer and
// time, rendered by the node and again in the browser from the entries it verified. Browser-safe.

import type { ActorProfile, BoundView, EvidenceEntry } from './bound-view.js'
import { escapeHtml } from './html.js'
import { formatTime, nameIn, type Bilingual, type Lang } from './i18n.js'

const WORDS = {
  zh: { recent: '最近记录', type: '类型', actor: '签名者', at: '写入时间' },
  en: { recent: 'Recent entries', type: 'Type', actor: 'Signer', at: 'Recorded' },
} as const

/** The name of the explorer's bound view of its recent entries. */
export const RECENT_ENTRIES_VIEW = 'log.entries'

/** The recent entries' table, newest first: each entry's type, signer (as its registration names it) and time. */
export function renderRecentEntries(entries: readonly EvidenceEntry[], actors: ReadonlyMap<string, ActorProfile>, lang: Lang): string {
  const w = WORDS[lang]
  const rows = [...entries]
    .sort((a, b) => b.seq - a.seq)
    .map(({ seq, recordedAt, statement }) => {
      const name = actors.get(statement.actor)?.name as Bilingual
      return (
        `<tr data-seq="${seq}" data-actor="${escapeHtml(statement.actor)}" data-fact="entry"><td><a href="/v1/entries/${seq}">#${seq}</a><span class="tick"></span></td>` +
        `<td>${escapeHtml(statement.type)}</td><td>${escapeHtml(nameIn(name, lang, statement.actor))}</td>` +
        `<td>${escapeHtml(formatTime(recordedAt, lang, '+08:00'))}</td></tr>`
      )
    })
    .join('')
  return `<h2>${w.recent}</h2><table><thead><tr><th>#</th><th>${w.type}</th><th>${w.actor}</th><th>${w.at}</th></tr></thead><tbody>${rows}</tbody></table>`
}

export const recentEntriesView: BoundView & { facts: Record<string, Record<Lang, string>>; requiredAt: RegExp } = {
  name: RECENT_ENTRIES_VIEW,
  facts: { entry: { zh: '账本记录', en: 'ledger entry' } },
  requiredAt: /^\/(search)?$/,
  render: ({ entries, actors, lang }) => renderRecentEntries(entries, actors, lang),
}
