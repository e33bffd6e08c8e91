// GET /v1/alerts?kind=&since=&limit=&pageToken=: food and seal alerts, stored and computed, oldest first,
// one page at a time.

import type { FastifyPluginAsync } from 'fastify'
import { DEFAULT_ALERT_LIMIT, MAX_ALERT_LIMIT, listAlerts, type AlertSource } from '../../ledger/alerts.js'
import type { Ledger } from '../../ledger/ledger.js'

export const alertRoutes: FastifyPluginAsync<{ ledger: Ledger; sources: AlertSource[]; clock: () => Date }> = async (
  app,
  { ledger, sources, clock },
) => {
  app.get(
    '/v1/alerts',
    {
      schema: {
        summary: 'Anomaly alerts: refused seal attempts, seal and food patterns',
        tags: ['alerts'],
        querystring: {
          type: 'object',
          properties: {
            kind: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 64, description: 'one kind, e.g. USE_WITHOUT_APPROVAL' },
            since: { type: 'string', format: 'date-time', description: 'alerts at or after this time' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_ALERT_LIMIT, default: DEFAULT_ALERT_LIMIT, description: 'alerts per page' },
            pageToken: { type: 'string', minLength: 1, maxLength: 2048, description: "the previous page's nextPageToken" },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { kind, since, limit, pageToken } = request.query as { kind?: string; since?: string; limit: number; pageToken?: string }
      const normalisedSince = since ? new Date(since).toISOString() : undefined
      return listAlerts(ledger, { kind, since: normalisedSince, limit, pageToken }, sources, clock())
    },
  )
}
