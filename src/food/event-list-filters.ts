// The SimpleEventQuery parameters on an event's typed lists and transformation (EPCIS 2.0 section 8.2.7.1):
// EQ_bizTransaction_<type>, EQ_source_<type>, EQ_destination_<type>, EQ_transformationID and
// EQ_persistentDisposition_set / _unset. No index holds them: event-filters.ts checks them on the candidates.

import { fail } from '../core/errors.js'
import { isInCbvNamespace, normaliseBizTransactionType, normaliseDisposition, normaliseSourceDestType } from './cbv.js'
import { identifierKey, parseIdentifier } from './identifiers.js'
import { keyOrText } from './objects.js'

/** Whether an event satisfies a condition; `undefined` from listConditionOf when the name is none of these. */
export type EventTest = (event: Record<string, unknown>) => boolean

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/
const TYPED_LISTS = {
  bizTransaction: { list: 'bizTransactionList', field: 'bizTransaction', normaliseType: normaliseBizTransactionType, urn: 'urn:epcglobal:cbv:btt:' },
  source: { list: 'sourceList', field: 'source', normaliseType: normaliseSourceDestType, urn: 'urn:epcglobal:cbv:sdt:' },
  destination: { list: 'destinationList', field: 'destination', normaliseType: normaliseSourceDestType, urn: 'urn:epcglobal:cbv:sdt:' },
} as const

/**
 * The condition of EQ_<rest> when it is one of these parameters, `items` its values (attacker-controlled).
 * Throws BAD_REQUEST for a type that is neither a CBV name nor a URI, a transaction or disposition that is
 * not one; IDENTIFIER_INVALID / CHECK_DIGIT_INVALID for a source or destination that does not parse.
 */
export function listConditionOf(name: string, rest: string, items: string[]): EventTest | undefined {
  const typed = /^(bizTransaction|source|destination)_(.*)$/.exec(rest)
  if (typed) {
    const { list, field, normaliseType, urn } = TYPED_LISTS[typed[1] as keyof typeof TYPED_LISTS]
    const type = normaliseType(typed[2] as string)
    const cbvName = normaliseType(`${urn}${type}`) === type
    // A bare word CBV does not define, or a CBV URN or URI it does not, is a misspelling, not a private type.
    if (!cbvName && (isInCbvNamespace(type) || !ABSOLUTE_URI.test(type))) {
      fail('BAD_REQUEST', `${name}: ${typed[2]} is no CBV ${field} type and no URI`, { parameter: name })
    }
    // Sources and destinations are parties and locations, compared as the keys they are; transactions as given.
    const canonical = field === 'bizTransaction' ? (value: string) => value : keyOrText
    const wanted = new Set(items.map((item) => (field === 'bizTransaction' ? uri(name, item) : identifierKey(parseIdentifier(item)))))
    return (event) =>
      records(event[list]).some((element) => {
        const value = element[field]
        return typeof element.type === 'string' && normaliseType(element.type) === type && typeof value === 'string' && wanted.has(canonical(value))
      })
  }
  if (rest === 'transformationID') {
    const wanted = new Set(items.map((item) => keyOrText(uri(name, item))))
    return (event) => typeof event.transformationID === 'string' && wanted.has(keyOrText(event.transformationID))
  }
  const persistent = /^persistentDisposition_(set|unset)$/.exec(rest)?.[1]
  if (persistent !== undefined) {
    const wanted = new Set(
      items.map((item) => {
        const disposition = normaliseDisposition(item)
        if (isInCbvNamespace(disposition)) fail('BAD_REQUEST', `${name}: ${item} is no CBV disposition`, { parameter: name })
        return disposition
      }),
    )
    return (event) => {
      const given = records(event.persistentDisposition)[0]?.[persistent]
      return Array.isArray(given) && given.some((d) => typeof d === 'string' && wanted.has(normaliseDisposition(d)))
    }
  }
  return undefined
}

function uri(name: string, value: string): string {
  if (!ABSOLUTE_URI.test(value)) fail('BAD_REQUEST', `${name} takes URIs, not ${value}`, { parameter: name })
  return value
}

function records(value: unknown): Record<string, unknown>[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return items.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v))
}
