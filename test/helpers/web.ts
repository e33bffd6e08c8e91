// The seeded zongzi demo behind the consumer pages: a real node (LevelDB, keys, signatures) with
// the example statements, and its app, for app.inject or listening on a free 127.0.0.1 port.

import type { Test } from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, type TestNode } from './ledger.js'
import { testDir } from './test-dir.js'

export const ZONGZI = '06901234001037'
export const FINE_LOT = 'Z260526A'
export const RECALLED_LOT = 'Z260526B'
export const lotPath = (lot: string) => `/01/${ZONGZI}/10/${lot}`

export async function demoApp(t: Test, options: { baseUrl?: string; listen?: boolean } = {}) {
  const node: TestNode = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  let baseUrl = options.baseUrl ?? 'https://trace.example.cn'
  let app = await buildApp({ ledger: node.ledger, config: { baseUrl } })
  if (options.listen) {
    // Learn a free port first, then build the app whose labels point at it.
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    await app.close()
    baseUrl = `http://127.0.0.1:${port}`
    app = await buildApp({ ledger: node.ledger, config: { baseUrl } })
    await app.listen({ host: '127.0.0.1', port })
  }
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { node, app, baseUrl }
}
