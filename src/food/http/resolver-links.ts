// The resolver's GS1-Conformant Resolver 1.2 answers: the item's linkset (RFC 9264) for
// `Accept: application/linkset+json` or `?linkType=all`, a 307 to the target of `?linkType=gs1:…`, the
// `Link: rel="linkset"` header on every answer, and the description file at /.well-known/gs1resolver.

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { parseDigitalLink, type ParsedDigitalLink } from '../../core/digital-link.js'
import { CANONICAL_DIGITAL_LINK_BASE } from '../../core/digital-link-path.js'
import { fail } from '../../core/errors.js'
import { listedAis } from '../../core/gs1-syntax.js'
import { PUBLIC_READ } from '../../http/cors.js'
import type { Ledger } from '../../ledger/ledger.js'
import { qualityOf } from '../../web/negotiate.js'
import { GS1_VOCABULARY, LINKSET_MEDIA_TYPE, buildLinkset, isUnknownItem, itemDescription, itemLinks, type LinkTypeTerm } from '../linkset.js'
import type { Provenance } from '../provenance.js'

/** The GS1 Digital Link primary keys, from the syntax dictionary: the resolver answers a path under each. */
export const PRIMARY_KEYS = listedAis()
  .filter((entry) => entry.qualifierSequences)
  .map((entry) => entry.ai)

/** Where GS1 publishes the resolver linkset JSON-LD context (unchanged since resolver 1.0.0). */
const LINKSET_CONTEXT = 'https://ref.gs1.org/standards/resolver/1.2.0/linkset-context'

/**
 * The Digital Link of a resolver request, checked whole (path, qualifiers, data attributes in the query) by
 * core/digital-link.ts as if on id.gs1.org. Attacker-controlled URL. Zero-suppressed GTINs are read, as
 * labels printed before DL 1.2 carry them. Throws IDENTIFIER_INVALID or CHECK_DIGIT_INVALID (400).
 */
export function parseResolverUrl(url: string): ParsedDigitalLink {
  return parseDigitalLink(`${CANONICAL_DIGITAL_LINK_BASE}${url}`, { permitZeroSuppressedGtin: true })
}

/** RFC 9264 §6: where the item's linkset is, on every resolver answer. */
export function linksetHeader(baseUrl: string, path: string): string {
  return `<${baseUrl.replace(/\/+$/, '')}${path}?linkType=all>; rel="linkset"; type="${LINKSET_MEDIA_TYPE}"`
}

/** True when the request names the linkset media type itself at least as highly as HTML and JSON. */
export function wantsLinkset(accept: string | undefined): boolean {
  if (!accept) return false
  const linkset = qualityOf(accept, [LINKSET_MEDIA_TYPE], false, true)
  return linkset > 0 && linkset >= qualityOf(accept, ['text/html', 'application/xhtml+xml'], false) && linkset >= qualityOf(accept, ['application/json', 'application/ld+json'], false)
}

/**
 * Answers a linkset or link-type request (`linkType` as parseLinkType read it), or returns undefined when
 * the request asks for neither (the page, the JSON view or the bundle then answer). Throws NOT_FOUND (404) for an item the ledger knows nothing of; a link type the item lacks answers 404 with its linkset.
 */
export async function answerLinks(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { baseUrl: string; linkType: string | undefined; provenance: () => Promise<Provenance> },
): Promise<FastifyReply | undefined> {
  const { linkType } = options
  if (linkType === undefined && !wantsLinkset(request.headers.accept)) return undefined
  const provenance = await options.provenance()
  if (isUnknownItem(provenance)) fail('NOT_FOUND', `the resolver has no links for ${provenance.digitalLink}`, { identifier: provenance.digitalLink })
  const path = request.url.split('?')[0]
  const links = itemLinks(provenance, options.baseUrl, path)
  const linkset = () => buildLinkset(`${options.baseUrl.replace(/\/+$/, '')}${path}`, itemDescription(provenance), links)
  reply.header('vary', 'Accept')
  if (linkType === undefined || linkType === 'all') return reply.type(LINKSET_MEDIA_TYPE).send(linkset())
  const target = links[linkType as LinkTypeTerm]?.[0]
  if (!target) return reply.status(404).type(LINKSET_MEDIA_TYPE).send(linkset())
  return reply.redirect(target.href, 307)
}

/** The resolver description file (GS1-Conformant Resolver 1.2.0, description-file-schema). */
export function describeResolver(baseUrl: string, name: string): Record<string, unknown> {
  return {
    name,
    resolverRoot: baseUrl.replace(/\/+$/, ''),
    supportedPrimaryKeys: PRIMARY_KEYS,
    supportedLinkType: [{ namespace: GS1_VOCABULARY, prefix: 'gs1:' }],
    linkTypeDefaultCanBeLinkset: false,
    supportedContextValuesEnumerated: [],
    jsonLdContextLocation: LINKSET_CONTEXT,
  }
}

export const resolverDescriptionRoute: FastifyPluginAsync<{ ledger: Ledger; baseUrl: string }> = async (app, { ledger, baseUrl }) => {
  app.get(
    '/.well-known/gs1resolver',
    {
      config: PUBLIC_READ,
      schema: { summary: 'GS1-Conformant Resolver description file: the primary keys and link types this resolver answers', tags: ['food'] },
    },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(describeResolver(baseUrl, `tracechain resolver (${ledger.origin})`)),
  )
}
