// The standalone verification page's browser side (the page: standalone-page.ts). It reads the form,
// prefilled from the URL's fragment (`#log=<key id>&lot=<Digital Link>&url=<log URL>`, as the consumer
// page links here), runs verifyLot (verify-lot.ts) against the log's URL across origins (its API, and
// its tiles under <url>/tlog/), and writes
// the outcome with textContent only: everything it shows came from the log, attacker-controlled.
//
// CONTRACT: the root is the one element with `data-standalone-verifier`; its form `data-standalone-form`
// has fields url, log, lot, witness (verifier keys, one a line) and witness-min; `[data-standalone-state]` goes idle → pending → verified | failed
// (set last: tests wait on it) and `[data-standalone-status]` inside it receives the outcome.

import { nobleEd25519 } from '../core/ed25519.js'
import { formatTrustFragment, parseTrustFragment } from '../core/log-key-id.js'
import { nameIn } from './i18n.js'
import { httpLogSource } from './http-log-source.js'
import { describeFailure } from './verify.js'
import type { CheckpointMemory, RememberedCheckpoint, WitnessPolicy } from './verify-log.js'
import { verifyLot, type LotVerification } from './verify-lot.js'
import { parseWitnessPolicy } from './witness-policy.js'

export type Lang = 'zh' | 'en'

const STORAGE_PREFIX = 'tracechain:standalone:'

const TEXT: Record<Lang, Record<string, string>> = {
  zh: {
    pending: '正在您的浏览器中核验…',
    verified: '已核验',
    failed: '核验失败',
    badUrl: '账本地址须是 http(s) 网址',
    badKeyId: '账本公钥编号须是 8 到 64 位十六进制数字',
    lotError: '无法读取该批次：{detail}',
    checkpoint: '账本 {origin}，公钥 {keyId}（与您给出的一致），检查点 {size} 的签名有效，与此浏览器以前看到的一致。',
    entries: '节点为该批次列出 {n} 条记录，均在已签名的账本中并由其签署者的有效密钥签名：',
    truncated: '节点说明它的回答不完整。',
    absence: '记录由节点列出：包含证明无法证明节点没有遗漏记录（例如召回）。',
    badWitness: '见证策略无法读取：{detail}',
    witnessed: '检查点由 {names} {count} 方见证（您的策略要求至少 {min} 方），最新见证于 {time}。',
  },
  en: {
    pending: 'Checking in your browser…',
    verified: 'Verified',
    failed: 'Verification failed',
    badUrl: 'the log URL must be an http(s) URL',
    badKeyId: 'the log key id must be 8 to 64 hex digits',
    lotError: 'the lot could not be read: {detail}',
    checkpoint: 'Log {origin}, key {keyId} (the one you gave): checkpoint {size} is signed and consistent with what this browser saw before.',
    entries: 'The node lists {n} entries for the lot; each is in the signed log and signed by a key its signer held:',
    truncated: 'The node says its answer is cut short.',
    absence: 'The node chose these entries: inclusion proofs cannot show that it left none out (a recall, say).',
    badWitness: 'the witness policy does not read: {detail}',
    witnessed: 'The checkpoint is cosigned by {names} ({count}; your policy asks for at least {min}), the newest cosignature at {time}.',
  },
}

function format(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '?'))
}

export function pageLang(): Lang {
  for (const language of navigator.languages ?? [navigator.language]) {
    if (/^en\b/i.test(language)) return 'en'
    if (/^zh\b/i.test(language)) return 'zh'
  }
  return 'zh'
}

/** The log's base URL, or undefined when `text` is not an http(s) URL; trailing slashes, query and fragment dropped. */
export function logBaseOf(text: string): string | undefined {
  try {
    const url = new URL(text.trim())
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
  } catch {
    return undefined
  }
}

/**
 * Remembered checkpoints per log key (its id's first 8 hex, which every longer id of it shares) and origin: one
 * static page checks many logs, and two may share a name. Not per URL: the same log read at another one (a mirror,
 * the host spelled otherwise, the `url=` a node writes into its link here) must not start from nothing.
 */
