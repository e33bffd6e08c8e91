// EPCIS 2.0 events and documents against GS1's own JSON schema (schemas/gs1-epcis/EPCIS-JSON-Schema.json,
// draft-07, unchanged), compiled once, on first use, with ajv's draft-07 Ajv and ajv-formats.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { canonicalJson } from '../core/canonical-json.js'
import { fail } from '../core/errors.js'
import { cbvValuesNotInVocabulary, normaliseEventVocabulary } from './cbv.js'

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => unknown
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats

export const EPCIS_SCHEMA_FILE = fileURLToPath(new URL('../../schemas/gs1-epcis/EPCIS-JSON-Schema.json', import.meta.url))
export const EPCIS_SCHEMA_ID = 'https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json'
/** The EPCIS 2.0 JSON-LD context: implied for an event that carries no @context of its own. */
export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'
export const MAX_REPORTED_ERRORS = 10

export interface EpcisSchemaError {
  /** JSON Pointer into the event or document */
  path: string
  keyword: string
  message: string
  params?: Record<string, unknown>
}

interface Validators {
  event: ValidateFunction
  document: ValidateFunction
  queryDocument: ValidateFunction
}

let validators: Validators | undefined

function compiled(): Validators {
  if (validators) return validators
  // strict off: GS1's schema lists `required` properties it defines elsewhere (ajv's strictRequired).
  const ajv = new Ajv({ strict: false, allErrors: false })
  addFormats(ajv)
  // ajv compares the items of an untyped uniqueItems array pairwise, quadratic in a list of thousands of
  // EPCs on the sequencer's path. The same rule with a Set is linear.
  ajv.removeKeyword('uniqueItems')
  ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', validate: (unique: boolean, data: unknown[]) => !unique || hasUniqueItems(data) })
  ajv.addSchema(JSON.parse(readFileSync(EPCIS_SCHEMA_FILE, 'utf8')) as object)
  const definition = (name: string): ValidateFunction => {
    const validate = ajv.getSchema(`${EPCIS_SCHEMA_ID}#/definitions/${name}`)
    if (!validate) throw new Error(`GS1's EPCIS schema has no definition ${name}`)
    return validate
  }
  validators = { event: definition('EPCIS-Document-Event'), document: definition('epcisDocument'), queryDocument: definition('epcisQueryDocument') }
  return validators
}

/**
 * Attacker-controlled. Checks one EPCIS 2.0 event (the body of a food.event) against GS1's schema for an
 * event in a document (`EPCIS-Document-Event`): the document-level rule that a standalone event carries
 * "@context" does not apply, because a food.event body is by definition an EPCIS 2.0 event and the EPCIS
 * 2.0 context (EPCIS_CONTEXT) is implied; an "@context" the event does carry must still be valid. CBV
 * values may be given in any spelling (bare name, URN, Web URI; see cbv.ts) and are checked as the bare
 * name; a value in a CBV namespace that is not a CBV 2.0 value is refused. The event is not modified.
 * Throws EPCIS_INVALID with details.errors, the first MAX_REPORTED_ERRORS problems.
 */
export function validateEpcisEvent(event: unknown): void {
  if (!isObject(event)) fail('EPCIS_INVALID', 'an EPCIS event is a JSON object', { errors: [] })
  const normalised = normaliseEventVocabulary(event)
  const validate = compiled().event
  if (!validate(normalised)) refuse('EPCIS event', validate.errors)
  refuseCbvOutsideVocabulary('EPCIS event', normalised, '')
}

/**
 * Attacker-controlled. Checks an EPCISDocument or EPCISQueryDocument against GS1's schema (which requires
 * the document's "@context"), each event's CBV values read as in validateEpcisEvent. Throws EPCIS_INVALID.
 */
export function validateEpcisDocument(doc: unknown): void {
  if (!isObject(doc)) fail('EPCIS_INVALID', 'an EPCIS document is a JSON object', { errors: [] })
  const { document, queryDocument } = compiled()
  const validate = doc.type === 'EPCISDocument' ? document : doc.type === 'EPCISQueryDocument' ? queryDocument : undefined
  if (!validate) {
    fail('EPCIS_INVALID', 'type must be EPCISDocument or EPCISQueryDocument', {
      errors: [{ path: '/type', keyword: 'enum', message: 'must be EPCISDocument or EPCISQueryDocument' }],
    })
  }
  const { copy, events, pointer } = withNormalisedEvents(doc)
  if (!validate(copy)) refuse(String(doc.type), validate.errors)
  events.forEach((event, i) => refuseCbvOutsideVocabulary(String(doc.type), event, `${pointer}/${i}`))
}

