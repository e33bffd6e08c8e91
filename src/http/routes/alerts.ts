// GET /v1/alerts: food and seal alerts, stored and computed, filtered, a page at a time, oldest first (or
// newest first); GET /v1/alerts/stream: the same filters as server-sent events, each new alert as the
// commit that raised it is durable, resumable with Last-Event-ID (http/alert-stream.ts).

import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { parseDateTime, verifyInstantInRange } from '../../core/date-time.js'
import { TracechainError, fail } from '../../core/errors.js'
import { AlertFeed } from '../../ledger/alert-feed.js'
import { alertMatcher, ORG_PATTERN } from '../../ledger/alert-filter.js'
import { DEFAULT_ALERT_LIMIT, MAX_ALERT_LIMIT, listAlerts, listPlacedAlerts, parsePageToken, type AlertFilter, type AlertSource, type PlacedAlert } from '../../ledger/alerts.js'
import type { RecordReader } from '../../ledger/kinds.js'
import type { Ledger } from '../../ledger/ledger.js'
import type { LotDirectory } from '../../web/explorer.js'
import { AlertStream, EVENT_STREAM_HEADERS, MAX_QUEUED_EVENTS } from '../alert-stream.js'
import { addressGroup } from '../rate-limits.js'

export interface AlertStreamLimits {
  /** streams open at once; one more is answered 503 TOO_MANY_STREAMS */
  max: number
  /** streams one client address (an IPv6 one by its /64) holds at once; one more is answered 429 RATE_LIMITED */
  perAddress: number
  /** a comment line this often keeps an idle stream open through proxies */
  heartbeatMs: number
  /** how often computed alerts (OVERDUE) are asked whether one came due while a stream is open */
  computedIntervalMs: number
  /** events pending for a client that does not read (written and not taken, or held during a replay) before it is cut off */
  maxPending: number
}

export const DEFAULT_ALERT_STREAM_LIMITS: AlertStreamLimits = { max: 200, perAddress: 20, heartbeatMs: 20_000, computedIntervalMs: 60_000, maxPending: MAX_QUEUED_EVENTS }

/** The media type of the stream (WHATWG HTML, server-sent events). */
export const EVENT_STREAM = 'text/event-stream'

/** Alerts a stream replays a page at a time when it resumes. */
const REPLAY_PAGE = 500

/** The filters GET /v1/alerts and its stream share (and the console's rows). */
export const ALERT_FILTER_PROPERTIES = {
  kind: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 64, description: 'one kind, e.g. USE_WITHOUT_APPROVAL' },
  since: { type: 'string', format: 'date-time', description: 'alerts at or after this time' },
  until: { type: 'string', format: 'date-time', description: 'alerts before this time' },
  // An organisation is free text where it is registered (actor.register, seal.register: a village committee's name).
  org: { type: 'string', pattern: ORG_PATTERN, description: 'alerts about what actors of this organisation signed or tried (their registered org, any text of up to 128 characters)' },
  seal: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'alerts about this seal' },
  lot: { type: 'string', minLength: 1, maxLength: 512, description: 'alerts that name this lot: an EPC URN, a Digital Link, "GTIN lot", a lot number or a trace code' },
} as const

export interface AlertFilterQuery {
  kind?: string
  since?: string
  until?: string
  org?: string
  seal?: string
  lot?: string
}

/**
 * A time parameter (the schema's date-time: attacker-controlled) in UTC with milliseconds, as alerts' `at` is
 * kept. Read by core/date-time.ts, since Date cannot read all the format admits (a leap second, "+08"); else by
 * Date, which reads toISOString's form. Throws TIME_OUT_OF_RANGE past 9999 or before 0000 in UTC, where alerts'
 * `at`, compared as text, has no form (the console holds its own bounds to those years).
 */
export function normaliseTime(name: string, text: string): string {
  const parsed = parseDateTime(text) ?? Date.parse(text)
  if (Number.isNaN(parsed)) fail('BAD_REQUEST', `${name} ${text} is not an RFC 3339 date-time with a zone`, { parameter: name })
  verifyInstantInRange(name, text, parsed)
  return new Date(parsed).toISOString()
}

/**
 * The filter a query asks for, and whether it is cut short: a lot is looked up in the domain's lots (none there: no
 * alert matches), and when the lot has more serialised items than are read, `cutAtItems` says how many were: the
 * answer must say so, since alerts that name only the others cannot match.
 */
