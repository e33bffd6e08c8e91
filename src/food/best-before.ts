// A lot's best-before date, fixed when the lot is made: the date its making event carries (ILMD bestBeforeDate
// or itemExpirationDate), else its product's shelf life counted from the local day it was made (GB 7718's date
// marking). EVENT_AFTER_EXPIRY (alerts.ts) holds the lot's later distribution steps against it; the consumer
// page counts a shelf life the same way (web/provenance-model.ts).

import { localDay } from '../core/zone-offset.js'
import { ilmdDate, type EpcisEvent } from './objects.js'

/** objectKey -> BestBeforeRecord, written by the event that first makes the lot or item */
export const BEST_BEFORE_SPACE = 'food.best-before'

export interface BestBeforeRecord {
  /** YYYY-MM-DD, in the local time of the place that made it */
  date: string
  /** the making event's entry */
  seq: number
}

/**
 * The day (YYYY-MM-DD) an ILMD date or date-time names as written (attacker-controlled), or undefined for text that
 * starts with none. Never Date.parse: a date-time without a zone is the local time of whatever machine reads it, so
 * the node and a browser in another zone would show different days of one signed entry.
 */
export function ilmdDayOf(text: string | undefined): string | undefined {
  return text !== undefined && /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : undefined
}

/** The best-before day a making event gives its outputs: its ILMD date, else `shelfLifeDays` from the day it happened. */
export function bestBeforeOf(event: EpcisEvent, eventTime: string, shelfLifeDays: number | undefined): string | undefined {
  const marked = ilmdDate(event, 'bestBeforeDate', 'itemExpirationDate')
  if (marked !== undefined) return ilmdDayOf(marked)
  return shelfLifeDays === undefined ? undefined : localDay(eventTime, event.eventTimeZoneOffset, shelfLifeDays)
}
