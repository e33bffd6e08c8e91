// How every HTML page is answered: its language from ?lang= or Accept-Language, and the headers
// (Content-Security-Policy, nosniff) that the explorer and the domains' pages share.

import type { FastifyReply, FastifyRequest } from 'fastify'
import { pickLang, type Lang } from '../web/i18n.js'

/**
 * Defence in depth for pages that show attacker-supplied text (all of it escaped): only our own
 * script files (no inline script), workers (the console's audit) and connections, inline styles (each
 * page's one stylesheet) and our own style sheets (the API docs), no plugins, no <base>, no framing, no
 * form posts elsewhere. Every HTML response gets it (security-headers.ts).
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const HTML = 'text/html; charset=utf-8'

export function htmlReply(reply: FastifyReply, status: number): FastifyReply {
  return reply.status(status).type(HTML).header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff')
}

export function langOf(request: FastifyRequest): Lang {
  return pickLang((request.query as { lang?: unknown } | undefined)?.lang, request.headers['accept-language'])
}
