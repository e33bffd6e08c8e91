// How the node's and the witness's servers treat connections. A request must arrive (headers and body) within a
// deadline, as Node's own server has it and Fastify turns off: a client that sends a byte now and then holds its
// socket, and what it sent, no longer than that (requestTimeoutOptions). And closing a server drops the
// connections that never carried a request. Browsers open connections ahead of
// need (Chromium preconnects to the origin of a page it has loaded), and Node's server.close() closes only
// connections idle between requests: one that has sent nothing counts as active, so close() waited until
// the headers timeout dropped it, a minute later, and a restart with a consumer's page open waited too.
// Such a connection holds no request, so nothing is lost.

import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'

export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const open = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => {
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  })
  app.addHook('preClose', (done) => {
    for (const socket of open) if (socket.bytesRead === 0) socket.destroy()
    done()
  })
}

/**
 * Fastify's options for a server whose requests must arrive within `ms`. Answers are not bound by it (an alert
 * stream lasts as long as its client reads). Node checks the deadline every connectionsCheckingInterval (30 s by
 * default), so a short one is checked oftener.
 */
export function requestTimeoutOptions(ms: number): { requestTimeout: number; http: { requestTimeout: number; connectionsCheckingInterval: number } } {
  return { requestTimeout: ms, http: { requestTimeout: ms, connectionsCheckingInterval: Math.min(30_000, Math.max(100, ms / 10)) } }
}
