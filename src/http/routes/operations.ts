// GET /healthz and GET /metrics (Prometheus text exposition) for operators.

import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Ledger } from '../../ledger/ledger.js'
import type { MirrorStatus } from '../../mirror/follower.js'
import type { WitnessStatus } from '../../publish/cosigning.js'
import type { VerifiedCosignature } from '../../core/cosignature.js'
import { parseCheckpoint } from '../../core/checkpoint.js'
import { parseSignedNote } from '../../core/signed-note.js'

/** What /healthz and /metrics say of the static tile tree the node keeps (serve --publish): a Publisher is one. */
export interface PublishingStatus {
  readonly publishedSize: number
  /** the last failure, until a publication succeeds */
  readonly error: { at: string; message: string } | undefined
}

/** What /healthz and /metrics say of a node's witnesses (serve --witness): a CheckpointCosigning is one. */
export interface WitnessingStatus {
  /** the latest checkpoint the policy accepts, with the cosignatures; undefined until one does */
  readonly checkpoint: string | undefined
  readonly cosignatures: readonly VerifiedCosignature[]
  readonly witnesses: WitnessStatus[]
  readonly policy: { min: number; witnesses: { name: string; verifierKey: string }[] }
  /** the last failure to keep a witnessed checkpoint in the store, if any */
  readonly keepError?: { at: string; message: string } | undefined
}

/** What /healthz and /metrics say of a mirror (`tracechain mirror`): a Follower is one. */
export interface MirrorStatusSource {
  readonly status: MirrorStatus
}

/**
 * The metrics registry, with the process metrics and the request-duration histogram, whose hook is on the
 * root app: installed before any route is registered, it times every route (inside a plugin it timed only
 * that plugin's own /healthz and /metrics).
 */
export function installRequestMetrics(app: FastifyInstance): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'tracechain_process_' })
  const requestSeconds = new Histogram({
    name: 'tracechain_http_request_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    requestSeconds.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
  })
  return registry
}

export const operationRoutes: FastifyPluginAsync<{
  ledger: Ledger
  startedAt: number
  registry: Registry
  publishing?: PublishingStatus
  mirror?: MirrorStatusSource
  witnessing?: WitnessingStatus
}> = async (app, { ledger, startedAt, registry, publishing, mirror, witnessing }) => {
  const accepted = new Counter({ name: 'tracechain_statements_accepted_total', help: 'Statements appended to the log', registers: [registry] })
  const repeated = new Counter({ name: 'tracechain_statements_repeated_total', help: 'Idempotent repeats answered with the first seq', registers: [registry] })
  const refused = new Counter({
    name: 'tracechain_statements_refused_total',
    help: 'Statements refused by the sequencer, by error code',
    labelNames: ['code'],
    registers: [registry],
  })
  const commitSeconds = new Histogram({
    name: 'tracechain_commit_seconds',
    help: 'Time to sequence and durably commit one group',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  })
  const batchSize = new Histogram({
    name: 'tracechain_commit_batch_size',
    help: 'Statements per group commit',
    buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 2000],
    registers: [registry],
  })
  new Gauge({
    name: 'tracechain_tree_size',
    help: 'Entries in the log',
    registers: [registry],
    collect() {
      this.set(ledger.size)
    },
  })
  new Gauge({
    name: 'tracechain_store_available',
    help: '1 while the store takes appends, 0 after a failed write until the node has reopened it',
    registers: [registry],
    collect() {
      this.set(ledger.storeStatus.available ? 1 : 0)
    },
  })
  if (publishing) {
    new Gauge({
      name: 'tracechain_published_size',
      help: 'Entries in the tree published as static tiles (serve --publish): behind tracechain_tree_size while a publication runs or fails',
      registers: [registry],
      collect() {
        this.set(publishing.publishedSize)
      },
    })
  }
  if (witnessing) {
    new Gauge({
      name: 'tracechain_witnessed_size',
      help: 'Size of the checkpoint served, the latest the witness policy accepts: tracechain_tree_size behind it is the witnessing lag',
      registers: [registry],
      collect() {
        this.set(witnessedState(witnessing).size)
      },
    })
  }
  if (mirror) {
    new Gauge({
      name: 'tracechain_mirror_following',
      help: '1 while the mirror follows its log, 0 once something it read failed verification (see /healthz and DIR/evidence) or its own store could not be read back (tracechain_mirror_store_corrupt)',
      registers: [registry],
      collect() {
        this.set(mirror.status.following ? 1 : 0)
      },
    })
    new Gauge({
      name: 'tracechain_mirror_store_corrupt',
      help: "1 once the mirror stopped because its own store cannot be read back (STORE_CORRUPT): not the log's fault, no evidence; rebuild the mirror's data directory",
      registers: [registry],
      collect() {
        this.set(mirror.status.storeFailure ? 1 : 0)
      },
    })
    new Gauge({
      name: 'tracechain_mirror_source_size',
      help: 'Size of the latest verified checkpoint the mirror read from its source: tracechain_tree_size behind it is its lag',
      registers: [registry],
      collect() {
        this.set(mirror.status.sourceSize)
      },
    })
  }
  ledger.addObserver({
    onCommit(acceptedCount, repeatedCount, _refusedCount, milliseconds) {
      accepted.inc(acceptedCount)
      repeated.inc(repeatedCount)
      commitSeconds.observe(milliseconds / 1000)
      batchSize.observe(acceptedCount + repeatedCount)
    },
    onRefused(code) {
      refused.inc({ code })
    },
  })

  app.get(
    '/healthz',
    { schema: { summary: 'Liveness, the current tree size, whether the store takes appends, and on a mirror whether it still verifies its log (503 while either does not)', tags: ['operations'] } },
    async (_request, reply) => {
      const store = ledger.storeStatus
      const following = mirror?.status
      // A mirror is ready once it has a verified checkpoint to serve and while it still verifies its log.
      const ok = store.available && (following === undefined || (following.following && ledger.checkpoint !== ''))
      if (!ok) reply.code(503)
      return {
        ok,
        size: ledger.size,
        origin: ledger.origin,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        ...(store.available ? {} : { store }),
        // Reads served from the published tiles lag the node while publishing fails; appends go on.
        ...(publishing ? { published: { size: publishing.publishedSize, ...(publishing.error ? { error: publishing.error } : {}) } } : {}),
        // A mirror that found its log misbehaving (mirror.failure), or its own store unreadable (mirror.storeFailure),
        // is not ok: a balancer takes it out, an operator reads why.
        ...(following ? { mirror: following } : {}),
        // Witnessing lags the log by a round; a witness that fails is named, the node stays up.
        ...(witnessing ? { witnessing: witnessedState(witnessing) } : {}),
      }
    },
  )

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}

function witnessedState(witnessing: WitnessingStatus): { size: number; min: number; cosignatures: readonly VerifiedCosignature[]; witnesses: WitnessStatus[]; keepError?: { at: string; message: string } } {
  const note = witnessing.checkpoint
  const size = note === undefined ? 0 : parseCheckpoint(parseSignedNote(note).text).size
  const { keepError } = witnessing
  return { size, min: witnessing.policy.min, cosignatures: witnessing.cosignatures, witnesses: witnessing.witnesses, ...(keepError ? { keepError } : {}) }
}
