// The consumer pages' shell: escaping, one inline stylesheet (no framework, no web fonts: the
// phone's own CJK font), the header with the language switch and the verifier script.

import { bidiClosed } from '../core/display-text.js'
import { earlyRequestLinks } from './early-requests.js'
import { TEXT, type Lang } from './i18n.js'
import { NOBLE_HINT_SCRIPT } from './noble-hint.js'
import { pageScriptIn, type PageScript } from './page-scripts.js'

/** Escapes text for HTML element content and double-quoted attributes (all data is attacker-controlled). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

/** Escapes free text (attacker-controlled) for element content, its bidi controls closed within it (core/display-text.ts). */
export function escapeText(text: string): string {
  return escapeHtml(bidiClosed(text))
}

/** The unversioned path of the standalone verifier (src/verifier.ts), kept for scripts and links that name it. */
export const VERIFY_SCRIPT_PATH = '/web/verify.js'

/** A script a page loads: `src`, and where known its SRI `integrity` (web/verifier-asset.ts). */
export interface VerifierScript {
  src: string
  integrity?: string
}

// One set per process: every node in it serves the same built files. Until a node has read them
// (http/routes/web.ts), pages name the unversioned paths without integrity.
let pageScripts: Partial<Record<PageScript, VerifierScript>> = {}

/** Sets the scripts every page from now on loads: the versioned files and their integrity. */
export function useVerifierScripts(scripts: Partial<Record<PageScript, VerifierScript>>): void {
  pageScripts = { ...scripts }
}

/**
 * The script tag of a kind of page (web/page-scripts.ts). With an integrity the browser runs the file only
 * if its SHA-384 is the one written here, and `crossorigin="anonymous"` fetches it without credentials, as
 * SRI requires.
 */
export function verifierScriptTag(script: PageScript): string {
  const { src, integrity } = pageScripts[script] ?? { src: `/web/${script}.js` }
  return `<script src="${escapeHtml(src)}"${integrity ? ` integrity="${escapeHtml(integrity)}" crossorigin="anonymous"` : ''} defer></script>`
}

/**
 * The hint that asks for @noble's lazy script early where the browser has no WebCrypto Ed25519 (noble-hint.ts),
 * once the node has read its scripts' integrity: the preload must match the <script> the verifier adds.
 */
function nobleHintTag(): string {
  const noble = pageScripts.noble
  if (noble?.integrity === undefined) return ''
  return `<script data-href="${escapeHtml(noble.src)}" data-integrity="${escapeHtml(noble.integrity)}">${NOBLE_HINT_SCRIPT}</script>`
}

