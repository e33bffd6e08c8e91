// The browser verifier (bundled by esbuild into /web/verify.js): runs core/ with @noble on the
// entries a page shows, so the page says "verified" only after this browser checked the proofs.
//
// CONTRACT, shared by every page that loads this script (the provenance page at /01/..., the
// explorer at /, the seal page at /seals/:id):
// - The page root is the one element with a `data-verification` attribute. The script finds it by
//   that attribute, sets it to "pending" while it works, then to "verified" when every check
//   passed or "failed" otherwise. Nothing else on the page may carry that attribute.
// - Each verifiable entry is an element inside the root with `data-seq="<seq>"`. The script
//   verifies exactly those seqs: the checkpoint from the log's C2SP tiles, each entry and its
//   inclusion proof from the API that served the page (from the entry bundles and hash tiles where
//   it gives none, or where `data-tlog` names another copy of the tiles), all checked against the
//   checkpoint it verified, and marks each with `data-verified="ok"` or `"failed"` (a title names what
//   failed). A root with no data-seq elements verifies only the checkpoint, its tiles and its
//   consistency.
// - Optional: `data-api` on the root is the node's base URL (default: this page's origin), from which
//   the log key (/v1/log/key) and the actors' lookups (/v1/actors) are read; `data-tlog` on the root
//   is the base URL of any copy of the log's tiles, a mirror's or a CDN's (default: `<data-api>/tlog/`),
//   which must allow this page to read it (CORS, and the page's CSP connect-src); an element with
//   `data-verification-status` receives the outcome as text, in the language of <html lang> (zh or
//   en); `data-actor` on a data-seq element must equal the signed statement's actor, so a page cannot
//   put one producer's name on another's entry.
// - The outcome is also on the root as `data-verification-ms` (time taken) and
//   `data-verification-size` (the checkpoint size it was checked against), and on
//   window.tracechainVerification.
// The largest checkpoint seen is kept in localStorage per log origin; the next scan checks a
// consistency proof from it (the API's, or one built out of the tiles), so a node that rewrote or
// rolled back history is caught whichever copy of the log the page reads. The checkpoint is fetched
// past every cache; tiles and bundles through the browser's cache, as their paths name bytes that
// never change.
// A page opened from a label carries the log's key id in its URL's fragment (`#log=370b113f`, which
// no server sees): the served log key must have that id, or the page fails naming both ids.

import { checkBoundAreas, missingViews, needsLazyCode, servedAreas, type PageFailure } from './verify-bound.js'
import { parseTrustFragment } from '../core/log-key-id.js'
import { httpLogSource } from './http-log-source.js'
import { failureWords, loadFailureWords } from './failure-words.js'
import { lazyCode, lazyCodeAsked, loadLazyCode } from './lazy-code.js'
import { verifyingWith } from './page-ed25519.js'
import { verifyLogEntries, type CheckpointMemory, type Failure, type LogVerification, type RememberedCheckpoint } from './verify-log.js'

export { registerBoundView, type RegisteredView } from './verify-bound.js'

const STORAGE_PREFIX = 'tracechain:checkpoint:'

type Lang = 'zh' | 'en'

/** Set where a script is built with one language's words (web/bundle.ts, web/one-language.ts); elsewhere undefined. */
declare const __TRACECHAIN_PAGE_LANG__: Lang | undefined
/** Whether the script has seal views, which may ask for the 'hanzi' lazy script (web/bundle.ts, page-scripts.ts lazyPartsOf); undefined outside a page script. */
declare const __TRACECHAIN_SEAL_VIEWS__: boolean | undefined

