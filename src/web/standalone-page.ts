// The standalone verification page: static HTML and the versioned verifier beside it, nothing rendered
// from a ledger. The node serves it at GET /verify; `tracechain verify-page --out DIR` writes the same
// page with its script into a directory that any static host can serve (a regulator, a consumer
// association), so the check runs on code and an origin the node does not control. The person gives
// the log's URL and its key id (a label's `#log=`); the script (verify-standalone.ts) does the rest. A proof
// bundle file can be dropped on it too, and is verified with no log at all (verify-bundle-drop.ts).

import { formatTrustFragment, type TrustFragment } from '../core/log-key-id.js'
import { BUNDLE_MEDIA_TYPE } from '../core/proof-bundle.js'
import { escapeHtml } from './html.js'

/** The node's own copy of the page. */
export const STANDALONE_PAGE_PATH = '/verify'

/**
 * The link to the standalone page for `fragment` (a lot, its log's key id and URL): on the operator's
 * independent origin when there is one (an http(s) URL; its own fragment is replaced), else this node's
 * own /verify. Throws RangeError for an independent origin that is not an http(s) URL.
 */
export function standaloneVerifierHref(independentVerifier: string | undefined, fragment: TrustFragment): string {
  if (independentVerifier === undefined) return `${STANDALONE_PAGE_PATH}${formatTrustFragment(fragment)}`
  let url: URL
  try {
    url = new URL(independentVerifier)
  } catch {
    throw new RangeError(`"independentVerifier" is not a URL: ${independentVerifier}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError(`"independentVerifier" must be an http(s) URL, got ${independentVerifier}`)
  url.hash = ''
  return `${url.href}${formatTrustFragment(fragment)}`
}

/** The parts of a VerifierAsset the page prints (web/verifier-asset.ts). */
export interface PrintedAsset {
  integrity: string
  sha256: string
  fileName: string
}

export interface StandalonePageOptions {
  /** the script tag's src: `/web/verify-<hex>.js` on the node, `verify-<hex>.js` beside a copy */
  scriptSrc: string
  asset: PrintedAsset
  /** values the fields start with: a copy made for one log, or the node's own URL on /verify */
  defaults?: { url?: string; log?: string }
  /** true on the node's own /verify: the page says that this copy is not the independent one */
  servedByNode?: boolean
}

/**
 * The policy of a copy on another origin, as a meta element (its host may send none): its own script
 * only, connections to any http(s) log, nothing else. The node's own /verify also gets PAGE_CSP as a
 * header, which keeps its connections to the node.
 */
export const STANDALONE_CSP =
  "default-src 'none'; script-src 'self'; connect-src http: https:; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f2f4f3;color:#1b1f1d;font:16px/1.55 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif}
main{max-width:560px;margin:0 auto;padding:12px 12px 32px}
h1{font-size:22px;margin:8px 0}
h2{font-size:17px;margin:0 0 6px}
.card{background:#fff;border-radius:14px;padding:16px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
label{display:block;margin:0 0 10px;font-size:14px;color:#3d4441}
input,textarea{display:block;width:100%;font:inherit;padding:8px 10px;margin:4px 0 0;border:1px solid #c5ccc9;border-radius:10px}
textarea{min-height:4em}
button{font:inherit;padding:8px 16px;border:0;border-radius:10px;background:#0b6e4f;color:#fff}
.muted{color:#5b6360;font-size:14px}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;font-size:13px;overflow-wrap:anywhere}
[data-standalone-state],[data-bundle-state]{border-left:6px solid #8a938f;padding-left:10px}
[data-standalone-state=verified],[data-bundle-state=verified]{border-left-color:#176f30}
[data-standalone-state=failed],[data-bundle-state=failed]{border-left-color:#c62828}
[data-standalone-state=verified] strong,[data-bundle-state=verified] strong{color:#176f30}
[data-standalone-state=failed] strong,[data-bundle-state=failed] strong,.failures{color:#c62828}
.drop{border:2px dashed #c5ccc9;border-radius:10px;padding:10px}
.drop.over{border-color:#0b6e4f;background:#eef7f2}
ol,ul{padding-left:20px;margin:6px 0 0}
li{margin:2px 0;overflow-wrap:anywhere}
`.replace(/\n/g, '')

/**
 * The proof file card (verify-bundle-drop.ts): a bundle downloaded from a lot's page, dropped or chosen, is read
 * and verified in this browser against the key or key id given, with no connection to any log.
 */
function bundleCard(keyId: string | undefined): string {
  return (
    `<section class="card" data-bundle-verifier><h2>核验证明文件 · Verify a proof file</h2>` +
    `<p class="muted">把从批次页面下载的证明文件（「下载证明」）拖到这里，或选择文件。文件只在您的浏览器中读取与核验，不上传，也不连接任何账本。` +
    ` Drop a proof file downloaded from a lot's page ("Download proof") here, or choose it. It is read and verified in your browser only: nothing is uploaded and no log is contacted.</p>` +
    `<form data-bundle-form autocomplete="off">` +
    `<label>账本公钥或其编号（标签上 #log= 之后）· The log's verifier key, or its key id (after #log= on the label)<input name="key" required placeholder="370b113f"${keyId ? ` value="${escapeHtml(keyId)}"` : ''}></label>` +
    `<label class="drop" data-bundle-drop>证明文件 · Proof file<input name="file" type="file" accept=".json,application/json,${BUNDLE_MEDIA_TYPE}"></label>` +
    `</form>` +
    `<div data-bundle-state="idle" aria-live="polite"><p data-bundle-status>选择或拖入文件。 Choose or drop a file.</p></div></section>`
  )
}

export function renderStandalonePage(options: StandalonePageOptions): string {
  const { asset, defaults = {} } = options
  const value = (text: string | undefined) => (text ? ` value="${escapeHtml(text)}"` : '')
  const where = options.servedByNode
    ? '<p class="muted">这一份由账本节点自己提供，所以并不独立：请把它复制到别的网站（<code>tracechain verify-page --out DIR</code>）。' +
      ' This copy is served by the ledger node itself, so it is not independent: copy it to another site (<code>tracechain verify-page --out DIR</code>).</p>'
    : '<p class="muted">本页与它的脚本可放在任何静态网站上，不依赖账本节点的网站。 This page and its script can be served by any static site; they do not depend on the ledger node\'s.</p>'
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(STANDALONE_CSP)}">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">` +
    `<title>独立核验 · Independent verification — tracechain</title><style>${CSS}</style></head><body>` +
    `<main data-standalone-verifier>` +
    `<h1>独立核验 · Independent verification</h1>` +
    `<p>在您的浏览器中核验一个 tracechain 账本：公钥是否与标签上的编号一致、检查点签名、与您上次看到的是否一致，以及节点为该批次列出的每条记录。` +
    ` Checks a tracechain ledger in your browser: that its key has the id printed on the label, the checkpoint's signature, consistency with what you saw before, and every entry the node lists for the lot.</p>` +
    where +
    `<form class="card" data-standalone-form autocomplete="off">` +
    `<label>账本地址 · Log URL<input name="url" type="url" required placeholder="https://trace.example.cn"${value(defaults.url)}></label>` +
    `<label>账本公钥编号（标签上 #log= 之后）· Log key id (after #log= on the label)<input name="log" required pattern="[0-9a-fA-F]{8,64}" placeholder="370b113f"${value(defaults.log)}></label>` +
    `<label>批次的数字链接（可选）· The lot's Digital Link (optional)<input name="lot" placeholder="https://trace.example.cn/01/06901234001037/10/Z260526A"></label>` +
    `<fieldset><legend>见证策略（可选）· Witness policy (optional)</legend>` +
    `<label>见证人的验证公钥，每行一个 · Witnesses' verifier keys, one per line<textarea name="witness" placeholder="witness.example/amr+0123abcd+…"></textarea></label>` +
    `<label>至少几方联署（默认全部）· How many must cosign (default: all)<input name="witness-min" inputmode="numeric" pattern="[0-9]*" size="3"></label>` +
    `<p class="muted">填写后，以您的策略取代节点自报的见证策略。 Once given, your policy replaces the one the node names.</p></fieldset>` +
    `<button type="submit">核验 · Verify</button></form>` +
    `<section class="card" data-standalone-state="idle" aria-live="polite"><p data-standalone-status>填写后点击「核验」。 Fill in the fields and press Verify.</p></section>` +
    bundleCard(defaults.log) +
    `<noscript><p class="card">需要 JavaScript。 This page needs JavaScript.</p></noscript>` +
    `<section class="card"><h2>验证脚本 · The verifier script</h2>` +
    `<p class="muted">浏览器只运行哈希与下面一致的脚本（子资源完整性）。与项目 README 所述的构建结果比对。 The browser runs the script only if its hash is the one below (Subresource Integrity); compare it with a build of the project as its README says.</p>` +
    `<p><code>${escapeHtml(asset.fileName)}</code></p>` +
    `<p>SRI <code data-verifier-integrity>${escapeHtml(asset.integrity)}</code></p>` +
    `<p>SHA-256 <code data-verifier-sha256>${escapeHtml(asset.sha256)}</code></p></section>` +
    `</main>` +
    `<script src="${escapeHtml(options.scriptSrc)}" integrity="${escapeHtml(asset.integrity)}" crossorigin="anonymous" defer></script>` +
    `</body></html>`
  )
}
