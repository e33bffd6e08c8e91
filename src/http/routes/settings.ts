// GET /v1/settings: the settings this node runs with (serve's flags, kept in D/settings.json, over the
// defaults), for pages and other systems that show or reason about what raised an alert: the late-record
// window and each domain's own (the seal domain's split-contract threshold and window, its zone and
// off hours).

import type { FastifyPluginAsync } from 'fastify'
import { settingsInEffect, type Domain, type DomainConfigs } from '../../domain.js'
import type { Ledger } from '../../ledger/ledger.js'

export const settingsRoutes: FastifyPluginAsync<{ ledger: Ledger; domains: readonly Domain[]; domainConfigs: DomainConfigs }> = async (app, { ledger, domains, domainConfigs }) => {
  app.get(
    '/v1/settings',
    {
      schema: {
        summary: "The node's settings in effect: the late-record window and each domain's (thresholds, windows, zone, hours)",
        tags: ['operations'],
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              lateRecordHours: { type: 'number', description: 'LATE_RECORD: a statement signed more than this before it is recorded (0: off)' },
              domains: { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } },
            },
          },
        },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-cache').send(settingsInEffect(ledger.lateRecordAfterMs, domains, domainConfigs)),
  )
}
