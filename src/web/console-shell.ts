// The frame every view of the console shares: the node's header with the language switch, the navigation
// between the views (alerts, seals, recalls, signing, audit), and the console's stylesheet over the shared
// design (html.ts). Each view renders its body; this puts it in the frame.

import { escapeHtml, renderNodePage } from './html.js'
import type { Lang } from './i18n.js'

/** The console's views, in the order the navigation lists them. */
export const CONSOLE_VIEWS = [
  { id: 'alerts', path: '/console', zh: '告警', en: 'Alerts' },
  { id: 'seals', path: '/console/seals', zh: '印章', en: 'Seals' },
  { id: 'recalls', path: '/console/recalls', zh: '召回', en: 'Recalls' },
  { id: 'act', path: '/console/act', zh: '签署', en: 'Act' },
  { id: 'audit', path: '/console/audit', zh: '审计', en: 'Audit' },
] as const

export type ConsoleViewId = (typeof CONSOLE_VIEWS)[number]['id']

/** The stylesheet of every console view, after the shared one. */
export const CONSOLE_STYLES =
  'main.wide{max-width:1080px}' +
  '.views{display:flex;flex-wrap:wrap;gap:4px;margin:0 0 12px;padding:0;list-style:none}' +
  '.views a{display:inline-flex;align-items:center;min-height:44px;padding:6px 14px;border-radius:999px;background:#fff;color:#1b1f1d;text-decoration:none;border:1px solid #c5ccc9}' +
  '.views a[aria-current=page]{background:#0b6e4f;border-color:#0b6e4f;color:#fff;font-weight:700}' +
  '.views a:hover{text-decoration:underline}' +
  '.nav{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 0;padding:0;list-style:none;font-size:15px}' +
  'form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px;margin:12px 0 0}' +
  'form.filters label{display:flex;flex-direction:column;gap:2px;font-size:14px;color:#3d4442}' +
  'form.filters input,form.filters select{font:inherit;font-size:16px;min-height:44px;padding:6px 8px;border:1px solid #767f7b;border-radius:8px;background:#fff;color:#1b1f1d}' +
  'form.filters .actions{display:flex;align-items:flex-end;gap:12px;white-space:nowrap}' +
  'form.filters button{font:inherit;min-height:44px;padding:8px 18px;border:0;border-radius:8px;background:#0b6e4f;color:#fff}' +
  ':focus-visible{outline:3px solid #1b6fb5;outline-offset:2px}' +
  // The shared green (#1e8e3e) is 4.2:1 on white, under WCAG AA's 4.5:1 for text this size.
  '[data-verification=verified] .verify [data-verification-status] strong{color:#176f30}' +
  '.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}'

/** The navigation between the console's views, `current` marked for screen readers and the eye. */
export function renderConsoleNav(current: ConsoleViewId, lang: Lang): string {
  const label = lang === 'zh' ? '监管控制台' : 'Console'
  const links = CONSOLE_VIEWS.map((view) => {
    const words = lang === 'zh' ? `${escapeHtml(view.zh)} · <span lang="en">${escapeHtml(view.en)}</span>` : escapeHtml(view.en)
    return `<li><a href="${view.path}?lang=${lang}"${view.id === current ? ' aria-current="page"' : ''}>${words}</a></li>`
  })
  return `<nav aria-label="${label}"><ul class="views">${links.join('')}</ul></nav>`
}

export interface ConsolePage {
  lang: Lang
  /** the request's URL, for the language switch */
  url: string
  title: string
  current: ConsoleViewId
  body: string
  /** attributes of <main> beyond its width; a verified view includes data-verification */
  mainAttributes?: string
  /** the view's own rules, after the console's */
  styles?: string
}

/** A console view in the node's page frame, the navigation above its body. */
export function renderConsolePage(page: ConsolePage): string {
  return renderNodePage({
    lang: page.lang,
    url: page.url,
    title: page.title,
    mainAttributes: `class="wide"${page.mainAttributes ? ` ${page.mainAttributes}` : ''}`,
    body: renderConsoleNav(page.current, page.lang) + page.body,
    styles: CONSOLE_STYLES + (page.styles ?? ''),
    script: 'console',
  })
}
