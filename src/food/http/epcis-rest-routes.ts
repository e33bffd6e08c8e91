// The EPCIS 2.0 REST binding's query side at its standard paths (EPCIS 2.0 openapi.yaml), beside the /v1/
// routes: GET /events and its sub-resources, each an EPCISQueryDocument; errors as problem details.
// Thin: food/query.ts answers them, epcis-binding.ts speaks the binding.

import type { FastifyPluginAsync } from 'fastify'
import { fail } from '../../core/errors.js'
import type { Ledger } from '../../ledger/ledger.js'
import { MAX_PER_PAGE, parseEventIdQuery, parseEventQuery, type RawQuery } from '../event-query.js'
import { parseIdentifier } from '../identifiers.js'
import { queryEvents } from '../query.js'
import { sendQueryPage, speakEpcisRest } from './epcis-binding.js'
import { EVENT_QUERYSTRING } from './event-routes.js'

/** The longest eventID the route looks up (a URI: the router passes at most 512 characters of it). */
export const MAX_EVENT_ID_LENGTH = 512
export const EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'] as const

/** Each sub-resource's `…/{value}/events`: the query parameter its path value is. */
const SUB_RESOURCES = [
  { path: 'eventTypes', name: 'eventType', parameter: () => 'eventType' },
  // An EPC names an instance; a class or lot (what food events mostly count) is matched in quantity lists.
  { path: 'epcs', name: 'epc', parameter: (epc: string) => (['lgtin', 'gtin'].includes(parseIdentifier(epc).kind) ? 'MATCH_anyEPCClass' : 'MATCH_anyEPC') },
  { path: 'bizSteps', name: 'bizStep', parameter: () => 'EQ_bizStep' },
  { path: 'bizLocations', name: 'bizLocation', parameter: () => 'EQ_bizLocation' },
  { path: 'readPoints', name: 'readPoint', parameter: () => 'EQ_readPoint' },
  { path: 'dispositions', name: 'disposition', parameter: () => 'EQ_disposition' },
] as const

const VALUE_PARAM = { type: 'string', minLength: 1, maxLength: MAX_EVENT_ID_LENGTH } as const

export const epcisRestRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date }> = async (app, { ledger, clock }) => {
  speakEpcisRest(app)

  app.get(
    '/events',
    {
      schema: {
        summary: 'EPCIS 2.0 GET /events: the events that match the query parameters, as an EPCISQueryDocument',
        description: 'The parameters of GET /v1/events; a next page in the Link header; errors as application/problem+json with an epcisException type.',
        tags: ['food'],
        querystring: EVENT_QUERYSTRING,
      },
    },
    async (request, reply) => sendQueryPage(reply, request.url, await queryEvents(ledger, parseEventQuery(request.query as RawQuery, undefined, undefined, request.headers['gs1-extensions'])), clock()),
  )

  app.get(
    '/events/:eventID',
    {
      schema: {
        summary: 'EPCIS 2.0 GET /events/{eventID}: the event with that eventID, as an EPCISQueryDocument',
        description:
          'eventID is URL-encoded: an event’s own eventID or its CBV 2.0 event hash ID (ni:///sha-256;…?ver=CBV2.0), which an event without an eventID of its own carries as one. Several actors that recorded the same event each have theirs in the list, in eventTime order. 404 NOT_FOUND when none has that id.',
        tags: ['food'],
        params: { type: 'object', properties: { eventID: { ...VALUE_PARAM, description: 'URL-encoded eventID' } }, required: ['eventID'] },
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
      const raw = request.query as RawQuery
      const query = parseEventIdQuery(eventID, { perPage: String(MAX_PER_PAGE), ...raw })
      const page = await queryEvents(ledger, query)
      if (page.events.length === 0 && raw.nextPageToken === undefined) fail('NOT_FOUND', `no event has eventID ${eventID}`, { eventID })
      return sendQueryPage(reply, request.url, page, clock())
    },
  )

  app.get(
    '/eventTypes',
    { schema: { summary: 'EPCIS 2.0 GET /eventTypes: the event types this node records', tags: ['food'], querystring: { type: 'object', additionalProperties: false } } },
    async (_request, reply) =>
      reply.type('application/ld+json; charset=utf-8').send({ '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', type: 'Collection', member: EVENT_TYPES }),
  )

  for (const { path, name, parameter } of SUB_RESOURCES) {
    app.get(
      `/${path}/:${name}/events`,
      {
        schema: {
          summary: `EPCIS 2.0 GET /${path}/{${name}}/events: the events with that ${name}, as an EPCISQueryDocument`,
          description: `${name} URL-encoded; the other parameters of GET /events narrow it further.`,
          tags: ['food'],
          params: { type: 'object', properties: { [name]: VALUE_PARAM }, required: [name] },
          querystring: EVENT_QUERYSTRING,
        },
      },
      async (request, reply) => {
        const value = (request.params as Record<string, string>)[name] as string
        if (path === 'eventTypes' && !(EVENT_TYPES as readonly string[]).includes(value)) fail('NOT_FOUND', `no event type ${value}; the types are ${EVENT_TYPES.join(', ')}`, { eventType: value })
        const raw = request.query as RawQuery
        const key = parameter(value)
        if (raw[key] !== undefined) fail('QUERY_PARAMETER_UNSUPPORTED', `${key} is the path's ${name} here; give it there`, { parameter: key })
        // The path value is one value, a | in it included.
        const query = parseEventQuery({ ...raw, [key]: value }, undefined, key, request.headers['gs1-extensions'])
        return sendQueryPage(reply, request.url, await queryEvents(ledger, query), clock())
      },
    )
  }
}
