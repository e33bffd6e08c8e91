// The console's page for acting with one's own key (GET /console/act): the forms the domains give
// (core/statement-form.ts: a recall, an inspection result, a seal application, an approval, a revocation),
// drawn on the server, labelled, in Chinese first. Its script (console-act.ts) reads the key file in the
// browser, builds the statement from the same form, shows what will be signed, signs, submits, and
// verifies the new entry like every other page. Without script the page says what it needs; nothing posts.

import type { ActionForm, FormField } from '../core/statement-form.js'
import { STATEMENT_ID_FIELD } from '../core/statement-form.js'
import { CONSOLE_STYLES, renderConsoleNav } from './console-shell.js'
import { escapeHtml, renderNodePage } from './html.js'
import { TEXT, type Lang } from './i18n.js'

export interface ActPageView {
  forms: readonly ActionForm[]
  /** the form shown */
  form: ActionForm
  /** values from the query string (a link from a lot's or a seal's page) */
  prefill: Partial<Record<'lot' | 'seal' | 'application', string>>
}

const WORDS = {
  zh: {
    title: '签名办理',
    intro: '用您的密钥签署召回、抽检结果、用印申请与审批。密钥文件只在本浏览器中读取和使用，任何请求都不会带上它。',
    actions: '办理事项', signer: '签名者：',
    keyHead: '1. 载入密钥', keyFile: '密钥文件（JSON，与命令行 tracechain 使用的相同）', keyNone: '尚未载入密钥。',
    forget: '清除密钥', actor: '签名身份（账本中的参与方编号）', actorHint: '载入密钥后按账本登记自动填写',
    formHead: '2. 填写', statementId: '声明编号（可选）', statementIdHint: '同一参与方内唯一，重复提交同一声明不会重复记账；留空则自动生成',
    digestFile: '或选择文件，在本机计算其 SHA-256（文件不会上传）',
    preview: '预览将要签名的内容',
    reviewHead: '3. 核对并签名', reviewIntro: '签名的是下面这段规范化 JSON（RFC 8785）的 DSSE 预认证编码（PAE）。',
    type: '声明类型', keyid: '密钥编号', paeDigest: 'PAE 的 SHA-256', payloadBytes: '载荷字节数', sign: '签名并提交',
    resultHead: '4. 结果', results: '已提交的声明',
    noScript: '签名需要启用 JavaScript：密钥只在您的浏览器中使用，服务器从不接收。也可以用命令行：tracechain sign 与 tracechain submit。',
    verification: '账本核验', required: '必填',
  },
  en: {
    title: 'Act with your key',
    intro: 'Sign a recall, an inspection result, a seal application or an approval with your own key. The key file is read and used in this browser only: no request ever carries it.',
    actions: 'What to do', signer: 'Signed by: ',
    keyHead: '1. Load your key', keyFile: 'Key file (JSON, the one the tracechain CLI uses)', keyNone: 'No key loaded.',
    forget: 'Forget the key', actor: 'Signing as (the actor id in the ledger)', actorHint: "filled in from the ledger's registry once the key is loaded",
    formHead: '2. Fill in', statementId: 'Statement id (optional)', statementIdHint: 'unique per actor: sending the same statement twice records it once; left empty, one is made up',
    digestFile: 'or choose the file to compute its SHA-256 here (it is not uploaded)',
    preview: 'Preview what will be signed',
    reviewHead: '3. Check and sign', reviewIntro: 'What is signed is the DSSE pre-authentication encoding (PAE) of this canonical JSON (RFC 8785).',
    type: 'Statement type', keyid: 'Key id', paeDigest: 'SHA-256 of the PAE', payloadBytes: 'Payload bytes', sign: 'Sign and submit',
    resultHead: '4. Result', results: 'Statements submitted',
    noScript: 'Signing needs JavaScript: the key is used in your browser only and never reaches a server. The CLI does the same: tracechain sign and tracechain submit.',
    verification: 'Ledger check', required: 'required',
  },
} as const

