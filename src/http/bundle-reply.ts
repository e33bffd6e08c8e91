// How every proof bundle is answered (docs/bundles.md): its media type, a file name for a browser's download,
// and no caching beyond revalidation, as the next one is against a newer checkpoint.

import type { FastifyReply } from 'fastify'
import { BUNDLE_MEDIA_TYPE, type ProofBundle } from '../core/proof-bundle.js'

/** Characters a file name keeps; anything else (a lot number may hold "/", quotes, "%") becomes "_". */
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)
}

/** Sends `bundle` as `<name>.tracechain-bundle.json`. */
export function bundleReply(reply: FastifyReply, bundle: ProofBundle, name: string): FastifyReply {
  return reply
    .type(BUNDLE_MEDIA_TYPE)
    .header('content-disposition', `attachment; filename="${safeFileName(name)}.tracechain-bundle.json"`)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .send(`${JSON.stringify(bundle)}\n`)
}
