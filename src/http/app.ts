// The Fastify application: one encapsulated plugin per shared resource, each domain's own plugin from
// its descriptor (src/domains.ts), one error handler. It never listens; cli/ does.

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { Ledger } from '../ledger/ledger.js'
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling } from './errors.js'
import { DemoKeys, type DemoKey } from './demo-keys.js'
import { DEFAULT_RATE_LIMITS, installRateLimits, type RateLimits } from './rate-limits.js'
import type { TrustProxy } from './trust-proxy.js'
import { installSecurityHeaders } from './security-headers.js'
import { installPublicReadCors } from './cors.js'
import { installConditionalGet } from './conditional-get.js'
import { installCompressedAnswers } from './compressed-answers.js'
import { installCompression } from './compression.js'
import { closeUnusedConnectionsOnClose, requestTimeoutOptions } from './unused-connections.js'
import { DEMO_BANNER } from '../web/demo-banner.js'
import type { CaptureSetup, Domain, DomainConfigs, SettingsSince } from '../domain.js'
import { DOMAINS, domainAlertSources } from '../domains.js'
import { actorRoutes } from './routes/actors.js'
import { alertRoutes, type AlertStreamLimits } from './routes/alerts.js'
import { bundleRoutes } from './routes/bundles.js'
import { consoleRoutes } from './routes/console.js'
import { consoleActRoutes } from './routes/console-act.js'
import { NO_WEBHOOKS, webhookRoutes, type WebhookStatusSource } from './routes/webhooks.js'
import { settingsRoutes } from './routes/settings.js'
import { logRoutes, type WitnessPolicyView } from './routes/log.js'
import { installRequestMetrics, operationRoutes, type MirrorStatusSource, type PublishingStatus, type WitnessingStatus } from './routes/operations.js'
import { TracechainError } from '../core/errors.js'
import { statementRoutes } from './routes/statements.js'
import { tlogRoutes } from './routes/tlog.js'
import { webRoutes } from './routes/web.js'

export interface AppConfig {
  /** public base URL of this node, used in QR links and the OpenAPI document */
  baseUrl: string
  logger?: FastifyServerOptions['logger']
  /** per-address limits on the costly public routes (default DEFAULT_RATE_LIMITS) */
  rateLimits?: Partial<RateLimits>
  /** whose X-Forwarded-For names the client (http/trust-proxy.ts); default: nobody's */
  trustProxy?: TrustProxy
  /**
   * Public keys whose private halves are public (the repository's keys/demo/): actors holding one are
   * marked `demo` and every page carries a demo banner while any is registered
   */
  demoKeys?: readonly DemoKey[]
  /**
   * The standalone verification page on an origin this node does not control (its files written by
   * `tracechain verify-page`), which the consumer page links to; without it the link goes to this
   * node's own /verify and says so
   */
  independentVerifier?: string
  /** how many alert streams (GET /v1/alerts/stream) at once, their heartbeat, how often OVERDUE is checked for them */
  alertStreams?: Partial<AlertStreamLimits>
  /** bytes of bodies POST /v1/statements holds at once (http/intake.ts; default DEFAULT_INTAKE_BYTES) */
  statementIntakeBytes?: number
  /** how long a request's headers and body may take to arrive (default DEFAULT_REQUEST_TIMEOUT_MS) */
  requestTimeoutMs?: number
}

/** Node's http server's own default for receiving a whole request: a 32 MiB batch at 1 Mbit/s takes 270 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000

export interface AppOptions {
  ledger: Ledger
  config: AppConfig
  /** the node clock, for time-based alerts (OVERDUE); tests pass a fixed one */
  clock?: () => Date
  /** the domains whose routes, pages and alerts it serves (default: every domain of the node) */
  domains?: readonly Domain[]
  /** where the node publishes its log as static tiles (serve --publish), for /healthz and /metrics */
  publishing?: PublishingStatus
  /** set on a mirror (`tracechain mirror`): what it follows and whether it still verifies, for /healthz and /metrics */
  mirror?: MirrorStatusSource
  /** set when the node has witnesses (serve --witness): its served checkpoint is the latest they cosigned */
  witnessing?: WitnessingStatus
  /** on a mirror given witnesses (mirror --witness-key): the policy its pages require, as a node's comes from `witnessing` */
  witnessPolicy?: WitnessPolicyView
  /** the node's webhooks (serve --webhook), for GET /v1/webhooks and the console */
  webhooks?: WebhookStatusSource
  /** each domain's settings (serve's flags): its alerts, pages and GET /v1/settings use them */
  domainConfigs?: DomainConfigs
  /** when the rule settings took effect, on a log that held entries then (cli/node-settings.ts rulesSince) */
  settingsSince?: SettingsSince
  /** custodial keys and the capture job store: with them the node answers POST /capture (serve passes its data directory's) */
  capture?: CaptureSetup
}

/**
 * A mirror answers every write 405 before reading its body: it serves reads of a log it does not write. Until
 * its first catch-up has verified a checkpoint it has none to serve reads against: 503, but for its health.
 */
