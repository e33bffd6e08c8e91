// A worker thread of the check pool: runs checkStatement on the envelopes it is sent (or, for a mirror, on the
// entries of a followed log, parsed here), with libsodium's Ed25519 verification and OpenSSL's SHA-256, and
// sends back one outcome per envelope or entry in order, in its wire form (checks.ts: toWire).

import { getPriority, setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { sodiumEd25519 } from '../core/ed25519-sodium.js'
import { useServerBackends } from '../core/server-backends.js'
import type { PoolMessage } from './check-pool.js'
import { auditReplicaEntries, checkContext, checkReplicaEntries, checkStatement, kindChecksOf, toWire } from './checks.js'
import type { StatementKind } from './kinds.js'

useServerBackends()

const options = (workerData ?? {}) as { modules?: string[]; nice?: number }
// Linux keeps a nice value per thread; elsewhere this call would set the whole process's. Relative to
// what the thread inherited, and never higher: lowering a priority needs no privilege.
if (process.platform === 'linux' && options.nice) setPriority(0, Math.min(19, getPriority(0) + options.nice))

if (!parentPort) throw new TypeError('check-worker.js runs as a worker thread')
const port = parentPort

// The modules of the kinds whose own checks run here; each exports its kinds as `kinds`.
const modules = options.modules ?? []
const loading = Promise.all(modules.map(async (url) => ((await import(url)) as { kinds?: StatementKind[] }).kinds ?? [])).then((lists) =>
  kindChecksOf(lists.flat()),
)
// A module that fails to load fails every job, with its reason.
loading.catch(() => undefined)

port.on('message', async ({ id, ...message }: { id: number } & PoolMessage) => {
  try {
    const kindChecks = await loading
    let outcomes: unknown[]
    if (message.kind === 'statements') {
      const { job } = message
      const context = checkContext(job, kindChecks)
      outcomes = job.envelopes.map((value, i) => toWire(checkStatement(sodiumEd25519, value, job.candidates[i] ?? [], context)))
    } else if (message.kind === 'audit') outcomes = auditReplicaEntries(sodiumEd25519, message.job, kindChecks)
    else outcomes = checkReplicaEntries(sodiumEd25519, message.job, kindChecks).map(toWire)
    port.postMessage({ id, outcomes })
  } catch (error) {
    port.postMessage({ id, failure: (error as Error).stack ?? String(error) })
  }
})
