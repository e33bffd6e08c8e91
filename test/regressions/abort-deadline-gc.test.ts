// A peer that accepts a request and never answers must fail the request at its deadline, even when the
// garbage collector runs meanwhile. Node 20's AbortSignal.any holds its sources weakly: a joined
// AbortSignal.timeout was collected with its timer, and a webhook attempt at a silent receiver waited
// forever (CI: "timed out waiting for all settled" in webhooks.test.ts, one run in three locally).
// Here a GC is forced every 20 ms while the receiver holds every request.

import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t, { type Test } from 'tap'
import { deadline } from '../../src/core/deadline.js'
import { witnessKeyOf } from '../../src/core/cosignature.js'
import { isTracechainError } from '../../src/core/errors.js'
import { WebhookDispatcher } from '../../src/publish/webhooks.js'
import { addCheckpoint } from '../../src/witness/client.js'
import { makeNode } from '../helpers/ledger.js'
import { registrations } from '../helpers/node-process.js'
import { TestLog } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/** A server on 127.0.0.1 that reads each request and never answers it. */
async function silentPeer(t: Test): Promise<{ url: string; requests: () => number }> {
  const held: ServerResponse[] = []
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => held.push(response))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    for (const response of held) response.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => held.length }
}

function collectingGarbage(t: Test): void {
  const timer = setInterval(collectGarbage, 20)
  t.teardown(() => clearInterval(timer))
}

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} still waiting after ${ms} ms`)), ms)))
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

t.test('a deadline joined with a caller signal fires under GC, and the caller can still abort', async (t) => {
  const peer = await silentPeer(t)
  collectingGarbage(t)
  const started = Date.now()
  const short = deadline(300, new AbortController().signal)
  const error = await within(5000, 'the fetch', fetch(peer.url, { signal: short.signal }).then(() => undefined, (e: Error) => e))
  short.clear()
  t.equal(error?.name, 'TimeoutError')
  t.ok(Date.now() - started < 3000, `failed at its deadline (${Date.now() - started} ms)`)

  const caller = new AbortController()
  const long = deadline(60_000, caller.signal)
  const pending = fetch(peer.url, { signal: long.signal }).then(() => undefined, (e: Error) => e)
  setTimeout(() => caller.abort(new Error('shutting down')), 100)
  t.match((await within(5000, 'the aborted fetch', pending))?.message, 'shutting down')
  long.clear()
})

t.test('a webhook attempt at a receiver that never answers fails at its timeout under GC', async (t) => {
  const peer = await silentPeer(t)
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const hooks = new WebhookDispatcher({
    ledger: node.ledger, store: node.store, nodeSigner: node.nodeSigner, origin: node.config.origin,
    targets: [{ kind: 'LATE_RECORD', url: `${peer.url}/hook` }],
    timing: { maxAttempts: 2, baseDelayMs: 40, maxDelayMs: 80, timeoutMs: 400, idleCheckMs: 500 },
    random: () => 0.5,
  })
  t.teardown(() => hooks.close())
  await hooks.start()
  collectingGarbage(t)
  for (const envelope of registrations(node.operator, 'gc', 1)) await node.ledger.submit(envelope)
  await within(10_000, 'the webhook', (async () => {
    while ((await hooks.status())[0].givenUp < 1) await new Promise((resolve) => setTimeout(resolve, 20))
  })())
  const [state] = await hooks.status()
  t.match(state, { delivered: 0, failures: 2, givenUp: 1 })
  t.equal(state.lastFailure?.error, 'no answer in 400 ms')
  t.equal(peer.requests(), 2, 'both attempts reached the receiver')
})

t.test('a witness that never answers is WITNESS_UNAVAILABLE at the timeout under GC, with a caller signal', async (t) => {
  const peer = await silentPeer(t)
  collectingGarbage(t)
  const log = new TestLog('example.test/gc').append(3, 'a')
  const key = witnessKeyOf('witness.test/gc', new Uint8Array(32).fill(7))
  const error = await within(5000, 'the witness', addCheckpoint(peer.url, key, { oldSize: 0, proof: [], checkpoint: log.checkpoint(3) }, { timeoutMs: 300, signal: new AbortController().signal }).then(() => undefined, (e: unknown) => e))
  t.ok(isTracechainError(error) && error.code === 'WITNESS_UNAVAILABLE', String(error))
})