/** The document with its event list replaced by normalised copies; events in their schema position. */
function withNormalisedEvents(doc: Record<string, unknown>): { copy: Record<string, unknown>; events: unknown[]; pointer: string } {
  const body = doc.epcisBody
  if (!isObject(body)) return { copy: doc, events: [], pointer: '' }
  if (Array.isArray(body.eventList)) {
    const events = body.eventList.map(normaliseEventVocabulary)
    return { copy: { ...doc, epcisBody: { ...body, eventList: events } }, events, pointer: '/epcisBody/eventList' }
  }
  const results = isObject(body.queryResults) && isObject(body.queryResults.resultsBody) ? body.queryResults.resultsBody : undefined
  if (results && isObject(body.queryResults) && Array.isArray(results.eventList)) {
    const events = results.eventList.map(normaliseEventVocabulary)
    const queryResults = { ...body.queryResults, resultsBody: { ...results, eventList: events } }
    return { copy: { ...doc, epcisBody: { ...body, queryResults } }, events, pointer: '/epcisBody/queryResults/resultsBody/eventList' }
  }
  return { copy: doc, events: [], pointer: '' }
}

function refuseCbvOutsideVocabulary(what: string, event: unknown, prefix: string): void {
  const paths = cbvValuesNotInVocabulary(event)
  if (paths.length === 0) return
  const errors: EpcisSchemaError[] = paths.slice(0, MAX_REPORTED_ERRORS).map((path) => ({
    path: prefix + path,
    keyword: 'cbv',
    message: 'is in a CBV namespace but is not a CBV 2.0 value',
  }))
  fail('EPCIS_INVALID', `${what}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors })
}

/** Combinator errors ("must match a schema in anyOf") only say that something below failed; name them last. */
const COMBINATORS = new Set(['if', 'anyOf', 'allOf', 'oneOf', 'not'])

function refuse(what: string, raw: ErrorObject[] | null | undefined): never {
  const all = raw ?? []
  // a field name that is neither EPCIS's nor namespaced fails propertyNames: say which, first
  const names = all.filter((e) => e.keyword === 'propertyNames')
  const specific = all.filter((e) => !COMBINATORS.has(e.keyword) && e.keyword !== 'propertyNames' && e.propertyName === undefined)
  const errors: EpcisSchemaError[] = [...names, ...specific, ...all.filter((e) => COMBINATORS.has(e.keyword))]
    .slice(0, MAX_REPORTED_ERRORS)
    .map((e) => ({
      path: e.instancePath,
      keyword: e.keyword,
      message:
        e.keyword === 'propertyNames'
          ? `has a field "${String(e.params.propertyName)}" that is neither an EPCIS field nor namespaced (prefix:name or a URI)`
          : (e.message ?? 'is invalid'),
      ...(Object.keys(e.params ?? {}).length > 0 ? { params: e.params as Record<string, unknown> } : {}),
    }))
  const summary = errors
    .slice(0, 3)
    .map((e) => `${e.path || '(root)'} ${e.message}${allowed(e.params?.allowedValues)}`)
    .join('; ')
  return fail('EPCIS_INVALID', `${what} fails the EPCIS 2.0 JSON schema: ${summary}`, { errors })
}

/** JSON equality as ajv's uniqueItems has it (objects equal whatever their key order), by RFC 8785 form. */
export function hasUniqueItems(items: unknown[]): boolean {
  const seen = new Set<string>()
  for (const item of items) {
    let key: string
    try {
      key = typeof item === 'string' ? `s${item}` : `j${canonicalJson(item)}`
    } catch {
      return false
    }
    if (seen.has(key)) return false
    seen.add(key)
  }
  return true
}

function allowed(values: unknown): string {
  if (!Array.isArray(values)) return ''
  return ` (${values.slice(0, 8).join(', ')}${values.length > 8 ? ', …' : ''})`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
