// EPCIS 2.0 event queries (GET /v1/events). Thin: the logic is in food/query.ts.

import type { FastifyPluginAsync } from 'fastify'
import { buildQueryDocument, parseEventQuery, queryEvents, SUPPORTED_PARAMETERS } from '../../food/query.js'
import type { Ledger } from '../../ledger/ledger.js'

export const eventRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date }> = async (app, { ledger, clock }) => {
  app.get(
    '/v1/events',
    {
      schema: {
        summary: 'EPCIS 2.0 SimpleEventQuery subset: an EPCISQueryDocument of the matching events, eventTime order',
        description: `Parameters: ${SUPPORTED_PARAMETERS.join(', ')}. Lists are pipe- or comma-separated. A next page is in the Link header.`,
        tags: ['food'],
        // Parameters are checked by parseEventQuery, so an unsupported one gets its own code.
        querystring: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
      },
    },
    async (request, reply) => {
      const query = parseEventQuery(request.query as Record<string, string | string[]>)
      const page = await queryEvents(ledger, query)
      if (page.nextPageToken) {
        const url = new URL(request.url, 'http://node')
        url.searchParams.set('nextPageToken', page.nextPageToken)
        reply.header('link', `<${url.pathname}${url.search}>; rel="next"`)
      }
      reply.header('gs1-epcis-version', '2.0.0').header('gs1-epc-format', 'Never_Translates')
      return reply.type('application/ld+json; charset=utf-8').send(buildQueryDocument(page, clock()))
    },
  )
}
