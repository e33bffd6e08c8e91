// The bound areas of a page (bound-view.ts), checked in the browser: each area's evidence, verified by
// verify-log.ts, rendered again with its registered view and compared with the area as served; the first
// difference is a failure naming its fact. verify.ts runs this after the log checks and reports it.

import type { EntryOutcome, Failure, LogVerification } from './verify-log.js'
import { BOUND_VIEW_ATTRIBUTE, BoundViewError, factOf, firstDifference, readBoundArea, type BoundArea, type BoundView, type ComparableNode, type EvidenceEntry } from './bound-view.js'

type Lang = 'zh' | 'en'

export type PageFailure =
  | Failure
  | { check: 'page-mismatch'; seq: number; detail: string }
  | { check: 'bound-fact'; fact: string; detail: string }
  | { check: 'bound-view'; detail: string }
  | { check: 'clock-ahead' | 'clock-behind'; now: string; hours: number; detail: string }

/** How far a page's `now` may be from this browser's clock: a view that computes with the node's time
 *  (OVERDUE) must not be handed one the node chose to hide or raise an alert with. */
export const PAGE_CLOCK_TOLERANCE_MS = 24 * 60 * 60 * 1000

/** A failure when a bound area's `now` param is not a time within the tolerance of `clock` (ms since the epoch). */
export function pageClockFailure(now: string, clock: number): PageFailure | undefined {
  const at = Date.parse(now)
  if (Number.isNaN(at)) return { check: 'bound-view', detail: `the page's time "${now.slice(0, 40)}" is not a time` }
  const off = at - clock
  if (Math.abs(off) <= PAGE_CLOCK_TOLERANCE_MS) return undefined
  return { check: off > 0 ? 'clock-ahead' : 'clock-behind', now, hours: Math.round(Math.abs(off) / 3_600_000), detail: `${off} ms` }
}

/** The views a page's bound areas may name; the bundle's entry (src/verifier.ts) registers the domains'. */
export interface RegisteredView extends BoundView {
  /** names of the view's facts as a failure reports them */
  facts?: Record<string, Record<Lang, string>>
  /** pages at these paths must carry an area of this view: stripping the area's attributes fails them */
  requiredAt?: RegExp
}

const boundViews = new Map<string, RegisteredView>()

export function registerBoundView(view: RegisteredView): void {
  boundViews.set(view.name, view)
}

/** The views this page's path requires and it does not carry. */
export function missingViews(areas: readonly ServedArea[], path: string): string[] {
  const carried = new Set(areas.map(({ area }) => area?.view))
  return [...boundViews.values()].filter((view) => view.requiredAt?.test(path) && !carried.has(view.name)).map((view) => view.name)
}

export interface ServedArea {
  element: HTMLElement
  /** the area as served, copied before this script changed anything */
  served: HTMLElement
  area?: BoundArea
  error?: string
}

/** The bound areas under `root`, each copied as served and its attributes read. */
export function servedAreas(root: HTMLElement): ServedArea[] {
  return Array.from(root.querySelectorAll<HTMLElement>(`[${BOUND_VIEW_ATTRIBUTE}]`)).map((element) => {
    const served = element.cloneNode(true) as HTMLElement
    try {
      return { element, served, area: readBoundArea({ get: (name) => element.getAttribute(name) }) }
    } catch (error) {
      return { element, served, error: (error as Error).message }
    }
  })
}

/** The outcome of checking a page's bound areas: its failures, and the marks it puts on the page once taken. */
export interface BoundCheck {
  failures: PageFailure[]
  /** sets data-verified on each area, and on the first element that differs */
  mark(): void
}

/**
 * Renders each bound area again from its verified evidence and compares it with the area as served. An area
 * whose evidence did not all verify fails (the entries' own failures say why). Changes nothing on the page
 * before `mark()`: a check made before the on-demand code loaded (web/lazy-code.ts) is made again, not shown.
 */
