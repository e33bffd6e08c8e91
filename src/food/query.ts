// Runs an EPCIS 2.0 SimpleEventQuery (EPCIS 2.0 section 8.2.7) for GET /v1/events: candidates read from
// the most selective food index, every condition then checked against the event as signed.

import { fail } from '../core/errors.js'
import type { Ledger } from '../ledger/ledger.js'
import { SEP, SEP_END, seqKey } from '../store/keys.js'
import { normaliseEventVocabulary } from './cbv.js'
import { preciseInstant } from './dates.js'
import { EPCIS_CONTEXT } from './epcis-schema.js'
import { asksObjectIndex, MATCH_FIELDS, MAX_SCANNED, type EventPage, type EventQuery, type Position } from './event-query.js'
import { keyOrText, type EpcisEvent } from './objects.js'
import { filtersMatch } from './event-filters.js'
import { prefixesOfContexts } from './json-ld-terms.js'
import { inScope, locationsWithin } from './location-hierarchy.js'
import { formatPageToken } from './page-token.js'
import { eventsMatching } from './queries.js'
import { SPACES, type FoodEventRecord } from './records.js'
import { inChunks, readSignedEvent } from './signed-events.js'

/** A candidate examined: where it is, and the event when it matches the query. */
interface Examined {
  position: Position
  match?: { event: Record<string, unknown>; body: Record<string, unknown>; record: FoodEventRecord; recordTime: string }
}

/**
 * The events the object index names for the query, read once per request; undefined when the candidates come
 * from the other indexes instead.
 */
type Named = Position[] | undefined

/** Every candidate in order, each checked: the index record first, then the event as signed. */
async function* examine(ledger: Ledger, query: EventQuery, named: Named): AsyncGenerator<Examined> {
  for await (const chunk of inChunks(candidates(ledger, query, named))) {
    const records = await Promise.all(chunk.map((p) => ledger.records.get<FoodEventRecord>(SPACES.event, seqKey(p.seq))))
    const wanted = records.map((record) => record !== undefined && recordMatches(record, query))
    const signed = await Promise.all(chunk.map((p, i) => (wanted[i] ? readSignedEvent(ledger, p.seq) : undefined)))
    for (const [i, position] of chunk.entries()) {
      const read = signed[i]
      const record = records[i]
      if (!read || !record || !eventMatches(read.event, read.body, query)) yield { position }
      else yield { position, match: { event: read.event as Record<string, unknown>, body: read.body, record, recordTime: read.entry.recordedAt } }
    }
  }
}

/**
 * One page of the events that match, in the query's order, as served (servedEvent). Throws QUERY_TOO_LARGE
 * when the query has a maxEventCount and more events match, or too many candidates to count them.
 */
export async function queryEvents(ledger: Ledger, given: EventQuery): Promise<EventPage> {
  const query = await withHierarchy(ledger, given)
  const named = await namedEvents(ledger, query)
  if (query.maxEventCount !== undefined && !query.after) await checkCount(ledger, query, named, query.maxEventCount)
  const limit = Math.min(query.perPage, query.remaining ?? Infinity)
  const events: Record<string, unknown>[] = []
  let scanned = 0
  let last: Position | undefined
  let more = false
  for await (const { position, match } of examine(ledger, query, named)) {
    if (scanned++ === MAX_SCANNED) {
      more = true
      break
    }
    if (!match) {
      if (events.length < limit) last = position
      continue
    }
    // A full page links to a next one only when a further event matches.
    if (events.length === limit) {
      more = true
      break
    }
    last = position
    events.push(servedEvent(match.event, match.body, match.record, match.recordTime))
  }
  const remaining = query.remaining === undefined ? undefined : query.remaining - events.length
  const page: EventPage = { events }
  // The next page resumes the path this one took, so a query past the object index does not read it again.
  const path = asksObjectIndex(query) && !named ? 'scan' : undefined
  if (more && last && remaining !== 0) page.nextPageToken = formatPageToken({ t: last.eventTime, s: last.seq, n: remaining, f: query.fingerprint, p: path })
  return page
}

