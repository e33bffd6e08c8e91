// Cross-origin reads (WHATWG Fetch, CORS) of the routes the browser verifier uses, so a verification
// page on another origin (the standalone page, GET /verify, copied to a regulator's site) can check
// this node: `Access-Control-Allow-Origin: *` on GET answers of routes marked `config: PUBLIC_READ`,
// never on HTML, never with credentials (the wildcard forbids them), nothing on any other route.
// Everything these routes answer is public already: anyone can fetch it with curl.

import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** answers of this GET route may be read from any origin (cors.ts) */
    publicRead?: boolean
  }
}

/** The route config that opts a GET route into cross-origin reads. */
export const PUBLIC_READ: { publicRead: boolean } = { publicRead: true }

function isHtml(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/html')
}

export function installPublicReadCors(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.routeOptions.config?.publicRead === true && (request.method === 'GET' || request.method === 'HEAD') && !isHtml(reply.getHeader('content-type'))) {
      reply.header('access-control-allow-origin', '*')
    }
    done(null, payload)
  })
}
