// A static asset answered compressed when the client accepts it: brotli, else gzip, else as is. Each
// form is made once, on first use; the verifier bundle is ~100 KB and ~30 KB in brotli, and on a
// phone on a mobile network that difference is most of the time to "verified".

import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

export class StaticAsset {
  private brotli: Buffer | undefined
  private gzip: Buffer | undefined

  constructor(
    readonly bytes: Buffer,
    readonly contentType: string,
  ) {}

  /** Sends the asset in the best encoding `request` accepts; headers beyond type and encoding are the caller's. */
  send(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const accepted = String(request.headers['accept-encoding'] ?? '')
    reply.type(this.contentType).header('vary', 'Accept-Encoding')
    if (/\bbr\b/.test(accepted)) {
      this.brotli ??= brotliCompressSync(this.bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
      return reply.header('content-encoding', 'br').send(this.brotli)
    }
    if (/\bgzip\b/.test(accepted)) {
      this.gzip ??= gzipSync(this.bytes, { level: 9 })
      return reply.header('content-encoding', 'gzip').send(this.gzip)
    }
    return reply.send(this.bytes)
  }
}
