// Closing a server does not wait for connections that never sent a request. Browsers open such
// connections ahead of need (Chromium preconnects to an origin it has just loaded a page from); Node's
// server.close() counts them as active, so the node's, a mirror's or a witness's close waited until the
// headers timeout dropped them (a minute).

import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/http/app.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { formatVerifierKey } from '../../src/core/signed-note.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

/** A TCP connection to the server that sends nothing, as a browser's preconnect. */
async function silentConnection(t: Test, url: string): Promise<Socket> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  socket.on('error', () => undefined)
  // Should close() leave it open, the test fails and this frees it.
  t.teardown(() => socket.destroy())
  return socket
}

/** How long `app.close()` took to end with `socket` closed too; rejects after `limitMs`. */
async function timedClose(app: FastifyInstance, socket: Socket, limitMs: number): Promise<number> {
  const started = Date.now()
  const socketClosed = new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())))
  let timer: NodeJS.Timeout | undefined
  const tooLong = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server or the connection still open after ${limitMs} ms`)), limitMs)
  })
  try {
    await Promise.race([Promise.all([app.close(), socketClosed]), tooLong])
    return Date.now() - started
  } finally {
    clearTimeout(timer)
  }
}

t.test('a node closes at once with a connection open that never sent a byte', async (t) => {
  const node = await makeNode(join(testDir(t), 'node'))
  t.teardown(() => node.close())
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const silent = await silentConnection(t, url)
  const took = await timedClose(app, silent, 10_000)
  t.ok(took < 5_000, `closed, and the silent connection with it, in ${took} ms`)
})

t.test('a witness closes at once with a silent connection open', async (t) => {
  const signer = newSigner()
  const logSigner = newSigner()
  const witness = new Witness({
    cosigner: { name: 'witness.test/w', publicKey: signer.publicKey, sign: (m) => signer.sign(m) },
    logs: [formatVerifierKey('log.test/x', logSigner.publicKey)],
    state: new WitnessState(join(testDir(t), 'witness')),
    ed: nodeEd25519,
  })
  const app = buildWitnessApp({ witness })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const silent = await silentConnection(t, url)
  const took = await timedClose(app, silent, 10_000)
  t.ok(took < 5_000, `closed, and the silent connection with it, in ${took} ms`)
})
