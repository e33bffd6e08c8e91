// The zongzi scenario (examples/) seeded into a real node in a test directory, with the HTTP app over it.

import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { seedLedger } from '../../src/cli/demo.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, type TestNode } from './ledger.js'

/** Closes both at teardown. `clock` is the app's (creationDate, time-based alerts). */
export async function seededDemoApp(t: Test, options: { clock?: () => Date } = {}): Promise<{ node: TestNode; app: FastifyInstance }> {
  const node = await makeNode(t.testdir())
  await seedLedger(node.ledger, node.operator)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, ...(options.clock ? { clock: options.clock } : {}) })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { node, app }
}
