// GS1's EPCIS 2.0 JSON schema (schemas/gs1-epcis/, unchanged) applied as it is, for answers the node serves:
// unlike validateEpcisDocument, which reads CBV values in any spelling because producers write them so, a
// query answer must pass the schema exactly as GS1 wrote it.

import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { EPCIS_SCHEMA_FILE, EPCIS_SCHEMA_ID } from '../../src/food/epcis-schema.js'

type AddFormats = (ajv: Ajv) => unknown
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats
let validate: ValidateFunction | undefined

/** Throws an Error listing the schema's complaints when `doc` is not a valid EPCISQueryDocument. */
export function assertValidQueryDocument(doc: unknown): void {
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true })
    addFormats(ajv)
    ajv.addSchema(JSON.parse(readFileSync(EPCIS_SCHEMA_FILE, 'utf8')) as object)
    validate = ajv.getSchema(`${EPCIS_SCHEMA_ID}#/definitions/epcisQueryDocument`)
  }
  if (!validate?.(doc)) throw new Error(`not a valid EPCISQueryDocument: ${JSON.stringify(validate?.errors?.slice(0, 5))}`)
}