/** The query with its WD_ locations resolved into the locations within them, as the master data says now. */
async function withHierarchy(ledger: Ledger, query: EventQuery): Promise<EventQuery> {
  if (!query.readPointsWithin && !query.bizLocationsWithin) return query
  const [readPoint, bizLocation] = await Promise.all([query.readPointsWithin, query.bizLocationsWithin].map((keys) => keys && locationsWithin(ledger, keys)))
  return { ...query, within: { readPoint, bizLocation } }
}

async function checkCount(ledger: Ledger, query: EventQuery, named: Named, max: number): Promise<void> {
  let scanned = 0
  let count = 0
  for await (const { match } of examine(ledger, query, named)) {
    if (scanned++ === MAX_SCANNED) fail('QUERY_TOO_LARGE', `more than ${MAX_SCANNED} candidate events to count against maxEventCount ${max}; narrow the query`, { maxEventCount: max })
    if (match && ++count > max) fail('QUERY_TOO_LARGE', `more than maxEventCount ${max} events match`, { maxEventCount: max })
  }
}

/**
 * An event as a query serves it: CBV values in the bare form GS1's schema asks for (the signed original is
 * the entry, GET /v1/entries/{seq}), its hash ID as eventID when it has none, recordTime, and the
 * contexts it was signed under on the event itself, so its terms expand as they were meant whatever the
 * other events of the page define.
 */
function servedEvent(event: Record<string, unknown>, body: Record<string, unknown>, record: FoodEventRecord, recordTime: string): Record<string, unknown> {
  const { '@context': context, ...rest } = normaliseEventVocabulary(event) as Record<string, unknown>
  const own = [...contextItems(context), ...(body !== event ? contextItems(body['@context']) : [])]
  const unique = [...new Map(own.map((item) => [JSON.stringify(item), item])).values()]
  return {
    ...(unique.length > 0 ? { '@context': unique } : {}),
    ...rest,
    ...(rest.eventID === undefined ? { eventID: record.hashId } : {}),
    recordTime,
  }
}

/** The EPCISQueryDocument of a page (EPCIS 2.0 JSON: JSON/EPCISQueryDocument.jsonld). */
export function buildQueryDocument(page: EventPage, creationDate: Date): Record<string, unknown> {
  return {
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: creationDate.toISOString(),
    epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: page.events } } },
  }
}

/** Candidate events in order, after the cursor, from the most selective index the query allows. */
async function* candidates(ledger: Ledger, query: EventQuery, named: Named): AsyncGenerator<Position> {
  if (query.orderBy === 'recordTime') {
    yield* inLogOrder(ledger, query, named)
    return
  }
  if (query.eventIds) {
    // An id names one event, or one content claimed by a few actors.
    yield* mergeOrdered([...query.eventIds].filter((id) => id !== '' && !id.includes(SEP)).map((id) => scanTimeIndex(ledger, SPACES.byEventId, `${id}${SEP}`, query)), query.direction)
    return
  }
  if (named) {
    const ordered = named.filter((p) => inTimeBounds(p, query) && isAfter(p, query))
    yield* query.direction === 'ASC' ? ordered : ordered.reverse()
    return
  }
  const streams: AsyncGenerator<Position>[] = []
  const locations = query.bizLocations ?? query.readPoints ?? query.within?.bizLocation?.indexKeys ?? query.within?.readPoint?.indexKeys
  if (locations) for (const key of locations) streams.push(scanTimeIndex(ledger, SPACES.byLocation, `${key}${SEP}`, query))
  else if (query.bizSteps) for (const step of query.bizSteps) streams.push(scanTimeIndex(ledger, SPACES.byStep, `${step}${SEP}`, query))
  else streams.push(scanTimeIndex(ledger, SPACES.byTime, '', query))
  yield* mergeOrdered(streams, query.direction)
}

/**
 * The events the object index names for the query's most selective MATCH_ parameter, in eventTime order: objects
 * first, as a lot or pallet has few events. Takes the parameter with the fewest values, exact ids before patterns;
 * undefined (leave it to another index) when the query has none, names events by id, or when its objects are named
 * in more than a scan's worth of events, now or on an earlier page (candidatePath 'scan').
 */
