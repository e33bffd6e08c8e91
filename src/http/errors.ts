// Turns every failure into Fastify's own error shape {statusCode, code, error, message, details?}
// with a stable code from core/errors.ts. The only place errors become responses.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import { ERROR_CODES } from '../core/error-codes.js'
import { TracechainError, isTracechainError, errorStatus, type ErrorCode } from '../core/errors.js'

export interface ErrorBody {
  statusCode: number
  code: ErrorCode
  error: string
  message: string
  details?: unknown
}

export function errorBody(error: TracechainError): ErrorBody {
  const statusCode = errorStatus(error)
  return {
    statusCode,
    code: error.code,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: error.message,
    ...(error.details !== undefined ? { details: error.details } : {}),
  }
}

/** Maps Fastify's own errors (validation, body parsing, limits) onto our codes. */
export function toTracechainError(error: unknown): TracechainError {
  if (isTracechainError(error)) return error
  const fastifyError = error as FastifyError & { validation?: unknown[]; validationContext?: string }
  if (fastifyError.validation) {
    // Fastify's message names the part already ("querystring/from must be >= 0"); it is named here only where not.
    const context = fastifyError.validationContext ?? 'request'
    const message = fastifyError.message.startsWith(context) ? fastifyError.message : `${context} ${fastifyError.message}`
    return new TracechainError('BAD_REQUEST', message, {
      validation: fastifyError.validation,
    })
  }
  switch (fastifyError.code) {
    // LevelDB is closed for a moment while the node reopens its store after a failed write.
    case 'LEVEL_DATABASE_NOT_OPEN':
      return new TracechainError('STORE_UNAVAILABLE', 'the store is being reopened; try again')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TracechainError('BODY_TOO_LARGE', fastifyError.message)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TracechainError('UNSUPPORTED_MEDIA_TYPE', fastifyError.message)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new TracechainError('INVALID_JSON', fastifyError.message)
  }
  if (error instanceof SyntaxError || fastifyError.statusCode === 400) {
    return new TracechainError(error instanceof SyntaxError ? 'INVALID_JSON' : 'BAD_REQUEST', fastifyError.message)
  }
  if (fastifyError.statusCode === 413) return new TracechainError('BODY_TOO_LARGE', fastifyError.message)
  if (fastifyError.statusCode === 415) return new TracechainError('UNSUPPORTED_MEDIA_TYPE', fastifyError.message)
  return new TracechainError('INTERNAL', 'internal error')
}

/** Seconds a client waits before retrying a 429: `details.retryAfterSeconds`, else one. */
function retryAfterOf(error: TracechainError): number {
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : 1
}

/**
 * Fastify's router answers a path it cannot decode (a percent-escape that is not UTF-8) or a path
 * parameter over its length limit before any route runs, in its own shape and codes; this gives them ours.
 * Install as the `frameworkErrors` option of Fastify().
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const mapped =
    error.code === 'FST_ERR_BAD_URL'
      ? new TracechainError('BAD_REQUEST', 'the path holds a percent-escape that is not UTF-8')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new TracechainError('BAD_REQUEST', 'a path segment is longer than this route accepts')
        : toTracechainError(error)
  reply.status(errorStatus(mapped)).type('application/json; charset=utf-8').send(errorBody(mapped))
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toTracechainError(error)
    if (mapped.code === 'INTERNAL') request.log.error({ err: error }, 'internal error')
    // RFC 9110 section 10.2.3: a 429 says when to come back (the rate limiter sets its own).
    const status = errorStatus(mapped)
    if (status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfterOf(mapped)))
    reply.status(status).type('application/json; charset=utf-8').send(errorBody(mapped))
  })
  app.setNotFoundHandler((request, reply) => {
    const error = new TracechainError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)
    reply.status(404).send(errorBody(error))
  })
}

export { ERROR_CODES }