export async function alertFilterOf(query: AlertFilterQuery, reader: RecordReader, lots: LotDirectory | undefined): Promise<{ filter: AlertFilter; cutAtItems?: number }> {
  const filter: AlertFilter = {}
  if (query.kind !== undefined) filter.kind = query.kind
  if (query.since !== undefined) filter.since = normaliseTime('since', query.since)
  if (query.until !== undefined) filter.until = normaliseTime('until', query.until)
  if (query.org !== undefined) filter.org = query.org
  if (query.seal !== undefined) filter.sealId = query.seal
  if (query.lot === undefined) return { filter }
  if (!lots?.lotKeys) return { filter: { ...filter, idKeys: [query.lot] } }
  const { keys, cutAtItems } = await lots.lotKeys(reader, query.lot)
  return { filter: { ...filter, idKeys: keys }, ...(cutAtItems !== undefined ? { cutAtItems } : {}) }
}

/** What a stream tells first when its lot filter was cut short. */
export function lotCutMessage(lot: string, cutAtItems: number): string {
  return `lot=${lot} names more serialised items than the filter reads: only the alerts of the first ${cutAtItems} are matched`
}

export interface AlertRouteOptions {
  ledger: Ledger
  sources: AlertSource[]
  clock: () => Date
  lots?: LotDirectory
  streams?: Partial<AlertStreamLimits>
}

