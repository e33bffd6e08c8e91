// The console's audit page in the browser (GET /console/audit; part of the verifier bundle): starts the audit
// Web Worker (audit-worker.ts, a same-origin script the page's CSP allows as worker-src 'self'), shows its
// progress, the entries checked per second, and the outcome: every entry verified, or the first bad seq and
// what is wrong with it, in words.

import type { AuditFailure, LogAudit } from './audit-log.js'
import type { AuditMessage } from './audit-worker.js'
import type { Lang } from './i18n.js'
import { loadFailureWords } from './failure-words.js'
import { describeFailure, format } from './verify.js'


const WORDS = {
  zh: {
    running: '正在审计…',
    progress: '已核验 {checked} / {total} 条（到第 {seq} 条），每秒 {rate} 条',
    ok: '审计通过：第 {from}–{last} 条共 {checked} 条全部核验无误（检查点 {size} 条），用时 {seconds} 秒，每秒 {rate} 条。',
    okEmpty: '审计通过：检查点 {size} 条的签名与分片有效；所选范围内没有记录。',
    firstBad: '第 {seq} 条记录有问题：{words}',
    failed: '审计失败：{words}',
    stopped: '审计已停止：已核验 {checked} 条，未发现问题。',
    workerFailed: '无法启动审计线程（Web Worker）：{detail}',
    badRange: '请填写有效的序号范围（起始 ≥ 0，结束大于起始）。',
    chain: '哈希链断裂：它的 prev 不是前一条记录的叶哈希',
    'registry-list': '节点的参与方登记没有列出这条改动 {actor} 的记录：重放会漏掉它',
    root: '由全部叶子重算的树根与签名检查点不符',
  },
  en: {
    running: 'Auditing…',
    progress: '{checked} of {total} entries checked (up to entry {seq}), {rate} a second',
    ok: 'Audit passed: entries {from}–{last}, {checked} in all, verified (checkpoint of {size}), in {seconds} s, {rate} a second.',
    okEmpty: 'Audit passed: the checkpoint of {size} and its tiles verify; the range holds no entry.',
    firstBad: 'Entry {seq} is bad: {words}',
    failed: 'The audit failed: {words}',
    stopped: 'Audit stopped: {checked} entries checked, nothing wrong so far.',
    workerFailed: 'The audit worker (Web Worker) did not start: {detail}',
    badRange: 'Give a valid range of seqs (from ≥ 0, to above from).',
    chain: "the hash chain breaks: its prev is not the previous entry's leaf hash",
    'registry-list': "the node's registry does not list this entry that changed {actor}: a replay would miss it",
    root: 'the root recomputed from all the leaves differs from the signed checkpoint',
  },
} as const

/** What is wrong, in words: the audit's own checks here, the page verifier's words for the rest. */
export function describeAuditFailure(lang: Lang, failure: AuditFailure): string {
  const own = WORDS[lang] as Record<string, string>
  const words = failure.check in own ? format(own[failure.check], { actor: failure.actor }) : describeFailure(lang, failure as Parameters<typeof describeFailure>[1])
  return `${words} (${failure.detail})`
}

export function startConsoleAudit(): void {
  if (typeof document === 'undefined') return
  const start = () => {
    const root = document.querySelector<HTMLElement>('[data-audit-worker]')
    const card = document.querySelector<HTMLElement>('[data-audit]')
    if (root && card) wire(root.getAttribute('data-audit-worker') as string, card)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
}

function wire(workerPath: string, card: HTMLElement): void {
  const lang: Lang = (document.documentElement.lang || 'zh').toLowerCase().startsWith('en') ? 'en' : 'zh'
  const w = WORDS[lang]
  const form = card.querySelector('[data-audit-form]') as HTMLFormElement
  const startButton = card.querySelector('[data-audit-start]') as HTMLButtonElement
  const stopButton = card.querySelector('[data-audit-stop]') as HTMLButtonElement
  const bar = card.querySelector('[data-audit-progress]') as HTMLProgressElement
  const rate = card.querySelector('[data-audit-rate]') as HTMLElement
  const result = card.querySelector('[data-audit-result]') as HTMLElement
  let worker: Worker | undefined
  startButton.disabled = false

  const setState = (state: 'running' | 'ok' | 'failed' | 'stopped') => {
    card.setAttribute('data-audit-state', state)
    startButton.disabled = state === 'running'
    stopButton.disabled = state !== 'running'
  }
  const perSecond = (checked: number, elapsedMs: number) => (elapsedMs > 0 ? Math.round((checked * 1000) / elapsedMs) : checked)

  const finish = async (audit: LogAudit, elapsedMs: number) => {
    worker?.terminate()
    worker = undefined
    card.removeAttribute('data-first-bad-seq')
    if (audit.cancelled) {
      setState('stopped')
      result.textContent = format(w.stopped, { checked: audit.checked })
      return
    }
    if (audit.ok) {
      bar.value = bar.max
      setState('ok')
      const values = { from: audit.from, last: audit.to - 1, checked: audit.checked, size: audit.size, seconds: (elapsedMs / 1000).toFixed(1), rate: perSecond(audit.checked, elapsedMs) }
      result.textContent = format(audit.checked > 0 ? w.ok : w.okEmpty, values)
      return
    }
    const failure = audit.failure as AuditFailure
    // The words for what failed come on demand in this script (web/failure-words.ts); the state is set once they are shown.
    await loadFailureWords()
    if (failure.seq !== undefined) card.setAttribute('data-first-bad-seq', String(failure.seq))
    result.textContent = format(failure.seq !== undefined ? w.firstBad : w.failed, { seq: failure.seq, words: describeAuditFailure(lang, failure) })
    setState('failed')
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const fromText = (form.elements.namedItem('from') as HTMLInputElement).value.trim()
    const toText = (form.elements.namedItem('to') as HTMLInputElement).value.trim()
    const from = fromText === '' ? 0 : Number(fromText)
    const to = toText === '' ? undefined : Number(toText)
    if (!Number.isSafeInteger(from) || from < 0 || (to !== undefined && (!Number.isSafeInteger(to) || to <= from))) {
      result.textContent = w.badRange
      return
    }
    worker?.terminate()
    result.textContent = ''
    rate.textContent = w.running
    bar.value = 0
    setState('running')
    try {
      worker = new Worker(workerPath)
    } catch (error) {
      setState('failed')
      result.textContent = format(w.workerFailed, { detail: String(error) })
      return
    }
    worker.addEventListener('error', (event) => {
      setState('failed')
      result.textContent = format(w.workerFailed, { detail: event.message || workerPath })
    })
    worker.addEventListener('message', (event: MessageEvent<AuditMessage>) => {
      const message = event.data
      if (message.type === 'progress') {
        bar.max = Math.max(1, message.total)
        bar.value = message.checked
        rate.textContent = format(w.progress, { checked: message.checked, total: message.total, seq: message.seq, rate: perSecond(message.checked, message.elapsedMs) })
      } else void finish(message.audit, message.elapsedMs)
    })
    worker.postMessage({ type: 'audit', api: window.location.origin, from, ...(to !== undefined ? { to } : {}) })
  })

  stopButton.addEventListener('click', () => worker?.postMessage({ type: 'stop' }))
}
