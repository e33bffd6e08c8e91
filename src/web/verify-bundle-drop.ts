// The standalone page's proof file card (standalone-page.ts): a bundle file dropped on it or chosen is read
// in this browser and verified with verifyBundle (verify-bundle.ts, the code `tracechain verify --bundle` runs)
// against the log key or key id the person gives; no request leaves the page. The outcome is written with
// textContent only: everything in a file is attacker-controlled.
//
// CONTRACT: the card is `[data-bundle-verifier]`; its form `[data-bundle-form]` has fields key and file (type
// file); `[data-bundle-drop]` takes drops; `[data-bundle-state]` goes idle → pending → verified | failed (set
// last: tests wait on it) and `[data-bundle-status]` inside it receives the outcome; window.tracechainBundle
// holds the last outcome.

import { nobleEd25519 } from '../core/ed25519.js'
import { isLogKeyId, parseTrustFragment } from '../core/log-key-id.js'
import { MAX_BUNDLE_BYTES, type BundleSubject } from '../core/proof-bundle.js'
import type { AccountEntry } from './bundle-account.js'
import { nameIn } from './i18n.js'
import { describeFailure } from './verify.js'
import { verifyBundle, type BundleTrust, type BundleVerification } from './verify-bundle.js'
import { pageLang, pageWitnessPolicy, witnessedLine, type Lang } from './verify-standalone.js'

/** As long as a bundle may be (core/proof-bundle.ts). */
export const MAX_BUNDLE_FILE_BYTES = MAX_BUNDLE_BYTES

const TEXT: Record<Lang, Record<string, string>> = {
  zh: {
    pending: '正在您的浏览器中核验证明文件…',
    verified: '已核验',
    failed: '核验失败',
    badKey: '请填写账本公钥，或标签上 #log= 之后的 8 到 64 位十六进制编号',
    tooLarge: '文件超过 {max} MB，不是证明文件',
    lot: '批次 {lot}（商品条码 GTIN {gtin}）',
    entry: '账本第 {seq} 条记录',
    'seal-application': '印章 {sealId} 的用印申请 {applicationId}',
    about: '证明对象：{subject}',
    checkpoint: '账本 {origin}，公钥 {keyId}（与您给出的一致），检查点 {size} 的签名有效。',
    entries: '以下 {n} 条记录均在已签名的账本中，并由其签署者当时有效的密钥签名：',
    keys: '签署者的密钥由文件中 {n} 条登记记录一直追溯到第 0 条得出：{actors}。',
    chosen: '这些记录由节点选出：包含证明无法证明节点没有遗漏记录（例如召回）。',
    witnessedAt: '见证于 {time}',
    late: '补录 · 签署 {days} 天后才记录',
    lateWitnessed: '补录 · 按见证时间，签署 {days} 天后才记录（与账本所记时间不符）',
  },
  en: {
    pending: 'Checking the proof file in your browser…',
    verified: 'Verified',
    failed: 'Verification failed',
    badKey: "give the log's verifier key, or the 8 to 64 hex digits after #log= on the label",
    tooLarge: 'the file is over {max} MB: not a proof file',
    lot: 'lot {lot} of GTIN {gtin}',
    entry: 'entry {seq} of the log',
    'seal-application': 'application {applicationId} to use seal {sealId}',
    about: 'What it proves: {subject}',
    checkpoint: 'Log {origin}, key {keyId} (the one you gave): the signature of checkpoint {size} holds.',
    entries: 'These {n} entries are in the signed log, each signed with a key its signer held then:',
    keys: "The signers' keys come from {n} registry entries in the file, back to entry 0: {actors}.",
    chosen: 'The node chose these entries: inclusion proofs cannot show that it left none out (a recall, say).',
    witnessedAt: 'witnessed by {time}',
    late: 'late record · recorded {days} days after signing',
    lateWitnessed: "late record · recorded {days} days after signing by witnessed time (not as the log's time says)",
  },
}

function format(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '?'))
}

/** An entry's witnessed time and late mark, as the account gives them. */
function timesText(entry: AccountEntry, t: Record<string, string>): string {
  const parts: string[] = []
  if (entry.witnessedAt) parts.push(format(t.witnessedAt, { time: entry.witnessedAt }))
  if (entry.late) parts.push(format(entry.late.by === 'witnessed' ? t.lateWitnessed : t.late, { days: entry.late.days }))
  return parts.map((part) => ` · ${part}`).join('')
}

/** What the person typed: a key id (hex) or a whole verifier key; undefined when it is neither. */
export function trustOf(text: string): BundleTrust | undefined {
  const value = text.trim()
  if (isLogKeyId(value.toLowerCase())) return { keyId: value.toLowerCase() }
  return /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(value) ? { verifierKey: value } : undefined
}

function subjectText(about: BundleSubject, lang: Lang): string {
  return format(TEXT[lang][about.kind], about as unknown as Record<string, string | number>)
}

function paragraph(parent: HTMLElement, text: string, className?: string): void {
  const p = document.createElement('p')
  if (className) p.className = className
  p.textContent = text
  parent.append(p)
}

