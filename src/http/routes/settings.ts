// GET /v1/settings: the settings this node runs with (serve's flags, kept in D/settings.json, over the
// defaults), for pages and other systems that show or reason about what raised an alert: the late-record
// window and each domain's own (the seal domain's split-contract threshold and window, its zone and
// off hours), and, when they changed on a log that held entries, since which seq they apply.

import type { FastifyPluginAsync } from 'fastify'
import { settingsInEffect, type Domain, type DomainConfigs, type SettingsSince } from '../../domain.js'
import type { Ledger } from '../../ledger/ledger.js'

export const settingsRoutes: FastifyPluginAsync<{ ledger: Ledger; domains: readonly Domain[]; domainConfigs: DomainConfigs; since?: SettingsSince }> = async (app, { ledger, domains, domainConfigs, since }) => {
  const answer = () => ({ ...settingsInEffect(ledger.lateRecordAfterMs, domains, domainConfigs), ...(since ? { since } : {}) })
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
              since: {
                type: 'object',
                description: 'present when these settings took effect on a log that already held entries: the alerts of the entries before `seq` were raised under earlier settings',
                properties: { seq: { type: 'integer' }, at: { type: 'string', format: 'date-time' } },
              },
            },
          },
        },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-cache').send(answer()),
  )
}
