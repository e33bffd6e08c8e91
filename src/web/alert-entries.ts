// The entries an alert points at, as a bound view (bound-view.ts): seq, statement type, signer as its
// registration names it, and time, rendered by the node in the console and again in the browser from the
// entries it verified. Browser-safe: src/verifier.ts registers it.

import type { ActorProfile, BoundView, EvidenceEntry } from './bound-view.js'
import { STATEMENT_TYPE_NAMES } from './alert-words.js'
import { escapeHtml } from './html.js'
import { formatTime, nameIn, type Bilingual, type Lang } from './i18n.js'

/** The name of the bound view of an alert's entries. */
export const ALERT_ENTRIES_VIEW = 'alert.entries'

/** The entries of an alert, ascending: seq, statement type, signer as its registration names it, time. */
export function renderAlertEntries(entries: readonly EvidenceEntry[], actors: ReadonlyMap<string, ActorProfile>, lang: Lang): string {
  return entries
    .map(({ seq, recordedAt, statement }) => {
      const name = actors.get(statement.actor)?.name as Bilingual
      const type = STATEMENT_TYPE_NAMES[statement.type]?.[lang] ?? statement.type
      return (
        `<li data-seq="${seq}" data-actor="${escapeHtml(statement.actor)}" data-fact="entry"><a href="/v1/entries/${seq}">#${seq}</a><span class="tick"></span> ` +
        `${escapeHtml(type)} · ${escapeHtml(nameIn(name, lang, statement.actor))} · <time datetime="${escapeHtml(recordedAt)}">${escapeHtml(formatTime(recordedAt, lang))}</time></li>`
      )
    })
    .join('')
}

export const alertEntriesView: BoundView & { facts: Record<string, Record<Lang, string>> } = {
  name: ALERT_ENTRIES_VIEW,
  facts: { entry: { zh: '预警所指的账本记录', en: "an alert's ledger entry" } },
  render: ({ entries, actors, lang }) => renderAlertEntries(entries, actors, lang),
}

