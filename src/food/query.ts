// The EPCIS 2.0 query subset behind GET /v1/events (EPCIS 2.0 section 8.2.7 SimpleEventQuery, REST
// binding openapi.yaml "GET /events"): parameters parsed and checked here, candidates read from the
// most selective food index, every condition then checked against the event as signed.

import { toHex } from '../core/bytes.js'
import { canonicalBytes } from '../core/canonical-json.js'
import { fail } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import type { Ledger } from '../ledger/ledger.js'
import { normaliseBizStep, normaliseDisposition } from './cbv.js'
import { identifierKey, parseIdentifier } from './identifiers.js'
import { isInstant, parseInstant } from './dates.js'
import { EPCIS_CONTEXT } from './epcis-schema.js'
import type { EpcisEvent } from './objects.js'
import { inChunks, readSignedEvent } from './signed-events.js'
import { SEP, SEP_END, SPACES, prefixRange, seqKey, type FoodEventRecord, type ObjectEventLink } from './records.js'

/** The REST binding's default page size (openapi.yaml components.schemas.PerPage). */
export const DEFAULT_PER_PAGE = 30
export const MAX_PER_PAGE = 1000
/** Candidates examined per request before a short page is returned with a token to continue. */
export const MAX_SCANNED = 50_000

/** MATCH_* parameters and the event fields each one looks in (EPCIS 2.0 section 8.2.7.1). */
const MATCH_FIELDS = {
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
type MatchParameter = keyof typeof MATCH_FIELDS

const LIST_PARAMETERS = ['eventType', 'EQ_action', 'EQ_bizStep', 'EQ_disposition', 'EQ_readPoint', 'EQ_bizLocation', 'EQ_eventID'] as const
const SINGLE_PARAMETERS = ['GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'LT_recordTime', 'orderBy', 'orderDirection', 'eventCountLimit', 'perPage', 'nextPageToken'] as const
export const SUPPORTED_PARAMETERS = [...LIST_PARAMETERS, ...(Object.keys(MATCH_FIELDS) as MatchParameter[]), ...SINGLE_PARAMETERS] as const

export interface EventQuery {
  eventTypes?: Set<string>
  actions?: Set<string>
  bizSteps?: Set<string>
  dispositions?: Set<string>
  /** location keys */
  readPoints?: Set<string>
  bizLocations?: Set<string>
  eventIds?: Set<string>
  /** each MATCH_* parameter given: any of its keys in any of its fields; all parameters must hold */
  matches: { parameter: MatchParameter; keys: Set<string> }[]
  /** UTC, milliseconds, as the indexes keep them */
  geEventTime?: string
  ltEventTime?: string
  geRecordTime?: string
  ltRecordTime?: string
  direction: 'ASC' | 'DESC'
  perPage: number
  /** events still allowed across this and later pages (eventCountLimit) */
  remaining?: number
  /** continue after this position (from nextPageToken) */
  after?: Position
  /** identifies the query, so a page token is not replayed against another one */
  fingerprint: string
}

interface Position {
  eventTime: string
  seq: number
}

export interface EventPage {
  events: Record<string, unknown>[]
  /** extra JSON-LD contexts the events declare (namespace prefixes of their extensions) */
  contexts: unknown[]
  nextPageToken?: string
}

type RawQuery = Record<string, string | string[] | undefined>

/**
 * Parses the query string of GET /v1/events (attacker-controlled). Lists are pipe-delimited as in
 * the REST binding, or comma-separated; repeating a parameter adds to its list. Throws
 * QUERY_PARAMETER_UNSUPPORTED for a parameter outside the subset, BAD_REQUEST for a malformed value,
 * IDENTIFIER_INVALID / CHECK_DIGIT_INVALID for an EPC or location that does not parse.
 */
export function parseEventQuery(raw: RawQuery): EventQuery {
  for (const name of Object.keys(raw)) {
    if (!(SUPPORTED_PARAMETERS as readonly string[]).includes(name)) {
      fail('QUERY_PARAMETER_UNSUPPORTED', `query parameter ${name} is not supported; supported: ${SUPPORTED_PARAMETERS.join(', ')}`, {
        parameter: name,
        supported: SUPPORTED_PARAMETERS,
      })
    }
  }
  const single = (name: string): string | undefined => {
    const value = raw[name]
    if (Array.isArray(value)) fail('BAD_REQUEST', `${name} given ${value.length} times; it takes one value`, { parameter: name })
    return value === undefined || value === '' ? undefined : value
  }
  const list = (name: string, identifiers: boolean): string[] | undefined => {
    const value = raw[name]
    if (value === undefined) return undefined
    const items = (Array.isArray(value) ? value : [value]).flatMap((v) => splitList(v, identifiers))
    if (items.length === 0) fail('BAD_REQUEST', `${name} is empty`, { parameter: name })
    return items
  }
  const keysOf = (name: string) => {
    const items = list(name, true)
    return items && new Set(items.map(keyOf))
  }
  const set = (name: string, normalise: (v: string) => string = (v) => v) => {
    const items = list(name, false)
    return items && new Set(items.map(normalise))
  }

  const actions = set('EQ_action')
  for (const action of actions ?? []) {
    if (!['ADD', 'OBSERVE', 'DELETE'].includes(action)) fail('BAD_REQUEST', `EQ_action ${action} is not ADD, OBSERVE or DELETE`, { parameter: 'EQ_action' })
  }
  const orderBy = single('orderBy')
  if (orderBy !== undefined && orderBy !== 'eventTime') {
    fail('QUERY_PARAMETER_UNSUPPORTED', `orderBy ${orderBy} is not supported; results can be ordered by eventTime`, { parameter: 'orderBy' })
  }
  const orderDirection = single('orderDirection')
  if (orderDirection !== undefined && orderDirection !== 'ASC' && orderDirection !== 'DESC') {
    fail('BAD_REQUEST', `orderDirection ${orderDirection} is not ASC or DESC`, { parameter: 'orderDirection' })
  }
  const eventCountLimit = integer('eventCountLimit', single('eventCountLimit'), 1, Number.MAX_SAFE_INTEGER)
  const perPage = integer('perPage', single('perPage'), 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE

  const query: EventQuery = {
    eventTypes: set('eventType'),
    actions,
    bizSteps: set('EQ_bizStep', normaliseBizStep),
    dispositions: set('EQ_disposition', normaliseDisposition),
    readPoints: keysOf('EQ_readPoint'),
    bizLocations: keysOf('EQ_bizLocation'),
    eventIds: set('EQ_eventID'),
    matches: [],
    geEventTime: time('GE_eventTime', single('GE_eventTime')),
    ltEventTime: time('LT_eventTime', single('LT_eventTime')),
    geRecordTime: time('GE_recordTime', single('GE_recordTime')),
    ltRecordTime: time('LT_recordTime', single('LT_recordTime')),
    // Without orderBy our order is eventTime ascending; with it the binding's default is DESC.
    direction: (orderDirection as 'ASC' | 'DESC' | undefined) ?? (orderBy ? 'DESC' : 'ASC'),
    perPage,
    remaining: eventCountLimit,
    fingerprint: '',
  }
  for (const parameter of Object.keys(MATCH_FIELDS) as MatchParameter[]) {
    const keys = keysOf(parameter)
    if (keys) query.matches.push({ parameter, keys })
  }
  query.fingerprint = fingerprintOf(raw)
  const token = single('nextPageToken')
  if (token !== undefined) {
    const cursor = parseToken(token, query.fingerprint)
    query.after = { eventTime: cursor.t, seq: cursor.s }
    if (cursor.n !== undefined) query.remaining = cursor.n
  }
  return query
}

/** One page of the events that match, in eventTime order (then seq), as signed plus recordTime. */
export async function queryEvents(ledger: Ledger, query: EventQuery): Promise<EventPage> {
  const limit = Math.min(query.perPage, query.remaining ?? Infinity)
  const events: Record<string, unknown>[] = []
  const contexts = new Map<string, unknown>()
  let scanned = 0
  let last: Position | undefined
  let more = false
  scan: for await (const chunk of inChunks(candidates(ledger, query))) {
    const records = await Promise.all(chunk.map((p) => ledger.records.get<FoodEventRecord>(SPACES.event, seqKey(p.seq))))
    const wanted = records.map((record) => record !== undefined && recordMatches(record, query))
    const signed = await Promise.all(chunk.map((p, i) => (wanted[i] ? readSignedEvent(ledger, p.seq) : undefined)))
    for (const [i, position] of chunk.entries()) {
      if (events.length === limit || scanned++ === MAX_SCANNED) {
        more = true
        break scan
      }
      last = position
      const read = signed[i]
      if (!read || !eventMatches(read.event, query)) continue
      const { '@context': context, ...rest } = read.event as Record<string, unknown>
      for (const item of contextItems(context)) contexts.set(JSON.stringify(item), item)
      if (read.body !== (read.event as unknown)) {
        for (const item of contextItems(read.body['@context'])) contexts.set(JSON.stringify(item), item)
      }
      events.push({ ...rest, recordTime: read.entry.recordedAt })
    }
  }
  const remaining = query.remaining === undefined ? undefined : query.remaining - events.length
  const page: EventPage = { events, contexts: [...contexts.values()] }
  if (more && last && remaining !== 0) page.nextPageToken = formatToken({ t: last.eventTime, s: last.seq, n: remaining, f: query.fingerprint })
  return page
}

/** The EPCISQueryDocument of a page (EPCIS 2.0 JSON: JSON/EPCISQueryDocument.jsonld). */
export function buildQueryDocument(page: EventPage, creationDate: Date): Record<string, unknown> {
  return {
    '@context': [EPCIS_CONTEXT, ...page.contexts],
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: creationDate.toISOString(),
    epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: page.events } } },
  }
}

