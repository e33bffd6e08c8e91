// A lot's best-before date, fixed when the lot is made: the date its making event carries (ILMD bestBeforeDate
// or itemExpirationDate), else its product's shelf life counted from the local day it was made (GB 7718's date
// marking). EVENT_AFTER_EXPIRY (alerts.ts) holds the lot's later distribution steps against it; the consumer
// page counts a shelf life the same way (web/provenance-model.ts).

import { offsetMinutes } from '../web/i18n.js'
import { ilmdDate, type EpcisEvent } from './objects.js'

/** objectKey -> BestBeforeRecord, written by the event that first makes the lot or item */
export const BEST_BEFORE_SPACE = 'food.best-before'

export interface BestBeforeRecord {
  /** YYYY-MM-DD, in the local time of the place that made it */
  date: string
  /** the making event's entry */
  seq: number
}

/** China Standard Time, for an event that names no offset (as the consumer page reads it). */
const DEFAULT_OFFSET_MINUTES = 480

/** The local calendar day (YYYY-MM-DD) of a UTC time seen at `offset` ("+08:00"), China Standard Time without one. */
export function localDay(utc: string, offset: string | undefined, plusDays = 0): string {
  const localMillis = Date.parse(utc) + (offsetMinutes(offset) ?? DEFAULT_OFFSET_MINUTES) * 60_000
  return new Date(localMillis + plusDays * 86_400_000).toISOString().slice(0, 10)
}

/** The best-before day a making event gives its outputs: its ILMD date, else `shelfLifeDays` from the day it happened. */
export function bestBeforeOf(event: EpcisEvent, eventTime: string, shelfLifeDays: number | undefined): string | undefined {
  const marked = ilmdDate(event, 'bestBeforeDate', 'itemExpirationDate')
  if (marked !== undefined) return /^\d{4}-\d{2}-\d{2}/.test(marked) ? marked.slice(0, 10) : undefined
  return shelfLifeDays === undefined ? undefined : localDay(eventTime, event.eventTimeZoneOffset, shelfLifeDays)
}
