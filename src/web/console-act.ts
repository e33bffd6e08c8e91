// The console's signing page in the browser (GET /console/act; part of the verifier bundle): reads a key
// file (core/keys.ts, the CLI's format) into memory and never sends it; builds the statement from the page's
// form with the domain's ActionForm (the same code and bytes as `tracechain sign`); shows the canonical
// payload and the digest of the PAE it will sign; signs with @noble/ed25519; posts the envelope to
// POST /v1/statements; shows the seq or the refusal in words with its code; then verifies the new entry
// in the signed log as every page does (verify.ts).

import type { Lang } from './i18n.js'
import { toBase64, toHex } from '../core/bytes.js'
import { previewStatement, signPreviewedStatement, type StatementPreview } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { fallbackEd25519 } from './ed25519-fallback.js'
import { isTracechainError } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import { parseKeyFileText, type Signer } from '../core/keys.js'
import type { Statement } from '../core/statement.js'
import { buildFormStatement, type ActionForm, type FormValues } from '../core/statement-form.js'
import { refusalWords } from './refusal-words.js'
import { format, verifyPage } from './verify.js'


const WORDS = {
  zh: {
    keyLoaded: '已载入密钥 {keyid}（只在本页内存中）。',
    keyActors: '账本中持有此密钥的参与方：{actors}。',
    keyUnknown: '此密钥未在本账本登记，签名的声明会被拒绝。',
    keyLookupFailed: '无法查询账本登记：{detail}',
    keyBad: '密钥文件无法使用：{detail}',
    signingCodeMissing: '签名所需的代码未能载入，请检查网络后重新选择密钥文件：{detail}',
    keyForgotten: '密钥已清除。',
    needKey: '请先载入密钥文件。',
    needActor: '请填写签名身份。',
    fieldRequired: '请填写「{label}」。',
    fieldBad: '「{label}」填写有误：{detail}',
    sending: '正在提交…',
    recorded: '已记入账本：第 {seq} 条（叶哈希 {leaf}）。正在本机核验它在已签名账本中的位置…',
    repeated: '此声明早已记入账本：第 {seq} 条。',
    network: '无法连接节点：{detail}',
    entry: '第 {seq} 条：{type}，{id}',
  },
  en: {
    keyLoaded: 'Key {keyid} loaded (in this page\'s memory only).',
    keyActors: 'Actors in the ledger holding this key: {actors}.',
    keyUnknown: 'This key is not registered on this ledger: what it signs will be refused.',
    keyLookupFailed: 'Could not look the key up in the registry: {detail}',
    keyBad: 'The key file cannot be used: {detail}',
    signingCodeMissing: 'The code to sign with did not load; check the network and choose the key file again: {detail}',
    keyForgotten: 'The key is forgotten.',
    needKey: 'Load your key file first.',
    needActor: 'Fill in who is signing.',
    fieldRequired: 'Fill in "{label}".',
    fieldBad: '"{label}" is not right: {detail}',
    sending: 'Submitting…',
    recorded: 'Recorded: entry {seq} (leaf hash {leaf}). Checking in this browser that it is in the signed log…',
    repeated: 'This statement was already recorded: entry {seq}.',
    network: 'Could not reach the node: {detail}',
    entry: 'Entry {seq}: {type}, {id}',
  },
} as const

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Wires the page when it is /console/act; `forms` are every domain's (src/verifier.ts composes them). */
export function startConsoleAct(forms: readonly ActionForm[]): void {
  if (typeof document === 'undefined') return
  const start = () => {
    const root = document.querySelector<HTMLElement>('[data-console-act]')
    const element = document.querySelector<HTMLFormElement>('form[data-action-form]')
    const form = forms.find((f) => f.action === element?.getAttribute('data-action-form'))
    if (root && element && form) wire(root, element, form)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
}

function wire(root: HTMLElement, formElement: HTMLFormElement, form: ActionForm): void {
  const lang: Lang = (document.documentElement.lang || 'zh').toLowerCase().startsWith('en') ? 'en' : 'zh'
  const w = WORDS[lang]
  const $ = <T extends HTMLElement>(selector: string) => root.querySelector<T>(selector) as T
  const keyFile = $<HTMLInputElement>('[data-key-file]')
  const keyStatus = $('[data-key-status]')
  const actorInput = $<HTMLInputElement>('[data-actor]')
  const forget = $<HTMLButtonElement>('[data-forget-key]')
  const formError = $('[data-form-error]')
  const review = $('[data-review]')
  const signButton = $<HTMLButtonElement>('[data-sign]')
  const submitStatus = $('[data-submit-status]')
  const results = $('[data-act-results]')
  // The key lives in this closure only: never in storage, the DOM, or a request.
  let signer: Signer | undefined
  let pending: { preview: StatementPreview; statement: Statement } | undefined

  for (const control of Array.from(root.querySelectorAll<HTMLInputElement | HTMLButtonElement>('[data-key-file], [data-preview]'))) control.disabled = false

  // A review stands for the statement and the key it shows: a change to either takes it down until previewed again,
  // so the button never signs a statement the form no longer shows, or with a key the review does not name.
  const withdrawReview = () => {
    pending = undefined
    review.hidden = true
    signButton.disabled = true
  }
  // 'input' fires for each change of a value (typed, pasted, a select's option, a file picked), never on a blur.
  formElement.addEventListener('input', withdrawReview)
  actorInput.addEventListener('input', withdrawReview)

  keyFile.addEventListener('change', async () => {
    withdrawReview()
    const file = keyFile.files?.[0]
    keyFile.value = '' // the browser forgets which file it was; the page keeps only the parsed signer
    if (!file) return
    // @noble comes on demand (web/ed25519-fallback.ts): a network that drops it is not a bad key file.
    let ed: Ed25519
    try {
      ed = await fallbackEd25519()
    } catch (error) {
      signer = undefined
      keyStatus.textContent = format(w.signingCodeMissing, { detail: detailOf(error) })
      forget.disabled = true
      return
    }
    try {
      signer = parseKeyFileText(await file.text(), ed, file.name)
    } catch (error) {
      signer = undefined
      keyStatus.textContent = format(w.keyBad, { detail: detailOf(error) })
      forget.disabled = true
      return
    }
    forget.disabled = false
    keyStatus.textContent = format(w.keyLoaded, { keyid: signer.keyid })
    await findActors(signer)
  })

  forget.addEventListener('click', () => {
    signer = undefined
    withdrawReview()
    forget.disabled = true
    keyStatus.textContent = w.keyForgotten
  })

  /** The actors whose current key this is, from the node's registry (public data: the request names the key id only). */
  const findActors = async (loaded: Signer) => {
    const publicKey = toBase64(loaded.publicKey)
    try {
      const response = await fetch(`/v1/actors?keyid=${loaded.keyid}`, { headers: { accept: 'application/json' } })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const { actors } = (await response.json()) as { actors: { id: string; status?: string; keys?: { publicKey: string; retiredAt?: number }[] }[] }
      const holding = actors.filter((a) => a.status !== 'revoked' && (a.keys ?? []).some((k) => k.publicKey === publicKey && k.retiredAt === undefined)).map((a) => a.id)
      const list = document.getElementById('actor-matches')
      if (list) list.replaceChildren(...holding.map((id) => Object.assign(document.createElement('option'), { value: id })))
      if (holding.length > 0) actorInput.value = holding[0]
      keyStatus.append(' ', holding.length > 0 ? format(w.keyActors, { actors: holding.join(lang === 'zh' ? '、' : ', ') }) : w.keyUnknown)
    } catch (error) {
      keyStatus.append(' ', format(w.keyLookupFailed, { detail: detailOf(error) }))
    }
  }

  // A document's SHA-256 computed here from a file the reader picks: the file itself is never sent.
  for (const picker of Array.from(formElement.querySelectorAll<HTMLInputElement>('input[type=file][data-digest-for]'))) {
    picker.addEventListener('change', async () => {
      const file = picker.files?.[0]
      const field = picker.getAttribute('data-digest-for') as string
      const target = formElement.elements.namedItem(field) as HTMLInputElement | null
      if (!file || !target) return
      target.value = toHex(sha256(new Uint8Array(await file.arrayBuffer())))
      const nameField = formElement.elements.namedItem(field.replace(/Sha256$/, 'Name')) as HTMLInputElement | null
      if (nameField && nameField !== target && nameField.value.trim() === '') nameField.value = file.name
    })
  }

  const clearErrors = () => {
    formError.textContent = ''
    for (const marked of Array.from(formElement.querySelectorAll('[aria-invalid]'))) marked.removeAttribute('aria-invalid')
  }

  formElement.addEventListener('submit', (event) => {
    event.preventDefault()
    clearErrors()
    pending = undefined
    review.hidden = true
    if (!signer) return showFormError(w.needKey, keyFile)
    const actor = actorInput.value.trim()
    if (actor === '') return showFormError(w.needActor, actorInput)
    const values: Record<string, string> = {}
    new FormData(formElement).forEach((value, name) => {
      if (typeof value === 'string') values[name] = value
    })
    try {
      const statement = buildFormStatement(form, values as FormValues, actor, new Date().toISOString())
      pending = { statement, preview: previewStatement(statement) }
    } catch (error) {
      const field = isTracechainError(error) ? (error.details as { field?: string } | undefined)?.field : undefined
      const control = field ? (formElement.elements.namedItem(field) as HTMLElement | null) : null
      const label = form.fields.find((f) => f.name === field)?.label[lang] ?? field ?? ''
      const required = /is required$/.test(detailOf(error))
      return showFormError(label ? format(required ? w.fieldRequired : w.fieldBad, { label, detail: detailOf(error) }) : detailOf(error), control ?? undefined)
    }
    $('[data-review-type]').textContent = pending.statement.type
    $('[data-review-keyid]').textContent = signer.keyid
    $('[data-review-digest]').textContent = pending.preview.paeSha256
    $('[data-review-bytes]').textContent = String(pending.preview.payload.length)
    $('[data-review-json]').textContent = reviewJson(pending.preview.json)
    review.hidden = false
    signButton.disabled = false
    $('#review-head').focus()
  })

  const showFormError = (text: string, control?: HTMLElement) => {
    formError.textContent = text
    if (control) {
      control.setAttribute('aria-invalid', 'true')
      control.focus()
    }
  }

  signButton.addEventListener('click', async () => {
    if (!pending || !signer) return
    const { statement, preview } = pending
    signButton.disabled = true
    submitStatus.textContent = w.sending
    // Exactly the payload shown: the preview's bytes are the ones signed.
    const envelope = signPreviewedStatement(preview, [signer])
    let status: number
    let answer: { seq?: number; leafHash?: string; code?: string; message?: string }
    try {
      const response = await fetch('/v1/statements', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(envelope) })
      status = response.status
      answer = (await response.json()) as typeof answer
    } catch (error) {
      submitStatus.replaceChildren(paragraph(format(w.network, { detail: detailOf(error) }), 'error'))
      signButton.disabled = false
      return
    }
    if ((status !== 200 && status !== 201) || typeof answer.seq !== 'number') {
      const refusal = paragraph(refusalWords(String(answer.code ?? status), lang), 'error')
      refusal.setAttribute('data-refusal', String(answer.code ?? status))
      submitStatus.replaceChildren(refusal, paragraph(String(answer.message ?? ''), 'small'))
      signButton.disabled = false
      return
    }
    const seq = answer.seq
    pending = undefined
    review.hidden = true
    submitStatus.replaceChildren(paragraph(format(status === 201 ? w.recorded : w.repeated, { seq, leaf: answer.leafHash ?? '' }), 'ok'))
    results.prepend(resultItem(form, statement, seq, lang))
    await verifyPage(root)
  })
}