/** Candidate events in order, after the cursor, from the most selective index the query allows. */
async function* candidates(ledger: Ledger, query: EventQuery): AsyncGenerator<Position> {
  if (query.matches.length > 0) {
    // Objects first: a lot or pallet has few events. Take the parameter with the fewest values.
    const match = [...query.matches].sort((a, b) => a.keys.size - b.keys.size)[0]
    const found = new Map<number, Position>()
    for (const key of match.keys) {
      for (const [, link] of await ledger.records.range<ObjectEventLink>(SPACES.byObject, prefixRange(key))) {
        found.set(link.seq, { eventTime: link.eventTime, seq: link.seq })
      }
    }
    const sign = query.direction === 'ASC' ? 1 : -1
    const ordered = [...found.values()].filter((p) => inTimeBounds(p, query) && isAfter(p, query)).sort((a, b) => sign * comparePositions(a, b))
    yield* ordered
    return
  }
  const streams: AsyncGenerator<Position>[] = []
  const locations = query.bizLocations ?? query.readPoints
  if (locations) for (const key of locations) streams.push(scanTimeIndex(ledger, SPACES.byLocation, `${key}${SEP}`, query))
  else if (query.bizSteps) for (const step of query.bizSteps) streams.push(scanTimeIndex(ledger, SPACES.byStep, `${step}${SEP}`, query))
  else streams.push(scanTimeIndex(ledger, SPACES.byTime, '', query))
  yield* mergeOrdered(streams, query.direction)
}

