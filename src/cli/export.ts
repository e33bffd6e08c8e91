// `tracechain export fsma204 --url U [--lot L] [--from D] [--to D] [--out FILE]`: fetches the FDA
// FSMA 204 sortable spreadsheet from a node and writes it byte for byte (CSV, UTF-8 with a BOM).

import { createWriteStream } from 'node:fs'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ERROR_STATUS, TracechainError, type ErrorCode } from '../core/errors.js'

export interface Fsma204ExportOptions {
  url: string
  lot?: string
  from?: string
  to?: string
  /** a file to write, or undefined for stdout */
  out?: string
}

/**
 * Writes the CSV; returns how many data rows it held, and `truncated` when the node says the lot's trace
 * reached its bounds (the file may lack lots linked to it). Throws the node's own error code when it refuses.
 */
export async function exportFsma204(options: Fsma204ExportOptions): Promise<{ rows: number; bytes: number; truncated: boolean }> {
  const query = new URLSearchParams()
  for (const name of ['lot', 'from', 'to'] as const) if (options[name] !== undefined) query.set(name, options[name] as string)
  const url = `${options.url.replace(/\/+$/, '')}/v1/export/fsma204${query.size > 0 ? `?${query}` : ''}`
  const response = await fetch(url)
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string }
    const code = body.code && Object.hasOwn(ERROR_STATUS, body.code) ? (body.code as ErrorCode) : 'BAD_REQUEST'
    throw new TracechainError(code, `${response.status} from ${url}: ${body.message ?? response.statusText}`)
  }
  const counter = new RecordCounter()
  const sink = options.out ? createWriteStream(options.out) : process.stdout
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        counter.add(chunk)
        if (sink.write(chunk)) done()
        else sink.once('drain', () => done())
      },
      final(done) {
        if (sink === process.stdout) done()
        else (sink as ReturnType<typeof createWriteStream>).end(done)
      },
    }),
  )
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
