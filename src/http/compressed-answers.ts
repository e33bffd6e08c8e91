// Answers many phones ask for alike (a lot's page after a recall or a news story, the entries that page proves)
// go out in brotli at its best quality, compressed once, where @fastify/compress would compress each request
// at quality 7 (compression.ts). Quality 11 takes some 20 ms of CPU for a 23 kB page, too much to spend per
// request: the second time the node sends the same body it compresses it at 11 on the thread pool, one body
// at a time, and from then on sends those bytes. A body sent once costs nothing more (a crawler's walk
// through every lot does not fill the thread pool), and the first requests get quality 7 as before. Two
// requests for each of many bodies would buy some 20 ms of compression for 2 ms of the node's time: the
// compressions take at most a quarter of one core over time (COMPRESSION_DUTY), whatever is asked.

import { negotiate } from '@fastify/accept-negotiator'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { brotliCompress, constants } from 'node:zlib'
import { Counter, type Registry } from 'prom-client'
import { RecentValues } from '../core/recent-values.js'
import { COMPRESSION_THRESHOLD } from './compression.js'
import { bodyTagOf, entityTag } from './conditional-get.js'

/** Pages and JSON: what a phone reads and a person waits for. Tiles and scripts have their own caches. */
const CACHED_TYPES = /^(?:text\/html|application\/(?:[\w.-]+\+)?json)(?:;|$)/i
/** Larger bodies are rare reads (a whole export, a hundred entries): compressing them at 11 would hold the pool. */
const MAX_CACHED_BODY_BYTES = 64 * 1024
/** Bodies compressed, by their entity tag (the SHA-256 of their bytes): at most this many, some 5 MB for pages and proofs. */
const CACHED_BODIES = 512
/** Bodies seen once, by digest, any one of which a second sight sends to be compressed. */
const BODIES_SEEN = 4096
/** The share of one core's time compressions may take: after one of d ms, the next waits d * (1 / duty - 1). */
export const COMPRESSION_DUTY = 0.25

/**
 * Registers the onSend hook that sends a body seen before from its cached brotli form, with its counters in
 * `registry` (/metrics). Call it after the hook that sets the ETag (conditional-get.ts) and before
 * installCompression, whose hook then leaves an answer that has its encoding alone.
 */
export function installCompressedAnswers(app: FastifyInstance, registry: Registry): void {
  const cached = new RecentValues<string, Buffer>(CACHED_BODIES)
  const seen = new RecentValues<string, true>(BODIES_SEEN)
  let compressing = false
  /** performance.now() before which no compression starts (COMPRESSION_DUTY) */
  let idleUntil = 0
  const compressed = new Counter({ name: 'tracechain_http_bodies_compressed_once_total', help: 'Bodies sent twice and so compressed once, in brotli at quality 11', registers: [registry] })
  const compressionSeconds = new Counter({ name: 'tracechain_http_bodies_compressed_once_seconds_total', help: 'Time from the start to the end of those compressions', registers: [registry] })
  const served = new Counter({ name: 'tracechain_http_answers_precompressed_total', help: 'Answers sent from a body compressed once', registers: [registry] })

  const compressLater = (key: string, body: Buffer) => {
    compressing = true
    const started = performance.now()
    brotliCompress(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }, (error, result) => {
      const ended = performance.now()
      compressing = false
      idleUntil = ended + (ended - started) * (1 / COMPRESSION_DUTY - 1)
      compressionSeconds.inc((ended - started) / 1000)
      if (error) return
      cached.set(key, result)
      compressed.inc()
    })
  }

  app.addHook('onSend', async (request, reply, payload) => {
    if (!cacheable(request, reply, payload)) return payload
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload
    if (body.length < COMPRESSION_THRESHOLD || body.length > MAX_CACHED_BODY_BYTES) return body
    // The body's SHA-256, as the ETag hook computed it for almost every answer.
    const key = bodyTagOf(reply) ?? entityTag(body)
    const brotli = cached.get(key)
    if (brotli === undefined) {
      if (!seen.has(key)) seen.set(key, true)
      else if (!compressing && performance.now() >= idleUntil) compressLater(key, body)
      return body
    }
    served.inc()
    reply.header('content-encoding', 'br').header('content-length', brotli.length)
    const vary = reply.getHeader('vary')
    reply.header('vary', typeof vary === 'string' && vary.length > 0 ? `${vary}, Accept-Encoding` : 'Accept-Encoding')
    return brotli
  })
}

/** A whole 200 answer to a GET of a cached type, to a client that @fastify/compress would send brotli. */
function cacheable(request: FastifyRequest, reply: FastifyReply, payload: unknown): payload is string | Buffer {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  if (reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return false
  if (request.raw.headers['x-no-compression'] !== undefined || reply.hasHeader('content-encoding') || reply.hasHeader('content-range')) return false
  const type = reply.getHeader('content-type')
  if (typeof type !== 'string' || !CACHED_TYPES.test(type)) return false
  return negotiatedEncoding(request) === 'br'
}

/** The encoding @fastify/compress picks for `request` among brotli and gzip (its getEncodingHeader); null for neither. */
export function negotiatedEncoding(request: FastifyRequest): string | null {
  const header = request.headers['accept-encoding']
  if (typeof header !== 'string') return null
  return negotiate(header.toLowerCase().replace(/\*|x-gzip/g, 'gzip'), ['br', 'gzip'])
}