const STYLES =
  'main.act-page{max-width:760px}.nav{display:flex;flex-wrap:wrap;gap:6px 10px;margin:10px 0 0;padding:0;list-style:none;font-size:15px}' +
  '.nav a{display:inline-block;min-height:44px;padding:10px 12px;border:1px solid #c5ccc9;border-radius:8px;text-decoration:none}' +
  '.nav a[aria-current=page]{background:#0b6e4f;color:#fff;border-color:#0b6e4f}' +
  'form.act,.keyload{display:grid;gap:12px;margin:10px 0 0}' +
  '.act label,.keyload label{display:flex;flex-direction:column;gap:3px;font-size:15px;color:#3d4442}' +
  '.act input,.act select,.act textarea,.keyload input{font:inherit;font-size:16px;min-height:44px;padding:6px 8px;border:1px solid #767f7b;border-radius:8px;background:#fff;color:#1b1f1d}' +
  '.act textarea{min-height:88px}.act [aria-invalid=true]{border-color:#c62828;border-width:2px}' +
  '.hint{font-size:13px;color:#5b6360}.req{color:#a61b1b;font-size:13px}' +
  'button{font:inherit;min-height:44px;padding:8px 18px;border:0;border-radius:8px;background:#0b6e4f;color:#fff;justify-self:start}' +
  'button[disabled]{background:#8a938f}button.secondary{background:#fff;color:#0b6e4f;border:1px solid #0b6e4f}' +
  ':focus-visible{outline:3px solid #1b6fb5;outline-offset:2px}' +
  '.error{color:#a61b1b;font-weight:600}.ok{color:#176f30;font-weight:600}' +
  '[data-verification=verified] .verify [data-verification-status] strong{color:#176f30}' +
  '[data-review] dd{overflow-wrap:anywhere}pre{max-height:320px;overflow:auto}.results{list-style:none;padding:0;margin:6px 0 0}.results li{margin:0 0 8px}'

function fieldId(form: ActionForm, field: FormField | string): string {
  return `f-${form.action}-${typeof field === 'string' ? field : field.name}`
}

function renderField(form: ActionForm, field: FormField, lang: Lang, value: string): string {
  const w = WORDS[lang]
  const id = fieldId(form, field)
  const hintId = `${id}-hint`
  const described = field.hint ? ` aria-describedby="${hintId}"` : ''
  const required = field.required ? ' required' : ''
  const max = field.maxLength !== undefined && field.kind !== 'lines' ? ` maxlength="${field.maxLength}"` : ''
  const common = `id="${id}" name="${field.name}"${required}${described}`
  // One span, so the flex column keeps "(required)" on the label's line.
  const label = `<span>${escapeHtml(field.label[lang])}${field.required ? ` <span class="req">(${w.required})</span>` : ''}</span>`
  const hint = field.hint ? `<span class="hint" id="${hintId}">${escapeHtml(field.hint[lang])}</span>` : ''
  let control: string
  switch (field.kind) {
    case 'textarea':
    case 'lines':
      control = `<textarea ${common}${max} rows="3" spellcheck="${field.kind === 'lines' ? 'false' : 'true'}">${escapeHtml(value)}</textarea>`
      break
    case 'select':
      control = `<select ${common}>${(field.options ?? []).map((o) => `<option value="${escapeHtml(o.value)}"${o.value === value ? ' selected' : ''}>${escapeHtml(o[lang])}</option>`).join('')}</select>`
      break
    case 'integer':
      control = `<input type="number" min="1" step="1" inputmode="numeric" ${common} value="${escapeHtml(value)}">`
      break
    case 'amount':
    case 'number':
      control = `<input type="text" inputmode="decimal" autocomplete="off" ${common}${max} value="${escapeHtml(value)}">`
      break
    case 'date':
      control = `<input type="date" ${common} value="${escapeHtml(value)}">`
      break
    case 'datetime':
      control = `<input type="datetime-local" ${common} value="${escapeHtml(value)}">`
      break
    case 'sha256':
      control =
        `<input type="text" ${common} maxlength="64" pattern="[0-9a-fA-F]{64}" autocomplete="off" spellcheck="false" class="code" value="${escapeHtml(value)}"></label>` +
        `<label for="${id}-file">${w.digestFile}<input type="file" id="${id}-file" data-digest-for="${field.name}">`
      break
    default:
      control = `<input type="text" autocomplete="off" ${common}${max} value="${escapeHtml(value)}">`
  }
  return `<label for="${id}">${label}${control}${hint}</label>`
}