function standaloneMemory(keyId: string): CheckpointMemory | undefined {
  try {
    const storage = window.localStorage
    const key = (origin: string) => `${STORAGE_PREFIX}log ${keyId.slice(0, 8)} ${origin}`
    return {
      read(origin) {
        try {
          const value = JSON.parse(storage.getItem(key(origin)) ?? 'null') as RememberedCheckpoint | null
          return value && Number.isSafeInteger(value.size) && typeof value.root === 'string' && typeof value.key === 'string' ? value : undefined
        } catch {
          return undefined
        }
      },
      write(origin, checkpoint) {
        storage.setItem(key(origin), JSON.stringify(checkpoint))
      },
    }
  } catch {
    return undefined
  }
}

function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLTextAreaElement {
  return form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement
}

function item(list: HTMLElement, text: string): void {
  const li = document.createElement('li')
  li.textContent = text
  list.append(li)
}

function show(box: HTMLElement, status: HTMLElement, state: 'verified' | 'failed', lines: string[], list?: string[], failures: string[] = []): void {
  const lang = pageLang()
  status.textContent = ''
  const head = document.createElement('strong')
  head.textContent = TEXT[lang][state]
  status.append(head)
  for (const line of lines) {
    const p = document.createElement('p')
    p.textContent = line
    status.append(p)
  }
  if (list && list.length > 0) {
    const ol = document.createElement('ol')
    for (const text of list) item(ol, text)
    status.append(ol)
  }
  if (failures.length > 0) {
    const ul = document.createElement('ul')
    ul.className = 'failures'
    for (const text of [...new Set(failures)]) item(ul, text)
    status.append(ul)
  }
  box.setAttribute('data-standalone-state', state)
}

function entryLine(outcome: LotVerification, seq: number, lang: Lang): string {
  const entry = outcome.entries.find((e) => e.seq === seq)
  const statement = entry?.statement
  if (!entry?.ok || !statement) return `#${seq} ✗`
  const profile = outcome.actors?.get(statement.actor)
  const signer = `${nameIn(profile?.name, lang, statement.actor)} (${statement.actor})`
  const body = statement.body
  const detail = typeof body.bizStep === 'string' ? ` · ${body.bizStep.replace(/^.*[:/]/, '')}` : typeof body.reason === 'string' ? ` · ${body.reason}` : ''
  return `#${seq} ✓ ${statement.type}${detail} · ${signer} · ${entry.recordedAt ?? ''}`
}

/**
 * The witness policy typed into the page's form: undefined when none is, the policy, or a message saying
 * what does not read. The lot check and the proof file card both hold the log to it.
 */
export function pageWitnessPolicy(form?: HTMLFormElement | null): WitnessPolicy | undefined | string {
  const source = form ?? document.querySelector<HTMLFormElement>('[data-standalone-form]')
  if (!source) return undefined
  const policy = parseWitnessPolicy(field(source, 'witness').value, field(source, 'witness-min').value)
  return policy && 'error' in policy ? format(TEXT[pageLang()].badWitness, { detail: policy.error }) : policy
}

/** "Cosigned by A, B (2; your policy asks for at least 2), the newest at T", or undefined when none cosigned. */
export function witnessedLine(lang: Lang, witnessed: { min: number; cosignatures: readonly { name: string; timestamp: number }[] }): string | undefined {
  if (witnessed.cosignatures.length === 0) return undefined
  const newest = Math.max(...witnessed.cosignatures.map((c) => c.timestamp))
  const time = new Date(newest * 1000).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' })
  const names = witnessed.cosignatures.map((c) => c.name).join(lang === 'zh' ? '、' : ', ')
  return format(TEXT[lang].witnessed, { names, count: witnessed.cosignatures.length, min: witnessed.min, time })
}

/** Runs started; only the latest writes its outcome, so a slow earlier run cannot overwrite a later one. */
let runs = 0

