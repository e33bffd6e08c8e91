// `tracechain label`: a lot's printable QR label, from a running node (--url, GET /v1/labels/...)
// or offline (--base-url, with the product name from a stopped node's --dir when given). Either way the
// QR code's URI carries the log's key id (`#log=`): offline it comes from --dir's node key or --log-key.

import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { TracechainError } from '../core/errors.js'
import { logKeyIdOf } from '../core/log-key-id.js'
import { LABEL_DIMENSIONS, LABEL_SIZES, buildLabelSvg, type LabelSize } from '../labels/label.js'
import { renderLabelPng } from '../labels/png.js'
import { buildLotLabel } from '../food/web/lot-label.js'
import { askNode } from './node-client.js'
import { openDataDir } from './mirror-dir.js'

export type LabelFormat = 'svg' | 'png'

export interface LabelOptions {
  id: string
  /** a running node; its TRACECHAIN_BASE_URL goes into the QR code */
  url?: string
  /** offline: the public base URL to print */
  baseUrl?: string
  /** offline: a stopped node's data directory, for the product name and the log's key */
  dir?: string
  /** offline without --dir: the log's verifier key (GET /v1/log/key), whose key id the URI carries */
  logKey?: string
  out?: string
  format?: string
  size?: string
  /** how long the node's answer may take (--timeout), cli/node-client.ts's default when absent */
  timeoutMs?: number
}

/** The most of a label a node's answer is read to: the print PNG is some tens of kB. */
const MAX_LABEL_BYTES = 16 * 1024 * 1024

export interface LabelResult {
  bytes: Uint8Array
  format: LabelFormat
  size: LabelSize
  /** what was written, for the summary line */
  description: string
}

function pick<T extends string>(value: string | undefined, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback
  if (!(allowed as readonly string[]).includes(value)) throw new TracechainError('BAD_REQUEST', `--${name} must be one of ${allowed.join(', ')}`)
  return value as T
}

/** Makes the label; the format defaults to the --out extension, else SVG. */
export async function makeLabel(options: LabelOptions): Promise<LabelResult> {
  const format = pick<LabelFormat>(options.format ?? (options.out?.toLowerCase().endsWith('.png') ? 'png' : undefined), ['svg', 'png'], 'format', 'svg')
  const size = pick<LabelSize>(options.size, LABEL_SIZES, 'size', 'print')
  const dims = LABEL_DIMENSIONS[size]
  const shape = format === 'png' ? `${dims.pixelWidth}x${dims.pixelHeight} px${size === 'print' ? ', 40x60 mm at 300 dpi' : ''}` : size === 'print' ? '40x60 mm' : '320x480 px'
  if (options.url) {
    // The node's label carries the node's base and key: an offline flag beside --url would be dropped, and a label
    // printed pinned to a key other than the one the producer gave.
    const offline = (['baseUrl', 'dir', 'logKey'] as const).filter((name) => options[name] !== undefined)
    if (offline.length > 0) {
      const flags = offline.map((name) => ({ baseUrl: '--base-url', dir: '--dir', logKey: '--log-key' })[name])
      throw new TracechainError('BAD_REQUEST', `${flags.join(', ')} cannot go with --url: label (--url U | --base-url URL (--dir D | --log-key VKEY))`)
    }
    const base = options.url.replace(/\/+$/, '')
    const { body } = await askNode(`${base}/v1/labels/${encodeURIComponent(options.id)}.${format}?size=${size}`, { maxBytes: MAX_LABEL_BYTES, timeoutMs: options.timeoutMs })
    return { bytes: body, format, size, description: `${format.toUpperCase()} label (${shape}) from ${base}` }
  }
  if (!options.baseUrl) throw new TracechainError('BAD_REQUEST', 'label needs --url (a running node) or --base-url (offline)')
  if (!options.dir && !options.logKey) {
    throw new TracechainError('BAD_REQUEST', "an offline label carries the log's key id: give --dir (the node's data directory) or --log-key (its verifier key)")
  }
  // Parsed before the node is opened: a bad --log-key is the caller's mistake, named as such.
  const givenKeyId = options.logKey !== undefined ? logKeyIdOf(options.logKey.trim()) : undefined
  const node = options.dir ? await openDataDir(resolve(options.dir)) : undefined
  try {
    const logKeyId = node ? logKeyIdOf(node.ledger.verifierKey) : (givenKeyId as string)
    if (givenKeyId !== undefined && givenKeyId !== logKeyId) {
      throw new TracechainError('BAD_REQUEST', `--log-key (key id ${givenKeyId}) is not the key of the node in --dir (${logKeyId})`)
    }
    const content = await buildLotLabel(options.id, { baseUrl: options.baseUrl, logKeyId }, node?.ledger.records)
    const svg = buildLabelSvg(content, size)
    const bytes = format === 'png' ? new Uint8Array(renderLabelPng(svg, size)) : new TextEncoder().encode(svg)
    return { bytes, format, size, description: `${format.toUpperCase()} label (${shape}) for ${content.uri}, trace code ${content.traceCode}` }
  } finally {
    await node?.close()
  }
}

/** Writes the label to --out, or to stdout; returns the summary line for stderr. */
export async function writeLabel(options: LabelOptions, stdout: NodeJS.WritableStream): Promise<string> {
  const label = await makeLabel(options)
  if (options.out) writeFileSync(options.out, label.bytes)
  else stdout.write(label.bytes)
  return `wrote ${options.out ?? 'stdout'}: ${label.description} (${label.bytes.length} bytes)`
}
