// The EPCIS 2.0 REST binding at its standard paths (EPCIS 2.0 openapi.yaml), beside the /v1/ routes. So far
// GET /events/{eventID}: the events with that id, as an EPCISQueryDocument. Thin: food/query.ts answers it.

import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { fail } from '../../core/errors.js'
import type { Ledger } from '../../ledger/ledger.js'
import { MAX_PER_PAGE, parseEventIdQuery, type EventPage } from '../event-query.js'
import { buildQueryDocument, queryEvents } from '../query.js'

/** The headers every EPCIS answer carries (openapi.yaml: GS1-EPCIS-Version, GS1-EPC-Format). */
const EPCIS_RESPONSE_HEADERS = { 'gs1-epcis-version': '2.0.0', 'gs1-epc-format': 'Never_Translates' } as const
const EPCIS_MEDIA_TYPE = 'application/ld+json; charset=utf-8'
/** The longest eventID the route looks up (a URI: the router passes at most 512 characters of it). */
export const MAX_EVENT_ID_LENGTH = 512

export const epcisRestRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date }> = async (app, { ledger, clock }) => {
  app.get(
    '/events/:eventID',
    {
      schema: {
        summary: 'EPCIS 2.0 GET /events/{eventID}: the event with that eventID, as an EPCISQueryDocument',
        description:
          'eventID is URL-encoded: an event’s own eventID or its CBV 2.0 event hash ID (ni:///sha-256;…?ver=CBV2.0), which an event without an eventID of its own carries as one. Several actors that recorded the same event each have theirs in the list, in eventTime order. 404 NOT_FOUND when none has that id.',
        tags: ['food'],
        params: {
          type: 'object',
          properties: { eventID: { type: 'string', minLength: 1, maxLength: MAX_EVENT_ID_LENGTH, description: 'URL-encoded eventID' } },
          required: ['eventID'],
        },
        querystring: {
          type: 'object',
          properties: {
            perPage: { type: 'string', description: `events per page, 1..${MAX_PER_PAGE} (default ${MAX_PER_PAGE})` },
            nextPageToken: { type: 'string', description: 'from the Link rel="next" header of the previous page' },
          },
          additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        },
      },
    },
    async (request, reply) => {
      const { eventID } = request.params as { eventID: string }
      const raw = request.query as Record<string, string | string[]>
      const query = parseEventIdQuery(eventID, { perPage: String(MAX_PER_PAGE), ...raw })
      const page = await queryEvents(ledger, query)
      if (page.events.length === 0 && raw.nextPageToken === undefined) fail('NOT_FOUND', `no event has eventID ${eventID}`, { eventID })
      return sendQueryPage(reply, request.url, page, clock())
    },
  )
}

/** A page of a query as an EPCISQueryDocument, the next page's URL (this one's with its token) in a Link header. */
export function sendQueryPage(reply: FastifyReply, requestUrl: string, page: EventPage, creationDate: Date): FastifyReply {
  if (page.nextPageToken) {
    const url = new URL(requestUrl, 'http://node')
    url.searchParams.set('nextPageToken', page.nextPageToken)
    reply.header('link', `<${url.pathname}${url.search}>; rel="next"`)
  }
  return reply.headers(EPCIS_RESPONSE_HEADERS).type(EPCIS_MEDIA_TYPE).send(buildQueryDocument(page, creationDate))
}
