// Bare vocabulary terms in a CBV 2.0 event hash ID (epcis-event-hash.ts): GS1's reference generator
// expands an event's JSON-LD and, wherever a string is the tail of exactly one CBV or GS1 vocabulary URI
// found there, writes that URI instead. Without a JSON-LD processor, the URIs come from the terms the EPCIS
// 2.0 context defines for each coded field (cbv-terms.ts), compact IRIs there, and URIs written out. Pure.

import {
  BIZ_STEPS,
  BIZ_TRANSACTION_TYPES,
  COMPONENTS,
  DISPOSITIONS,
  ERROR_REASONS,
  SENSOR_ALERT_TYPES,
  SENSOR_MEASUREMENT_TYPES,
  SOURCE_DEST_TYPES,
} from './cbv-terms.js'

type Json = Record<string, unknown>
type Terms = readonly string[]

/** The bare CBV and GS1 terms the EPCIS 2.0 JSON-LD context expands, by where they stand in an event. */
const CBV = 'https://ref.gs1.org/cbv/'
const GS1_VOC = 'https://gs1.org/voc/'
const BARE_TERMS: { path: string[]; prefix: string; terms: ReadonlySet<string> }[] = [
  { path: ['bizStep'], prefix: `${CBV}BizStep-`, terms: new Set<string>(BIZ_STEPS) },
  { path: ['disposition'], prefix: `${CBV}Disp-`, terms: new Set<string>(DISPOSITIONS) },
  { path: ['persistentDisposition', 'set'], prefix: `${CBV}Disp-`, terms: new Set<string>(DISPOSITIONS) },
  { path: ['persistentDisposition', 'unset'], prefix: `${CBV}Disp-`, terms: new Set<string>(DISPOSITIONS) },
  { path: ['bizTransactionList', 'type'], prefix: `${CBV}BTT-`, terms: new Set<string>(BIZ_TRANSACTION_TYPES) },
  { path: ['sourceList', 'type'], prefix: `${CBV}SDT-`, terms: new Set<string>(SOURCE_DEST_TYPES) },
  { path: ['destinationList', 'type'], prefix: `${CBV}SDT-`, terms: new Set<string>(SOURCE_DEST_TYPES) },
  { path: ['errorDeclaration', 'reason'], prefix: `${CBV}ER-`, terms: new Set<string>(ERROR_REASONS) },
  { path: ['sensorElementList', 'sensorReport', 'type'], prefix: GS1_VOC, terms: new Set<string>(SENSOR_MEASUREMENT_TYPES as Terms) },
  { path: ['sensorElementList', 'sensorReport', 'exception'], prefix: GS1_VOC, terms: new Set<string>(SENSOR_ALERT_TYPES as Terms) },
  { path: ['sensorElementList', 'sensorReport', 'component'], prefix: `${CBV}Comp-`, terms: new Set<string>(COMPONENTS as Terms) },
]
/** Prefixes the EPCIS 2.0 context defines for its vocabularies, which compact IRIs in coded fields may use. */
const CONTEXT_PREFIXES: Record<string, string> = { cbv: CBV, gs1: GS1_VOC }
/** Expanded vocabulary URIs whose bare tails the reference replaces wherever they stand. */
const EXPANDED = /^(?:https:\/\/ref\.gs1\.org\/cbv|https:\/\/gs1\.org\/voc)/

/**
 * The vocabulary URIs the events' JSON-LD expansion holds: bare CBV and GS1 terms in their coded fields
 * expanded as the EPCIS 2.0 context says, compact IRIs there expanded, and any such URI written out anywhere.
 */
export function expandedVocabulary(events: readonly Json[], namespaces: Map<string, string>): Set<string> {
  const found = new Set<string>()
  for (const event of events) {
    for (const { path, prefix, terms } of BARE_TERMS) {
      visitPath(event, path, 0, (value) => {
        if (terms.has(value)) found.add(prefix + value)
        else {
          const colon = value.indexOf(':')
          const namespace = colon > 0 ? (namespaces.get(value.slice(0, colon)) ?? CONTEXT_PREFIXES[value.slice(0, colon)]) : undefined
          if (namespace !== undefined && EXPANDED.test(namespace + value.slice(colon + 1))) found.add(namespace + value.slice(colon + 1))
        }
      })
    }
    addExpandedStrings(event, found)
  }
  return found
}

function addExpandedStrings(value: unknown, found: Set<string>): void {
  if (typeof value === 'string') {
    if (EXPANDED.test(value)) found.add(value)
  } else if (Array.isArray(value)) {
    for (const item of value) addExpandedStrings(item, found)
  } else if (isObject(value)) {
    for (const key in value) if (Object.hasOwn(value, key)) addExpandedStrings(value[key], found)
  }
}

/** Replacers by vocabulary, kept: most events use a few of the same terms. */
const replacers = new Map<string, (value: string) => string>()
const REPLACERS_KEPT = 256
const unchanged = (value: string) => value

/**
 * A string that is the tail (after '-' or '/') of exactly one of `vocabulary`, as that URI, wherever it
 * stands; any other as it is: the reference's heuristic for bare JSON-LD terms.
 */
export function vocabularyReplacer(vocabulary: Set<string>): (value: string) => string {
  if (vocabulary.size === 0) return unchanged
  const key = [...vocabulary].sort().join('\n')
  let replacer = replacers.get(key)
  if (replacer) return replacer
  const byTail = new Map<string, string | null>()
  for (const uri of vocabulary) {
    const tails = new Set<string>()
    for (let i = 0; i < uri.length; i++) if (uri[i] === '-' || uri[i] === '/') tails.add(uri.slice(i + 1))
    // null: the tail of more than one URI, which the reference leaves as it is
    for (const tail of tails) byTail.set(tail, byTail.has(tail) ? null : uri)
  }
  replacer = (value) => byTail.get(value) ?? value
  if (replacers.size >= REPLACERS_KEPT) replacers.clear()
  replacers.set(key, replacer)
  return replacer
}

/** Calls `visit` with each string at a path of field names, through lists at any step. */
function visitPath(value: unknown, path: readonly string[], step: number, visit: (value: string) => void): void {
  if (Array.isArray(value)) for (const item of value) visitPath(item, path, step, visit)
  else if (step === path.length) {
    if (typeof value === 'string') visit(value)
  } else if (isObject(value) && Object.hasOwn(value, path[step])) visitPath(value[path[step]], path, step + 1, visit)
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