function guardMirror(app: FastifyInstance, ledger: Ledger, primary: string): void {
  const reads = new Set(['GET', 'HEAD', 'OPTIONS'])
  const operations = new Set(['/healthz', '/metrics'])
  app.addHook('onRequest', async (request, reply) => {
    if (!reads.has(request.method)) {
      reply.header('allow', 'GET, HEAD')
      throw new TracechainError('MIRROR_READ_ONLY', `this is a mirror: it serves reads only; send ${request.method} ${request.url.split('?')[0]} to ${primary}`, { primary })
    }
    if (ledger.checkpoint === '' && !operations.has(request.url.split('?')[0])) {
      reply.header('retry-after', '5')
      throw new TracechainError('MIRROR_NOT_READY', `this mirror of ${ledger.origin} has verified ${ledger.size} entries and no checkpoint yet: its first catch-up is running`, { size: ledger.size })
    }
  })
}

/** The longest path parameter the router passes to a route (whose schema then bounds its own). */
export const MAX_PATH_PARAM_LENGTH = 512

export const DEFAULT_BODY_LIMIT = 1024 * 1024

export async function buildApp({ ledger, config, clock = () => new Date(), domains = DOMAINS, publishing, mirror, witnessing, witnessPolicy, webhooks = NO_WEBHOOKS, domainConfigs = {}, settingsSince, capture }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logger ?? false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Query strings are parsed into strings; the route schemas coerce seq/size numbers.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
    trustProxy: config.trustProxy ?? false,
    // A trace id is a URL-encoded Digital Link or EPC URN of up to 512 characters (its route's schema):
    // the router's default of 100 refused long ones before the schema could judge them.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ...requestTimeoutOptions(config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
  })
  installErrorHandling(app, MAX_PATH_PARAM_LENGTH)
  closeUnusedConnectionsOnClose(app)
  const metrics = installRequestMetrics(app)
  const demoKeys = new DemoKeys(ledger, config.demoKeys ?? [])
  installSecurityHeaders(app, { banner: () => (demoKeys.inLedger() ? DEMO_BANNER : undefined) })
  installPublicReadCors(app)
  if (ledger.primary !== undefined) guardMirror(app, ledger, ledger.primary)
  await installRateLimits(app, { ...DEFAULT_RATE_LIMITS, ...config.rateLimits })
  // Server-Timing (W3C): the node's own time on a request, from its routing to its answer, so a client can
  // tell the node's part of a latency from the network's and its own (bench/proofs.mjs reports both).
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('server-timing', `app;dur=${reply.elapsedTime.toFixed(3)}`)
    done(null, payload)
  })
  installConditionalGet(app)
  // A body sent before goes out from its brotli form at quality 11, compressed once (compressed-answers.ts).
  installCompressedAnswers(app, metrics)
  // Brotli or gzip as the client asks, after the ETag (which is of the body itself); an answer already
  // encoded (the verifier script, brotli at quality 11) is left alone, and the alert stream writes its own
  // socket. Request bodies are not inflated: their limit is on what arrives.
  await installCompression(app)
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
  await app.register(statementRoutes, { ledger, intakeBytes: config.statementIntakeBytes })
  // With witnesses, the checkpoint served (and published) is the latest that meets their policy, until one does the latest.
  const servedCheckpoint = () => witnessing?.checkpoint ?? ledger.checkpoint
  // The witnesses pages require: a node's are those it asks to cosign, a mirror's those its operator gave it.
  const pagePolicy = witnessing?.policy ?? witnessPolicy
  await app.register(logRoutes, { ledger, servedCheckpoint, ...(pagePolicy ? { witnessPolicy: pagePolicy } : {}) })
  await app.register(tlogRoutes, { ledger, servedCheckpoint })
  await app.register(bundleRoutes, { ledger, servedCheckpoint })
  await app.register(actorRoutes, { ledger, demoKeys })
  const independentVerifier = config.independentVerifier !== undefined ? { independentVerifier: config.independentVerifier } : {}
  for (const domain of domains) if (domain.routes) await app.register(domain.routes, {
      ledger,
      clock,
      baseUrl: config.baseUrl,
      servedCheckpoint,
      ...independentVerifier,
      ...(pagePolicy ? { witnessMin: pagePolicy.min } : {}),
      ...(domainConfigs[domain.name] ? { config: domainConfigs[domain.name] } : {}),
      ...(capture ? { capture } : {}),
    })
  const lots = domains.find((domain) => domain.lots)?.lots
  await app.register(webRoutes, { ledger, baseUrl: config.baseUrl, ...(lots ? { lots } : {}), ...(mirror ? { mirror } : {}) })
  const alertSources = domainAlertSources(domains, domainConfigs)
  await app.register(alertRoutes, { ledger, sources: alertSources, clock, ...(lots ? { lots } : {}), ...(config.alertStreams ? { streams: config.alertStreams } : {}) })
  await app.register(consoleRoutes, { ledger, sources: alertSources, clock, webhooks, ...(lots ? { lots } : {}) })
  await app.register(webhookRoutes, { webhooks })
  await app.register(consoleActRoutes, { ledger, forms: domains.flatMap((domain) => domain.actionForms ?? []) })
  await app.register(settingsRoutes, { ledger, domains, domainConfigs, ...(settingsSince ? { since: settingsSince } : {}) })
  await app.register(operationRoutes, { ledger, startedAt, registry: metrics, ...(publishing ? { publishing } : {}), ...(mirror ? { mirror } : {}), ...(witnessing ? { witnessing } : {}) })
  return app
}
