// The consumer side: the explorer at GET /, its search, the browser verifier bundle at
// GET /web/verify.js, and the resolver's HTML answers (the provenance page, the 400 page for a
// Digital Link that does not parse), which food.ts's resolver routes hand to renderResolverPage.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { fromBase64 } from '../../core/bytes.js'
import { TracechainError } from '../../core/errors.js'
import { parseStatementPayload } from '../../core/statement.js'
import type { Provenance } from '../../food/provenance.js'
import type { Entry, Ledger } from '../../ledger/ledger.js'
import { renderLinkErrorPage } from '../../web/error-page.js'
import { renderExplorer } from '../../web/explorer.js'
import { escapeHtml, renderShell, VERIFY_SCRIPT_PATH } from '../../web/html.js'
import { pickLang, TEXT } from '../../web/i18n.js'
import { wantsHtml } from '../../web/negotiate.js'
import { renderProvenancePage } from '../../web/provenance-page.js'
import { buildProvenanceView } from '../../web/provenance-model.js'
import { recentLots, searchLots } from '../../web/search.js'
import { errorBody, toTracechainError } from '../errors.js'

/** Where `npm run build` writes the esbuild bundle of src/web/verify.ts (the same from src/ and dist/). */
export const VERIFY_BUNDLE_PATH = fileURLToPath(new URL('../../../dist/public/verify.js', import.meta.url))

export const RECENT_ENTRIES = 20
export const EXPLORER_LOTS = 12

const HTML = 'text/html; charset=utf-8'

/**
 * Defence in depth for pages that show attacker-supplied text (all of it escaped): only our own
 * script and connections, inline styles (the one stylesheet), no framing, no form posts elsewhere.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

function htmlReply(reply: FastifyReply, status: number): FastifyReply {
  return reply.status(status).type(HTML).header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff')
}

function langOf(request: FastifyRequest) {
  return pickLang((request.query as { lang?: unknown } | undefined)?.lang, request.headers['accept-language'])
}

function issuedAtOf(entry: Entry): string | undefined {
  try {
    return parseStatementPayload(fromBase64(entry.envelope.payload)).issuedAt
  } catch {
    return undefined
  }
}

/** The provenance page for a browser, 404 when the ledger knows nothing of the lot. */
export async function renderResolverPage(ledger: Ledger, provenance: Provenance, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const lang = langOf(request)
  const view = await buildProvenanceView(provenance, {
    reader: ledger.records,
    issuedAt: async (seq) => issuedAtOf((await ledger.getEntry(seq)).entry),
    actor: (id) => ledger.actors.get(id),
    actors: () => ledger.actors.all(),
  })
  const html = renderProvenancePage(view, {
    lang,
    url: request.url,
    ...(view.gtin ? { labelHref: `/v1/labels/${encodeURIComponent(provenance.digitalLink)}.svg?size=screen` } : {}),
  })
  return htmlReply(reply, view.empty ? 404 : 200)
    .header('vary', 'Accept, Accept-Language')
    .header('content-language', lang === 'zh' ? 'zh-CN' : 'en')
    .header('cache-control', 'no-cache')
    .send(html)
}

/**
 * The resolver routes' error handler: a browser gets a page saying what is wrong with the link
 * (400 for a Digital Link that does not parse), an API client Fastify's JSON error shape.
 */
export function resolverErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = toTracechainError(error)
  if (mapped.code === 'INTERNAL') request.log.error({ err: error }, 'internal error')
  reply.header('vary', 'Accept, Accept-Language')
  if (!wantsHtml(request.headers.accept, (request.query as { format?: unknown } | undefined)?.format)) {
    return reply.status(mapped.statusCode).type('application/json; charset=utf-8').send(errorBody(mapped))
  }
  const lang = langOf(request)
  const path = request.url
  const html =
    mapped.statusCode === 400
      ? renderLinkErrorPage(mapped, path, lang)
      : renderShell({
          lang,
          title: mapped.code,
          switchHref: path,
          switchLabel: TEXT[lang].switchTo,
          homeLabel: 'tracechain',
          body: `<section class="card"><h1>${mapped.statusCode}</h1><p>${escapeHtml(mapped.message)}</p><p><a href="/">${TEXT[lang].explorer}</a></p></section>`,
        })
  return htmlReply(reply, mapped.statusCode).send(html)
}

export { wantsHtml }

export const webRoutes: FastifyPluginAsync<{ ledger: Ledger }> = async (app, { ledger }) => {
  let bundle: string | undefined
  app.get(VERIFY_SCRIPT_PATH, { schema: { hide: true } }, async (_request, reply) => {
    try {
      bundle ??= readFileSync(VERIFY_BUNDLE_PATH, 'utf8')
    } catch {
      throw new TracechainError('NOT_FOUND', 'the verifier bundle is not built: run npm run build')
    }
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(bundle)
  })

  const explorer = async (request: FastifyRequest, reply: FastifyReply, search?: { query: string; results: Awaited<ReturnType<typeof recentLots>> }) => {
    const lang = langOf(request)
    const size = ledger.size
    const from = Math.max(0, size - RECENT_ENTRIES)
    const entries = (await ledger.getEntries(from, size - from)).reverse()
    const html = renderExplorer(
      {
        checkpoint: ledger.checkpoint,
        entries,
        actorName: (id) => (ledger.actors.get(id)?.name ?? id) as string,
        lots: await recentLots(ledger.records, EXPLORER_LOTS),
        ...(search ? { query: search.query, results: search.results } : {}),
      },
      lang,
      request.url,
    )
    return htmlReply(reply, search && search.results.length === 0 ? 404 : 200).header('vary', 'Accept-Language').header('cache-control', 'no-cache').send(html)
  }

  const langQuery = { type: 'object', properties: { lang: { enum: ['zh', 'en'] } }, additionalProperties: false } as const
  app.get('/', { schema: { summary: 'The explorer: latest checkpoint, recent entries, lots and their labels', tags: ['web'], querystring: langQuery } }, (request, reply) =>
    explorer(request, reply),
  )

  app.get(
    '/search',
    {
      schema: {
        summary: 'Find a lot by Digital Link, EPC URN, "GTIN lot", lot number or trace code; redirects to the resolver',
        tags: ['web'],
        querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 2048 }, lang: { enum: ['zh', 'en'] } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { q = '', lang } = request.query as { q?: string; lang?: string }
      const found = await searchLots(ledger.records, q)
      if ('path' in found) return reply.redirect(`${found.path}${lang ? `?lang=${lang}` : ''}`, 303)
      return explorer(request, reply, { query: q, results: found.lots })
    },
  )
}
