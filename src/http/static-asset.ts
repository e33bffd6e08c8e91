// A static asset answered compressed when the client accepts it: brotli, else gzip, else as is. Each
// form is made once, on first use; the verifier bundle is ~100 KB and ~30 KB in brotli, and on a
// phone on a mobile network that difference is most of the time to "verified".

import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { negotiatedEncoding } from './compressed-answers.js'

const brotliAsync = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

export class StaticAsset {
  // Compressed on the thread pool, once: brotli at quality 11 takes a few hundred ms on ~100 KB, which on
  // the event loop would hold every other request of the first phone to ask.
  private brotli: Promise<Buffer> | undefined
  private gzip: Promise<Buffer> | undefined

  constructor(
    readonly bytes: Buffer,
    readonly contentType: string,
  ) {}

  /** Sends the asset in the best encoding `request` accepts; headers beyond type and encoding are the caller's. */
  async send(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    // Negotiated as the compressed pages are: a client that says br;q=0 does not take brotli.
    const encoding = negotiatedEncoding(request)
    reply.type(this.contentType).header('vary', 'Accept-Encoding')
    if (encoding === 'br') {
      this.brotli ??= brotliAsync(this.bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
      return reply.header('content-encoding', 'br').send(await this.brotli)
    }
    if (encoding === 'gzip') {
      this.gzip ??= gzipAsync(this.bytes, { level: 9 })
      return reply.header('content-encoding', 'gzip').send(await this.gzip)
    }
    return reply.send(this.bytes)
  }
}
