// GET /v1/events parameters (EPCIS 2.0 section 8.2.7 SimpleEventQuery, REST binding openapi.yaml
// "GET /events"): parsed and checked into an EventQuery that query.ts runs.

import { toHex } from '../core/bytes.js'
import { canonicalBytes } from '../core/canonical-json.js'
import { fail } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import { normaliseBizStep, normaliseDisposition } from './cbv.js'
import { instantParameter, preciseInstant } from './dates.js'
import { isEpcPattern, parsePattern, type KeyPattern } from './epc-patterns.js'
import { FILTER_PARAMETERS, isFilterParameter, parseEventFilters, type EventFilters } from './event-filters.js'
import { identifierKey, parseIdentifier } from './identifiers.js'
import type { EpcisEvent } from './objects.js'
import { parseExtensionsHeader } from './json-ld-terms.js'
import type { LocationScope } from './location-hierarchy.js'
import { parsePageToken, type CandidatePath } from './page-token.js'

/** The REST binding's default page size (openapi.yaml components.schemas.PerPage). */
export const DEFAULT_PER_PAGE = 30
export const MAX_PER_PAGE = 1000
/** Candidates examined per request before a short page is returned with a token to continue. */
export const MAX_SCANNED = 50_000

/** MATCH_* parameters and the event fields each one looks in (EPCIS 2.0 section 8.2.7.1). */
export const MATCH_FIELDS = {
  MATCH_epc: ['epcList', 'childEPCs'],
  MATCH_parentID: ['parentID'],
  MATCH_inputEPC: ['inputEPCList'],
  MATCH_outputEPC: ['outputEPCList'],
  MATCH_anyEPC: ['epcList', 'childEPCs', 'parentID', 'inputEPCList', 'outputEPCList'],
  MATCH_epcClass: ['quantityList', 'childQuantityList'],
  MATCH_inputEPCClass: ['inputQuantityList'],
  MATCH_outputEPCClass: ['outputQuantityList'],
  MATCH_anyEPCClass: ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'],
} as const satisfies Record<string, readonly (keyof EpcisEvent)[]>
export type MatchParameter = keyof typeof MATCH_FIELDS

