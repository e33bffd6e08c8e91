// Headers every response carries, whichever plugin or error path answers it: `X-Content-Type-Options:
// nosniff` (WHATWG Fetch), and on every HTML page one Content-Security-Policy (CSP Level 3) with no
// inline script but the fixed hint it names by hash (web/noble-hint.ts), plus the demo banner where the
// node trusts public demo keys.

import type { FastifyInstance } from 'fastify'
import { PAGE_CSP } from './html-reply.js'

export interface SecurityHeaderOptions {
  /** HTML put at the start of every page's <body>, or undefined for none; asked per response */
  banner?: () => string | undefined
}

const BODY_OPEN = /<body[^>]*>/i

function isHtml(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/html')
}

export function installSecurityHeaders(app: FastifyInstance, { banner }: SecurityHeaderOptions = {}): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    // A browser that sniffed an SVG label or a checkpoint as HTML would run what an attacker put in it.
    reply.header('x-content-type-options', 'nosniff')
    if (!isHtml(reply.getHeader('content-type'))) return done(null, payload)
    reply.header('content-security-policy', PAGE_CSP)
    const html = typeof payload === 'string' ? banner?.() : undefined
    if (html === undefined) return done(null, payload)
    const page = payload as string
    const open = BODY_OPEN.exec(page)
    done(null, open ? `${page.slice(0, open.index + open[0].length)}${html}${page.slice(open.index + open[0].length)}` : page)
  })
}
