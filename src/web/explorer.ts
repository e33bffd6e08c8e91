// The explorer at GET /: the latest checkpoint, the recent entries (a bound area: verified and rendered
// again in the browser by /web/verify.js like the consumer page), a search that goes to the resolver,
// and each lot's label.

import { toHex } from '../core/bytes.js'
import { parseCheckpoint } from '../core/checkpoint.js'
import { MAX_VERIFY_RANGE } from '../ledger/audit-ledger.js'
import type { Entry } from '../ledger/ledger.js'
import { checkedStatementOf, parseStatementPayload, type Statement } from '../core/statement.js'
import { decodeEnvelope } from '../core/dsse.js'
import { boundAreaOpen, type ActorProfile, type EvidenceEntry } from './bound-view.js'
import { RECENT_ENTRIES_VIEW, renderRecentEntries } from './recent-entries.js'
import { escapeHtml, renderNodePage } from './html.js'
import { formatTime, nameIn, TEXT, type Bilingual, type Lang } from './i18n.js'
import type { RecordReader } from '../ledger/kinds.js'

/** A lot as the explorer lists it; a domain with lots supplies them through a LotDirectory. */
export interface LotSummary {
  /** the resolver path, "/01/{gtin}/10/{lot}" */
  path: string
  /** the canonical Digital Link on id.gs1.org, as labels are asked for */
  digitalLink: string
  gtin: string
  lot: string
  name: unknown
  traceCode: string
  recalled: boolean
  firstSeq: number
}

/** What a lot filter matches: the keys of the lots and of their serialised items. */
export interface LotKeys {
  keys: string[]
  /** present when the lots had more items than were read: how many were, the rest left out */
  cutAtItems?: number
}

/** Where the explorer finds lots: the newest ones, and what a search (attacker-controlled text) names. */
export interface LotDirectory {
  recentLots(reader: RecordReader, limit: number): Promise<LotSummary[]>
  /** a path to redirect to, or the lots the query matches (possibly none, possibly several) */
  searchLots(reader: RecordReader, query: string): Promise<{ path: string } | { lots: LotSummary[] }>
  /** the keys (as `idKey` gives them) of the lots `query` names, found as the search finds them: alerts are filtered by lot with them */
  lotKeys?(reader: RecordReader, query: string): Promise<LotKeys>
  /** the canonical key of an identifier an alert names, so two spellings of one lot compare equal; never throws */
  idKey?(id: string): string
  /** the page of an identifier an alert names (the resolver's path), where it has one */
  pagePathOf?(id: string): string | undefined
}

export interface ExplorerView {
  checkpoint: string
  entries: { entry: Entry; leafHash: string }[]
  actor(id: string): ActorProfile | undefined
  lots: LotSummary[]
  query?: string
  /** search results when the query named no single lot */
  results?: LotSummary[]
  /**
   * on a mirror: the tile tree it follows, and why it stopped following, if it did: what it read did not verify
   * (stopped), or its own store cannot be read back (storeCorrupt), which is not the log's fault
   */
  mirror?: { source: string; stopped?: string; storeCorrupt?: string }
}

const WORDS = {
  zh: {
    title: '账本浏览',
    checkpoint: '最新检查点',
    size: '记录数',
    root: '根哈希',
    recent: '最近记录',
    search: '查找批次',
    placeholder: '批次号、追溯码或数字链接',
    go: '查找',
    lots: '批次与标签',
    noMatch: '没有找到匹配的批次',
    audit: '服务器端完整审计',
    chain: '账本核验（最近记录，在本浏览器中）',
    type: '类型', actor: '签名者', at: '写入时间',
    mirror: '本站是镜像：它跟随 {source} 的账本，只提供本站已核验的内容；写入请发往主节点。',
    mirrorStopped: '镜像已停止跟随账本：它读到的内容未通过核验（{reason}），证据已保存。本站只提供此前已核验的内容。',
    mirrorStoreCorrupt: '镜像已停止跟随账本：本站自己的存储无法读回（{reason}）。这不是账本的问题，未保存任何证据；须重建本镜像的数据目录。本站只提供仍能读回的已核验内容。',
  },
  en: {
    title: 'Ledger explorer',
    checkpoint: 'Latest checkpoint',
    size: 'Entries',
    root: 'Root hash',
    recent: 'Recent entries',
    search: 'Find a lot',
    placeholder: 'Lot number, trace code or Digital Link',
    go: 'Find',
    lots: 'Lots and labels',
    noMatch: 'No lot matches',
    audit: 'Full server-side audit',
    chain: 'Ledger check (recent entries, in this browser)',
    type: 'Type', actor: 'Signer', at: 'Recorded',
    mirror: 'This is a mirror: it follows the log at {source} and serves only what it has verified; writes go to the primary node.',
    mirrorStopped: 'This mirror stopped following the log: what it read did not verify ({reason}); the evidence is kept. It serves only what it verified before.',
    mirrorStoreCorrupt: "This mirror stopped following the log: its own store cannot be read back ({reason}). The log is not at fault and no evidence was kept; the mirror's data directory must be rebuilt. It serves only what it verified and can still read.",
  },
} as const

