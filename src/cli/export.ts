// `tracechain export fsma204 --url U [--lot L] [--from D] [--to D] [--out FILE]`: fetches the FDA
// FSMA 204 sortable spreadsheet from a node and writes it byte for byte (CSV, UTF-8 with a BOM).

import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs'
import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TracechainError } from '../core/errors.js'
import { openNodeStream } from './node-client.js'

export interface Fsma204ExportOptions {
  url: string
  lot?: string
  from?: string
  to?: string
  /** a file to write, or undefined for stdout */
  out?: string
  /** how long the node may send nothing before the export is given up (--timeout), cli/node-client.ts's default when absent */
  idleMs?: number
}

/**
 * Writes the CSV; returns how many data rows it held, and `truncated` when the node says the lot's trace
 * reached its bounds (the file may lack lots linked to it). Throws the node's own error code when it refuses,
 * NODE_UNAVAILABLE when it cannot be reached or stops sending; a file is written whole or not at all.
 */
export async function exportFsma204(options: Fsma204ExportOptions): Promise<{ rows: number; bytes: number; truncated: boolean }> {
  const query = new URLSearchParams()
  for (const name of ['lot', 'from', 'to'] as const) if (options[name] !== undefined) query.set(name, options[name] as string)
  const url = `${options.url.replace(/\/+$/, '')}/v1/export/fsma204${query.size > 0 ? `?${query}` : ''}`
  const { response, touch, done } = await openNodeStream(url, options.idleMs)
  const counter = new RecordCounter()
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      touch()
      counter.add(chunk)
      next(null, chunk)
    },
  })
  // Written beside the file and renamed when whole: an export cut off (the node gone, stopped sending) leaves no
  // file that looks like a complete one. The file is the pipeline's last stream, so a write it cannot make (no
  // such directory, a full disk) fails the export as that, with its errno code; stdout is written, never ended.
  const partial = options.out === undefined ? undefined : `${options.out}.partial`
  const sink = partial ? createWriteStream(partial) : new Writable({ write: (chunk: Buffer, _encoding, next) => (process.stdout.write(chunk) ? next() : process.stdout.once('drain', () => next())) })
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), counted, sink)
  } catch (error) {
    if (partial && existsSync(partial)) rmSync(partial, { force: true })
    const local = typeof (error as NodeJS.ErrnoException).syscall === 'string'
    throw error instanceof TracechainError || local ? error : new TracechainError('NODE_UNAVAILABLE', `GET ${url}: the answer broke off after ${counter.bytes} bytes: ${(error as Error).message}`, { url })
  } finally {
    done()
  }
  if (partial) renameSync(partial, options.out as string)
  return { rows: Math.max(0, counter.records - 1), bytes: counter.bytes, truncated: response.headers.get('tracechain-truncated') === 'true' }
}

/** Counts RFC 4180 records: line feeds outside quoted fields. */
class RecordCounter {
  records = 0
  bytes = 0
  private quoted = false

  add(chunk: Uint8Array): void {
    this.bytes += chunk.length
    for (const byte of chunk) {
      if (byte === 0x22) this.quoted = !this.quoted
      else if (byte === 0x0a && !this.quoted) this.records++
    }
  }
}