const CSS = /* @__PURE__ */ `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f2f4f3;color:#1b1f1d;font:16px/1.55 -apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",system-ui,"Segoe UI",Roboto,sans-serif}
a{color:#0b6e4f}
.bar{display:flex;align-items:center;justify-content:space-between;background:#0b6e4f;color:#fff;padding:10px 16px}
.bar a{color:#fff;text-decoration:none}
.brand{font-weight:700;letter-spacing:.02em}
.lang{border:1px solid rgba(255,255,255,.6);border-radius:999px;padding:2px 12px;font-size:14px}
main{max-width:560px;margin:0 auto;padding:12px 12px 32px;overflow-wrap:anywhere}
.card{background:#fff;border-radius:14px;padding:16px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:24px;line-height:1.25;margin:0}
h2{font-size:17px;margin:0 0 4px}
h3{font-size:16px;margin:0}
.sub{color:#5b6360;margin:2px 0 0;font-size:15px}
.muted{color:#5b6360;font-size:14px}
.small{font-size:12px;color:#6b736f;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 14px;margin:14px 0 0;font-size:15px}
.facts dt{color:#5b6360}.facts dd{margin:0;font-weight:600}
.pill{margin:0 0 8px;font-size:13px;font-weight:700}
.pill span{display:none;border-radius:999px;padding:2px 10px}
[data-verification=pending] .p-pending{display:inline-block;background:#eef1ef;color:#5b6360}
[data-verification=verified] .p-verified{display:inline-block;background:#e3f4e8;color:#1e7a37}
[data-verification=failed] .p-failed{display:inline-block;background:#fde7e7;color:#c62828}
.route{display:flex;flex-wrap:wrap;align-items:flex-start;gap:4px 0;list-style:none;margin:12px 0 0;padding:0}
.route li{display:flex;flex-direction:column;align-items:center;min-width:56px;padding:6px 8px;background:#f2f7f4;border-radius:10px;line-height:1.3}
.route li+li{margin-left:18px;position:relative}
.route li+li:before{content:"›";position:absolute;left:-14px;top:8px;color:#8a938f;font-weight:700}
.route b{font-size:15px}.route small{font-size:11px;color:#5b6360}
.code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;letter-spacing:.04em}
.recall{background:#c62828;color:#fff;border-radius:14px;padding:16px;margin:0 0 12px}
.recall h2{font-size:26px;margin:0 0 6px;letter-spacing:.04em}
.recall p{margin:4px 0}.recall dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:8px 0 0;font-size:15px}
.recall dd{margin:0;font-weight:600}
.verify{border-left:6px solid #8a938f}
.verify [data-verification-status]{margin:6px 0 0;font-size:15px}
.verify [data-verification-status] strong{display:block;font-size:17px;line-height:1.4}
[data-verification=verified] .verify{border-left-color:#176f30}
[data-verification=verified] .verify [data-verification-status] strong{color:#176f30}
[data-verification=verified] .verify [data-verification-status] strong:before{content:"✓ "}
[data-verification=failed] .verify{border-left-color:#c62828}
[data-verification=failed] .verify [data-verification-status] strong{color:#c62828}
[data-verification=failed] .verify [data-verification-status] strong:before{content:"✗ "}
[data-verification=pending] .verify [data-verification-status]{color:#5b6360}
.verify ul{margin:6px 0 0;padding-left:20px;color:#c62828}
.timeline{list-style:none;margin:12px 0 0;padding:0}
.step{position:relative;padding:0 0 18px 26px}
.step:before{content:"";position:absolute;left:7px;top:8px;bottom:-8px;width:2px;background:#d5dbd8}
.step:last-child:before{display:none}
.step.corrected .head,.step.corrected .goods,.step.corrected .where{text-decoration:line-through;opacity:.7}
.dot{position:absolute;left:0;top:4px;width:16px;height:16px;border-radius:50%;background:#fff;border:4px solid #0b6e4f}
.k-origin .dot{border-color:#6a9f2b}.k-transport .dot{border-color:#1b6fb5}.k-receiving .dot{border-color:#7b5ea7}.k-sale .dot{border-color:#c77700}
.head{display:flex;justify-content:space-between;gap:8px;align-items:baseline;flex-wrap:wrap}
.head time{color:#5b6360;font-size:14px}
.who{margin:4px 0 0;font-weight:600}
.where{margin:0;color:#5b6360;font-size:14px}
.pin{width:12px;height:12px;vertical-align:-1px;margin-right:3px;fill:#5b6360}
.goods{margin:6px 0 0;padding:0;list-style:none;font-size:14px}
.goods li{margin:2px 0}.goods .bad{color:#c62828;font-weight:600}
.chart{margin:8px 0 0;background:#f7faf8;border-radius:10px;padding:8px}
.chart svg{display:block;width:100%;height:auto;font-family:inherit}
.chart p{margin:4px 0 0;font-size:13px}.chart .warn{color:#c62828;font-weight:600}
.certs{margin:6px 0 0;font-size:14px}
.entry{margin:6px 0 0;font-size:12px;color:#6b736f}
.entry a{color:#6b736f}
[data-verified=ok] .tick:after{content:" ✓";color:#176f30;font-weight:700}
[data-verified=failed] .tick:after{content:" ✗";color:#c62828;font-weight:700}
.label{display:flex;gap:14px;align-items:center}
.label img{width:96px;height:144px;border-radius:6px;border:1px solid #d5dbd8;background:#fff}
.label p{margin:2px 0}
footer{text-align:center;color:#5b6360;font-size:12px;margin:16px 0 0}
form.search{display:flex;gap:8px}
form.search input{flex:1;min-width:0;font:inherit;padding:8px 10px;border:1px solid #c5ccc9;border-radius:10px}
form.search button{font:inherit;padding:8px 14px;border:0;border-radius:10px;background:#0b6e4f;color:#fff}
table{width:100%;border-collapse:collapse;font-size:13px}
td,th{text-align:left;padding:5px 4px;border-bottom:1px solid #e6eae8;vertical-align:top}
.lots{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;list-style:none;padding:0;margin:8px 0 0}
.lots li{background:#f7faf8;border-radius:10px;padding:8px;font-size:13px}
.lots img{width:100%;height:auto;display:block;margin:0 0 4px}
.tag{display:inline-block;border-radius:6px;padding:0 6px;font-size:12px;background:#fde7e7;color:#c62828;font-weight:600}
.pass{display:inline-block;border-radius:6px;padding:0 6px;font-size:12px;background:#e6f4ea;color:#1e7e34;font-weight:600}
pre{white-space:pre-wrap;word-break:break-all;font-size:12px;background:#f7faf8;border-radius:8px;padding:8px;margin:8px 0 0}
`.replace(/\n/g, '')

interface StyleRule {
  text: string
  selectors: { classes: string[]; elements: string[] }[]
}

/** Parsed on first use, not at load: the page scripts bundle this module for escapeHtml alone. */
let cssRules: StyleRule[] | undefined

/**
 * The shared stylesheet's rules, each with what it needs of a page to apply: for each of its selectors the
 * classes and the elements named (an attribute, a pseudo-class or `*` needs nothing). The stylesheet is flat
 * (no at-rules, no braces in values), so a rule ends at each `}`.
 */
function parsedRules(): StyleRule[] {
  cssRules ??= CSS.split('}')
    .filter((rule) => rule.length > 0)
    .map((rule) => ({
      text: `${rule}}`,
      selectors: rule
        .slice(0, rule.indexOf('{'))
        .split(',')
        .map((selector) => ({
          classes: [...selector.matchAll(/\.([\w-]+)/g)].map(([, name]) => name),
          elements: [...selector.matchAll(/(?:^|[\s>+~])([a-z][a-z0-9]*)/g)].map(([, name]) => name),
        })),
    }))
  return cssRules
}

