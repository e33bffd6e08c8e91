// `tracechain submit --url U FILE...`: sends the envelopes of each file (one envelope, a batch
// {"envelopes": [...]}, a JSON array, or NDJSON; - for stdin) to a node in batches of up to 1000.

import { readFileSync } from 'node:fs'
import type { Envelope } from '../core/dsse.js'
import { TracechainError } from '../core/errors.js'

/** Envelopes per POST /v1/statements: the node's batch limit. */
const BATCH = 1000

/** A file of envelopes: one envelope, a batch {"envelopes": [...]}, a JSON array, or NDJSON. */
export function readEnvelopes(text: string): Envelope[] {
  const trimmed = text.trim()
  try {
    const value = JSON.parse(trimmed) as unknown
    if (Array.isArray(value)) return value as Envelope[]
    if (value && typeof value === 'object' && 'envelopes' in value) return (value as { envelopes: Envelope[] }).envelopes
    return [value as Envelope]
  } catch {
    return trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Envelope)
  }
}

/** Submits every file's envelopes to `url`, writing one result line each; returns how many were refused. */
export async function submitFiles(url: string, files: readonly string[], write: (line: string) => void): Promise<number> {
  const base = url.replace(/\/+$/, '')
  if (files.length === 0) throw new TracechainError('BAD_REQUEST', 'name at least one file of envelopes (or - for stdin)')
  let refused = 0
  for (const file of files) {
    const envelopes = readEnvelopes(readFileSync(file === '-' ? 0 : file, 'utf8'))
    for (let i = 0; i < envelopes.length; i += BATCH) {
      const response = await fetch(`${base}/v1/statements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ envelopes: envelopes.slice(i, i + BATCH) }),
      })
      const answer = (await response.json()) as { results?: { seq?: number; code?: string; message?: string }[]; code?: string; message?: string }
      if (!answer.results) throw new TracechainError('BAD_REQUEST', `${response.status} ${answer.code}: ${answer.message}`)
      for (const result of answer.results) {
        write(JSON.stringify(result))
        if (result.code) refused++
      }
    }
  }
  return refused
}
