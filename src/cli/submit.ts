// `tracechain submit --url U FILE...`: sends the envelopes of each file (one envelope, a batch
// {"envelopes": [...]}, a JSON array, or NDJSON; - for stdin) to a node in batches of up to 1000.

import { readFileSync } from 'node:fs'
import type { Envelope } from '../core/dsse.js'
import { TracechainError } from '../core/errors.js'
import { askNodeJson } from './node-client.js'

/** Envelopes per POST /v1/statements: the node's batch limit. */
const BATCH = 1000

/** The most of a batch's answer read: a result for each of BATCH envelopes, a seq or a code and its message. */
export const MAX_BATCH_ANSWER_BYTES = 8 * 1024 * 1024

/** What POST /v1/statements answers a batch: one result for each envelope, in order. */
export interface BatchAnswer {
  results?: { seq?: number; code?: string; message?: string }[]
}

/**
 * The node's results for one batch. A batch the node refuses whole (BATCH_TOO_LARGE, RATE_LIMITED...) is thrown
 * with its code; an answer without as many results as envelopes is NODE_UNAVAILABLE.
 */
export async function submitBatch(base: string, envelopes: readonly unknown[], timeoutMs?: number): Promise<NonNullable<BatchAnswer['results']>> {
  const url = `${base}/v1/statements`
  const { value } = await askNodeJson<BatchAnswer>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ envelopes }),
    maxBytes: MAX_BATCH_ANSWER_BYTES,
    timeoutMs,
  })
  if (!Array.isArray(value?.results) || value.results.length !== envelopes.length) {
    throw new TracechainError('NODE_UNAVAILABLE', `POST ${url} answered without a result for each of the ${envelopes.length} envelopes sent`, { url })
  }
  return value.results
}

/** A file of envelopes: one envelope, a batch {"envelopes": [...]}, a JSON array, or NDJSON. */
export function readEnvelopes(text: string): Envelope[] {
  const trimmed = text.trim()
  let value: unknown
  try {
    value = JSON.parse(trimmed)
  } catch {
    return trimmed.split('\n').flatMap((line, i) => {
      if (line.trim() === '') return []
      try {
        return [JSON.parse(line) as Envelope]
      } catch (error) {
        throw new TracechainError('INVALID_JSON', `line ${i + 1} is not JSON (a file holds one envelope, a batch, a JSON array, or one envelope a line): ${(error as Error).message}`)
      }
    })
  }
  if (Array.isArray(value)) return value as Envelope[]
  if (value && typeof value === 'object' && 'envelopes' in value) {
    const { envelopes } = value as { envelopes: unknown }
    if (!Array.isArray(envelopes)) throw new TracechainError('BAD_REQUEST', 'a batch\'s "envelopes" must be a list')
    return envelopes as Envelope[]
  }
  return [value as Envelope]
}

/** Submits every file's envelopes to `url`, writing one result line each; returns how many were refused. */
export async function submitFiles(url: string, files: readonly string[], write: (line: string) => void, timeoutMs?: number): Promise<number> {
  const base = url.replace(/\/+$/, '')
  if (files.length === 0) throw new TracechainError('BAD_REQUEST', 'name at least one file of envelopes (or - for stdin)')
  let refused = 0
  for (const file of files) {
    const envelopes = envelopesOf(file)
    for (let i = 0; i < envelopes.length; i += BATCH) {
      for (const result of await submitBatch(base, envelopes.slice(i, i + BATCH), timeoutMs)) {
        write(JSON.stringify(result))
        if (result.code) refused++
      }
    }
  }
  return refused
}

function envelopesOf(file: string): Envelope[] {
  try {
    return readEnvelopes(readFileSync(file === '-' ? 0 : file, 'utf8'))
  } catch (error) {
    if (error instanceof TracechainError) throw new TracechainError(error.code, `${file}: ${error.message}`)
    throw new TracechainError('NOT_FOUND', `${file}: cannot read: ${(error as Error).message}`)
  }
}