const LIST_PARAMETERS = ['eventType', 'EQ_action', 'EQ_bizStep', 'EQ_disposition', 'EQ_readPoint', 'EQ_bizLocation', 'WD_readPoint', 'WD_bizLocation', 'EQ_eventID'] as const
const SINGLE_PARAMETERS = ['GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'LT_recordTime', 'orderBy', 'orderDirection', 'eventCountLimit', 'maxEventCount', 'perPage', 'nextPageToken'] as const
/** What results can be ordered by: eventTime, or recordTime, which is the log's order (seq). */
export const ORDER_BY = ['eventTime', 'recordTime'] as const
export const SUPPORTED_PARAMETERS = [...LIST_PARAMETERS, ...(Object.keys(MATCH_FIELDS) as MatchParameter[]), ...SINGLE_PARAMETERS] as const

export interface EventQuery {
  eventTypes?: Set<string>
  actions?: Set<string>
  bizSteps?: Set<string>
  dispositions?: Set<string>
  /** location keys */
  readPoints?: Set<string>
  bizLocations?: Set<string>
  /** location keys whose descendants are asked for too (WD_), resolved into `within` when the query runs */
  readPointsWithin?: Set<string>
  bizLocationsWithin?: Set<string>
  within?: { readPoint?: LocationScope; bizLocation?: LocationScope }
  eventIds?: Set<string>
  /** EXISTS_, extension and ILMD fields, quantities, sensor reports, error declarations (event-filters.ts) */
  filters?: EventFilters
  /** each MATCH_* parameter given: any of its keys in any of its fields; all parameters must hold */
  matches: { parameter: MatchParameter; keys: Set<string>; patterns: KeyPattern[] }[]
  /** UTC, milliseconds, as the indexes keep them: the bounds the index scan takes */
  geEventTime?: string
  ltEventTime?: string
  /** the eventTime bounds to the nanosecond (preciseInstant), where a bound is finer than milliseconds */
  exactEventTime?: { ge?: string; lt?: string }
  /** to the nanosecond (preciseInstant) */
  geRecordTime?: string
  ltRecordTime?: string
  direction: 'ASC' | 'DESC'
  /** recordTime: the log's order (seq), the node's clock at each append */
  orderBy: (typeof ORDER_BY)[number]
  perPage: number
  /** the whole answer may hold at most this many events, else QUERY_TOO_LARGE */
  maxEventCount?: number
  /** events still allowed across this and later pages (eventCountLimit) */
  remaining?: number
  /** continue after this position (from nextPageToken) */
  after?: Position
  /** where an earlier page found the candidates (from nextPageToken): 'scan' skips the object index */
  candidatePath?: CandidatePath
  /** identifies the query, so a page token is not replayed against another one */
  fingerprint: string
}

export interface Position {
  eventTime: string
  seq: number
}

export interface EventPage {
  events: Record<string, unknown>[]
  nextPageToken?: string
}

export type RawQuery = Record<string, string | string[] | undefined>

/** What GET /events/{eventID} takes beside the id. */
export const EVENT_ID_PARAMETERS = ['perPage', 'nextPageToken'] as const

/**
 * The query of GET /events/{eventID} (attacker-controlled): the events whose own eventID or hash ID is
 * `eventId`, taken whole (a comma in it separates nothing), a page at a time. Throws as parseEventQuery.
 */
export function parseEventIdQuery(eventId: string, raw: RawQuery): EventQuery {
  for (const name of Object.keys(raw)) {
    if (!(EVENT_ID_PARAMETERS as readonly string[]).includes(name)) {
      fail('QUERY_PARAMETER_UNSUPPORTED', `query parameter ${name} is not supported here; supported: ${EVENT_ID_PARAMETERS.join(', ')}`, {
        parameter: name,
        supported: EVENT_ID_PARAMETERS,
      })
    }
  }
  return parseEventQuery(raw, eventId)
}

/**
 * Parses the query string of GET /v1/events (attacker-controlled). Lists are pipe-delimited as in
 * the REST binding (a comma is part of a value: eventIDs and lots hold them); repeating a parameter adds
 * to its list. Throws QUERY_PARAMETER_UNSUPPORTED for a parameter outside the subset, BAD_REQUEST for a
 * malformed value, IDENTIFIER_INVALID / CHECK_DIGIT_INVALID for an EPC or location that does not parse.
 * `eventId`, when given, is the one eventID asked for (GET /events/{eventID}); `whole` names a parameter
 * whose value is one item, not a list (a path's value in the REST binding's sub-resources). `extensions`
 * is the request's GS1-Extensions header, whose `prefix=namespace` items say what prefixes in the filters mean.
 */
export function parseEventQuery(raw: RawQuery, eventId?: string, whole?: string, extensions?: string | string[]): EventQuery {
  const filterNames: string[] = []
  for (const name of Object.keys(raw)) {
    if ((SUPPORTED_PARAMETERS as readonly string[]).includes(name)) continue
    if (isFilterParameter(name)) {
      filterNames.push(name)
      continue
    }
    fail('QUERY_PARAMETER_UNSUPPORTED', `query parameter ${name} is not supported; supported: ${SUPPORTED_PARAMETERS.join(', ')}, ${FILTER_PARAMETERS}`, {
      parameter: name,
      supported: SUPPORTED_PARAMETERS,
    })
  }
  const single = (name: string): string | undefined => {
    const value = raw[name]
    if (Array.isArray(value)) fail('BAD_REQUEST', `${name} given ${value.length} times; it takes one value`, { parameter: name })
    return value === undefined || value === '' ? undefined : value
  }
  const list = (name: string): string[] | undefined => {
    const value = raw[name]
    if (value === undefined) return undefined
    const items = (Array.isArray(value) ? value : [value]).flatMap((v) => (name === whole ? [v.trim()] : splitList(v)))
    if (items.length === 0) fail('BAD_REQUEST', `${name} is empty`, { parameter: name })
    return items
  }
  const keysOf = (name: string) => {
    const items = list(name)
    return items && new Set(items.map(keyOf))
  }
  const set = (name: string, normalise: (v: string) => string = (v) => v) => {
    const items = list(name)
    return items && new Set(items.map(normalise))
  }

  const actions = set('EQ_action')
  for (const action of actions ?? []) {
    if (!['ADD', 'OBSERVE', 'DELETE'].includes(action)) fail('BAD_REQUEST', `EQ_action ${action} is not ADD, OBSERVE or DELETE`, { parameter: 'EQ_action' })
  }
  const orderBy = single('orderBy')
  if (orderBy !== undefined && !(ORDER_BY as readonly string[]).includes(orderBy)) {
    fail('QUERY_PARAMETER_UNSUPPORTED', `orderBy ${orderBy} is not supported; results can be ordered by ${ORDER_BY.join(' or ')}`, { parameter: 'orderBy' })
  }
  const orderDirection = single('orderDirection')
  if (orderDirection !== undefined && orderDirection !== 'ASC' && orderDirection !== 'DESC') {
    fail('BAD_REQUEST', `orderDirection ${orderDirection} is not ASC or DESC`, { parameter: 'orderDirection' })
  }
  const eventCountLimit = integer('eventCountLimit', single('eventCountLimit'), 1, Number.MAX_SAFE_INTEGER)
  const maxEventCount = integer('maxEventCount', single('maxEventCount'), 1, Number.MAX_SAFE_INTEGER)
  // EPCIS 2.0 section 8.2.7.1: a limit without an order is arbitrary, and the two limits exclude each other.
  if (eventCountLimit !== undefined && orderBy === undefined) fail('BAD_REQUEST', 'eventCountLimit needs orderBy: the first N events of no order are no particular events', { parameter: 'eventCountLimit' })
  if (eventCountLimit !== undefined && maxEventCount !== undefined) fail('BAD_REQUEST', 'eventCountLimit and maxEventCount may not be given together', { parameter: 'maxEventCount' })
  const perPage = integer('perPage', single('perPage'), 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE

  const geEventTime = time('GE_eventTime', single('GE_eventTime'))
  const ltEventTime = time('LT_eventTime', single('LT_eventTime'))
  const query: EventQuery = {
    eventTypes: set('eventType'),
    actions,
    bizSteps: set('EQ_bizStep', normaliseBizStep),
    dispositions: set('EQ_disposition', normaliseDisposition),
    readPoints: keysOf('EQ_readPoint'),
    bizLocations: keysOf('EQ_bizLocation'),
    readPointsWithin: keysOf('WD_readPoint'),
    bizLocationsWithin: keysOf('WD_bizLocation'),
    eventIds: eventId !== undefined ? new Set([eventId]) : set('EQ_eventID'),
    matches: [],
    filters: parseEventFilters(filterNames, (name) => filterValues(raw, name), parseExtensionsHeader(extensions)),
    geEventTime: geEventTime && millisecondsOf(geEventTime, 'floor'),
    ltEventTime: ltEventTime && millisecondsOf(ltEventTime, 'ceil'),
    ...(subMillisecond(geEventTime) || subMillisecond(ltEventTime) ? { exactEventTime: { ge: geEventTime, lt: ltEventTime } } : {}),
    geRecordTime: time('GE_recordTime', single('GE_recordTime')),
    ltRecordTime: time('LT_recordTime', single('LT_recordTime')),
    // Without orderBy our order is eventTime ascending; with it the binding's default is DESC.
    direction: (orderDirection as 'ASC' | 'DESC' | undefined) ?? (orderBy ? 'DESC' : 'ASC'),
    orderBy: (orderBy as EventQuery['orderBy'] | undefined) ?? 'eventTime',
    perPage,
    ...(maxEventCount !== undefined ? { maxEventCount } : {}),
    remaining: eventCountLimit,
    fingerprint: '',
  }
  for (const parameter of Object.keys(MATCH_FIELDS) as MatchParameter[]) {
    const items = list(parameter)
    if (!items) continue
    const patterns = items.filter(isEpcPattern).map(parsePattern)
    query.matches.push({ parameter, keys: new Set(items.filter((item) => !isEpcPattern(item)).map(keyOf)), patterns })
  }
  query.fingerprint = fingerprintOf({ ...raw, ...(eventId !== undefined ? { EQ_eventID: eventId } : {}), ...(extensions !== undefined ? { 'GS1-Extensions': extensions } : {}) })
  const token = single('nextPageToken')
  if (token !== undefined) {
    const cursor = parsePageToken(token, query.fingerprint)
    query.after = { eventTime: cursor.t, seq: cursor.s }
    if (cursor.n !== undefined) query.remaining = cursor.n
    if (cursor.p !== undefined) {
      // Only a query that asks the object index can have left it; no page of any other query carries a path.
      if (!asksObjectIndex(query)) fail('BAD_REQUEST', 'nextPageToken does not parse', { parameter: 'nextPageToken' })
      query.candidatePath = cursor.p
    }
  }
  return query
}

/** Whether the query's candidates come from the object index (its MATCH_ ids and patterns) while they name few enough events. */
export function asksObjectIndex(query: EventQuery): boolean {
  return query.matches.length > 0 && !query.eventIds
}

/** The canonical key of an EPC, class or location given in a query. Throws IDENTIFIER_INVALID / CHECK_DIGIT_INVALID. */
function keyOf(text: string): string {
  return identifierKey(parseIdentifier(text))
}

/** A filter's values, split on '|'; only EXISTS_ may be given empty. Throws BAD_REQUEST for an empty one. */
function filterValues(raw: RawQuery, name: string): string[] {
  const value = raw[name]
  const items = (Array.isArray(value) ? value : [value ?? '']).flatMap(splitList)
  if (items.length === 0 && !name.startsWith('EXISTS_')) fail('BAD_REQUEST', `${name} is empty`, { parameter: name })
  return items
}

/** Splits a list value on '|', the binding's pipeDelimited style. */
function splitList(value: string): string[] {
  return value
    .split('|')
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

function time(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  instantParameter(name, value)
  return preciseInstant(value)
}

const subMillisecond = (precise: string | undefined) => precise !== undefined && precise.slice(23, 29) !== '000000'

/** A precise instant as the indexes' milliseconds: the one it falls in, or for an exclusive upper bound the next when it is finer. */
function millisecondsOf(precise: string, round: 'floor' | 'ceil'): string {
  const ms = `${precise.slice(0, 23)}Z`
  return round === 'ceil' && subMillisecond(precise) ? new Date(Date.parse(ms) + 1).toISOString() : ms
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) fail('BAD_REQUEST', `${name} ${value} is not an integer in ${min}..${max}`, { parameter: name })
  return n
}

/** Identifies a query by its parameters other than paging, so a page token is not replayed against another query. */
export function fingerprintOf(raw: RawQuery): string {
  const { perPage: _perPage, nextPageToken: _token, ...rest } = raw
  const sorted = Object.fromEntries(Object.keys(rest).sort().map((k) => [k, rest[k]]))
  return toHex(sha256(canonicalBytes(sorted))).slice(0, 16)
}

