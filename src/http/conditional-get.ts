// Validators and conditional GETs (RFC 9110 sections 8.8.3 and 13.1.2): every 200 answer to a GET or HEAD
// whose body the app holds whole (pages, JSON reads, checkpoints, tiles) carries an ETag, the SHA-256 of
// the body as the app wrote it; a request whose If-None-Match names it gets 304 with no body. Weak (W/):
// the same validator stands for the identity, gzip and brotli forms of one body (compression comes after).
// A page that is still re-rendered on each request costs the node that much, but not the phone the bytes.

import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'

/** The weak entity tag of a body. */
export function entityTag(body: string | Buffer): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/** RFC 9110 section 13.1.2: `*`, or a list of entity tags of which one matches by the weak comparison. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => opaque(tag) === opaque(etag))
}

/** The entity tag installConditionalGet computed for the body of `reply` (the hooks after it reuse the digest). */
const bodyTags = new WeakMap<FastifyReply, string>()

export function bodyTagOf(reply: FastifyReply): string | undefined {
  return bodyTags.get(reply)
}

export function installConditionalGet(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
      return done(null, payload)
    }
    let etag = reply.getHeader('etag')
    if (typeof etag !== 'string') {
      etag = entityTag(payload)
      reply.header('etag', etag)
      bodyTags.set(reply, etag)
    }
    if (!noneMatch(request.headers['if-none-match'], etag)) return done(null, payload)
    // No body, so no Content-Length: a 304 may only carry the 200's (RFC 9110 section 8.6), and a cache that
    // takes a 304's fields for the stored answer's would take a 0 for the tile or page it keeps.
    reply.code(304).removeHeader('content-length').removeHeader('content-type')
    done(null, null)
  })
}
