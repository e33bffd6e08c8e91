// EPCIS 2.0 event queries (GET /v1/events) and the FDA FSMA 204 sortable spreadsheet
// (GET /v1/export/fsma204). Thin: the logic is in food/query.ts and food/fsma204.ts.

import { Readable } from 'node:stream'
import type { FastifyPluginAsync } from 'fastify'
import { fsma204Csv } from '../fsma204.js'
import { parseFsma204Filter } from '../fsma204-filter.js'
import { FILTER_PARAMETERS } from '../event-filters.js'
import { parseEventQuery, SUPPORTED_PARAMETERS } from '../event-query.js'
import { queryEvents } from '../query.js'
import { sendQueryPage } from './epcis-binding.js'
import type { Ledger } from '../../ledger/ledger.js'

/** Set on an FSMA 204 export whose lot's trace reached the node's bounds (docs/food.md). */
export const FSMA204_TRUNCATED_HEADER = 'tracechain-truncated'

const STRING_OR_LIST = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }
const EPC_LIST = 'EPC URNs or GS1 Digital Links, | separated'
const PARAMETER_DESCRIPTIONS: Record<(typeof SUPPORTED_PARAMETERS)[number], string> = {
  eventType: 'ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent, AssociationEvent',
  EQ_action: 'ADD, OBSERVE, DELETE',
  EQ_bizStep: 'CBV bizSteps as short names, URNs or Web URIs',
  EQ_disposition: 'CBV dispositions as short names, URNs or Web URIs',
  EQ_readPoint: 'locations (SGLN URN or Digital Link)',
  EQ_bizLocation: 'locations (SGLN URN or Digital Link)',
  WD_readPoint: 'locations (SGLN URN or Digital Link): each, and the locations within it (its SGLNs, and the children its actor registered)',
  WD_bizLocation: 'locations (SGLN URN or Digital Link): each, and the locations within it (its SGLNs, and the children its actor registered)',
  EQ_eventID: 'eventIDs: an event’s own, or its CBV 2.0 event hash ID',
  MATCH_epc: `${EPC_LIST}: in epcList or childEPCs`,
  MATCH_parentID: `${EPC_LIST}: the parentID`,
  MATCH_inputEPC: `${EPC_LIST}: in inputEPCList`,
  MATCH_outputEPC: `${EPC_LIST}: in outputEPCList`,
  MATCH_anyEPC: `${EPC_LIST}: in epcList, childEPCs, parentID, inputEPCList or outputEPCList`,
  MATCH_epcClass: `${EPC_LIST}: classes or lots in quantityList or childQuantityList`,
  MATCH_inputEPCClass: `${EPC_LIST}: in inputQuantityList`,
  MATCH_outputEPCClass: `${EPC_LIST}: in outputQuantityList`,
  MATCH_anyEPCClass: `${EPC_LIST}: in any quantity list`,
  GE_eventTime: 'RFC 3339 date-time with a zone, inclusive',
  LT_eventTime: 'RFC 3339 date-time with a zone, exclusive',
  GE_recordTime: 'RFC 3339 date-time with a zone, inclusive',
  LT_recordTime: 'RFC 3339 date-time with a zone, exclusive',
  orderBy: 'eventTime or recordTime (the log\'s order)',
  orderDirection: 'ASC or DESC (DESC when orderBy is given without it)',
  eventCountLimit: 'at most this many events across all pages; needs orderBy',
  maxEventCount: 'refuse the query (413, QUERY_TOO_LARGE) when more events than this match',
  perPage: 'events per page, 1..1000 (default 30)',
  nextPageToken: 'from the Link rel="next" header of the previous page',
}

/** The query parameters, listed for the OpenAPI document; parseEventQuery checks them, so an unsupported one gets its own code. */
export const EVENT_QUERYSTRING = {
  type: 'object',
  properties: Object.fromEntries(Object.entries(PARAMETER_DESCRIPTIONS).map(([name, description]) => [name, { ...STRING_OR_LIST, description }])),
  additionalProperties: STRING_OR_LIST,
}

export const eventRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date }> = async (app, { ledger, clock }) => {
  app.get(
    '/v1/events',
    {
      schema: {
        summary: 'EPCIS 2.0 SimpleEventQuery subset: an EPCISQueryDocument of the matching events, eventTime order',
        description: `Parameters: ${SUPPORTED_PARAMETERS.join(', ')}; filters: ${FILTER_PARAMETERS}. Lists are pipe-separated. Prefixes in filters mean what the GS1-Extensions header (prefix=namespace, …) declares, else what each event's own context says. A next page is in the Link header.`,
        tags: ['food'],
        querystring: EVENT_QUERYSTRING,
      },
    },
    async (request, reply) => {
      const query = parseEventQuery(request.query as Record<string, string | string[]>, undefined, undefined, request.headers['gs1-extensions'])
      return sendQueryPage(reply, request.url, await queryEvents(ledger, query), clock())
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
      // Known before the first row is sent: a records request answered in part must say so.
      if (filter.truncated) reply.header(FSMA204_TRUNCATED_HEADER, 'true')
      return reply
        .type('text/csv; charset=utf-8; header=present')
        .header('content-disposition', 'attachment; filename="fsma204.csv"')
        .send(Readable.from(fsma204Csv(ledger, filter)))
    },
  )
}