export function renderActPage(view: ActPageView, lang: Lang, url: string): string {
  const w = WORDS[lang]
  const { form } = view
  const nav = view.forms
    .map((f) => `<li><a href="/console/act?action=${f.action}&amp;lang=${lang}"${f === form ? ' aria-current="page"' : ''}>${escapeHtml(f.title[lang])}</a></li>`)
    .join('')
  const fields = form.fields.map((field) => renderField(form, field, lang, field.prefill ? (view.prefill[field.prefill] ?? '') : '')).join('')
  const statementId = `<label for="${fieldId(form, STATEMENT_ID_FIELD)}">${w.statementId}<input type="text" id="${fieldId(form, STATEMENT_ID_FIELD)}" name="${STATEMENT_ID_FIELD}" maxlength="128" autocomplete="off" spellcheck="false" aria-describedby="${fieldId(form, STATEMENT_ID_FIELD)}-hint"><span class="hint" id="${fieldId(form, STATEMENT_ID_FIELD)}-hint">${w.statementIdHint}</span></label>`
  const body = [
    `<section class="card"><h1>${w.title}</h1><p class="sub">${w.intro}</p>` +
      `<nav aria-label="${w.actions}"><ul class="nav">${nav}</ul></nav>` +
      `<noscript><p class="error">${w.noScript}</p></noscript></section>`,
    `<section class="card" aria-labelledby="key-head"><h2 id="key-head">${w.keyHead}</h2><div class="keyload">` +
      `<label for="key-file">${w.keyFile}<input type="file" id="key-file" accept=".json,application/json" data-key-file disabled></label>` +
      `<p data-key-status role="status">${w.keyNone}</p>` +
      `<label for="actor">${w.actor}<input type="text" id="actor" data-actor maxlength="64" autocomplete="off" spellcheck="false" list="actor-matches" aria-describedby="actor-hint"><span class="hint" id="actor-hint">${w.actorHint}</span></label>` +
      `<datalist id="actor-matches"></datalist>` +
      `<button type="button" class="secondary" data-forget-key disabled>${w.forget}</button></div></section>`,
    `<section class="card" aria-labelledby="form-head"><h2 id="form-head">${w.formHead}：${escapeHtml(form.title[lang])}</h2>` +
      `<p class="muted">${w.signer}${escapeHtml(form.signer[lang])}</p>` +
      `<form class="act" data-action-form="${form.action}" aria-labelledby="form-head" autocomplete="off" novalidate>${fields}${statementId}` +
      `<p class="error" data-form-error role="alert"></p><button type="submit" data-preview disabled>${w.preview}</button></form></section>`,
    `<section class="card" aria-labelledby="review-head" data-review hidden><h2 id="review-head" tabindex="-1">${w.reviewHead}</h2><p class="muted">${w.reviewIntro}</p>` +
      `<dl class="facts"><dt>${w.type}</dt><dd data-review-type></dd><dt>${w.keyid}</dt><dd class="code" data-review-keyid></dd>` +
      `<dt>${w.paeDigest}</dt><dd class="code" data-review-digest></dd><dt>${w.payloadBytes}</dt><dd data-review-bytes></dd></dl>` +
      `<pre data-review-json tabindex="0" aria-label="JSON"></pre><p><button type="button" data-sign>${w.sign}</button></p></section>`,
    `<section class="card" aria-labelledby="result-head"><h2 id="result-head">${w.resultHead}</h2><div data-submit-status role="status"></div>` +
      `<ul class="results" data-act-results aria-label="${w.results}"></ul></section>`,
    `<section class="card verify"><h2>${w.verification}</h2><p data-verification-status>${escapeHtml(TEXT[lang].pending)}</p></section>`,
  ]
  return renderNodePage({ lang, url, title: `${form.title[lang]} · ${w.title}`, mainAttributes: 'class="act-page" data-verification="pending" data-console-act', body: renderConsoleNav('act', lang) + body.join(''), styles: CONSOLE_STYLES + STYLES, script: 'console' })
}