const TEXT: Record<Lang, Record<string, string>> = {
  zh: {
    pending: '正在您的浏览器中核验…',
    verified: '已核验',
    verifiedDetail: '{n} 条记录均在已签名的账本中（检查点 {size}），生产者签名有效。',
    verifiedNone: '账本检查点 {size} 的签名与一致性有效。',
    failed: '核验失败',
    network: '无法连接账本节点',
    verifiedKey: '账本公钥 {keyId} 与标签上的一致。',
    verifiedBound: '页面上核验区域内的每一项内容均由这些记录在您的浏览器中重新得出。',
    witnessed: '由 {names} {count} 方见证，最新见证于 {time}。',
    witnessedLate: '补录 · 见证方 {days} 天后才见到这条记录（{time}），与账本所记时间不符',
  },
  en: {
    pending: 'Checking the proofs in your browser…',
    verified: 'Verified',
    verifiedDetail: 'All {n} entries are in the signed log (checkpoint {size}) and signed by their producers.',
    verifiedNone: 'The signature and consistency of log checkpoint {size} hold.',
    failed: 'Verification failed',
    network: 'could not reach the ledger node',
    verifiedKey: 'The log key {keyId} is the one printed on the label.',
    verifiedBound: 'Every fact in the verified area was derived again in your browser from these entries.',
    witnessed: 'Witnessed by {names} ({count}), the newest cosignature at {time}.',
    witnessedLate: "Late record · its witnesses first saw it {days} days after signing ({time}), not as the log's time says",
  },
}

/** `template` with each {name} replaced by its value ('?' where it has none): the pages' words with their facts. */
export function format(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '?'))
}

/**
 * What failed, in words (web/failure-words.ts), with its facts. Where the words are not at hand (in the consumer
 * script, before loadFailureWords(), or when it could not load them), the check's code and its detail.
 */
export function describeFailure(lang: Lang, failure: PageFailure): string {
  const f = failure as Failure & { fact?: string; now?: string; hours?: number; count?: number; min?: number }
  const template = failureWords()?.[lang][failure.check] ?? TEXT[lang][failure.check] ?? (f.detail === undefined ? failure.check : `${failure.check}: {detail}`)
  return format(template, {
    seq: f.seq,
    actor: f.actor,
    keySeq: f.keySeq,
    seen: f.seenSize,
    fact: f.fact,
    detail: f.detail,
    expected: f.expectedKeyId,
    served: f.servedKeyId,
    now: f.now,
    hours: f.hours,
    tile: f.tile,
    count: f.count,
    min: f.min,
  })
}

/** localStorage, or nothing where it is blocked (private browsing): then each scan stands alone. */
function browserMemory(): CheckpointMemory | undefined {
  try {
    const storage = window.localStorage
    return {
      read(origin) {
        const text = storage.getItem(STORAGE_PREFIX + origin)
        if (!text) return undefined
        const value = JSON.parse(text) as RememberedCheckpoint
        return Number.isSafeInteger(value.size) && typeof value.root === 'string' && typeof value.key === 'string' ? value : undefined
      },
      write(origin, checkpoint) {
        storage.setItem(STORAGE_PREFIX + origin, JSON.stringify(checkpoint))
      },
    }
  } catch {
    return undefined
  }
}

export interface PageVerification extends LogVerification {
  milliseconds: number
}

