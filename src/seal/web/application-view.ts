// One application on a seal's page, rendered from its derived facts (derive.ts): its amount against its
// budget as a bar, its due date (marked when overdue), its alerts, and its timeline, applied → approved →
// stamped → closed, each step the signed entry that made it, with who and when; steps not reached yet are
// shown as such. Pure and browser-safe: part of the seal page's bound view (seal-view.ts).

import { bidiClosed } from '../../core/display-text.js'
import { lateBy, lateDays, pageLateWindow } from '../../core/late-record.js'
import type { EvidenceEntry } from '../../web/bound-view.js'
import { alertKindName } from '../../web/alert-words.js'
import type { Lang } from '../../web/i18n.js'
import { sumOfAmounts } from '../amounts.js'
import { formatLocal, type SealConfig } from '../config.js'
import type { ApplicationFacts, DerivedAlert } from '../derive.js'
import type { ApplicationState } from '../workflow.js'
import { SEAL_WORDS, STATE_LABELS, yuan } from './seal-words.js'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML content and quoted attributes; everything shown here is attacker-controlled. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c])
}

/** Escapes free text for HTML content, its bidi controls closed within it (core/display-text.ts). */
export function escapeText(text: string): string {
  return escapeHtml(bidiClosed(text))
}

/** A signer's issuedAt further than this from the node's recordedAt is shown beside it. */
const CLAIM_SHOWN_AFTER_MS = 10 * 60 * 1000
/** The bar's drawing width; the page scales it to its box. */
const BAR_WIDTH = 240

const short = (hash: string) => `<code title="${escapeHtml(hash)}">${escapeHtml(hash.slice(0, 12))}…</code>`
/** A length on the bar, to a tenth: the same text on the node and in every browser. */
const length = (value: number, max: number) => String(Math.round((value / max) * BAR_WIDTH * 10) / 10)

/**
 * The amount against the budget (or any limit: a split group's sum against the threshold): both figures in words (the bar is drawn for the eye and hidden from
 * screen readers), and the bar: the amount filled (red when over), the budget a mark across it.
 */
export function budgetBar(amount: number, budget: number | undefined, lang: Lang, limitWord: string = SEAL_WORDS[lang].budget): string {
  const w = SEAL_WORDS[lang]
  if (budget === undefined) return `<span data-fact="amount">${yuan(amount, lang)}</span>`
  const over = amount > budget
  const max = Math.max(amount, budget) || 1
  const verdict = over
    ? `<span class="tag">${escapeHtml(w.over(yuan(sumOfAmounts([amount, -budget]), lang), budget > 0 ? `${(((amount - budget) / budget) * 100).toFixed(1)}%` : '∞'))}</span>`
    : `<span class="muted">${escapeHtml(w.within(yuan(sumOfAmounts([budget, -amount]), lang)))}</span>`
  return (
    `<span class="figures"><span data-fact="amount">${yuan(amount, lang)}</span> / ${limitWord} <span data-fact="budget">${yuan(budget, lang)}</span> ${verdict}</span>` +
    `<svg class="meter" data-fact="bar" viewBox="0 0 ${BAR_WIDTH} 14" preserveAspectRatio="none" aria-hidden="true" focusable="false">` +
    `<rect class="track" width="${BAR_WIDTH}" height="14" rx="3"/><rect class="fill${over ? ' over' : ''}" width="${length(amount, max)}" height="14" rx="3"/>` +
    `<rect class="mark" x="${length(budget, max)}" y="0" width="2" height="14" transform="translate(-1 0)"/></svg>`
  )
}

export interface ApplicationRenderContext {
  lang: Lang
  config: SealConfig
  /** the display name of an actor from its verified registration */
  who(id: string): string
}

/** The steps a state has not reached: what is still to come. */
const STILL_TO_COME: Record<ApplicationState, ('stepApproved' | 'stepStamped' | 'stepClosed')[]> = {
  applied: ['stepApproved', 'stepStamped', 'stepClosed'],
  approved: ['stepStamped', 'stepClosed'],
  used: ['stepClosed'],
  rejected: [],
  closed: [],
}

/** The fact the signer of each kind of step is. */
const SIGNER_FACT: Record<string, string> = { 'seal.apply': 'applicant', 'seal.approve': 'approver', 'seal.reject': 'approver', 'seal.use': 'custodian' }
const STEP_WORD = { 'seal.apply': 'stepApplied', 'seal.approve': 'stepApproved', 'seal.reject': 'stepRejected', 'seal.use': 'stepStamped', 'seal.close': 'stepClosed' } as const
/** Alerts about one entry, marked on its step. */
const STEP_ALERTS = new Set(['OFF_HOURS_USE', 'USE_BEFORE_APPROVAL_RECORDED'])

/** A time as the village's clock shows it, marked as `fact`. */
export function timeOf(at: string, config: SealConfig, fact = 'time'): string {
  return `<time data-fact="${fact}" datetime="${escapeHtml(at)}">${escapeHtml(formatLocal(at, config))}</time>`
}

