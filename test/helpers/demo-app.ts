// The zongzi scenario (examples/) seeded into a real node in a test directory, with the HTTP app over it.

import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { seedLedger } from '../../src/cli/demo.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, type TestNode } from './ledger.js'
import { startRewritingProxy, type RewritingProxy } from './rewriting-proxy.js'
import { testDir } from './test-dir.js'

/** Closes both at teardown. `clock` is the app's (creationDate, time-based alerts). */
export async function seededDemoApp(t: Test, options: { clock?: () => Date } = {}): Promise<{ node: TestNode; app: FastifyInstance }> {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, ...(options.clock ? { clock: options.clock } : {}) })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { node, app }
}

/** The seeded demo listening on a free 127.0.0.1 port, behind a rewriting proxy (rewriting-proxy.ts) of its own. */
export async function seededDemoBehindProxy(t: Test, options: { clock?: () => Date } = {}): Promise<RewritingProxy & { node: TestNode }> {
  const { app, node } = await seededDemoApp(t, options)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  return Object.assign(await startRewritingProxy(t, `http://127.0.0.1:${port}`), { node })
}
