// The JSON Schemas in schemas/ (draft 2020-12), compiled once with ajv: the single source for
// statement bodies, HTTP inputs and the OpenAPI document.

import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { fail } from '../core/errors.js'

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: unknown) => unknown
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats

export const SCHEMA_BASE = 'https://tracechain.dev/schemas/'
export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url))
const GS1_SCHEMA_DIR = 'gs1-epcis'

export interface SchemaSet {
  ajv: Ajv2020
  /** every schema document by file name without .json */
  documents: Map<string, Record<string, unknown>>
  validator(name: string): ValidateFunction | undefined
}

let shared: SchemaSet | undefined

/** Loads and compiles every schemas/*.json once per process. */
export function loadSchemas(): SchemaSet {
  if (shared) return shared
  const ajv = new Ajv2020({ allErrors: false, strict: false, allowUnionTypes: true })
  addFormats(ajv)
  const documents = new Map<string, Record<string, unknown>>()
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // GS1's EPCIS schema (draft-07) is compiled by src/food/epcis-schema.ts, not here.
      if (entry.isDirectory()) {
        if (entry.name !== GS1_SCHEMA_DIR) walk(`${dir}${entry.name}/`, `${prefix}${entry.name}/`)
      }
      else if (entry.name.endsWith('.json')) {
        const document = JSON.parse(readFileSync(`${dir}${entry.name}`, 'utf8')) as Record<string, unknown>
        documents.set(`${prefix}${entry.name.slice(0, -5)}`, document)
        ajv.addSchema(document)
      }
    }
  }
  walk(SCHEMA_DIR, '')
  const compiled = new Map<string, ValidateFunction>()
  shared = {
    ajv,
    documents,
    validator(name) {
      let fn = compiled.get(name)
      if (!fn) {
        const document = documents.get(name)
        if (!document) return undefined
        fn = ajv.getSchema(document.$id as string)
        if (!fn) return undefined
        compiled.set(name, fn)
      }
      return fn
    },
  }
  return shared
}

let envelope: ValidateFunction | undefined

/**
 * schemas/envelope.json compiled to count string lengths in UTF-16 code units, not code points: ajv's code
 * point count walks the whole payload, 2.1 of the envelope's 2.6 µs, and every envelope a node takes or a
 * mirror replays is checked. It accepts the same envelopes: an envelope's strings must be ASCII (base64,
 * lowercase hex, the one payload type), for which both counts agree, and one that is not is refused by
 * decodeEnvelope if not here. Only the code of that refusal may differ, for such an envelope.
 */
export function envelopeValidator(): ValidateFunction {
  if (envelope) return envelope
  // ajv 8 calls `unicode` deprecated and still honours it; its logger would say so once per process.
  const ajv = new Ajv2020({ allErrors: false, strict: false, unicode: false, logger: false })
  envelope = ajv.compile(loadSchemas().documents.get('envelope') as Record<string, unknown>)
  return envelope
}

export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`)
    .join('; ')
}

/** Validates a statement body against schemas/<type>.json. Throws STATEMENT_TYPE_UNKNOWN, SCHEMA_INVALID. */
export function validateBody(type: string, body: unknown): void {
  const validate = loadSchemas().validator(type)
  if (!validate) fail('STATEMENT_TYPE_UNKNOWN', `no statement type ${type}`, { type })
  if (!validate(body)) {
    fail('SCHEMA_INVALID', `${type} body: ${describeSchemaErrors(validate.errors)}`, {
      type,
      errors: (validate.errors ?? []).slice(0, 10).map((e) => ({ path: e.instancePath, message: e.message })),
    })
  }
}
