// A worker thread of the check pool: runs checkStatement on the envelopes it is sent, with OpenSSL's
// Ed25519 and SHA-256, and sends back one outcome per envelope in order.

import { parentPort } from 'node:worker_threads'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { nodeSha256 } from '../core/hash-node.js'
import { useSha256Backend } from '../core/hash.js'
import { checkStatement, type CheckJob } from './checks.js'

useSha256Backend(nodeSha256)

if (!parentPort) throw new TypeError('check-worker.js runs as a worker thread')
const port = parentPort

port.on('message', ({ id, job }: { id: number; job: CheckJob }) => {
  try {
    const types = new Set(job.types)
    const outcomes = job.envelopes.map((value, i) => checkStatement(nodeEd25519, value, job.candidates[i] ?? [], { ...job, types }))
    port.postMessage({ id, outcomes })
  } catch (error) {
    port.postMessage({ id, failure: (error as Error).stack ?? String(error) })
  }
})
