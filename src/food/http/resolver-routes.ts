// Food routes: trace graphs and the GS1 Digital Link resolver (JSON view, a lot's proof bundle from
// lot-bundle.ts; the page comes from resolver-page.ts, linksets and link types from resolver-links.ts).

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { CANONICAL_DIGITAL_LINK_BASE, buildDigitalLink, gtinElements } from '../../core/digital-link-path.js'
import { buildProvenance } from '../provenance.js'
import { DEFAULT_TRACE_DEPTH, MAX_TRACE_DEPTH, traceGraph, type TraceDirection } from '../trace.js'
import type { Ledger } from '../../ledger/ledger.js'
import { PUBLIC_READ } from '../../http/cors.js'
import { ANSWERS_BUNDLES } from '../../http/rate-limits.js'
import { bundleReply } from '../../http/bundle-reply.js'
import { wantsBundle } from '../../web/negotiate.js'
import { lotBundle } from './lot-bundle.js'
import { renderResolverPage, resolverErrorHandler, wantsHtml } from './resolver-page.js'
import { parseLinkType } from '../linkset.js'
import { PRIMARY_KEYS, answerLinks, linksetHeader, parseResolverUrl, resolverDescriptionRoute } from './resolver-links.js'

/** The Digital Link path of a resolver request, rebuilt on GS1's canonical domain for parsing. */
export function digitalLinkOf(params: { gtin: string; lot?: string; serial?: string }): string {
  return buildDigitalLink(gtinElements(params))
}

export interface FoodRouteOptions {
  ledger: Ledger
  /** the node's public base URL: the log URL a link to the standalone verifier carries */
  baseUrl: string
  /** the standalone verifier on another origin, when the operator named one */
  independentVerifier?: string
  /** the checkpoint the node serves, which proof bundles prove against (DomainRouteOptions) */
  servedCheckpoint?: () => string
  /** how many witnesses must cosign the served checkpoint (DomainRouteOptions) */
  witnessMin?: number
}

export const foodRoutes: FastifyPluginAsync<FoodRouteOptions> = async (app, { ledger, baseUrl, independentVerifier, servedCheckpoint = () => ledger.checkpoint, witnessMin }) => {
  app.get(
    '/v1/trace/:id',
    {
      schema: {
        summary: 'Provenance graph of an object or lot (EPC URN or Digital Link, URL-encoded)',
        tags: ['food'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 512 } } },
        querystring: {
          type: 'object',
          properties: {
            direction: { enum: ['backward', 'forward', 'both'], default: 'both' },
            depth: { type: 'integer', minimum: 1, maximum: MAX_TRACE_DEPTH, default: DEFAULT_TRACE_DEPTH },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string }
      const { direction, depth } = request.query as { direction: TraceDirection; depth: number }
      return traceGraph(ledger.records, id, direction, depth)
    },
  )

  // The JSON view is readable from any origin (a standalone verifier lists a lot's entries from it); pages are not.
  const resolver = {
    config: { ...PUBLIC_READ, ...ANSWERS_BUNDLES },
    schema: {
      summary: 'GS1 Digital Link resolver: the provenance of a product, lot or item',
      tags: ['food'],
      params: {
        type: 'object',
        properties: { gtin: { type: 'string', maxLength: 64 }, lot: { type: 'string', maxLength: 128 }, serial: { type: 'string', maxLength: 128 } },
      },
    },
  }
  // Browsers (Accept: text/html) get the consumer page, API clients the JSON view (resolver-page.ts);
  // a linkset or a link type is answered first (resolver-links.ts).
  const withPage = { ...resolver, errorHandler: resolverErrorHandler }
  const respond = async (text: string, request: FastifyRequest, reply: FastifyReply) => {
    // The whole request is a Digital Link: qualifiers and data attributes are checked before anything is read.
    const linkType = parseLinkType((request.query as { linkType?: unknown }).linkType)
    parseResolverUrl(request.url)
    reply.header('link', linksetHeader(baseUrl, request.url.split('?')[0]))
    const linked = await answerLinks(request, reply, { baseUrl, linkType, provenance: () => buildProvenance(ledger, text) })
    if (linked) return linked
    const provenance = await buildProvenance(ledger, text)
    if (wantsBundle(request.headers.accept, (request.query as { format?: unknown }).format)) {
      const { bundle, fileName } = await lotBundle(ledger, provenance, servedCheckpoint())
      return bundleReply(reply.header('vary', 'Accept'), bundle, fileName)
    }
    if (!wantsHtml(request.headers.accept, (request.query as { format?: unknown }).format)) return reply.header('vary', 'Accept').send(provenance)
    return renderResolverPage(ledger, provenance, request, reply, {
      baseUrl,
      ...(independentVerifier !== undefined ? { independentVerifier } : {}),
      ...(witnessMin !== undefined ? { witnessMin } : {}),
    })
  }
  const answer = (request: FastifyRequest, reply: FastifyReply) => respond(digitalLinkOf(request.params as { gtin: string }), request, reply)
  app.get('/01/:gtin', withPage, answer)
  app.get('/01/:gtin/10/:lot', withPage, answer)
  app.get('/01/:gtin/21/:serial', withPage, answer)
  app.get('/01/:gtin/10/:lot/21/:serial', withPage, answer)
  // Every other Digital Link path, under each primary key the syntax dictionary lists (a CPV, an SSCC, a
  // GLN, a GRAI …, or qualifiers out of order): parsed as a whole, so the error names what is wrong.
  const anyPath = { config: { ...PUBLIC_READ, ...ANSWERS_BUNDLES }, schema: { hide: true }, errorHandler: resolverErrorHandler }
  for (const key of PRIMARY_KEYS) {
    app.get(`/${key}/*`, anyPath, (request, reply) => respond(`${CANONICAL_DIGITAL_LINK_BASE}${request.url.split('?')[0]}`, request, reply))
  }
  await app.register(resolverDescriptionRoute, { ledger, baseUrl })
}
