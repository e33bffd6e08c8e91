// Content negotiation for the resolver (RFC 9110 section 12.5.1): browsers get the page, API
// clients the JSON view, and whoever names the bundle media type an offline proof bundle (docs/bundles.md).
// ?format=json|html|bundle overrides, so a link can ask for any of them.

import { BUNDLE_MEDIA_TYPE } from '../core/proof-bundle.js'

/**
 * q-value of the best Accept entry matching one of `types` (exact or type/*; star/star counts only when
 * `wildcard`; only the exact type when `exact`).
 */
export function qualityOf(accept: string, types: string[], wildcard: boolean, exact = false): number {
  let best = 0
  for (const part of accept.split(',').slice(0, 64)) {
    const [range, ...params] = part.trim().toLowerCase().split(';')
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1')
    if (!(q >= 0)) continue
    const matches = types.some((type) => range === type || (!exact && range === `${type.split('/')[0]}/*`)) || (wildcard && range === '*/*')
    if (matches && q > best) best = q
  }
  return best
}

/**
 * True when the request should get HTML: it names text/html (or XHTML) at least as highly as
 * application/json. A missing Accept or a bare star/star (curl, fetch) gets JSON.
 */
export function wantsHtml(accept: string | undefined, format?: unknown): boolean {
  if (format === 'html') return true
  if (format === 'json') return false
  if (!accept) return false
  const html = qualityOf(accept, ['text/html', 'application/xhtml+xml'], false)
  const json = qualityOf(accept, ['application/json', 'application/ld+json'], false)
  return html > 0 && html >= json
}

/**
 * True when the request asks for a proof bundle: ?format=bundle, or an Accept that names the bundle media type
 * itself (never through application/* or star/star) at least as highly as HTML and JSON.
 */
export function wantsBundle(accept: string | undefined, format?: unknown): boolean {
  if (format === 'bundle') return true
  if (format !== undefined || !accept) return false
  const bundle = qualityOf(accept, [BUNDLE_MEDIA_TYPE], false, true)
  return bundle > 0 && bundle >= qualityOf(accept, ['text/html', 'application/xhtml+xml'], false) && bundle >= qualityOf(accept, ['application/json', 'application/ld+json'], false)
}