export function checkBoundAreas(areas: readonly ServedArea[], outcome: LogVerification, lang: Lang): BoundCheck {
  const failures: PageFailure[] = []
  const marks: [HTMLElement, 'ok' | 'failed'][] = []
  const bySeq = new Map(outcome.entries.map((entry) => [entry.seq, entry]))
  for (const { element, served, area, error } of areas) {
    const fail = (failure: PageFailure) => {
      failures.push(failure)
      marks.push([element, 'failed'])
    }
    if (!area) {
      fail({ check: 'bound-view', detail: error ?? 'unreadable' })
      continue
    }
    const view = boundViews.get(area.view)
    if (!view) {
      fail({ check: 'bound-view', detail: `no view "${area.view}"` })
      continue
    }
    const entries = verifiedEvidence(area, bySeq)
    if (!entries) {
      // Each unverified entry is a failure of its own already; an area left uncompared must fail the page all the same.
      if (outcome.ok) fail({ check: 'bound-view', detail: 'its evidence did not verify' })
      else marks.push([element, 'failed'])
      continue
    }
    if (outcome.checkpoint && area.params.asOf !== undefined && !(Number(area.params.asOf) <= outcome.checkpoint.size)) {
      fail({ check: 'bound-view', detail: `the page claims checkpoint ${area.params.asOf}, beyond the signed ${outcome.checkpoint.size}` })
      continue
    }
    // "Witnessed by at least k" beside a claim of absence holds only if this browser counted k cosignatures itself.
    if (area.params.witnessed !== undefined && !((outcome.witnessed?.cosignatures.length ?? 0) >= Number(area.params.witnessed))) {
      fail({ check: 'bound-fact', fact: view.facts?.['no-recall']?.[lang] ?? 'no-recall', detail: `the page says at least ${area.params.witnessed} witnesses cosigned the checkpoint; ${outcome.witnessed?.cosignatures.length ?? 0} did` })
      continue
    }
    // A page of one path must not be served at another: the claim is checked against what this browser asked for.
    if (area.params.path !== undefined && !samePath(area.params.path, window.location.pathname)) {
      fail({ check: 'bound-view', detail: `the page is for ${area.params.path}, not ${window.location.pathname}` })
      continue
    }
    const clockFailure = area.params.now === undefined ? undefined : pageClockFailure(area.params.now, Date.now())
    if (clockFailure) {
      fail(clockFailure)
      continue
    }
    let html: string
    try {
      html = view.render({ lang, entries: entries.sort((a, b) => a.seq - b.seq), actors: outcome.actors ?? new Map(), params: area.params })
    } catch (renderError) {
      fail({ check: 'bound-view', detail: renderError instanceof BoundViewError ? renderError.message : String(renderError) })
      continue
    }
    const template = document.createElement('template')
    template.innerHTML = html
    const derived = served.cloneNode(false) as HTMLElement
    derived.append(template.content)
    const difference = firstDifference(served as unknown as ComparableNode, derived as unknown as ComparableNode)
    if (!difference) {
      marks.push([element, 'ok'])
      continue
    }
    const fact = factOf(difference)
    const live = difference.served ? counterpart(served, element, difference.served as unknown as Node) : element
    if (live) marks.push([live, 'failed'])
    fail({ check: 'bound-fact', fact: (fact && (view.facts?.[fact]?.[lang] ?? fact)) ?? { zh: '核验区域', en: 'verified area' }[lang], detail: fact ?? '' })
  }
  return { failures, mark: () => marks.forEach(([element, state]) => element.setAttribute('data-verified', state)) }
}

/** The area's evidence as verified, each seq once (a page may name one twice), or undefined if any of it did not verify. */
function verifiedEvidence(area: BoundArea, bySeq: ReadonlyMap<number, EntryOutcome>): EvidenceEntry[] | undefined {
  const entries: EvidenceEntry[] = []
  const seqs = new Set(area.evidence)
  for (const seq of seqs) {
    const entry = bySeq.get(seq)
    if (entry?.ok && entry.statement && entry.recordedAt !== undefined) entries.push({ seq, recordedAt: entry.recordedAt, statement: entry.statement })
  }
  return entries.length === seqs.size ? entries : undefined
}

/** Whether deriving any of the areas from what verified calls code the page script loads on demand (web/lazy-code.ts). */
export function needsLazyCode(areas: readonly ServedArea[], outcome: LogVerification): boolean {
  const bySeq = new Map(outcome.entries.map((entry) => [entry.seq, entry]))
  return areas.some(({ area }) => {
    const entries = area ? verifiedEvidence(area, bySeq) : undefined
    return area !== undefined && entries !== undefined && boundViews.get(area.view)?.needsLazyCode?.(entries) === true
  })
}

/** Escapes of reserved characters are kept (decodeURI): a lot's escaped "/" (%2F) is not the path's "/". */
function samePath(a: string, b: string): boolean {
  try {
    return decodeURI(a) === decodeURI(b)
  } catch {
    return a === b
  }
}

/** The element of `live` at the same place as `node` is in `copy` (or its nearest element ancestor). */
function counterpart(copy: Node, live: Node, node: Node): HTMLElement | undefined {
  const path: number[] = []
  for (let at: Node | null = node; at && at !== copy; at = at.parentNode) {
    const parent: Node | null = at.parentNode
    if (!parent) return undefined
    path.unshift(Array.prototype.indexOf.call(parent.childNodes, at) as number)
  }
  let at: Node | undefined = live
  for (const index of path) at = at?.childNodes[index]
  while (at && at.nodeType !== 1) at = at.parentNode ?? undefined
  return at as HTMLElement | undefined
}