/** Verifies the page under `root` as the CONTRACT above says and writes the outcome into it. */
export async function verifyPage(root: HTMLElement): Promise<PageVerification> {
  const started = performance.now()
  forgetMarks(root)
  const pageLang: Lang = (document.documentElement.lang || 'zh').toLowerCase().startsWith('en') ? 'en' : 'zh'
  // A script with one language's words (the consumer pages') speaks that language whatever the page says:
  // a page whose <html lang> was changed on the way fails in words the script has.
  const lang: Lang = typeof __TRACECHAIN_PAGE_LANG__ === 'string' ? __TRACECHAIN_PAGE_LANG__ : pageLang
  root.setAttribute('data-verification', 'pending')
  const status = root.querySelector<HTMLElement>('[data-verification-status]')
  if (status) status.textContent = TEXT[lang].pending
  const areas = servedAreas(root)
  const elements = Array.from(root.querySelectorAll<HTMLElement>('[data-seq]'))
  const seqs = elements.map((element) => Number(element.getAttribute('data-seq')))
  const evidence = areas.flatMap(({ area }) => area?.evidence ?? [])
  const actorIds = areas.flatMap(({ area }) => area?.actors ?? [])
  const base = (root.getAttribute('data-api') ?? window.location.origin).replace(/\/+$/, '')
  const tlog = root.getAttribute('data-tlog') ?? undefined
  // The label's pin: only the fragment's `log=`, which the node never receives.
  const expectedKeyId = parseTrustFragment(window.location.hash).log
  carryLabelPin(expectedKeyId)

  let outcome: LogVerification
  try {
    // An area that speaks "as of checkpoint N" needs a checkpoint that large: a lagging copy is asked again.
    const minSize = Math.max(0, ...areas.map(({ area }) => Number(area?.params.asOf ?? 0)).filter(Number.isSafeInteger))
    const likelySigners = elements.flatMap((element) => element.getAttribute('data-actor') ?? [])
    outcome = await verifyingWith(browserMemory(), (ed, memory) =>
      verifyLogEntries(httpLogSource(base, tlog), ed, [...seqs, ...evidence], memory, actorIds, {
        likelySigners,
        minSize,
        ...(expectedKeyId !== undefined ? { expectedKeyId } : {}),
      }),
    )
  } catch (error) {
    outcome = { ok: false, entries: [], failures: [{ check: 'network', detail: String(error) }] }
  }
  const failures: PageFailure[] = [...outcome.failures]
  if (lang !== pageLang) failures.push({ check: 'bound-view', detail: `the page says it is in ${pageLang === 'zh' ? 'Chinese' : 'English'}, and its script has the words of ${lang === 'zh' ? 'Chinese' : 'English'} pages` })
  if (outcome.checkpoint) {
    let loading: Promise<boolean> | undefined
    const load = () =>
      (loading ??= loadLazyCode('gs1').then(
        () => true,
        (error: unknown) => {
          failures.push({ check: 'bound-view', detail: String(error) })
          return false
        },
      ))
    if (needsLazyCode(areas, outcome)) await load()
    let bound = checkBoundAreas(areas, outcome, lang)
    // A view that met an identifier beyond the common forms (food/identifier-forms.ts) asked for the on-demand code: derived again with it.
    if (lazyCodeAsked('gs1') && !lazyCode('gs1') && (await load())) bound = checkBoundAreas(areas, outcome, lang)
    // A split-contract group's Chinese titles to compare (seal/web/simplified-on-demand.ts) asked for OpenCC's table:
    // derived again with it. Only the scripts with seal views have this step (web/bundle.ts), so it costs the
    // consumer script nothing.
    if (typeof __TRACECHAIN_SEAL_VIEWS__ === 'boolean' && __TRACECHAIN_SEAL_VIEWS__ && lazyCodeAsked('hanzi') && !lazyCode('hanzi')) {
      const loaded = await loadLazyCode('hanzi').then(
        () => true,
        (error: unknown) => {
          failures.push({ check: 'bound-view', detail: String(error) })
          return false
        },
      )
      if (loaded) bound = checkBoundAreas(areas, outcome, lang)
    }
    bound.mark()
    failures.push(...bound.failures)
  }
  for (const name of missingViews(areas, window.location.pathname)) failures.push({ check: 'bound-view', detail: `the page has no "${name}" area` })
  const bySeq = new Map(outcome.entries.map((entry) => [entry.seq, entry]))
  const entryFailures: [HTMLElement, Failure][] = []
  for (const element of elements) {
    const seq = Number(element.getAttribute('data-seq'))
    const entry = bySeq.get(seq)
    const claimed = element.getAttribute('data-actor')
    let ok = entry?.ok === true
    if (ok && claimed !== null && entry?.statement?.actor !== claimed) {
      ok = false
      failures.push({ check: 'page-mismatch', seq, detail: `${claimed} != ${entry?.statement?.actor}` })
    }
    element.setAttribute('data-verified', ok ? 'ok' : 'failed')
    if (entry?.late?.by === 'witnessed') element.append(witnessedLateMark(entry.late.days, entry.witnessedAt, lang))
    const failure = outcome.failures.find((f) => f.seq === seq)
    if (failure) entryFailures.push([element, failure])
  }
  // The words for what failed come on demand in the consumer script: a page that verifies needs none.
  if (failures.length > 0) await loadFailureWords()
  const messages = failures.map((failure) => describeFailure(lang, failure))
  for (const [element, failure] of entryFailures) {
    element.setAttribute('title', describeFailure(lang, failure))
    titled.add(element)
  }
  const verified = outcome.ok && failures.length === 0 && outcome.checkpoint !== undefined
  const milliseconds = Math.round(performance.now() - started)
  root.setAttribute('data-verification-ms', String(milliseconds))
  if (outcome.checkpoint) root.setAttribute('data-verification-size', String(outcome.checkpoint.size))
  if (status) {
    status.textContent = ''
    const head = document.createElement('strong')
    const unique = new Set([...seqs, ...evidence]).size
    head.textContent = verified ? TEXT[lang].verified : TEXT[lang].failed
    status.append(head)
    if (verified) {
      status.append(format(unique > 0 ? TEXT[lang].verifiedDetail : TEXT[lang].verifiedNone, { n: unique, size: outcome.checkpoint?.size }))
      if (areas.length > 0) status.append(' ' + TEXT[lang].verifiedBound)
      if (outcome.keyPinned) status.append(' ' + format(TEXT[lang].verifiedKey, { keyId: outcome.keyId }))
      const witnessed = outcome.witnessed
      if (witnessed && witnessed.cosignatures.length > 0) {
        const newest = Math.max(...witnessed.cosignatures.map((c) => c.timestamp))
        const names = witnessed.cosignatures.map((c) => c.name).join({ zh: '、', en: ', ' }[lang])
        const time = new Date(newest * 1000).toLocaleString({ zh: 'zh-CN', en: 'en-GB' }[lang], { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' })
        status.append(' ' + format(TEXT[lang].witnessed, { names, count: witnessed.cosignatures.length, time }))
        root.setAttribute('data-witnessed', String(witnessed.cosignatures.length))
      }
    } else {
      const list = document.createElement('ul')
      for (const text of [...new Set(messages)]) {
        const item = document.createElement('li')
        item.textContent = text
        list.append(item)
      }
      status.append(list)
    }
  }
  // Set last: tests and other scripts wait on this attribute.
  root.setAttribute('data-verification', verified ? 'verified' : 'failed')
  const result = { ...outcome, ok: verified, milliseconds }
  ;(window as unknown as { tracechainVerification: PageVerification }).tracechainVerification = result
  return result
}

/**
 * LATE_RECORD found by this browser alone: the node's recordedAt says the entry was recorded in time, but its
 * witnesses first saw it more than the window after it was signed. Added beside the entry after the page was
 * compared with its entries, so a later run takes it away first (forgetMarks).
 */
function witnessedLateMark(days: number, witnessedAt: string | undefined, lang: Lang): HTMLElement {
  const mark = document.createElement('p')
  mark.className = 'goods'
  mark.setAttribute('data-witnessed-late', String(days))
  const tag = document.createElement('span')
  tag.className = 'tag'
  tag.textContent = format(TEXT[lang].witnessedLate, { days, time: witnessedAt ?? '?' })
  mark.append(tag)
  return mark
}

/** Elements whose title this script wrote: a later run takes it away again. */
const titled = new WeakSet<Element>()

/**
 * A page verified again (the console, after new alerts arrived) is compared as it was served: the marks
 * an earlier run left (data-verified, the titles it wrote) are taken off first. The server never writes
 * data-verified, so none of it is the page's own.
 */
function forgetMarks(root: HTMLElement): void {
  for (const mark of Array.from(root.querySelectorAll('[data-witnessed-late]'))) mark.remove()
  for (const element of Array.from(root.querySelectorAll('[data-verified]'))) {
    element.removeAttribute('data-verified')
    if (titled.has(element)) {
      element.removeAttribute('title')
      titled.delete(element)
    }
  }
}

/**
 * Keeps the label's key id on the links that leave this page for another view of the same lot: the
 * language switch, and the standalone verifier link (`data-independent-verifier`), whose server-written
 * `log=` is the node's own claim and gives way to the label's.
 */
function carryLabelPin(keyId: string | undefined): void {
  if (keyId === undefined) return
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>('a.lang, a[data-independent-verifier]'))) {
    const params = new URLSearchParams(link.hash.slice(1))
    params.set('log', keyId)
    link.hash = params.toString()
  }
}

function start(): void {
  const root = document.querySelector<HTMLElement>('[data-verification]')
  if (!root) return
  void verifyPage(root)
  // The outcome holds for the key id it was checked against: another #log= in the address is another check.
  const pinned = parseTrustFragment(window.location.hash).log
  window.addEventListener('hashchange', () => {
    if (parseTrustFragment(window.location.hash).log !== pinned) window.location.reload()
  })
}

/** Verifies the page once it is parsed; src/verifier.ts calls it after registering the domains' views. */
export function startPageVerification(): void {
  if (typeof document === 'undefined') return
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
}
