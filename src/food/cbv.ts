// CBV 2.0 standard vocabularies (GS1 Core Business Vocabulary 2.0 §7; the enums of GS1's EPCIS 2.0 JSON
// schema): each value in its three spellings, the bare JSON name, the URN and the Web URI, reads as the bare name.

import { BIZ_STEPS, BIZ_TRANSACTION_TYPES, DISPOSITIONS, ERROR_REASONS, SOURCE_DEST_TYPES } from '../core/cbv-terms.js'
import { expandTerm, prefixesOfContexts, type Prefixes } from './json-ld-terms.js'

export { BIZ_STEPS, BIZ_TRANSACTION_TYPES, DISPOSITIONS, ERROR_REASONS, SOURCE_DEST_TYPES }

/**
 * Steps that move a lot towards consumers: after a recall they raise EVENT_AFTER_RECALL, and the consumer page marks
 * them as after it (one list, so the page marks what the node alerts on).
 */
export const DISTRIBUTION_STEPS: ReadonlySet<string> = new Set(['shipping', 'departing', 'retail_selling', 'dispensing', 'loading', 'transporting', 'staging_outbound'])

/** Every spelling of a CBV value starts with one of these; a value under them that is not in the list is no CBV value. */
export const CBV_NAMESPACES = ['urn:epcglobal:cbv:', 'https://ref.gs1.org/cbv/', 'http://ref.gs1.org/cbv/', 'cbv:'] as const

interface Vocabulary {
  names: ReadonlySet<string>
  /** CBV 2.0 §8.2 URN form, e.g. urn:epcglobal:cbv:bizstep: */
  urn: string
  /** CBV 2.0 §8.1 Web URI term prefix after https://ref.gs1.org/cbv/ (or the JSON-LD CURIE cbv:) */
  term: string
}

const BIZ_STEP: Vocabulary = { names: new Set(BIZ_STEPS), urn: 'urn:epcglobal:cbv:bizstep:', term: 'BizStep-' }
const DISPOSITION: Vocabulary = { names: new Set(DISPOSITIONS), urn: 'urn:epcglobal:cbv:disp:', term: 'Disp-' }
const BIZ_TRANSACTION_TYPE: Vocabulary = { names: new Set(BIZ_TRANSACTION_TYPES), urn: 'urn:epcglobal:cbv:btt:', term: 'BTT-' }
const SOURCE_DEST_TYPE: Vocabulary = { names: new Set(SOURCE_DEST_TYPES), urn: 'urn:epcglobal:cbv:sdt:', term: 'SDT-' }
const ERROR_REASON: Vocabulary = { names: new Set(ERROR_REASONS), urn: 'urn:epcglobal:cbv:er:', term: 'ER-' }

/**
 * `prefixes`: those of the event's own @context (contextPrefixesOf). A CBV value is a JSON-LD @vocab value, so
 * a compact IRI under a prefix the event binds to CBV's namespace is that term, and `cbv:` bound elsewhere is not.
 */
function normalise(vocabulary: Vocabulary, value: string, prefixes?: Prefixes): string {
  if (typeof value !== 'string') return value
  const name = bareName(vocabulary, prefixes && value.includes(':') ? expandTerm(value, prefixes) : value)
  return name !== undefined && vocabulary.names.has(name) ? name : value
}

/** The prefixes an event's own @context defines (over GS1's), or undefined when it defines none. */
export function contextPrefixesOf(event: unknown): Prefixes | undefined {
  const context = isObject(event) ? event['@context'] : undefined
  const items = Array.isArray(context) ? context : [context]
  return items.some(isObject) ? prefixesOfContexts([context]) : undefined
}

function bareName(vocabulary: Vocabulary, value: string): string | undefined {
  if (vocabulary.names.has(value)) return value
  // URNs compare their prefix without case (RFC 8141); names and Web URIs are case-sensitive.
  if (value.length > vocabulary.urn.length && value.slice(0, vocabulary.urn.length).toLowerCase() === vocabulary.urn) {
    return value.slice(vocabulary.urn.length)
  }
  for (const base of ['https://ref.gs1.org/cbv/', 'http://ref.gs1.org/cbv/', 'cbv:']) {
    if (value.startsWith(base + vocabulary.term)) return value.slice(base.length + vocabulary.term.length)
  }
  return undefined
}

/** "shipping", "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping" -> "shipping"; any other value unchanged. */
export function normaliseBizStep(value: string, prefixes?: Prefixes): string {
  return normalise(BIZ_STEP, value, prefixes)
}