async function namedEvents(ledger: Ledger, query: EventQuery): Promise<Named> {
  if (!asksObjectIndex(query) || query.candidatePath === 'scan') return undefined
  const match = [...query.matches].sort((a, b) => a.patterns.length - b.patterns.length || a.keys.size - b.keys.size)[0]
  const links = await eventsMatching(ledger.records, match.keys, match.patterns, MAX_SCANNED)
  return links?.map(({ eventTime, seq }) => ({ eventTime, seq }))
}

/**
 * Candidates in the log's order (recordTime): the few an id or object index names, sorted by seq, else
 * every food event by seq from the cursor on (read as the page goes, within its scan).
 */
async function* inLogOrder(ledger: Ledger, query: EventQuery, named: Named): AsyncGenerator<Position> {
  const after = query.after?.seq
  const wanted = (p: Position) => inTimeBounds(p, query) && (after === undefined || (query.direction === 'ASC' ? p.seq > after : p.seq < after))
  if (query.eventIds || named) {
    const found: Position[] = []
    if (named) {
      for (const p of named) if (wanted(p)) found.push(p)
    } else {
      for await (const p of candidates(ledger, { ...query, orderBy: 'eventTime', direction: 'ASC', after: undefined }, undefined)) if (wanted(p)) found.push(p)
    }
    found.sort((x, y) => x.seq - y.seq)
    yield* query.direction === 'ASC' ? found : found.reverse()
    return
  }
  const bounds = after === undefined ? {} : query.direction === 'ASC' ? { gt: seqKey(after) } : { lt: seqKey(after) }
  for await (const [, record] of ledger.records.scan<FoodEventRecord>(SPACES.event, { ...bounds, reverse: query.direction === 'DESC' })) {
    const p = { eventTime: record.eventTime, seq: record.seq }
    if (wanted(p)) yield p
  }
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
  if (query.within?.readPoint && !inScope(record.readPoint, query.within.readPoint)) return false
  if (query.within?.bizLocation && !inScope(record.bizLocation, query.within.bizLocation)) return false
  if (query.eventIds && !(query.eventIds.has(record.hashId) || (record.eventId !== undefined && query.eventIds.has(record.eventId)))) return false
  const recordTime = query.geRecordTime || query.ltRecordTime ? preciseInstant(record.recordedAt) : undefined
  if (query.geRecordTime && recordTime !== undefined && recordTime < query.geRecordTime) return false
  if (query.ltRecordTime && recordTime !== undefined && recordTime >= query.ltRecordTime) return false
  return true
}

/**
 * The conditions on the event's own fields: the MATCH_* lists, compared canonically, eventTime bounds finer
 * than the index, and the filters, which read its terms under the contexts it was signed with.
 */
function eventMatches(event: EpcisEvent, body: Record<string, unknown>, query: EventQuery): boolean {
  if (query.exactEventTime) {
    const { ge, lt } = query.exactEventTime
    const time = preciseInstant(String(event.eventTime))
    if (time === undefined || (ge !== undefined && time < ge) || (lt !== undefined && time >= lt)) return false
  }
  for (const { parameter, keys, patterns } of query.matches) {
    const values = MATCH_FIELDS[parameter].flatMap((field) => valuesOf(event[field])).map(keyOrText)
    if (!values.some((key) => keys.has(key) || patterns.some((pattern) => pattern.test(key)))) return false
  }
  if (!query.filters) return true
  // CBV values as their bare names, compact IRIs read under the event's own context (as served).
  const own = normaliseEventVocabulary(event) as Record<string, unknown>
  return filtersMatch(own, query.filters, prefixesOfContexts([body['@context'], own['@context']]))
}

function valuesOf(field: unknown): string[] {
  if (typeof field === 'string') return [field]
  if (!Array.isArray(field)) return []
  return field.map((item) => (typeof item === 'string' ? item : (item as { epcClass?: string })?.epcClass)).filter((v): v is string => typeof v === 'string')
}

function contextItems(context: unknown): unknown[] {
  const items = Array.isArray(context) ? context : context === undefined ? [] : [context]
  return items.filter((item) => item !== EPCIS_CONTEXT && !(typeof item === 'string' && /^https:\/\/ref\.gs1\.org\/standards\/epcis\/2\.0\.\d\/epcis-context\.jsonld$/.test(item)))
}

