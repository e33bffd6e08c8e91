// The FSMA 204 export's query (attacker-controlled): a lot, found with everything trace links to it, and
// a time window in dates (each event's own zone) or instants.

import { heldInstant } from '../core/date-time.js'
import { fail } from '../core/errors.js'
import { localDay } from '../core/zone-offset.js'
import type { Ledger } from '../ledger/ledger.js'
import { instantParameter, isCalendarDate, isInstant, parseInstant } from './dates.js'
import { canonicalObject, keyOrText } from './objects.js'
import { SPACES, type FoodEventRecord, type ObjectRecord } from './records.js'
import { digitalLinkOfTlc } from './tlc.js'
import { MAX_TRACE_DEPTH, traceGraph } from './trace.js'

/** A date-only bound covers that day in the event's own time zone; offsets reach ±14 h. */
const MAX_OFFSET_MS = 14 * 3600 * 1000

export interface Fsma204Filter {
  /** object keys of the lot asked for and every lot trace links to it, both directions */
  keys?: Set<string>
  /** the lot as asked, canonical */
  lot?: string
  /** the trace from the lot reached its bounds: the export may leave out lots linked to it */
  truncated?: true
  from?: TimeBound
  to?: TimeBound
}

/** A date bound compares the event's local date; a date-time bound compares instants. */
export type TimeBound = { date: string } | { instant: string }

/**
 * Checks the export's query (attacker-controlled): `lot` an EPC URN, Digital Link or TLC such as
 * (01)06901234001037(10)Z260526A; `from` and `to` dates (inclusive, in each event's own zone) or
 * RFC 3339 date-times (`to` exclusive). Throws BAD_REQUEST, IDENTIFIER_INVALID, CHECK_DIGIT_INVALID,
 * or NOT_FOUND for a lot the ledger has never seen.
 */
export async function parseFsma204Filter(ledger: Ledger, raw: { lot?: string; from?: string; to?: string }): Promise<Fsma204Filter> {
  const filter: Fsma204Filter = {}
  if (raw.from) filter.from = timeBound('from', raw.from)
  if (raw.to) filter.to = timeBound('to', raw.to)
  if (filter.from && filter.to && boundValue(filter.from) > boundValue(filter.to)) {
    fail('BAD_REQUEST', `from ${raw.from} is after to ${raw.to}`, { from: raw.from, to: raw.to })
  }
  if (raw.lot) {
    const text = digitalLinkOfTlc(raw.lot) ?? raw.lot
    const start = canonicalObject(text)
    if (!(await ledger.records.get<ObjectRecord>(SPACES.object, start.key))) fail('NOT_FOUND', `no events name ${raw.lot}`, { lot: raw.lot })
    const graph = await traceGraph(ledger.records, text, 'both', MAX_TRACE_DEPTH, { uncarriedItems: false })
    filter.lot = graph.root
    filter.keys = new Set([start.key, ...graph.nodes.map((node) => keyOrText(node.id))])
    if (graph.truncated) filter.truncated = true
  }
  return filter
}

/** An index bound wide enough for the filter; inBounds then decides exactly. */
export function scanBound(bound: TimeBound, side: -1 | 1): string {
  if ('instant' in bound) return bound.instant
  const dayStart = Date.parse(`${bound.date}T00:00:00.000Z`)
  // Held to years 0000..9999: the day 9999-12-31 ends past them, and "+010000-…" would sort before every key.
  return heldInstant(side < 0 ? dayStart - MAX_OFFSET_MS : dayStart + 24 * 3600 * 1000 + MAX_OFFSET_MS)
}

export function inBounds(record: FoodEventRecord, filter: Fsma204Filter): boolean {
  const localDate = localDateOf(record.eventTime, record.eventTimeZoneOffset)
  if (filter.from) {
    if ('date' in filter.from ? localDate < filter.from.date : record.eventTime < filter.from.instant) return false
  }
  if (filter.to) {
    if ('date' in filter.to ? localDate > filter.to.date : record.eventTime >= filter.to.instant) return false
  }
  return true
}

function timeBound(name: string, value: string): TimeBound {
  if (isCalendarDate(value)) return { date: value }
  if (parseInstant(value) === undefined && !isInstant(value)) {
    fail('BAD_REQUEST', `${name} ${value} is neither a date (YYYY-MM-DD) nor an RFC 3339 date-time with a zone`, { parameter: name })
  }
  return { instant: instantParameter(name, value) }
}

function boundValue(bound: TimeBound): string {
  return 'date' in bound ? bound.date : bound.instant.slice(0, 10)
}

/** The calendar date where the event happened, from its UTC time and its own zone offset. */
export function localDateOf(utc: string, offset: string): string {
  return localDay(utc, offset, 0, 0)
}
