// The Fastify application: one encapsulated plugin per resource, one error handler. It never
// listens; cli/ does (STYLE: buildApp takes everything it needs as arguments).

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { Ledger } from '../ledger/ledger.js'
import { installErrorHandling } from './errors.js'
import type { AlertSource } from '../ledger/alerts.js'
import { actorRoutes } from './routes/actors.js'
import { alertRoutes } from './routes/alerts.js'
import { eventRoutes } from './routes/events.js'
import { foodRoutes } from './routes/food.js'
import { labelRoutes } from './routes/labels.js'
import { logRoutes } from './routes/log.js'
import { operationRoutes } from './routes/operations.js'
import { statementRoutes } from './routes/statements.js'
import { webRoutes } from './routes/web.js'
import { sealRoutes } from './routes/seals.js'
import { overdueAlertSource } from '../seal/alerts.js'

export interface AppConfig {
  /** public base URL of this node, used in QR links and the OpenAPI document */
  baseUrl: string
  logger?: FastifyServerOptions['logger']
}

export interface AppOptions {
  ledger: Ledger
  config: AppConfig
  /** the node clock, for time-based alerts (OVERDUE); tests pass a fixed one */
  clock?: () => Date
}

/** Alerts computed at query time, contributed by the domains. */
const ALERT_SOURCES: AlertSource[] = [overdueAlertSource()]

export const DEFAULT_BODY_LIMIT = 1024 * 1024

export async function buildApp({ ledger, config, clock = () => new Date() }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logger ?? false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Query strings are parsed into strings; the route schemas coerce seq/size numbers.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
  })
  installErrorHandling(app)
  // Server-Timing (W3C): the node's own time on a request, from its routing to its answer, so a client can
  // tell the node's part of a latency from the network's and its own (bench/proofs.mjs reports both).
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('server-timing', `app;dur=${reply.elapsedTime.toFixed(3)}`)
    done(null, payload)
  })
  // JSON only: a text/plain body would otherwise reach handlers as a string.
  app.removeContentTypeParser('text/plain')
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'tracechain',
        description: 'Verifiable traceability ledger: signed statements in an RFC 9162 Merkle log with C2SP checkpoints.',
        version: '0.1.0',
      },
      servers: [{ url: config.baseUrl }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  const startedAt = Date.now()
  await app.register(statementRoutes, { ledger })
  await app.register(logRoutes, { ledger })
  await app.register(actorRoutes, { ledger })
  await app.register(sealRoutes, { ledger, clock })
  await app.register(foodRoutes, { ledger })
  await app.register(labelRoutes, { ledger, baseUrl: config.baseUrl })
  await app.register(webRoutes, { ledger })
  await app.register(eventRoutes, { ledger, clock })
  await app.register(alertRoutes, { ledger, sources: ALERT_SOURCES, clock })
  await app.register(operationRoutes, { ledger, startedAt })
  return app
}