/** Keys `prefix eventTime SEP seq` within the query's time bounds, after its cursor. */
async function* scanTimeIndex(ledger: Ledger, space: string, prefix: string, query: EventQuery): AsyncGenerator<Position> {
  const cursor = query.after ? `${prefix}${query.after.eventTime}${SEP}${seqKey(query.after.seq)}` : undefined
  const lower = query.geEventTime ? `${prefix}${query.geEventTime}` : prefix
  const upper = query.ltEventTime ? `${prefix}${query.ltEventTime}` : prefix === '' ? undefined : `${prefix.slice(0, -1)}${SEP_END}`
  const bounds: { gte?: string; gt?: string; lt?: string; reverse?: boolean } = {}
  if (query.direction === 'ASC') {
    if (cursor && cursor >= lower) bounds.gt = cursor
    else bounds.gte = lower
    if (upper !== undefined) bounds.lt = upper
  } else {
    bounds.reverse = true
    bounds.gte = lower
    if (cursor && (upper === undefined || cursor < upper)) bounds.lt = cursor
    else if (upper !== undefined) bounds.lt = upper
  }
  for await (const [key] of ledger.records.scan<unknown>(space, bounds)) {
    const [eventTime, seq] = key.slice(prefix.length).split(SEP)
    yield { eventTime, seq: parseInt(seq, 16) }
  }
}

/** Merges streams that are each in order into one, dropping repeats (an event at two of the locations asked for). */
async function* mergeOrdered(streams: AsyncGenerator<Position>[], direction: 'ASC' | 'DESC'): AsyncGenerator<Position> {
  const sign = direction === 'ASC' ? 1 : -1
  const heads = await Promise.all(streams.map(async (s) => (await s.next()).value as Position | undefined))
  let previous: Position | undefined
  for (;;) {
    let best = -1
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]
      if (head && (best < 0 || sign * comparePositions(head, heads[best] as Position) < 0)) best = i
    }
    if (best < 0) return
    const head = heads[best] as Position
    heads[best] = (await streams[best].next()).value as Position | undefined
    if (previous && comparePositions(previous, head) === 0) continue
    previous = head
    yield head
  }
}

function comparePositions(a: Position, b: Position): number {
  return a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.seq - b.seq
}

function inTimeBounds(p: Position, query: EventQuery): boolean {
  return (query.geEventTime === undefined || p.eventTime >= query.geEventTime) && (query.ltEventTime === undefined || p.eventTime < query.ltEventTime)
}

