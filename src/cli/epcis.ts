// `tracechain epcis import doc.json --key K --actor A --url U`: signs every event of an EPCIS 2.0
// document (JSON-LD, or EPCIS 2.0 or 1.2 XML converted to it) as a food.event statement and submits them in
// batches, then says what became of each.
// `tracechain epcis hash doc.json [--prehash]`: each event's CBV 2.0 event hash ID, computed here.

import { readFileSync } from 'node:fs'
import { buildStatementEnvelope } from '../core/dsse.js'
import { documentPreHashes, eventPreHash, hashIdOfPreHash } from '../core/epcis-event-hash.js'
import { TracechainError, fail } from '../core/errors.js'
import { parseJsonText } from '../core/json-depth.js'
import type { Signer } from '../core/keys.js'
import { askNodeJson } from './node-client.js'
import { submitBatch } from './submit.js'
import { statementsFromDocument } from '../food/epcis-import.js'
import { epcisDocumentFromXml, isXmlText } from '../food/epcis-xml.js'

/** POST /v1/statements takes up to 1000 envelopes in one batch. */
export const IMPORT_BATCH_SIZE = 1000

export interface ImportOptions {
  /** the document's text (attacker-controlled as far as the node is concerned; parsed here) */
  text: string
  signer: Signer
  actor: string
  url: string
  /** issuedAt of every statement; a retry with the same value signs the same bytes */
  issuedAt: string
  /** read the text as XML even if it does not start with "<" (a .xml file) */
  xml?: boolean
  write: (line: string) => void
  /** how long each answer of the node may take (--timeout), cli/node-client.ts's default when absent */
  timeoutMs?: number
}

export interface ImportSummary {
  events: number
  appended: number
  alreadyThere: number
  refused: number
  refusedByCode: Record<string, number>
}

/** An import or hash reads documents up to this size; the node's capture takes 16 MiB. */
export const IMPORT_MAX_XML_BYTES = 256 * 1024 * 1024

/**
 * The document in `text`: JSON, or EPCIS XML (when it starts with "<" or `xml` says so) as its JSON-LD form.
 * Throws INVALID_JSON, or for XML what epcisDocumentFromXml throws (BAD_REQUEST, BODY_TOO_LARGE, EPCIS_INVALID).
 */
export function parseEpcisText(text: string, xml = false): unknown {
  if (xml || isXmlText(text)) return epcisDocumentFromXml(text, { maxBytes: IMPORT_MAX_XML_BYTES })
  // As the node's capture reads it: what reads the events (the hash, the canonical form) recurses through them.
  return parseJsonText(text, 'the document')
}

/** Signs and submits; prints one line per refusal and a summary. Throws what parseEpcisText throws, EPCIS_INVALID, or what the node answers to a whole batch. */
export async function importEpcisDocument(options: ImportOptions): Promise<ImportSummary> {
  const document = parseEpcisText(options.text, options.xml)
  const statements = statementsFromDocument(document, options.actor, () => options.issuedAt)
  const base = options.url.replace(/\/+$/, '')
  const summary: ImportSummary = { events: statements.length, appended: 0, alreadyThere: 0, refused: 0, refusedByCode: {} }
  for (let start = 0; start < statements.length; start += IMPORT_BATCH_SIZE) {
    const batch = statements.slice(start, start + IMPORT_BATCH_SIZE)
    const envelopes = batch.map((statement) => buildStatementEnvelope(statement, [options.signer]))
    // Batch answers carry no "created" flag: a seq at or past the size before the batch was appended by it.
    const sizeBefore = await treeSize(base, options.timeoutMs)
    const results = await submitBatch(base, envelopes, options.timeoutMs)
    results.forEach((result, i) => {
      if (result.code) {
        summary.refused++
        summary.refusedByCode[result.code] = (summary.refusedByCode[result.code] ?? 0) + 1
        const eventId = (batch[i].body as { eventID?: unknown }).eventID
        options.write(`refused: event ${start + i + 1}${typeof eventId === 'string' ? ` (${eventId})` : ''}: ${result.code}: ${result.message}`)
      } else if ((result.seq as number) >= sizeBefore) {
        summary.appended++
      } else {
        summary.alreadyThere++
      }
    })
  }
  const codes = Object.entries(summary.refusedByCode).map(([code, n]) => `${code} ${n}`)
  options.write(
    `epcis import: ${summary.events} events signed by ${options.actor} (issuedAt ${options.issuedAt}): ${summary.appended} appended, ${summary.alreadyThere} already there, ${summary.refused} refused${codes.length ? ` (${codes.join(', ')})` : ''}`,
  )
  if (summary.refusedByCode.STATEMENT_ID_CONFLICT) {
    options.write('  STATEMENT_ID_CONFLICT: those events were imported before with other bytes; pass that import\'s --issued-at to repeat it exactly')
  }
  return summary
}

async function treeSize(base: string, timeoutMs: number | undefined): Promise<number> {
  const url = `${base}/healthz`
  const { value } = await askNodeJson<{ size?: unknown }>(url, { maxBytes: MAX_HEALTH_BYTES, timeoutMs })
  if (!Number.isSafeInteger(value?.size)) throw new TracechainError('NODE_UNAVAILABLE', `GET ${url} answered without the log's size`, { url })
  return value.size as number
}

/** The most of GET /healthz read: a node's is a few hundred bytes. */
const MAX_HEALTH_BYTES = 64 * 1024

/** The document text from a file, or stdin for "-". */
export function readDocument(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8')
}

/**
 * Each event's CBV 2.0 event hash ID, or with `prehash` its pre-hash string, one a line in document order, as
 * GS1's reference generator prints them. The text: an EPCISDocument, an EPCISQueryDocument or one event, in
 * JSON-LD, or an EPCIS XML document. Throws what parseEpcisText throws, or EPCIS_INVALID for JSON that is none of those.
 */
export function hashEpcisDocument(text: string, prehash: boolean, xml = false): string[] {
  const document = parseEpcisText(text, xml)
  const isEvent = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string' && !('epcisBody' in value)
  const preHashes = documentPreHashes(document) ?? (isEvent(document) ? [eventPreHash(document)] : undefined)
  if (!preHashes) fail('EPCIS_INVALID', 'not an EPCISDocument, an EPCISQueryDocument or an EPCIS event')
  return prehash ? preHashes : preHashes.map(hashIdOfPreHash)
}