function statementOf(entry: Entry): { type: string; actor: string; id: string } {
  try {
    const statement = checkedStatementOf(entry.envelope)
    return { type: String(statement.type), actor: String(statement.actor), id: String(statement.id) }
  } catch {
    return { type: '?', actor: '?', id: '?' }
  }
}

function lotCard(lot: LotSummary, lang: Lang): string {
  const label = `/v1/labels/${encodeURIComponent(lot.digitalLink)}.svg?size=screen`
  return (
    `<li><a href="${escapeHtml(lot.path)}?lang=${lang}" tabindex="-1" aria-hidden="true"><img src="${escapeHtml(label)}" alt="" loading="lazy" width="150" height="225"></a>` +
    `<a href="${escapeHtml(lot.path)}?lang=${lang}">${escapeHtml(nameIn(lot.name as Bilingual, lang, lot.gtin))}</a><br>` +
    `<span class="code">${escapeHtml(lot.lot)}</span> · <span class="code">${escapeHtml(lot.traceCode)}</span>` +
    `${lot.recalled ? ` <span class="tag">${TEXT[lang].recalled} ${TEXT[lang].recalledEn}</span>` : ''}</li>`
  )
}

export function renderExplorer(view: ExplorerView, lang: Lang, url: string): string {
  const w = WORDS[lang]
  const checkpoint = parseCheckpoint(view.checkpoint.slice(0, view.checkpoint.indexOf('\n\n') + 1))
  const results =
    view.results === undefined
      ? ''
      : view.results.length === 0
        ? `<p class="muted">${w.noMatch}: ${escapeHtml(view.query ?? '')}</p>`
        : `<ul class="lots">${view.results.map((lot) => lotCard(lot, lang)).join('')}</ul>`
  // The route audits a bounded range: the link asks for the latest entries it allows.
  const verifyHref = checkpoint.size > MAX_VERIFY_RANGE ? `/v1/verify?from=${checkpoint.size - MAX_VERIFY_RANGE}&amp;to=${checkpoint.size}` : '/v1/verify'
  const mirror = view.mirror
  // A finding against the log and the mirror's own store failing are told apart: only the first accuses the log.
  const stopped = mirror?.stopped ?? mirror?.storeCorrupt
  const mirrorWords = mirror?.stopped !== undefined ? w.mirrorStopped : mirror?.storeCorrupt !== undefined ? w.mirrorStoreCorrupt : w.mirror
  const mirrorNote = mirror
    ? `<section class="${stopped !== undefined ? 'recall' : 'card'}" data-mirror><p>${escapeHtml(
        mirrorWords.replace('{source}', mirror.source).replace('{reason}', stopped ?? ''),
      )}</p></section>`
    : ''
  const body = [
    mirrorNote,
    `<section class="card"><h1>${w.title}</h1><form class="search" action="/search" method="get" role="search">` +
      `<input type="search" name="q" value="${escapeHtml(view.query ?? '')}" placeholder="${escapeHtml(w.placeholder)}" aria-label="${escapeHtml(w.search)}">` +
      `<input type="hidden" name="lang" value="${lang}"><button type="submit">${w.go}</button></form>${results}</section>`,
    `<section class="card verify"><h2>${w.chain}</h2>` +
      `<p data-verification-status>${escapeHtml(TEXT[lang].pending)}</p><p class="small"><a href="${verifyHref}">${w.audit} (GET /v1/verify)</a></p></section>`,
    `<section class="card"><h2>${w.checkpoint}</h2><dl class="facts"><dt>${w.size}</dt><dd>${checkpoint.size}</dd>` +
      `<dt>${w.root}</dt><dd class="code small">${toHex(checkpoint.rootHash)}</dd></dl><pre>${escapeHtml(view.checkpoint)}</pre></section>`,
    view.lots.length > 0 ? `<section class="card"><h2>${w.lots}</h2><ul class="lots">${view.lots.map((lot) => lotCard(lot, lang)).join('')}</ul></section>` : '',
    recentEntriesArea(view, lang),
  ]
  return renderNodePage({ lang, url, title: w.title, mainAttributes: 'data-verification="pending"', body: body.join('') })
}

/** The recent entries as a bound area: the browser renders the table again from the entries it verified. */
function recentEntriesArea(view: ExplorerView, lang: Lang): string {
  const evidence: EvidenceEntry[] = []
  const actors = new Map<string, ActorProfile>()
  for (const { entry } of view.entries) {
    let statement: Statement
    try {
      statement = parseStatementPayload(decodeEnvelope(entry.envelope).payload)
    } catch {
      continue // an entry that does not decode is the audit's to name; the table leaves it out
    }
    evidence.push({ seq: entry.seq, recordedAt: entry.recordedAt, statement })
    const profile = view.actor(statement.actor)
    if (profile) actors.set(profile.id, profile)
  }
  return (
    boundAreaOpen({ view: RECENT_ENTRIES_VIEW, evidence: evidence.map((e) => e.seq), actors: [], params: {} }, 'section', 'class="card"') +
    renderRecentEntries(evidence, actors, lang) +
    '</section>'
  )
}

