// The witness's own small Fastify server (not the node's app): C2SP tlog-witness
// `POST /add-checkpoint` and the monitoring read `GET /<hex SHA-256(origin)>/checkpoint`. Never listens;
// cli/witness.ts does.
//
//   200 text/plain          the cosignature line(s)
//   409 text/x.tlog.size    "<latest cosigned size>\n"
//   400, 403, 404, 413, 422 our error shape (JSON {statusCode, code, error, message}), codes in witness.ts
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { TracechainError, errorStatus } from '../core/errors.js'
import { errorBody, frameworkErrorHandler, installNotFoundHandling, toTracechainError } from '../http/errors.js'
import { closeUnusedConnectionsOnClose, requestTimeoutOptions } from '../http/unused-connections.js'
import { ADD_CHECKPOINT_PATH, formatTreeSize, MAX_ADD_CHECKPOINT_BODY, parseAddCheckpointRequest, TREE_SIZE_CONTENT_TYPE } from './protocol.js'
import type { Witness } from './witness.js'

export interface WitnessAppOptions {
  witness: Witness
  logger?: FastifyServerOptions['logger']
  /** how long a request may take to arrive (default WITNESS_REQUEST_TIMEOUT_MS) */
  requestTimeoutMs?: number
}

/** A request of at most 64 KiB arrives within this, or is dropped with its socket. */
export const WITNESS_REQUEST_TIMEOUT_MS = 60_000

const TEXT = 'text/plain; charset=utf-8'
const utf8Strict = new TextDecoder('utf-8', { fatal: true })

export function buildWitnessApp(options: WitnessAppOptions): FastifyInstance {
  const { witness } = options
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_ADD_CHECKPOINT_BODY,
    frameworkErrors: frameworkErrorHandler,
    ...requestTimeoutOptions(options.requestTimeoutMs ?? WITNESS_REQUEST_TIMEOUT_MS),
  })
  closeUnusedConnectionsOnClose(app)
  // As every answer of the node (http/security-headers.ts, which the witness's layer does not reach): no browser
  // sniffs a cosignature or an error as HTML.
  app.addHook('onSend', async (_request, reply) => void reply.header('x-content-type-options', 'nosniff'))
  // The spec names no request Content-Type, and clients send what their HTTP library picks: take any, as bytes.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  app.setErrorHandler((error: unknown, request, reply) => {
    const mapped = toTracechainError(error)
    if (mapped.code === 'OLD_SIZE_MISMATCH') {
      const { size } = mapped.details as { size: number }
      return reply.status(409).type(TREE_SIZE_CONTENT_TYPE).send(formatTreeSize(size))
    }
    const status = errorStatus(mapped)
    if (mapped.code === 'INTERNAL' || status >= 500) request.log.error({ err: error }, 'witness failure')
    return reply.status(status).type('application/json; charset=utf-8').send(errorBody(mapped))
  })
  installNotFoundHandling(app)

  app.post(ADD_CHECKPOINT_PATH, async (request, reply) => {
    const bytes = request.body instanceof Buffer ? request.body : Buffer.alloc(0)
    let body: string
    try {
      body = utf8Strict.decode(bytes)
    } catch {
      throw new TracechainError('BAD_REQUEST', 'the body is not UTF-8', { reason: 'encoding' })
    }
    const line = witness.addCheckpoint(parseAddCheckpointRequest(body))
    return reply.status(200).type(TEXT).send(line)
  })

  app.get<{ Params: { originHash: string } }>('/:originHash/checkpoint', async (request, reply) => {
    const note = witness.latestCheckpoint(request.params.originHash)
    if (note === undefined) throw new TracechainError('NOT_FOUND', 'this witness has cosigned no checkpoint of that log')
    return reply.status(200).type(TEXT).header('cache-control', 'no-store').send(note)
  })

  return app
}
