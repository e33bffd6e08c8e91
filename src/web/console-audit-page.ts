// The console's audit page (GET /console/audit): a button that audits the whole log, or a range of seqs, in
// this browser (console-audit.ts starts a Web Worker running audit-log.ts), with a progress bar, the entries
// checked per second, and the first bad seq in words. Server-rendered, Chinese first; without script it says
// what it needs and where the CLI does the same.

import { CONSOLE_STYLES, renderConsoleNav } from './console-shell.js'
import { escapeHtml, renderNodePage } from './html.js'
import { TEXT, type Lang } from './i18n.js'

export interface AuditPageView {
  /** the worker script's path (versioned) */
  workerPath: string
  /** the log's size as the node last signed it, for the form's bounds */
  size: number
}

const WORDS = {
  zh: {
    title: '全账本审计',
    intro:
      '在您的浏览器中逐条审计账本：检查点签名与分片树根、每条记录的叶哈希与哈希链、每个签名与从第 0 条重放的参与方密钥登记，以及由全部叶子重算的树根。与节点自己的审计（tracechain verify）做同样的检查，不依赖节点的结论。',
    range: '审计范围', from: '起始序号', to: '结束序号（不含）', toHint: '留空则到最新检查点为止（当前 {size} 条）',
    start: '开始审计', stop: '停止', progress: '审计进度', idle: '尚未开始。',
    noScript: '审计在浏览器的 Web Worker 中运行，需要启用 JavaScript。命令行也可做同样的审计：tracechain verify --url 本节点地址。',
    verification: '账本核验', cli: '命令行审计', command: 'tracechain verify --url <本节点地址>',
  },
  en: {
    title: 'Audit the whole log',
    intro:
      "Audit the log entry by entry in your browser: the checkpoint's signature and the tiles' root, each entry's leaf hash and hash chain, every signature against the actors' keys replayed from entry 0, and the root recomputed from all the leaves. The same checks as the node's own audit (tracechain verify), without taking the node's word.",
    range: 'Range', from: 'From seq', to: 'To seq (exclusive)', toHint: 'empty: up to the latest checkpoint ({size} entries now)',
    start: 'Start the audit', stop: 'Stop', progress: 'Audit progress', idle: 'Not started.',
    noScript: 'The audit runs in a Web Worker in your browser and needs JavaScript. The CLI runs the same audit: tracechain verify --url <this node>.',
    verification: 'Ledger check', cli: 'Audit from the command line', command: 'tracechain verify --url <this node>',
  },
} as const

const STYLES =
  'main.audit-page{max-width:760px}form.audit{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;margin:10px 0 0}' +
  'form.audit label{display:flex;flex-direction:column;gap:3px;font-size:15px;color:#3d4442}' +
  'form.audit input{font:inherit;font-size:16px;min-height:44px;padding:6px 8px;border:1px solid #767f7b;border-radius:8px;background:#fff;color:#1b1f1d}' +
  'form.audit .actions{display:flex;gap:10px;align-items:flex-end}.hint{font-size:13px;color:#5b6360}' +
  'button{font:inherit;min-height:44px;padding:8px 18px;border:0;border-radius:8px;background:#0b6e4f;color:#fff}' +
  'button.secondary{background:#fff;color:#0b6e4f;border:1px solid #0b6e4f}button[disabled]{background:#8a938f;color:#fff;border:0}' +
  ':focus-visible{outline:3px solid #1b6fb5;outline-offset:2px}' +
  'progress{width:100%;height:22px;margin:10px 0 4px;accent-color:#0b6e4f}' +
  '[data-audit-state=ok] [data-audit-result]{color:#176f30;font-weight:600}[data-audit-state=failed] [data-audit-result]{color:#a61b1b;font-weight:600}' +
  '[data-verification=verified] .verify [data-verification-status] strong{color:#176f30}'

export function renderAuditPage(view: AuditPageView, lang: Lang, url: string): string {
  const w = WORDS[lang]
  const body = [
    `<section class="card"><h1>${w.title}</h1><p class="sub">${w.intro}</p><noscript><p class="small">${w.noScript}</p></noscript></section>`,
    `<section class="card" aria-labelledby="range-head" data-audit data-audit-state="idle"><h2 id="range-head">${w.range}</h2>` +
      `<form class="audit" data-audit-form novalidate>` +
      `<label for="audit-from">${w.from}<input type="number" id="audit-from" name="from" min="0" step="1" inputmode="numeric" value="0"></label>` +
      `<label for="audit-to">${w.to}<input type="number" id="audit-to" name="to" min="1" step="1" inputmode="numeric" aria-describedby="audit-to-hint">` +
      `<span class="hint" id="audit-to-hint">${escapeHtml(w.toHint.replace('{size}', String(view.size)))}</span></label>` +
      `<div class="actions"><button type="submit" data-audit-start disabled>${w.start}</button><button type="button" class="secondary" data-audit-stop disabled>${w.stop}</button></div></form>` +
      `<progress data-audit-progress max="1" value="0" aria-label="${w.progress}"></progress>` +
      `<p data-audit-rate role="status">${w.idle}</p><p data-audit-result role="alert"></p></section>`,
    `<section class="card"><h2>${w.cli}</h2><pre>${escapeHtml(w.command)}</pre></section>`,
    `<section class="card verify"><h2>${w.verification}</h2><p data-verification-status>${escapeHtml(TEXT[lang].pending)}</p></section>`,
  ]
  return renderNodePage({
    lang,
    url,
    title: w.title,
    mainAttributes: `class="audit-page" data-verification="pending" data-audit-worker="${escapeHtml(view.workerPath)}"`,
    body: renderConsoleNav('audit', lang) + body.join(''),
    styles: CONSOLE_STYLES + STYLES,
    script: 'console',
  })
}
