// EPCIS 2.0 event queries (GET /v1/events) and the FDA FSMA 204 sortable spreadsheet
// (GET /v1/export/fsma204). Thin: the logic is in food/query.ts and food/fsma204.ts.

import { Readable } from 'node:stream'
import type { FastifyPluginAsync } from 'fastify'
import { fsma204Csv, parseFsma204Filter } from '../../food/fsma204.js'
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

  app.get(
    '/v1/export/fsma204',
    {
      schema: {
        summary: 'FDA FSMA 204 electronic sortable spreadsheet (CSV): one row per lot in each Critical Tracking Event',
        description:
          'lot: an EPC URN, Digital Link or TLC ((01)GTIN(10)lot); the lot and every lot linked to it by trace, both directions. from/to: dates (inclusive, in the event\'s own zone) or RFC 3339 date-times (to exclusive).',
        tags: ['food'],
        querystring: {
          type: 'object',
          properties: {
            lot: { type: 'string', minLength: 1, maxLength: 512 },
            from: { type: 'string', maxLength: 64 },
            to: { type: 'string', maxLength: 64 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const filter = await parseFsma204Filter(ledger, request.query as { lot?: string; from?: string; to?: string })
      return reply
        .type('text/csv; charset=utf-8; header=present')
        .header('content-disposition', 'attachment; filename="fsma204.csv"')
        .send(Readable.from(fsma204Csv(ledger, filter)))
    },
  )
}
