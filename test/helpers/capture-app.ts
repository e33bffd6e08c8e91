// A node with the EPCIS capture interface (POST /capture) and one actor in its custody, registered: the setup of
// the capture tests, which send documents as that actor's system does, with its bearer token.

import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { createCustody, custodyKeysIn } from '../../src/cli/custody-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildApp } from '../../src/http/app.js'
import { CaptureJobStore } from '../../src/store/capture-jobs.js'
import { makeNode, type TestNode } from './ledger.js'
import { testDir } from './test-dir.js'

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'

export interface CaptureApp {
  node: TestNode
  app: FastifyInstance
  jobs: CaptureJobStore
  /** the custody actor's capture token */
  token: string
}

/** A node in a temp dir with capture, and `actor` (a processor) in its custody; closed at the test's end. */
export async function captureApp(t: Test, actor: string): Promise<CaptureApp> {
  const node = await makeNode(testDir(t))
  const jobs = new CaptureJobStore(node.store)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, capture: { custody: custodyKeysIn(node.dir), jobs } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const { signer, token } = createCustody(node.dir, actor)
  await node.ledger.submit(
    node.statement({ type: 'actor.register', actor: 'operator', body: { id: actor, name: actor, roles: ['processor'], publicKey: toBase64(signer.publicKey), custody: 'node' } }, [node.operator]),
  )
  return { node, app, jobs, token }
}

/** The capture job at `location` once it has stopped running. */
export async function finishedJob(app: FastifyInstance, location: string, token: string): Promise<Record<string, unknown>> {
  for (;;) {
    const job = (await app.inject({ url: location, headers: { authorization: `Bearer ${token}` } })).json() as Record<string, unknown>
    if (!job.running) return job
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
