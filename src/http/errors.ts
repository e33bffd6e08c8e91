// Turns every failure into Fastify's own error shape {statusCode, code, error, message, details?}
// with a stable code from core/errors.ts. The only place errors become responses.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
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
    // An internal error's details are the server's (a worker's stack, its paths): logged, never sent.
    ...(error.details !== undefined && error.code !== 'INTERNAL' ? { details: error.details } : {}),
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

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: a request line or header that is not
 * HTTP (raw non-ASCII bytes, a NUL), headers over its 16 KiB, a request that did not arrive within the
 * request timeout. Fastify's default answers them in words of its own, with no code; this answers in ours,
 * nosniff included, and closes the connection as the default does. Install as `clientErrorHandler` of Fastify().
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const mapped =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new TracechainError('REQUEST_TIMEOUT', 'the request did not arrive whole within the time allowed')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new TracechainError('HEADERS_TOO_LARGE', 'the request line and headers are over 16 KiB')
        : new TracechainError('BAD_REQUEST', `the request is not HTTP this node can read${error.code ? ` (${error.code})` : ''}: a path or query must be percent-encoded ASCII`)
  const body = JSON.stringify(errorBody(mapped))
  const status = errorStatus(mapped)
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}

/** `maxParamLength`: the router's, as given to Fastify(). */
export function installErrorHandling(app: FastifyInstance, maxParamLength?: number): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toTracechainError(error)
    if (mapped.code === 'INTERNAL') request.log.error({ err: error }, 'internal error')
    // RFC 9110 section 10.2.3: a 429 says when to come back (the rate limiter sets its own).
    const status = errorStatus(mapped)
    if (status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfterOf(mapped)))
    reply.status(status).type('application/json; charset=utf-8').send(errorBody(mapped))
  })
  installNotFoundHandling(app, maxParamLength)
}

/**
 * A path no route serves is 404 `NOT_FOUND`; a path a route serves, asked with another method, is 405
 * `METHOD_NOT_ALLOWED` with `Allow` naming the methods it takes (RFC 9110 section 15.5.6), so a client that
 * GETs the write route or POSTs to a read route learns which mistake it made. The methods of each path are
 * looked up in a router of our own holding every route as it is added: find-my-way, Fastify's own router with
 * Fastify's options, so a path matches here exactly when it would match there for some method.
 * Install before any route is added.
 */
export function installNotFoundHandling(app: FastifyInstance, maxParamLength = 100): void {
  const routes = FindMyWay({ maxParamLength, ignoreTrailingSlash: false, caseSensitive: true })
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      const upper = method.toUpperCase() as HTTPMethod
      if (!routes.hasRoute(upper, route.url)) routes.on(upper, route.url, () => undefined)
    }
  })
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    const allowed = METHOD_ORDER.filter((method) => servedBy(routes, method, path))
    if (allowed.length > 0 && !allowed.includes(request.method as HTTPMethod)) {
      reply.header('allow', allowed.join(', '))
      const error = new TracechainError('METHOD_NOT_ALLOWED', `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`, { allow: allowed })
      return reply.status(405).type('application/json; charset=utf-8').send(errorBody(error))
    }
    const error = new TracechainError('NOT_FOUND', `no route ${request.method} ${path}`)
    return reply.status(404).type('application/json; charset=utf-8').send(errorBody(error))
  })
}

const METHOD_ORDER: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

function servedBy(routes: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>, method: HTTPMethod, path: string): boolean {
  try {
    return routes.find(method, path) !== null
  } catch {
    return false // a path find-my-way cannot decode matches nothing, as Fastify's router answers it first
  }
}

export { ERROR_CODES }
