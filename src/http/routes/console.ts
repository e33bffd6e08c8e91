// GET /console: the regulators' and inspectors' console of alerts (web/console-page.ts), and GET
// /console/rows: the cards of alerts after one the page shows, which its script asks for when the stream
// says a new one was raised. Both read the filters of the page's GET form.

import type { FastifyPluginAsync } from 'fastify'
import { heldInstant } from '../../core/date-time.js'
import { decodeEnvelope } from '../../core/dsse.js'
import { fail } from '../../core/errors.js'
import { parseStatementPayload } from '../../core/statement.js'
import { formatPageToken, listPlacedAlerts, type AlertFilter, type AlertSource, type PlacedAlert } from '../../ledger/alerts.js'
import type { Ledger } from '../../ledger/ledger.js'
import { buildAlertChart, localDate, startOfLocalDate } from '../../web/alert-chart.js'
import type { ConsoleAlert } from '../../web/alert-list.js'
import { actorProfile, type ActorProfile, type EvidenceEntry } from '../../web/bound-view.js'
import { NO_WEBHOOKS, type WebhookStatusSource } from './webhooks.js'
import { consoleQuery, renderConsole, renderFreshCards, type ConsoleFilter } from '../../web/console-page.js'
import type { LotDirectory } from '../../web/explorer.js'
import { nameIn, type Bilingual, type Lang } from '../../web/i18n.js'
import { htmlReply, langOf } from '../html-reply.js'
import { alertFilterOf, normaliseTime, type AlertFilterQuery } from './alerts.js'
import { OPTIONAL_ORG_PATTERN } from '../../ledger/alert-filter.js'

/** Alerts on one page of the console. */
export const CONSOLE_PAGE_SIZE = 30
/** Alerts the chart counts at most. */
export const CHART_LIMIT = 20_000
/** The days the chart covers when the reader chose no dates, and when those were quiet. */
export const CHART_DEFAULT_DAYS = 30
export const CHART_QUIET_DAYS = 365
/** Cards one request for new alerts returns at most; the page asks again for the rest. */
export const FRESH_CARDS = 20

const DAY_MS = 86_400_000
const DATE = '^(\\d{4}-\\d{2}-\\d{2})?$'
const FILTER_QUERY = {
  lang: { enum: ['zh', 'en'] },
  kind: { type: 'string', pattern: '^([A-Z][A-Z0-9_]*)?$', maxLength: 64 },
  org: { type: 'string', pattern: OPTIONAL_ORG_PATTERN },
  seal: { type: 'string', pattern: '^([A-Za-z0-9._-]{1,64})?$' },
  lot: { type: 'string', maxLength: 512 },
  from: { type: 'string', pattern: DATE, description: 'the first local day (China Standard Time), YYYY-MM-DD' },
  to: { type: 'string', pattern: DATE, description: 'the last local day, YYYY-MM-DD' },
} as const

type ConsoleQuery = Partial<ConsoleFilter> & { lang?: Lang; pageToken?: string; after?: string }

/** The form as filled, trimmed, its dates in order. */
function formOf(query: ConsoleQuery): ConsoleFilter {
  const filter: ConsoleFilter = {
    kind: query.kind ?? '',
    org: query.org ?? '',
    seal: query.seal ?? '',
    lot: (query.lot ?? '').trim(),
    from: query.from ?? '',
    to: query.to ?? '',
  }
  if (filter.from !== '' && filter.to !== '' && filter.from > filter.to) [filter.from, filter.to] = [filter.to, filter.from]
  return filter
}

/** The form's filter in the API's terms: its dates as the instants their local days start and end. */
function apiQuery(form: ConsoleFilter): AlertFilterQuery {
  const query: AlertFilterQuery = {}
  if (form.kind !== '') query.kind = form.kind
  if (form.org !== '') query.org = form.org
  if (form.seal !== '') query.seal = form.seal
  if (form.lot !== '') query.lot = form.lot
  // Held to years 0000..9999 as the routes take them: 0000-01-01 starts in year -1 in UTC.
  if (form.from !== '') query.since = heldInstant(startOfLocalDate(form.from))
  if (form.to !== '') query.until = heldInstant(startOfLocalDate(form.to) + DAY_MS)
  return query
}