async function run(form: HTMLFormElement, box: HTMLElement, status: HTMLElement): Promise<void> {
  const mine = ++runs
  const lang = pageLang()
  const t = TEXT[lang]
  const logBase = logBaseOf(field(form, 'url').value)
  const keyId = field(form, 'log').value.trim().toLowerCase()
  const lot = field(form, 'lot').value.trim()
  const witness = field(form, 'witness').value.trim()
  const witnessMin = field(form, 'witness-min').value.trim()
  if (!logBase) return show(box, status, 'failed', [], [], [t.badUrl])
  if (!/^[0-9a-f]{8,64}$/.test(keyId)) return show(box, status, 'failed', [], [], [t.badKeyId])
  const witnessPolicy = pageWitnessPolicy(form)
  if (typeof witnessPolicy === 'string') return show(box, status, 'failed', [], [], [witnessPolicy])
  history.replaceState(null, '', formatTrustFragment({ log: keyId, ...(lot ? { lot } : {}), url: logBase }))
  try {
    // Remembered per log key, so the next check of the log, at whatever URL, holds it to the same witnesses.
    localStorage.setItem(`${STORAGE_PREFIX}witness ${keyId.slice(0, 8)}`, JSON.stringify({ keys: witness, min: witnessMin }))
  } catch {
    // storage blocked: the policy holds for this run only
  }
  box.setAttribute('data-standalone-state', 'pending')
  status.textContent = t.pending
  const outcome = await verifyLot(
    httpLogSource(logBase),
    nobleEd25519,
    { expectedKeyId: keyId, ...(lot ? { lot } : {}), ...(witnessPolicy ? { witnessPolicy } : {}) },
    standaloneMemory(keyId),
  )
  if (mine !== runs) return
  const failures = outcome.failures.map((failure) => describeFailure(lang, failure))
  if (outcome.lotError) failures.push(format(t.lotError, { detail: outcome.lotError }))
  const lines: string[] = []
  // "Consistent with what this browser saw before" is said only where it held.
  const inconsistent = outcome.failures.some(({ check }) => check === 'rollback' || check === 'consistency' || check === 'key-changed')
  if (outcome.checkpoint && !inconsistent) lines.push(format(t.checkpoint, { origin: outcome.checkpoint.origin, keyId: outcome.keyId, size: outcome.checkpoint.size }))
  const witnessed = outcome.witnessed && witnessedLine(lang, outcome.witnessed)
  if (witnessed) lines.push(witnessed)
  if (outcome.listed.length > 0) lines.push(format(t.entries, { n: outcome.listed.length }))
  const list = outcome.listed.map((seq) => entryLine(outcome, seq, lang))
  const notes = [...(outcome.truncated ? [t.truncated] : []), ...(lot ? [t.absence] : [])]
  show(box, status, outcome.ok ? 'verified' : 'failed', lines, list, failures)
  for (const note of notes) {
    const p = document.createElement('p')
    p.className = 'muted'
    p.textContent = note
    status.append(p)
  }
  ;(window as unknown as { tracechainVerification: LotVerification }).tracechainVerification = outcome
}

/** Starts the standalone page when this document is one; runs at once when the fragment names a log. */
export function startStandaloneVerifier(): void {
  if (typeof document === 'undefined') return
  const begin = () => {
    const root = document.querySelector<HTMLElement>('[data-standalone-verifier]')
    const form = root?.querySelector<HTMLFormElement>('[data-standalone-form]')
    const box = root?.querySelector<HTMLElement>('[data-standalone-state]')
    const status = box?.querySelector<HTMLElement>('[data-standalone-status]')
    if (!root || !form || !box || !status) return
    // A link opens the page with the fields in its fragment (a changed fragment is a new link).
    const fromFragment = () => {
      const fragment = parseTrustFragment(window.location.hash)
      // The lot's own base is the log's URL unless the link says otherwise.
      const url = fragment.url ?? (fragment.lot ? logBaseOf(fragment.lot.slice(0, Math.max(0, fragment.lot.indexOf('/01/')))) : undefined)
      if (url) field(form, 'url').value = url
      if (fragment.log) field(form, 'log').value = fragment.log
      if (fragment.lot) field(form, 'lot').value = fragment.lot
      const base = logBaseOf(field(form, 'url').value)
      const keyId = field(form, 'log').value.trim().toLowerCase().slice(0, 8)
      try {
        // The log key's policy; one kept per URL before policies were kept per key, else.
        const text = localStorage.getItem(`${STORAGE_PREFIX}witness ${keyId}`) ?? (base ? localStorage.getItem(`${STORAGE_PREFIX}witness ${base}`) : null)
        const kept = JSON.parse(text ?? 'null') as { keys?: unknown; min?: unknown } | null
        if (typeof kept?.keys === 'string') field(form, 'witness').value = kept.keys
        if (typeof kept?.min === 'string') field(form, 'witness-min').value = kept.min
      } catch {
        // storage blocked
      }
      if (fragment.log && field(form, 'url').value) void run(form, box, status)
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      void run(form, box, status)
    })
    window.addEventListener('hashchange', fromFragment)
    fromFragment()
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin)
  else begin()
}