/** One signed entry as a step of a timeline: what, who, when, the signer's own time where it differs, late and other marks, detail. */
export function renderStep(entry: EvidenceEntry, context: ApplicationRenderContext, detail = '', alerts: readonly DerivedAlert[] = [], word?: string): string {
  const { lang, config } = context
  const w = SEAL_WORDS[lang]
  const { type, actor, issuedAt } = entry.statement
  const claimed = Math.abs(Date.parse(issuedAt) - Date.parse(entry.recordedAt)) > CLAIM_SHOWN_AFTER_MS ? ` <small>（${w.signedAt} ${timeOf(issuedAt, config, 'issuedAt')}）</small>` : ''
  const late = lateBy(issuedAt, entry.recordedAt, pageLateWindow(config.lateRecordAfterMs))
  const marks = [
    ...(late === undefined ? [] : [`<span class="tag" data-fact="late">${escapeHtml(w.lateTag(lateDays(late)))}</span>`]),
    ...alerts.filter((a) => STEP_ALERTS.has(a.kind) && a.seqs.includes(entry.seq)).map((a) => `<span class="tag">${escapeHtml(alertKindName(a.kind, lang))}</span>`),
  ]
  const name = word ?? w[STEP_WORD[type as keyof typeof STEP_WORD]] ?? type
  return (
    `<li class="step done${marks.length > 0 ? ' flagged' : ''}" data-seq="${entry.seq}" data-actor="${escapeHtml(actor)}" data-fact="step"><span class="dot"></span>` +
    `<div class="head"><h3>${escapeHtml(name)}</h3>${timeOf(entry.recordedAt, config)}${claimed}</div>` +
    `<p class="who" data-fact="${SIGNER_FACT[type] ?? 'signer'}">${context.who(actor)}</p>` +
    (marks.length > 0 ? `<p class="marks">${marks.join(' ')}</p>` : '') +
    (detail ? `<p class="detail" data-fact="detail">${detail}</p>` : '') +
    `<p class="entry"><a class="seq" href="/v1/entries/${entry.seq}">${w.entry} #${entry.seq}</a><span class="tick"></span></p></li>`
  )
}

function detailOf(application: ApplicationFacts, entry: EvidenceEntry, lang: Lang): string {
  const w = SEAL_WORDS[lang]
  if (entry === application.approval?.entry && application.approval.comment) return escapeText(application.approval.comment)
  if (entry === application.rejection?.entry && application.rejection.comment) return escapeText(application.rejection.comment)
  const use = application.uses.find((u) => u.entry === entry)
  if (use) return `${escapeHtml(w.useDetail(use.copies))} ${short(use.stamped)}${use.photo ? `, ${w.photo} ${short(use.photo)}` : ''}`
  const closing = application.closing
  if (closing && entry === closing.entry) {
    const final = closing.finalAmount !== undefined ? `, ${w.final} ${yuan(closing.finalAmount, lang)}` : ''
    return `${escapeText(closing.outcome)}（${escapeHtml(closing.completedAt)} ${w.completed}${final}）`
  }
  return ''
}

/** The application's section: title and state, its facts, alerts and timeline. */
export function renderApplication(a: ApplicationFacts, context: ApplicationRenderContext): string {
  const { lang, config } = context
  const w = SEAL_WORDS[lang]
  const overdue = a.alerts.some((alert) => alert.kind === 'OVERDUE')
  const overdueTag = overdue ? ` <span class="tag" data-fact="overdue">${w.overdue}</span>` : ''
  const facts: [string, string, string][] = [
    ['applicant', w.applicant, context.who(a.applicant)],
    ['purpose', w.purpose, escapeText(a.purpose)],
    ['document', w.document, `${escapeText(a.document.name)} ${short(a.document.sha256)}`],
    ['copies', w.copies, escapeHtml(w.copiesText(a.copiesRequested, a.copiesApproved, a.copiesUsed))],
    ...(a.amount !== undefined ? [['money', a.budget !== undefined ? w.money : w.amount, budgetBar(a.amount, a.budget, lang)] as [string, string, string]] : []),
    ...(a.amount === undefined && a.budget !== undefined ? [['budget', w.budget, yuan(a.budget, lang)] as [string, string, string]] : []),
    ...(a.dueDate ? [['due', w.due, `${escapeHtml(a.dueDate)}${overdueTag}`] as [string, string, string]] : []),
  ]
  const alertLine = (alert: DerivedAlert) =>
    `<li class="alert" data-fact="alert" data-kind="${alert.kind}">${escapeHtml(alertKindName(alert.kind, lang))} ${timeOf(alert.at, config)} ${w.seeEntries} ${alert.seqs.map((s) => `#${s}`).join(lang === 'zh' ? '、' : ', ')}</li>`
  const done = a.history.map((entry) => renderStep(entry, context, detailOf(a, entry, lang), a.alerts))
  const toCome = STILL_TO_COME[a.state].map((step) => `<li class="step todo"><span class="dot"></span><div class="head"><h3>${w[step]}</h3></div><p class="muted">${w.pending}</p></li>`)
  return `<section class="card application${overdue ? ' overdue' : ''}" id="${escapeHtml(a.applicationId)}" data-fact="application">
<h2><span data-fact="title">${escapeText(a.title)}</span> <span class="state ${a.state}" data-fact="state">${STATE_LABELS[lang][a.state]}</span>${overdueTag}</h2>
<p class="small">${escapeHtml(a.applicationId)}</p>
<dl class="facts">${facts.map(([fact, label, value]) => `<dt>${label}</dt><dd data-fact="${fact}">${value}</dd>`).join('')}</dl>
<ul class="alerts" data-fact="alert">${a.alerts.map(alertLine).join('')}</ul>
<h3 class="visually-hidden">${w.timeline}</h3>
<ol class="timeline" data-fact="history" aria-label="${w.timeline}">${[...done, ...toCome].join('')}</ol>
</section>`
}
