// The resolver's HTML answers: the consumer provenance page of a lot, and for a Digital Link that does
// not parse, a page that says what is wrong with it (GS1 Digital Link 1.2 URI syntax).

import type { FastifyReply, FastifyRequest } from 'fastify'
import { errorStatus } from '../../core/errors.js'
import { logKeyIdOf } from '../../core/log-key-id.js'
import { errorBody, toTracechainError } from '../../http/errors.js'
import { htmlReply, langOf } from '../../http/html-reply.js'
import type { Ledger } from '../../ledger/ledger.js'
import { escapeHtml, renderShell, withLang } from '../../web/html.js'
import { standaloneVerifierHref } from '../../web/standalone-page.js'
import { TEXT } from '../../web/i18n.js'
import { wantsHtml } from '../../web/negotiate.js'
import type { Provenance } from '../provenance.js'
import { renderLinkErrorPage } from '../web/error-page.js'
import { renderProvenancePage } from '../web/provenance-page.js'
import { provenanceViewFromArea, type ProvenanceParams } from '../web/provenance-bound.js'
import { isProductPage } from '../web/provenance-model.js'
import { provenanceEvidence } from './provenance-evidence.js'

/** Where the page links to the standalone verifier: the node's public base, and the independent origin if any. */
export interface VerifierLinkOptions {
  baseUrl: string
  independentVerifier?: string
  /** the node's witness policy's minimum, when it has witnesses: the page's "not recalled" says so */
  witnessMin?: number
}

/** The resolver path of a lot: /01/{gtin}/10/{lot}. */
const LOT_PATH = /^\/01\/[^/]+\/10\/[^/]+$/

/** The provenance page for a browser, 404 when the ledger knows nothing of the lot. */
export async function renderResolverPage(
  ledger: Ledger,
  provenance: Provenance,
  request: FastifyRequest,
  reply: FastifyReply,
  link?: VerifierLinkOptions,
): Promise<FastifyReply> {
  const lang = langOf(request)
  // The page is rendered from its evidence by the function the browser runs on the same entries.
  const evidence = await provenanceEvidence(ledger, provenance, provenance.digitalLink)
  const { input } = evidence
  const params: ProvenanceParams = {
    path: request.url.split('?')[0],
    subject: input.subject,
    asOf: String(input.asOf),
    operator: input.operator,
    ...(input.truncated ? { truncated: '1' as const } : {}),
    ...(link?.witnessMin ? { witnessed: String(link.witnessMin) } : {}),
  }
  const view = provenanceViewFromArea({ entries: input.entries, actors: input.actors, params: { ...params } })
  const html = renderProvenancePage(view, {
    lang,
    url: request.url,
    ...(view.gtin ? { labelHref: `/v1/labels/${encodeURIComponent(provenance.digitalLink)}.svg?size=screen` } : {}),
    area: { evidence: input.entries.map((entry) => entry.seq), actors: evidence.actors, params: { ...params } },
    ...(provenance.recall && !view.recall ? { reportedRecall: { reason: provenance.recall.reason, at: provenance.recall.recordedAt } } : {}),
    // The node's own key id: the page's script puts the label's in its place when the page has one.
    // A lot's page (not a product's or an item's) offers the lot's proof bundle.
    ...(!view.empty && LOT_PATH.test(params.path) ? { bundleHref: `${params.path}?format=bundle` } : {}),
    ...(link && !view.empty
      ? {
          verifierLink: {
            href: standaloneVerifierHref(link.independentVerifier, { log: logKeyIdOf(ledger.verifierKey), lot: provenance.digitalLink, url: link.baseUrl }),
            independent: link.independentVerifier !== undefined,
          },
        }
      : {}),
  })
  // A registered product's own page (its label's) is known, though no event names the GTIN alone.
  return htmlReply(reply, view.empty && !isProductPage(view) ? 404 : 200)
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
  const status = errorStatus(mapped)
  reply.header('vary', 'Accept, Accept-Language')
  if (!wantsHtml(request.headers.accept, (request.query as { format?: unknown } | undefined)?.format)) {
    return reply.status(status).type('application/json; charset=utf-8').send(errorBody(mapped))
  }
  const lang = langOf(request)
  const path = request.url
  const html =
    status === 400
      ? renderLinkErrorPage(mapped, path, lang)
      : renderShell({
          lang,
          title: mapped.code,
          switchHref: withLang(path, lang === 'zh' ? 'en' : 'zh'),
          switchLabel: TEXT[lang].switchTo,
          homeLabel: 'tracechain',
          body: `<section class="card"><h1>${status}</h1><p>${escapeHtml(mapped.message)}</p><p><a href="/">${TEXT[lang].explorer}</a></p></section>`,
        })
  return htmlReply(reply, status).send(html)
}

export { wantsHtml }
