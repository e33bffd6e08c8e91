// What the EPCIS 2.0 REST binding (openapi.yaml) asks of every answer at its standard paths: the version
// headers, version negotiation, and errors as RFC 7807 problem details typed by EPCIS exception.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import { fail, errorStatus, type ErrorCode } from '../../core/errors.js'
import { toTracechainError } from '../../http/errors.js'
import type { EventPage } from '../event-query.js'
import { buildQueryDocument } from '../query.js'

/** The one EPCIS and CBV version this node speaks. */
export const EPCIS_VERSION = '2.0.0'
export const CBV_VERSION = '2.0.0'

/** The headers every EPCIS answer carries (openapi.yaml components.headers). */
export const EPCIS_RESPONSE_HEADERS = {
  'gs1-epcis-version': EPCIS_VERSION,
  'gs1-epcis-min': EPCIS_VERSION,
  'gs1-epcis-max': EPCIS_VERSION,
  'gs1-cbv-version': CBV_VERSION,
  'gs1-cbv-min': CBV_VERSION,
  'gs1-cbv-max': CBV_VERSION,
  'gs1-epc-format': 'Never_Translates',
} as const

/** The EPCIS exception each of our codes is, where it is not a QueryParameterException (any other 400). */
const EXCEPTION_OF: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'NoSuchResourceException',
  QUERY_TOO_LARGE: 'QueryTooLargeException',
  VERSION_NOT_SUPPORTED: 'NotAcceptableException',
  RATE_LIMITED: 'ImplementationException',
  BUSY: 'ImplementationException',
}

const PROBLEM_TITLES: Record<string, string> = {
  QueryParameterException: 'Invalid query parameter',
  NoSuchResourceException: 'Resource not found',
  QueryTooLargeException: 'Query result too large',
  NotAcceptableException: 'Conflicting request and response headers',
  ImplementationException: 'The node could not answer the query',
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  /** ours beside the standard's members (RFC 7807 section 3.2), as every other route has them */
  code: ErrorCode
  details?: unknown
}

/** An error as the binding's problem details: `type` epcisException:<name>, our code and details kept beside it. */
export function problemOf(error: unknown, instance: string): ProblemBody {
  const mapped = toTracechainError(error)
  const status = errorStatus(mapped)
  const exception = EXCEPTION_OF[mapped.code] ?? (status === 400 ? 'QueryParameterException' : status >= 500 ? 'ImplementationException' : undefined)
  return {
    type: exception ? `epcisException:${exception}` : 'about:blank',
    title: exception ? (PROBLEM_TITLES[exception] as string) : (STATUS_CODES[status] ?? 'Error'),
    status,
    detail: mapped.message,
    instance,
    code: mapped.code,
    ...(mapped.details !== undefined ? { details: mapped.details } : {}),
  }
}

/**
 * Makes the routes of `app` (one plugin's scope) speak the binding: version headers on every answer, a
 * client's GS1-EPCIS-Min/-Max and GS1-CBV-Min/-Max checked against ours, errors as application/problem+json.
 */
export function speakEpcisRest(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(EPCIS_RESPONSE_HEADERS)
    acceptsVersion(request, 'gs1-epcis', EPCIS_VERSION)
    acceptsVersion(request, 'gs1-cbv', CBV_VERSION)
  })
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const problem = problemOf(error, request.url)
    if (problem.code === 'INTERNAL') request.log.error({ err: error }, 'internal error')
    if (problem.status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1')
    reply.status(problem.status).type('application/problem+json; charset=utf-8').send(problem)
  })
}

/** Throws VERSION_NOT_SUPPORTED when the client's `<prefix>-min`..`<prefix>-max` leaves out `ours`. */
function acceptsVersion(request: FastifyRequest, prefix: string, ours: string): void {
  for (const bound of ['min', 'max'] as const) {
    const header = `${prefix}-${bound}`
    const value = request.headers[header]
    if (value === undefined) continue
    const given = parseVersion(header, Array.isArray(value) ? value.join(',') : value)
    const order = compareVersions(parseVersion(header, ours), given)
    if ((bound === 'min' && order < 0) || (bound === 'max' && order > 0)) {
      fail('VERSION_NOT_SUPPORTED', `${header} ${value} leaves out ${ours}, the only version this node speaks`, { header, supported: ours })
    }
  }
}

function parseVersion(header: string, text: string): number[] {
  if (!/^\d{1,4}(\.\d{1,4}){0,2}$/.test(text.trim())) fail('BAD_REQUEST', `${header} ${text} is not a version such as 2.0.0`, { header })
  const parts = text.trim().split('.').map(Number)
  while (parts.length < 3) parts.push(0)
  return parts
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return 0
}

const EPCIS_MEDIA_TYPE = 'application/ld+json; charset=utf-8'

/**
 * A page of a query as an EPCISQueryDocument, the next page's URL (this one's with its token) in a Link
 * header, the namespaces of the extensions its events use in GS1-Extensions.
 */
export function sendQueryPage(reply: FastifyReply, requestUrl: string, page: EventPage, creationDate: Date): FastifyReply {
  if (page.nextPageToken) {
    const url = new URL(requestUrl, 'http://node')
    url.searchParams.set('nextPageToken', page.nextPageToken)
    reply.header('link', `<${url.pathname}${url.search}>; rel="next"`)
  }
  const extensions = extensionNamespaces(page.events)
  if (extensions.length > 0) reply.header('gs1-extensions', extensions.join(', '))
  return reply.headers(EPCIS_RESPONSE_HEADERS).type(EPCIS_MEDIA_TYPE).send(buildQueryDocument(page, creationDate))
}

/**
 * A namespace the header can carry: a URI of visible ASCII without a comma (the list's separator). What a
 * producer signed may hold anything else (a CJK character, CR LF), which no header value can: such a
 * namespace is left out, and the event keeps it in its own @context.
 */
const HEADER_NAMESPACE = /^[a-z][a-z0-9+.-]*:[\x21-\x2b\x2d-\x7e]*$/i

/** `prefix=namespace` of every prefix the events' own contexts define, once each (attacker-controlled: signed by producers). */
function extensionNamespaces(events: Record<string, unknown>[]): string[] {
  const out = new Set<string>()
  for (const event of events) {
    const context = event['@context']
    for (const item of Array.isArray(context) ? context : [context]) {
      if (item === null || typeof item !== 'object') continue
      for (const [prefix, namespace] of Object.entries(item as Record<string, unknown>)) {
        if (typeof namespace === 'string' && /^[A-Za-z][\w.-]*$/.test(prefix) && HEADER_NAMESPACE.test(namespace)) out.add(`${prefix}=${namespace}`)
      }
    }
  }
  return [...out]
}