export const alertRoutes: FastifyPluginAsync<AlertRouteOptions> = async (app, { ledger, sources, clock, lots, streams: limitOverrides }) => {
  const limits = { ...DEFAULT_ALERT_STREAM_LIMITS, ...limitOverrides }
  const context = lots?.idKey ? { idKey: lots.idKey } : {}
  app.get(
    '/v1/alerts',
    {
      schema: {
        summary: 'Anomaly alerts: refused seal attempts, seal and food patterns',
        tags: ['alerts'],
        querystring: {
          type: 'object',
          properties: {
            ...ALERT_FILTER_PROPERTIES,
            order: { enum: ['asc', 'desc'], default: 'asc', description: 'oldest first (asc) or newest first (desc)' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_ALERT_LIMIT, default: DEFAULT_ALERT_LIMIT, description: 'alerts per page' },
            pageToken: { type: 'string', minLength: 1, maxLength: 2048, description: "the previous page's nextPageToken" },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const query = request.query as AlertFilterQuery & { limit: number; pageToken?: string; order: 'asc' | 'desc' }
      const { filter, cutAtItems } = await alertFilterOf(query, ledger.records, lots)
      const page = await listAlerts(ledger, { ...filter, limit: query.limit, order: query.order, ...(query.pageToken ? { pageToken: query.pageToken } : {}) }, sources, clock(), context)
      // as every bounded answer says it was cut (docs/food.md, "Bounded answers"); absent when it was not
      return cutAtItems !== undefined ? { ...page, truncated: true } : page
    },
  )

  const feed = new AlertFeed(ledger, { sources, clock, computedIntervalMs: limits.computedIntervalMs })
  const open = new Set<AlertStream>()
  /** open streams by client address group (rate-limits.ts addressGroup) */
  const byAddress = new Map<string, number>()
  app.addHook('preClose', async () => {
    for (const stream of [...open]) stream.end('the node is shutting down')
  })
  app.addHook('onClose', async () => feed.close())

  app.get(
    '/v1/alerts/stream',
    {
      schema: {
        summary: 'New alerts as server-sent events (text/event-stream), each as the commit that raised it is durable; resume with Last-Event-ID',
        tags: ['alerts'],
        querystring: {
          type: 'object',
          properties: {
            ...ALERT_FILTER_PROPERTIES,
            lastEventId: { type: 'string', minLength: 1, maxLength: 2048, description: 'as the Last-Event-ID header, for a client that cannot set headers: the alerts after this one first' },
          },
          additionalProperties: false,
        },
        headers: { type: 'object', properties: { 'last-event-id': { type: 'string', minLength: 1, maxLength: 2048 } } },
        response: {
          200: {
            description: 'events `alert` (data: the alert as GET /v1/alerts has it; id: its position) and `closing`; comment lines as heartbeats',
            content: { [EVENT_STREAM]: { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (request, reply) => {
      const query = request.query as AlertFilterQuery & { lastEventId?: string }
      const resumeFrom = (request.headers['last-event-id'] as string | undefined) ?? query.lastEventId
      if (resumeFrom !== undefined) parsePageToken(resumeFrom)
      if (open.size >= limits.max) {
        reply.header('retry-after', '30')
        throw new TracechainError('TOO_MANY_STREAMS', `this node serves ${limits.max} alert streams at once and all are open; retry later`, { max: limits.max })
      }
      const { filter, cutAtItems } = await alertFilterOf(query, ledger.records, lots)
      // One client must not hold every stream the node serves and shut the others out. Counted after the last
      // await, so that requests sent together cannot all pass before the first is counted.
      // A client on the node's Unix socket has no address: those share one count.
      const address = addressGroup((request.ip as string | undefined) ?? 'unix')
      if ((byAddress.get(address) ?? 0) >= limits.perAddress) {
        reply.header('retry-after', '30')
        throw new TracechainError('RATE_LIMITED', `this address already has ${limits.perAddress} alert streams open; close one or retry later`, { max: limits.perAddress, retryAfterSeconds: 30 })
      }
      reply.hijack()
      // A stream's headers go out with its first bytes, and a HEAD answer has none: it would never be answered.
      if (request.method === 'HEAD') {
        reply.raw.writeHead(200, EVENT_STREAM_HEADERS).end()
        return
      }
      let unsubscribe = () => {}
      const stream = new AlertStream(
        reply.raw,
        limits.heartbeatMs,
        () => {
          unsubscribe()
          if (open.delete(stream)) {
            const left = (byAddress.get(address) ?? 1) - 1
            if (left > 0) byAddress.set(address, left)
            else byAddress.delete(address)
          }
        },
        limits.maxPending,
      )
      open.add(stream)
      byAddress.set(address, (byAddress.get(address) ?? 0) + 1)
      if (cutAtItems !== undefined) stream.sendTruncated(lotCutMessage(query.lot as string, cutAtItems))
      await serveStream(app, stream, { ledger, sources, clock, feed, filter, context, ...(resumeFrom !== undefined ? { resumeFrom } : {}) }, (off) => (unsubscribe = off))
    },
  )
}

interface StreamSource {
  ledger: Ledger
  sources: AlertSource[]
  clock: () => Date
  feed: AlertFeed
  filter: AlertFilter
  context: { idKey?(id: string): string }
  resumeFrom?: string
}

/**
 * Subscribes first, then replays what the client missed (after its last id, or from `since`), then sends
 * what arrived meanwhile that the replay did not hold, then each new alert as it comes, in order.
 */
async function serveStream(app: FastifyInstance, stream: AlertStream, source: StreamSource, setUnsubscribe: (off: () => void) => void): Promise<void> {
  const { ledger, sources, clock, feed, filter, context, resumeFrom } = source
  const matches = alertMatcher(ledger, filter, context)
  let held: PlacedAlert[] | undefined = resumeFrom !== undefined || filter.since !== undefined ? [] : undefined
  let told = Promise.resolve()
  setUnsubscribe(
    feed.subscribe((alerts) => {
      told = told.then(async () => {
        for (const placed of alerts) {
          if (stream.closed || !(await matches(placed.alert))) continue
          if (!held) stream.send(placed)
          // held while the replay waits for a client that may not read: pending events as much as those written
          else if (held.push(placed) > stream.maxPending) stream.cutOff()
        }
      })
    }),
  )
  if (!held) return
  const replayed = new Set<string>()
  try {
    let pageToken = resumeFrom
    do {
      const page = await listPlacedAlerts(ledger, { ...filter, limit: REPLAY_PAGE, ...(pageToken !== undefined ? { pageToken } : {}) }, sources, clock(), context)
      for (const placed of page.placed) {
        stream.send(placed)
        replayed.add(placed.position)
      }
      await stream.drained()
      pageToken = page.nextPageToken
    } while (pageToken !== undefined && !stream.closed)
  } catch (error) {
    app.log.error({ err: error }, 'alert stream replay failed')
    stream.end('the node could not read the alerts to replay; reconnect to try again')
    return
  }
  await told
  const meanwhile = held
  held = undefined
  for (const placed of meanwhile) if (!replayed.has(placed.position)) stream.send(placed)
}
