// Runs an EPCIS 2.0 SimpleEventQuery (EPCIS 2.0 section 8.2.7) for GET /v1/events: candidates read from
// the most selective food index, every condition then checked against the event as signed.

import type { Ledger } from '../ledger/ledger.js'
import { SEP, SEP_END, seqKey } from '../store/keys.js'
import { EPCIS_CONTEXT } from './epcis-schema.js'
import { MATCH_FIELDS, MAX_SCANNED, type EventPage, type EventQuery, type Position } from './event-query.js'
import { keyOrText, type EpcisEvent } from './objects.js'
import { formatPageToken } from './page-token.js'
import { eventsNaming } from './queries.js'
import { SPACES, type FoodEventRecord } from './records.js'
import { inChunks, readSignedEvent } from './signed-events.js'

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
      const record = records[i]
      if (!read || !record || !eventMatches(read.event, query)) continue
      const { '@context': context, ...rest } = read.event as Record<string, unknown>
      for (const item of contextItems(context)) contexts.set(JSON.stringify(item), item)
      if (read.body !== (read.event as unknown)) {
        for (const item of contextItems(read.body['@context'])) contexts.set(JSON.stringify(item), item)
      }
      events.push({ ...rest, ...(rest.eventID === undefined ? { eventID: record.hashId } : {}), recordTime: read.entry.recordedAt })
    }
  }
  const remaining = query.remaining === undefined ? undefined : query.remaining - events.length
  const page: EventPage = { events, contexts: [...contexts.values()] }
  if (more && last && remaining !== 0) page.nextPageToken = formatPageToken({ t: last.eventTime, s: last.seq, n: remaining, f: query.fingerprint })
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
  if (query.eventIds) {
    // An id names one event, or one content claimed by a few actors.
    yield* mergeOrdered([...query.eventIds].filter((id) => id !== '' && !id.includes(SEP)).map((id) => scanTimeIndex(ledger, SPACES.byEventId, `${id}${SEP}`, query)), query.direction)
    return
  }
  if (query.matches.length > 0) {
    // Objects first: a lot or pallet has few events. Take the parameter with the fewest values.
    const match = [...query.matches].sort((a, b) => a.keys.size - b.keys.size)[0]
    const links = await eventsNaming(ledger.records, match.keys)
    const ordered = links.map(({ eventTime, seq }) => ({ eventTime, seq })).filter((p) => inTimeBounds(p, query) && isAfter(p, query))
    yield* query.direction === 'ASC' ? ordered : ordered.reverse()
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
  if (query.eventIds && !(query.eventIds.has(record.hashId) || (record.eventId !== undefined && query.eventIds.has(record.eventId)))) return false
  if (query.geRecordTime && record.recordedAt < query.geRecordTime) return false
  if (query.ltRecordTime && record.recordedAt >= query.ltRecordTime) return false
  return true
}

/** The conditions on the event's own fields: the MATCH_* lists, compared canonically. */
function eventMatches(event: EpcisEvent, query: EventQuery): boolean {
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

function contextItems(context: unknown): unknown[] {
  const items = Array.isArray(context) ? context : context === undefined ? [] : [context]
  return items.filter((item) => item !== EPCIS_CONTEXT && !(typeof item === 'string' && /^https:\/\/ref\.gs1\.org\/standards\/epcis\/2\.0\.\d\/epcis-context\.jsonld$/.test(item)))
}