/**
 * Characters that draw nothing, draw as a plain space, or reorder what follows them (controls, format characters
 * such as U+202E and U+200B, every space and separator but U+0020, and the pretty-printing's line breaks aside), and
 * the other default-ignorable code points (variation selectors, U+034F, the Hangul fillers that draw a blank) and
 * the braille blank U+2800: in Chromium each draws no ink, and SPLIT_CONTRACT already reads them as unseen.
 */
const UNSEEN = /(?![ \n])[\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}\u2800]/gu

/**
 * The payload's JSON (attacker-influenced: text pasted into the form) indented for reading, each unseen character
 * written as its JSON escape: the same JSON, and nothing in the bytes signed that the review does not show.
 */
function reviewJson(json: string): string {
  return JSON.stringify(JSON.parse(json), null, 2).replace(UNSEEN, (char) =>
    Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  )
}

function paragraph(text: string, className: string): HTMLParagraphElement {
  return Object.assign(document.createElement('p'), { textContent: text, className })
}

/** The accepted statement: its seq (data-seq, so verify.ts checks it and its signer), and where to see what it did. */
function resultItem(form: ActionForm, statement: Statement, seq: number, lang: Lang): HTMLLIElement {
  const item = document.createElement('li')
  item.setAttribute('data-seq', String(seq))
  item.setAttribute('data-actor', statement.actor)
  const entry = Object.assign(document.createElement('a'), { href: `/v1/entries/${seq}`, textContent: format(WORDS[lang].entry, { seq, type: statement.type, id: statement.id }) })
  entry.className = 'tick'
  item.append(entry)
  const links = document.createElement('ul')
  for (const link of form.resultLinks?.(statement) ?? []) {
    const li = document.createElement('li')
    li.append(Object.assign(document.createElement('a'), { href: `${link.href}${link.href.includes('?') ? '&' : '?'}lang=${lang}`, textContent: link.label[lang] }))
    links.append(li)
  }
  if (links.childElementCount > 0) item.append(links)
  return item
}
