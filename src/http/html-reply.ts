// How every HTML page is answered: its language from ?lang= or Accept-Language, and the headers
// (Content-Security-Policy, nosniff) that the explorer and the domains' pages share.

import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { NOBLE_HINT_SCRIPT } from '../web/noble-hint.js'
import { pickLang, type Lang } from '../web/i18n.js'

/** The one inline script a page may run, by its hash: web/noble-hint.ts, which can only preload a script. */
export const NOBLE_HINT_SOURCE = `'sha256-${createHash('sha256').update(NOBLE_HINT_SCRIPT).digest('base64')}'`

/**
 * Defence in depth for pages that show attacker-supplied text (all of it escaped): only our own
 * script files and one fixed inline script (by its hash), workers (the console's audit) and connections,
 * inline styles (each page's one stylesheet) and our own style sheets (the API docs), no plugins, no
 * <base>, no framing, no form posts elsewhere. Every HTML response gets it (security-headers.ts).
 */
export const PAGE_CSP =
  `default-src 'none'; script-src 'self' ${NOBLE_HINT_SOURCE}; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; ` +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const HTML = 'text/html; charset=utf-8'

export function htmlReply(reply: FastifyReply, status: number): FastifyReply {
  return reply.status(status).type(HTML).header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff')
}

export function langOf(request: FastifyRequest): Lang {
  return pickLang((request.query as { lang?: unknown } | undefined)?.lang, request.headers['accept-language'])
}