function isAfter(p: Position, query: EventQuery): boolean {
  if (!query.after) return true
  const order = comparePositions(p, query.after)
  return query.direction === 'ASC' ? order > 0 : order < 0
}

/** The conditions the index record can decide without reading the entry. */
function recordMatches(record: FoodEventRecord, query: EventQuery): boolean {
  if (!inTimeBounds(record, query)) return false
  if (query.eventTypes && !query.eventTypes.has(record.eventType)) return false
  if (query.actions && !(record.action && query.actions.has(record.action))) return false
  if (query.bizSteps && !(record.bizStep && query.bizSteps.has(record.bizStep))) return false
  if (query.dispositions && !(record.disposition && query.dispositions.has(record.disposition))) return false
  if (query.readPoints && !(record.readPoint && query.readPoints.has(record.readPoint))) return false
  if (query.bizLocations && !(record.bizLocation && query.bizLocations.has(record.bizLocation))) return false
  if (query.geRecordTime && record.recordedAt < query.geRecordTime) return false
  if (query.ltRecordTime && record.recordedAt >= query.ltRecordTime) return false
  return true
}

/** The conditions on the event's own fields: eventID and the MATCH_* lists, compared canonically. */
function eventMatches(event: EpcisEvent, query: EventQuery): boolean {
  if (query.eventIds && !(event.eventID && query.eventIds.has(event.eventID))) return false
  for (const { parameter, keys } of query.matches) {
    const values = MATCH_FIELDS[parameter].flatMap((field) => valuesOf(event[field]))
    if (!values.some((value) => keys.has(keyOrText(value)))) return false
  }
  return true
}

function valuesOf(field: unknown): string[] {
  if (typeof field === 'string') return [field]
  if (!Array.isArray(field)) return []
  return field.map((item) => (typeof item === 'string' ? item : (item as { epcClass?: string })?.epcClass)).filter((v): v is string => typeof v === 'string')
}

/** The canonical key of an EPC, class or location given in a query. Throws IDENTIFIER_INVALID / CHECK_DIGIT_INVALID. */
function keyOf(text: string): string {
  return identifierKey(parseIdentifier(text))
}

/** The key of a value inside a stored event; anything the parser refuses compares as its own text. */
function keyOrText(text: string): string {
  try {
    return keyOf(text)
  } catch {
    return text
  }
}

/**
 * Splits a list value: on '|' (the binding's pipeDelimited style) and on ','. For identifiers a comma
 * splits only before the next URI, since a lot in a Digital Link may itself hold a comma.
 */
function splitList(value: string, identifiers: boolean): string[] {
  const separator = identifiers ? /\||,(?=\s*(?:urn:|https?:\/\/))/i : /[|,]/
  return value
    .split(separator)
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

function time(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const instant = parseInstant(value)
  if (instant === undefined) fail('BAD_REQUEST', `${name} ${value} is not an RFC 3339 date-time with a zone`, { parameter: name })
  return instant
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) fail('BAD_REQUEST', `${name} ${value} is not an integer in ${min}..${max}`, { parameter: name })
  return n
}

function contextItems(context: unknown): unknown[] {
  const items = Array.isArray(context) ? context : context === undefined ? [] : [context]
  return items.filter((item) => item !== EPCIS_CONTEXT && !(typeof item === 'string' && /^https:\/\/ref\.gs1\.org\/standards\/epcis\/2\.0\.\d\/epcis-context\.jsonld$/.test(item)))
}

function fingerprintOf(raw: RawQuery): string {
  const { perPage: _perPage, nextPageToken: _token, ...rest } = raw
  const sorted = Object.fromEntries(Object.keys(rest).sort().map((k) => [k, rest[k]]))
  return toHex(sha256(canonicalBytes(sorted))).slice(0, 16)
}

interface Token {
  t: string
  s: number
  n?: number
  f: string
}

function formatToken(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url')
}

function parseToken(text: string, fingerprint: string): Token {
  let token: Token | undefined
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Token
  } catch {
    token = undefined
  }
  const valid =
    token &&
    typeof token.t === 'string' &&
    isInstant(token.t) &&
    Number.isSafeInteger(token.s) &&
    token.s >= 0 &&
    (token.n === undefined || (Number.isSafeInteger(token.n) && token.n > 0))
  if (!valid) fail('BAD_REQUEST', 'nextPageToken does not parse', { parameter: 'nextPageToken' })
  if (token?.f !== fingerprint) fail('BAD_REQUEST', 'nextPageToken belongs to a query with other parameters', { parameter: 'nextPageToken' })
  return token as Token
}
