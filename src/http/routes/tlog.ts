// The log as static C2SP tlog-tiles resources under /tlog/ (checkpoint, hash tiles, entry bundles): the same
// bytes `tracechain publish` writes, with cache headers a CDN can follow (full tiles and bundles never
// change; partial ones and the checkpoint do), readable from any origin (cors.ts), as the data is public.

import type { FastifyPluginAsync } from 'fastify'
import { TILE_WIDTH, parseTilePath } from '../../core/tile-paths.js'
import { fail } from '../../core/errors.js'
import type { Ledger } from '../../ledger/ledger.js'
import { leaveUncompressed } from '../compression.js'
import { PUBLIC_READ } from '../cors.js'

export const TLOG_PREFIX = '/tlog'
/** Full tiles and bundles: their bytes never change. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'
/** The checkpoint moves on with every commit, and a partial tile may be gone once its full tile is published. */
export const MUTABLE_CACHE_CONTROL = 'public, max-age=5'
/**
 * The checkpoint: a CDN keeps it a few seconds, a browser asks again every time (a page's preload of it, which
 * no fetch option can keep from the HTTP cache, then still brings the newest; web/early-requests.ts).
 */
export const CHECKPOINT_CACHE_CONTROL = 'public, max-age=0, s-maxage=5'

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

export const tlogRoutes: FastifyPluginAsync<{ ledger: Ledger; servedCheckpoint?: () => string }> = async (app, { ledger, servedCheckpoint = () => ledger.checkpoint }) => {
  // Every route here is a public read (cors.ts): Access-Control-Allow-Origin: *, on errors too.
  app.addHook('onSend', async (_request, reply, payload) => {
    // A tile beyond the tree now will be there later: no cache may keep the 404.
    if (reply.statusCode >= 400) reply.header('cache-control', 'no-store')
    return payload
  })

  app.get(`${TLOG_PREFIX}/checkpoint`, { config: PUBLIC_READ, schema: { summary: 'The latest signed checkpoint (C2SP tlog-tiles)', tags: ['tlog'] } }, async (_request, reply) => {
    return reply.type('text/plain; charset=utf-8').header('cache-control', CHECKPOINT_CACHE_CONTROL).send(servedCheckpoint())
  })

  app.get(
    `${TLOG_PREFIX}/tile/*`,
    {
      config: PUBLIC_READ,
      schema: { summary: 'A hash tile tile/<L>/<N>[.p/<W>] or an entry bundle tile/entries/<N>[.p/<W>] (C2SP tlog-tiles)', tags: ['tlog'] },
    },
    async (request, reply) => {
      const resource = parseTilePath(`tile/${(request.params as { '*': string })['*']}`)
      // Hashes do not compress; an entry bundle's JSON does.
      if (resource.kind === 'tile') leaveUncompressed(request)
      const bytes =
        resource.kind === 'tile' ? ledger.tile(resource.level, resource.index, resource.width) : await ledger.entryBundle(resource.index, resource.width)
      return reply
        .type('application/octet-stream')
        .header('cache-control', resource.width === TILE_WIDTH ? IMMUTABLE_CACHE_CONTROL : MUTABLE_CACHE_CONTROL)
        .send(asBuffer(bytes))
    },
  )

  // Anything else under the prefix: answered here, so it carries the same CORS and cache headers.
  app.get(`${TLOG_PREFIX}/*`, { config: PUBLIC_READ, schema: { hide: true } }, async (request) => {
    fail('NOT_FOUND', `no resource ${request.url.split('?')[0]}: a tiled log serves checkpoint and tile/...`)
  })
}
