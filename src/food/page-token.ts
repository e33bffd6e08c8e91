// The nextPageToken of GET /v1/events (EPCIS 2.0 section 8.2.7 paging): where the last page stopped,
// how many events the query may still return, and which query it belongs to, as base64url JSON.

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
}

/** Not a secret and not signed: it only says where to continue, and every condition is checked again. */
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
    (token.n === undefined || (Number.isSafeInteger(token.n) && token.n > 0))
  if (!valid) fail('BAD_REQUEST', 'nextPageToken does not parse', { parameter: 'nextPageToken' })
  if (token?.f !== fingerprint) fail('BAD_REQUEST', 'nextPageToken belongs to a query with other parameters', { parameter: 'nextPageToken' })
  return token as PageToken
}
