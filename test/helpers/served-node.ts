// A real node on a real port of 127.0.0.1, closed in the test's teardown: what a mirror, a verifier or a
// hostile copy in a test follows over HTTP.

import type { Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import { makeNode, type TestNode } from './ledger.js'

export async function servedNode(t: Test, dir: string): Promise<{ node: TestNode; url: string }> {
  const node = await makeNode(dir)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { node, url }
}
