// The nextPageToken of GET /v1/events (EPCIS 2.0 section 8.2.7 paging): where the last page stopped,
// how many events the query may still return, which query it belongs to, and which index its candidates
// come from, as base64url JSON.

import { fail } from '../core/errors.js'
import { isInstant } from './dates.js'

/** Short names: the token travels in a URL. */
export interface PageToken {
  /** eventTime of the last event examined (UTC, milliseconds) */
  t: string
  /** its seq */
  s: number
  /** events the query may still return (eventCountLimit), when it set one */
  n?: number
  /** the query's fingerprint (fingerprintOf) */
  f: string
  /**
   * 'scan' when the object index named more than a scan's worth of events for the query's MATCH_: later pages
   * take their candidates from the other indexes without reading those links again
   */
  p?: CandidatePath
}

/**
 * Where a query past its first page takes its candidates. Only 'scan' is carried: the object index, the
 * default, is asked again within its bound. Both paths give the same events in the same order (every
 * condition is checked on each), so the choice is one of cost; and by-object links only accrue in an
 * append-only log, so a query once past the bound stays past it.
 */
export type CandidatePath = 'scan'

/**
 * Not a secret and not signed: it only says where to continue, and every condition is checked again. A
 * forged path cannot widen an answer or its cost: the other indexes are bounded per page as any query
 * without MATCH_ is, and every MATCH_ is still checked on each event.
 */
export function formatPageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url')
}

/** Reads a token (attacker-controlled). Throws BAD_REQUEST when it does not parse or belongs to another query. */
export function parsePageToken(text: string, fingerprint: string): PageToken {
  let token: PageToken | undefined
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken
  } catch {
    token = undefined
  }
  const valid =
    token &&
    typeof token.t === 'string' &&
    isInstant(token.t) &&
    Number.isSafeInteger(token.s) &&
    token.s >= 0 &&
    (token.n === undefined || (Number.isSafeInteger(token.n) && token.n > 0)) &&
    (token.p === undefined || token.p === 'scan')
  if (!valid) fail('BAD_REQUEST', 'nextPageToken does not parse', { parameter: 'nextPageToken' })
  if (token?.f !== fingerprint) fail('BAD_REQUEST', 'nextPageToken belongs to a query with other parameters', { parameter: 'nextPageToken' })
  return token as PageToken
}
