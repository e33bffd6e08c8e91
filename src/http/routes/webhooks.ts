// GET /v1/webhooks: each webhook this node delivers alerts to (serve --webhook KIND=URL), and where its
// delivery stands: the alerts waiting, the last delivery, the failures and the next attempt.

import type { FastifyPluginAsync } from 'fastify'
import type { WebhookStatus } from '../../publish/webhooks.js'

/** What the routes and the console read of the node's webhooks. */
export interface WebhookStatusSource {
  status(): Promise<WebhookStatus[]>
}

export const NO_WEBHOOKS: WebhookStatusSource = { status: async () => [] }

const delivery = {
  type: 'object',
  properties: { at: { type: 'string' }, id: { type: 'string' }, kind: { type: 'string' }, status: { type: 'integer' } },
} as const
const failure = {
  type: 'object',
  properties: { at: { type: 'string' }, id: { type: 'string' }, error: { type: 'string' }, attempt: { type: 'integer' } },
} as const

export const webhookRoutes: FastifyPluginAsync<{ webhooks: WebhookStatusSource }> = async (app, { webhooks }) => {
  app.get(
    '/v1/webhooks',
    {
      schema: {
        summary: "The node's webhooks (one per alert kind, or * for all) and their delivery state",
        tags: ['alerts'],
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              webhooks: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string', description: '16 hex: SHA-256 of the kind and URL' },
                    kind: { type: 'string', description: 'an alert kind, or * for every kind' },
                    url: { type: 'string', description: 'without credentials; a query is shown as ?…' },
                    state: { enum: ['idle', 'delivering', 'retrying', 'stopped'] },
                    backlog: { type: 'integer', description: 'alerts waiting for this webhook' },
                    backlogMore: { type: 'boolean', description: 'more are waiting than backlog counts' },
                    delivered: { type: 'integer' },
                    failures: { type: 'integer', description: 'failed attempts, all told' },
                    givenUp: { type: 'integer', description: 'alerts not delivered after the last attempt, or refused with a 4xx' },
                    attempts: { type: 'integer', description: 'failed attempts at the next alert' },
                    nextAttemptAt: { type: 'string' },
                    lastDelivery: delivery,
                    lastFailure: failure,
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ webhooks: await webhooks.status() }),
  )
}