function list(parent: HTMLElement, tag: 'ol' | 'ul', items: string[], className?: string): void {
  if (items.length === 0) return
  const element = document.createElement(tag)
  if (className) element.className = className
  for (const text of items) {
    const li = document.createElement('li')
    li.textContent = text
    element.append(li)
  }
  parent.append(element)
}

function show(box: HTMLElement, status: HTMLElement, outcome: BundleVerification): void {
  const lang = pageLang()
  const t = TEXT[lang]
  status.textContent = ''
  const head = document.createElement('strong')
  head.textContent = outcome.ok ? t.verified : t.failed
  status.append(head)
  const account = outcome.account
  if (account) {
    const names = new Map(account.actors.map((actor) => [actor.id, `${nameIn(actor.name, lang, actor.id)} (${actor.id})`]))
    paragraph(status, format(t.about, { subject: subjectText(account.about, lang) }))
    paragraph(status, format(t.checkpoint, { origin: account.log.origin, keyId: account.log.keyId, size: account.checkpoint.size }))
    const witnessed = account.witnessed && witnessedLine(lang, account.witnessed)
    if (witnessed) paragraph(status, witnessed)
    paragraph(status, format(t.entries, { n: account.entries.length }))
    list(
      status,
      'ol',
      account.entries.map((entry) =>
        entry.type
          ? `#${entry.seq} ${entry.ok ? '✓' : '✗'} ${entry.type}${entry.summary ? ` · ${entry.summary}` : ''} · ${names.get(entry.actor ?? '') ?? entry.actor} · ${entry.recordedAt}${entry.eventID ? ` · ${entry.eventID}` : ''}${timesText(entry, t)}`
          : `#${entry.seq} ✗`,
      ),
    )
    paragraph(status, format(t.keys, { n: account.registryEntries, actors: [...names.values()].join(', ') }), 'muted')
    if (account.about.kind !== 'entry') paragraph(status, t.chosen, 'muted')
  }
  list(status, 'ul', [...new Set(outcome.failures.map((failure) => describeFailure(lang, failure)))], 'failures')
  // Set last: tests and other scripts wait on this attribute.
  box.setAttribute('data-bundle-state', outcome.ok ? 'verified' : 'failed')
}

/** Runs started; only the latest writes its outcome. */
let runs = 0

async function verifyFile(file: File, keyText: string, box: HTMLElement, status: HTMLElement): Promise<void> {
  const mine = ++runs
  const lang = pageLang()
  const trust = trustOf(keyText)
  const refuse = (detail: string) => show(box, status, { ok: false, failures: [{ check: 'bundle', detail }] })
  if (!trust) {
    status.textContent = TEXT[lang].badKey
    box.setAttribute('data-bundle-state', 'failed')
    return
  }
  if (file.size > MAX_BUNDLE_FILE_BYTES) return refuse(format(TEXT[lang].tooLarge, { max: MAX_BUNDLE_FILE_BYTES / 1024 / 1024 }))
  // The witness policy given above the card, if any, holds for the file too.
  const witnessPolicy = pageWitnessPolicy()
  if (typeof witnessPolicy === 'string') return refuse(witnessPolicy)
  box.setAttribute('data-bundle-state', 'pending')
  status.textContent = TEXT[lang].pending
  let outcome: BundleVerification
  try {
    outcome = await verifyBundle(JSON.parse(await file.text()) as unknown, nobleEd25519, trust, witnessPolicy)
  } catch (error) {
    outcome = { ok: false, failures: [{ check: 'bundle', detail: `${file.name}: ${(error as Error).message}` }] }
  }
  if (mine !== runs) return
  ;(window as unknown as { tracechainBundle: BundleVerification }).tracechainBundle = outcome
  show(box, status, outcome)
}

/** Starts the card when the page has one. */
export function startBundleDrop(): void {
  if (typeof document === 'undefined') return
  const begin = () => {
    const card = document.querySelector<HTMLElement>('[data-bundle-verifier]')
    const form = card?.querySelector<HTMLFormElement>('[data-bundle-form]')
    const drop = card?.querySelector<HTMLElement>('[data-bundle-drop]')
    const box = card?.querySelector<HTMLElement>('[data-bundle-state]')
    const status = box?.querySelector<HTMLElement>('[data-bundle-status]')
    if (!card || !form || !drop || !box || !status) return
    const key = form.elements.namedItem('key') as HTMLInputElement
    const input = form.elements.namedItem('file') as HTMLInputElement
    // The label's key id, when the page was opened from one, is the key to check against.
    const pinned = parseTrustFragment(window.location.hash).log
    if (pinned && !key.value) key.value = pinned
    let last: File | undefined
    const check = (file: File | undefined) => {
      if (!file) return
      last = file
      void verifyFile(file, key.value, box, status)
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      check(last)
    })
    input.addEventListener('change', () => check(input.files?.[0]))
    key.addEventListener('change', () => check(last))
    // The whole card takes a drop: a file let go beside the box should not make the browser open it.
    card.addEventListener('dragover', (event) => {
      event.preventDefault()
      drop.classList.add('over')
    })
    card.addEventListener('dragleave', () => drop.classList.remove('over'))
    card.addEventListener('drop', (event) => {
      event.preventDefault()
      drop.classList.remove('over')
      check(event.dataTransfer?.files?.[0])
    })
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin)
  else begin()
}
