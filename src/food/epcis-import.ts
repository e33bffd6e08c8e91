// EPCIS 2.0 documents into food.event statements: one statement per event, the event's own eventID
// (or its content hash) as the idempotency key, so importing a document twice appends nothing new.

import { canonicalBytes } from '../core/canonical-json.js'
import { toHex } from '../core/bytes.js'
import { fail } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import type { Statement } from '../core/statement.js'

export const MAX_STATEMENT_ID = 128

/** The events of an EPCISDocument (or an EPCISQueryDocument's results). Throws EPCIS_INVALID. */
export function eventsOfDocument(document: unknown): Record<string, unknown>[] {
  const doc = document as { type?: string; epcisBody?: { eventList?: unknown[]; queryResults?: { resultsBody?: { eventList?: unknown[] } } } }
  const list = doc?.epcisBody?.eventList ?? doc?.epcisBody?.queryResults?.resultsBody?.eventList
  if (!Array.isArray(list)) fail('EPCIS_INVALID', 'not an EPCISDocument: no epcisBody.eventList')
  return list as Record<string, unknown>[]
}

/** The statement id of an event: its eventID when short enough, else the SHA-256 of its JCS bytes. */
export function statementIdOf(event: Record<string, unknown>): string {
  const eventId = event.eventID
  if (typeof eventId === 'string' && eventId.length <= MAX_STATEMENT_ID && !event.errorDeclaration) return eventId
  const hash = toHex(sha256(canonicalBytes(event)))
  return `sha256:${hash}`
}

/**
 * Refuses (INVALID_JSON) a document whose events or @context hold what JSON.parse reads but RFC 8785 cannot
 * write: a number beyond a double (Infinity) or a lone surrogate (I-JSON, RFC 7493, forbids both). Such an
 * event could never be signed: a capture job's slice would fail on it for good, and `epcis import` half-way.
 */
export function refuseUnsignable(document: unknown, events: unknown[]): void {
  const parts: [unknown, Record<string, unknown>][] = [[(document as { '@context'?: unknown })['@context'] ?? null, { field: '@context' }], ...events.map((event, eventIndex): [unknown, Record<string, unknown>] => [event, { eventIndex }])]
  for (const [value, where] of parts) {
    try {
      canonicalBytes(value)
    } catch (error) {
      fail('INVALID_JSON', `${where.field ?? `event ${String(where.eventIndex)}`} cannot be signed (I-JSON, RFC 7493: no number beyond a double, no lone surrogate): ${(error as Error).message}`, where)
    }
  }
}

/**
 * One food.event statement per event (INVALID_JSON for a document one cannot carry), signed under the
 * document's @context: JSON-LD applies an event's own @context on top of its document's, so an event with one
 * gets the document's followed by its own (an item already in the document's left out, so an event that
 * repeats GS1's context signs what one without it does).
 */
export function statementsFromDocument(document: unknown, actor: string, issuedAt: (event: Record<string, unknown>) => string): Statement[] {
  const context = (document as { '@context'?: unknown })['@context']
  const events = eventsOfDocument(document)
  refuseUnsignable(document, events)
  return events.map((event) => ({ type: 'food.event', actor, id: statementIdOf(event), issuedAt: issuedAt(event), body: underContext(context, event) }))
}

/** `event` as signed within a document whose @context is `context` (statementsFromDocument). */
export function underContext(context: unknown, event: Record<string, unknown>): Record<string, unknown> {
  return context === undefined ? event : { ...event, '@context': inheritedContext(context, event['@context']) }
}

function inheritedContext(document: unknown, own: unknown): unknown {
  if (own === undefined) return document
  const outer = Array.isArray(document) ? document : [document]
  const seen = new Set(outer.map((item) => canonicalJsonOrUndefined(item)))
  const inner = (Array.isArray(own) ? own : [own]).filter((item) => !seen.has(canonicalJsonOrUndefined(item)))
  return inner.length === 0 ? document : [...outer, ...inner]
}

function canonicalJsonOrUndefined(value: unknown): string | undefined {
  try {
    return new TextDecoder().decode(canonicalBytes(value))
  } catch {
    return undefined
  }
}

/** For example data: the event's own time, so a re-import signs the same bytes. */
export function eventTimeAsIssuedAt(event: Record<string, unknown>): string {
  return new Date(Date.parse(String(event.eventTime))).toISOString()
}