/** What the lot page's script adds to it (web/verify.ts): the status's heading and list of failures, a late mark. */
const SCRIPT_ADDED = { classes: ['goods', 'tag'], elements: ['strong', 'ul', 'li'] }

/**
 * The shared stylesheet's rules that may apply to `html` (a rule of which some selector names only classes and
 * elements the page holds, or its script adds): a lot page leaves out the explorer's, the search form's and
 * its sibling pages' rules, 0.25-0.6 kB of its document in brotli. A rule kept is kept whole.
 */
export function usedStyles(html: string): string {
  const classes = new Set(SCRIPT_ADDED.classes)
  for (const [, names] of html.matchAll(/\sclass="([^"]*)"/g)) for (const name of names.split(/\s+/)) classes.add(name)
  const elements = new Set(['html', ...SCRIPT_ADDED.elements])
  for (const [, name] of html.matchAll(/<([a-z][a-z0-9]*)/g)) elements.add(name)
  const applies = (selector: StyleRule['selectors'][number]) => selector.classes.every((name) => classes.has(name)) && selector.elements.every((name) => elements.has(name))
  return parsedRules()
    .filter(({ selectors }) => selectors.some(applies))
    .map(({ text }) => text)
    .join('')
}

/** The whole shared stylesheet, which the node's other pages carry (their scripts build views of their own). */
export const SHARED_STYLESHEET = CSS

/** An SVG symbol sheet, so each place line costs one <use>. */
const ICONS = `<svg width="0" height="0" style="position:absolute" aria-hidden="true"><symbol id="pin" viewBox="0 0 24 24"><path d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"/></symbol></svg>`

export interface PageShell {
  lang: Lang
  title: string
  /** the URL of this page in the other language */
  switchHref: string
  switchLabel: string
  /** the inside of the verification root (<main data-verification>) */
  body: string
  /** attributes of <main>; include data-verification for a page the script verifies */
  mainAttributes?: string
  homeLabel: string
  /** rules of this page's own, after the shared stylesheet */
  styles?: string
  /** the script a verified page loads (default: the consumer pages') */
  script?: PageScript
  /** the shared stylesheet's rules that may apply to it alone (usedStyles): a page whose script adds only SCRIPT_ADDED */
  onlyUsedStyles?: boolean
}

export function renderShell(shell: PageShell): string {
  const htmlLang = shell.lang === 'zh' ? 'zh-CN' : 'en'
  const verified = shell.mainAttributes?.includes('data-verification') === true
  const body =
    `<body>${ICONS}` +
    `<header class="bar"><a class="brand" href="/">${escapeHtml(shell.homeLabel)}</a>` +
    `<a class="lang" href="${escapeHtml(shell.switchHref)}" hreflang="${shell.lang === 'zh' ? 'en' : 'zh-CN'}">${escapeHtml(shell.switchLabel)}</a></header>` +
    `<main ${shell.mainAttributes ?? ''}>${shell.body}</main>` +
    `</body></html>`
  return (
    `<!doctype html><html lang="${htmlLang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><link rel="icon" href="data:,">` +
    // The deferred verifier first, then what it will ask for: a phone on HTTP/1.1 has six connections to a host.
    `<title>${escapeHtml(shell.title)}</title>${verified ? verifierScriptTag(pageScriptIn(shell.script ?? 'consumer', shell.lang)) + nobleHintTag() + earlyRequestLinks(shell.mainAttributes ?? '', shell.body) : ''}` +
    `<style>${shell.onlyUsedStyles ? usedStyles(body) : CSS}${shell.styles ?? ''}</style></head>${body}`
  )
}

/** The node's own pages (the explorer, the console): the shell, its switch to the other language of `url`. */
export function renderNodePage(page: Pick<PageShell, 'lang' | 'title' | 'body' | 'mainAttributes' | 'styles' | 'script'> & { url: string }): string {
  const { url, ...shell } = page
  return renderShell({
    ...shell,
    title: `${page.title} — tracechain`,
    switchHref: withLang(url, page.lang === 'zh' ? 'en' : 'zh'),
    switchLabel: TEXT[page.lang].switchTo,
    homeLabel: page.lang === 'zh' ? 'tracechain 溯源' : 'tracechain',
  })
}

/**
 * The same path with ?lang= set, other query parameters kept (for the language switch). `url` is the
 * request's, attacker-controlled: dot segments resolve (RFC 3986 section 5.2.4) and may leave a path
 * that starts with `//`, which a browser reads as another host; leading slashes collapse to one, so the
 * link stays on this origin.
 */
export function withLang(url: string, lang: Lang): string {
  const parsed = new URL(url, 'http://x')
  parsed.searchParams.set('lang', lang)
  return `${sameOriginPath(parsed.pathname)}${parsed.search}`
}

/** A path that a browser resolves on the page's own origin: one leading slash, never `//host`. */
export function sameOriginPath(pathname: string): string {
  return `/${pathname.replace(/^[/\\]+/, '')}`
}