/** The same for dispositions: "urn:epcglobal:cbv:disp:in_transit", "https://ref.gs1.org/cbv/Disp-in_transit" -> "in_transit". */
export function normaliseDisposition(value: string, prefixes?: Prefixes): string {
  return normalise(DISPOSITION, value, prefixes)
}

/** Business transaction types: "urn:epcglobal:cbv:btt:po", "https://ref.gs1.org/cbv/BTT-po" -> "po". */
export function normaliseBizTransactionType(value: string, prefixes?: Prefixes): string {
  return normalise(BIZ_TRANSACTION_TYPE, value, prefixes)
}

/** Source and destination types: "urn:epcglobal:cbv:sdt:owning_party", "https://ref.gs1.org/cbv/SDT-owning_party" -> "owning_party". */
export function normaliseSourceDestType(value: string, prefixes?: Prefixes): string {
  return normalise(SOURCE_DEST_TYPE, value, prefixes)
}

/** Error reasons: "urn:epcglobal:cbv:er:incorrect_data", "https://ref.gs1.org/cbv/ER-incorrect_data" -> "incorrect_data". */
export function normaliseErrorReason(value: string, prefixes?: Prefixes): string {
  return normalise(ERROR_REASON, value, prefixes)
}

/** True for a value in a CBV namespace: after normalising, such a value is a misspelt or made-up CBV term. */
export function isInCbvNamespace(value: unknown): boolean {
  return typeof value === 'string' && CBV_NAMESPACES.some((base) => value.slice(0, base.length).toLowerCase() === base)
}

type Json = Record<string, unknown>

/**
 * A copy of an EPCIS event with every CBV value in bizStep, disposition, persistentDisposition, the types of
 * bizTransactionList, sourceList and destinationList, and errorDeclaration.reason in its bare JSON form, the
 * only form GS1's JSON schema accepts. Anything not shaped as the schema expects is left for the schema to
 * refuse. The argument is not modified.
 */
export function normaliseEventVocabulary(event: unknown): unknown {
  if (!isObject(event)) return event
  const out: Json = { ...event }
  const prefixes = contextPrefixesOf(event)
  if (typeof out.bizStep === 'string') out.bizStep = normaliseBizStep(out.bizStep, prefixes)
  if (typeof out.disposition === 'string') out.disposition = normaliseDisposition(out.disposition, prefixes)
  if (isObject(out.persistentDisposition)) {
    const persistent: Json = { ...out.persistentDisposition }
    for (const side of ['set', 'unset']) {
      const list = persistent[side]
      if (Array.isArray(list)) persistent[side] = list.map((v) => (typeof v === 'string' ? normaliseDisposition(v, prefixes) : v))
    }
    out.persistentDisposition = persistent
  }
  const typed = (field: string, normaliser: (value: string, prefixes?: Prefixes) => string) => {
    const list = out[field]
    if (!Array.isArray(list)) return
    out[field] = list.map((item) => (isObject(item) && typeof item.type === 'string' ? { ...item, type: normaliser(item.type, prefixes) } : item))
  }
  typed('bizTransactionList', normaliseBizTransactionType)
  typed('sourceList', normaliseSourceDestType)
  typed('destinationList', normaliseSourceDestType)
  if (isObject(out.errorDeclaration) && typeof out.errorDeclaration.reason === 'string') {
    out.errorDeclaration = { ...out.errorDeclaration, reason: normaliseErrorReason(out.errorDeclaration.reason, prefixes) }
  }
  return out
}

/** Paths (JSON Pointer) of the CBV fields of an already normalised event that still lie in a CBV namespace. */
export function cbvValuesNotInVocabulary(event: unknown): string[] {
  if (!isObject(event)) return []
  const bad: string[] = []
  const check = (value: unknown, path: string) => {
    if (isInCbvNamespace(value)) bad.push(path)
  }
  check(event.bizStep, '/bizStep')
  check(event.disposition, '/disposition')
  if (isObject(event.persistentDisposition)) {
    for (const side of ['set', 'unset']) {
      const list = event.persistentDisposition[side]
      if (Array.isArray(list)) list.forEach((v, i) => check(v, `/persistentDisposition/${side}/${i}`))
    }
  }
  for (const field of ['bizTransactionList', 'sourceList', 'destinationList']) {
    const list = event[field]
    if (Array.isArray(list)) list.forEach((item, i) => isObject(item) && check(item.type, `/${field}/${i}/type`))
  }
  if (isObject(event.errorDeclaration)) check(event.errorDeclaration.reason, '/errorDeclaration/reason')
  return bad
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