export interface ConsoleRouteOptions {
  ledger: Ledger
  sources: AlertSource[]
  clock: () => Date
  lots?: LotDirectory
  /** the node's webhooks, shown on the alerts page */
  webhooks?: WebhookStatusSource
}

export const consoleRoutes: FastifyPluginAsync<ConsoleRouteOptions> = async (app, { ledger, sources, clock, lots, webhooks = NO_WEBHOOKS }) => {
  const context = lots?.idKey ? { idKey: lots.idKey } : {}

  /** The cards' data: each alert's entries read from the log, its ids' pages, and the signers' registrations. */
  const cardsOf = async (placed: readonly PlacedAlert[]) => {
    const entries = new Map<number, EvidenceEntry | undefined>()
    for (const seq of new Set(placed.flatMap((p) => p.alert.seqs))) {
      try {
        const { entry } = await ledger.getEntry(seq)
        entries.set(seq, { seq, recordedAt: entry.recordedAt, statement: parseStatementPayload(decodeEnvelope(entry.envelope).payload) })
      } catch {
        entries.set(seq, undefined) // an entry that does not read is the audit's to name; the card leaves it out
      }
    }
    const actors = new Map<string, ActorProfile>()
    const alerts: ConsoleAlert[] = placed.map(({ position, alert }) => {
      const own = [...new Set(alert.seqs)].sort((a, b) => a - b).flatMap((seq) => entries.get(seq) ?? [])
      for (const { statement } of own) {
        const record = ledger.actors.get(statement.actor)
        if (record) actors.set(record.id, actorProfile(record))
      }
      const idPaths = new Map<string, string>()
      for (const id of alert.ids ?? []) {
        const path = lots?.pagePathOf?.(id)
        if (path !== undefined) idPaths.set(id, path)
      }
      return { position, alert, entries: own, idPaths }
    })
    return { alerts, actors }
  }

  /** Every organisation in the registry, named by its first actors. */
  const organisations = (lang: Lang) => {
    const byOrg = new Map<string, string[]>()
    for (const actor of ledger.actors.all()) {
      if (actor.org === undefined) continue
      const names = byOrg.get(actor.org) ?? []
      names.push(nameIn(actor.name as Bilingual, lang, actor.id))
      byOrg.set(actor.org, names)
    }
    return [...byOrg.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, names]) => ({ id, name: `${names.slice(0, 2).join(lang === 'zh' ? '、' : ', ')}${names.length > 2 ? (lang === 'zh' ? ' 等' : ' …') : ''} (${id})` }))
  }

  /** The chart's counts, newest first up to CHART_LIMIT, over [since, until). */
  const countAlerts = async (filter: AlertFilter, since: string, until: string, now: Date) => {
    const counted: PlacedAlert[] = []
    let pageToken: string | undefined
    do {
      const page = await listPlacedAlerts(ledger, { ...filter, since, until, order: 'desc', limit: 1000, ...(pageToken ? { pageToken } : {}) }, sources, now, context)
      counted.push(...page.placed)
      pageToken = page.nextPageToken
    } while (pageToken !== undefined && counted.length < CHART_LIMIT)
    return buildAlertChart(counted.slice(0, CHART_LIMIT).map((p) => p.alert), since, until, pageToken !== undefined)
  }

  /**
   * The chart over the chosen dates; without them, over the last 30 days, or the last year when those
   * hold no alert (a quiet month still shows what came before). Returns the days it covers too.
   */
  const chartOf = async (filter: AlertFilter, now: Date) => {
    const until = filter.until ?? new Date(startOfLocalDate(localDate(now.getTime())) + DAY_MS).toISOString()
    const before = (days: number) => new Date(Date.parse(until) - days * DAY_MS).toISOString()
    if (filter.since !== undefined || filter.until !== undefined) return { chart: await countAlerts(filter, filter.since ?? before(CHART_DEFAULT_DAYS), until, now), days: undefined }
    const recent = await countAlerts(filter, before(CHART_DEFAULT_DAYS), until, now)
    if (recent.total > 0) return { chart: recent, days: CHART_DEFAULT_DAYS }
    return { chart: await countAlerts(filter, before(CHART_QUIET_DAYS), until, now), days: CHART_QUIET_DAYS }
  }

  const querySchema = (extra: Record<string, unknown>) => ({ type: 'object', properties: { ...FILTER_QUERY, ...extra }, additionalProperties: false })
  const token = { type: 'string', minLength: 1, maxLength: 2048 }

  app.get(
    '/console',
    {
      schema: {
        summary: 'The console of alerts for regulators and inspectors (HTML): filters, a chart per kind over time, the alerts newest first, live',
        tags: ['web'],
        querystring: querySchema({ pageToken: { ...token, description: "the previous page's link: older alerts" } }),
      },
    },
    async (request, reply) => {
      const lang = langOf(request)
      const query = request.query as ConsoleQuery
      const form = formOf(query)
      const api = apiQuery(form)
      const { filter, cutAtItems } = await alertFilterOf(api, ledger.records, lots)
      const now = clock()
      const page = await listPlacedAlerts(ledger, { ...filter, order: 'desc', limit: CONSOLE_PAGE_SIZE, ...(query.pageToken ? { pageToken: query.pageToken } : {}) }, sources, now, context)
      const { alerts, actors } = await cardsOf(page.placed)
      const newest = query.pageToken === undefined
      const canGrow = newest && (filter.until === undefined || filter.until > now.toISOString())
      // Live from what the page shows: after its newest card, or from now when it shows none.
      const streamParams = new URLSearchParams(api as Record<string, string>)
      const from: Record<string, string> =
        page.placed.length > 0 ? { after: formatPageToken(page.placed[0].position) } : { since: filter.since !== undefined && filter.since > now.toISOString() ? filter.since : now.toISOString() }
      if (from.after !== undefined) streamParams.set('lastEventId', from.after)
      else streamParams.set('since', from.since)
      const html = renderConsole(
        {
          filter: form,
          ...(cutAtItems !== undefined ? { lotCutAtItems: cutAtItems } : {}),
          alerts,
          actors,
          ...(await chartOf(filter, now).then(({ chart, days }) => ({ chart, ...(days !== undefined ? { chartDays: days } : {}) }))),
          chartLimit: CHART_LIMIT,
          orgs: organisations(lang),
          ...(page.nextPageToken !== undefined ? { olderToken: page.nextPageToken } : {}),
          newest,
          webhooks: await webhooks.status(),
          ...(canGrow ? { live: { stream: `/v1/alerts/stream?${streamParams}`, rows: `/console/rows?${consoleQuery(form, lang, from)}` } } : {}),
        },
        lang,
        request.url,
      )
      return htmlReply(reply, 200).header('cache-control', 'no-cache').header('vary', 'Accept-Language').send(html)
    },
  )

  app.get(
    '/console/rows',
    {
      schema: {
        summary: "The console's cards of the alerts after one it shows (an HTML fragment, oldest first), for its live updates",
        tags: ['web'],
        querystring: querySchema({
          after: { ...token, description: 'the position (data-position) of the newest card the page shows' },
          since: { type: 'string', format: 'date-time', description: 'for a page that shows no card yet: alerts at or after this time' },
        }),
      },
    },
    async (request, reply) => {
      const lang = langOf(request)
      const query = request.query as ConsoleQuery & { after?: string; since?: string }
      if ((query.after === undefined) === (query.since === undefined)) fail('BAD_REQUEST', 'name one of after (a card\'s position) or since (a time)')
      // the page these cards join already says when its lot filter was cut short
      const { filter } = await alertFilterOf(apiQuery(formOf(query)), ledger.records, lots)
      const since = query.since !== undefined ? normaliseTime('since', query.since) : undefined
      if (since !== undefined && (filter.since === undefined || since > filter.since)) filter.since = since
      const page = await listPlacedAlerts(ledger, { ...filter, ...(query.after !== undefined ? { pageToken: query.after } : {}), limit: FRESH_CARDS }, sources, clock(), context)
      const { alerts, actors } = await cardsOf(page.placed)
      return htmlReply(reply, 200)
        .header('cache-control', 'no-store')
        .header('x-more-alerts', page.nextPageToken !== undefined ? 'true' : 'false')
        .send(renderFreshCards(alerts, actors, lang))
    },
  )
}
