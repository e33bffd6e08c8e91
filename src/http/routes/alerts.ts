// GET /v1/alerts?kind=&since=: food and seal alerts, stored and computed, oldest first.

import type { FastifyPluginAsync } from 'fastify'
import { listAlerts, type AlertSource } from '../../ledger/alerts.js'
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
            kind: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', description: 'one kind, e.g. USE_WITHOUT_APPROVAL' },
            since: { type: 'string', format: 'date-time', description: 'alerts at or after this time' },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { kind, since, limit } = request.query as { kind?: string; since?: string; limit: number }
      const normalisedSince = since ? new Date(since).toISOString() : undefined
      return { alerts: await listAlerts(ledger, { kind, since: normalisedSince, limit }, sources, clock()) }
    },
  )
}
