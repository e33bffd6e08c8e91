// Closing a server drops the connections that never carried a request. Browsers open connections ahead of
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
