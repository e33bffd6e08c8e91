// The traces a node runs once it listens (food/trace-warm-up.ts, domains.ts startWarmUp): over the demo's
// graph they trace from objects with upstream edges; they stop when asked, before the store closes; and a
// store that fails under them ends the warm-up, never the process.

import t from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { startWarmUp } from '../../src/domains.js'
import { SPACES } from '../../src/food/records.js'
import { warmUpTraces } from '../../src/food/trace-warm-up.js'
import type { RecordReader } from '../../src/ledger/kinds.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

/** The reader's calls by space, passed through. */
function counting(records: RecordReader) {
  const spaces = new Map<string, number>()
  const count = (space: string) => spaces.set(space, (spaces.get(space) ?? 0) + 1)
  const reader: RecordReader = {
    get: (space, key) => (count(space), records.get(space, key)),
    getMany: (space, keys) => (count(space), records.getMany!(space, keys)),
    range: (space, options) => (count(space), records.range(space, options)),
  }
  return { reader, spaces }
}

t.test("a warm-up traces the demo's objects that have upstream edges, and walks their edges", async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  t.same((await warmUpTraces(node.ledger.records)).traces, 0, 'an empty ledger: nothing to trace')
  await seedLedger(node.ledger, node.operator)
  const upstream = await node.ledger.records.range(SPACES.adjacentBackward, {})
  const { reader, spaces } = counting(node.ledger.records)
  const warmed = await warmUpTraces(reader)
  t.equal(warmed.traces, upstream.length, `every object with upstream edges is traced (${upstream.length})`)
  t.ok(upstream.length >= 3, 'the demo has several')
  t.ok((spaces.get(SPACES.adjacentForward) ?? 0) > 0 && (spaces.get(SPACES.object) ?? 0) > 0, 'both ways, with the nodes described')
  t.equal((await warmUpTraces(node.ledger.records, { traces: 2 })).traces, 2, 'no more than asked')
})

t.test('a warm-up stops when asked, and a failing store ends it quietly', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await seedLedger(node.ledger, node.operator)
  const aborted = new AbortController()
  aborted.abort()
  t.equal((await warmUpTraces(node.ledger.records, { signal: aborted.signal })).traces, 0, 'aborted before it began: no trace')

  // Stopped while its first trace waits on the store: stop() resolves once that read is over, and no trace follows.
  let release: () => void = () => undefined
  const gate = new Promise<void>((resolve) => (release = resolve))
  let reads = 0
  const slow: RecordReader = {
    get: async (space, key) => (reads++, await gate, node.ledger.records.get(space, key)),
    getMany: async (space, keys) => (reads++, await gate, node.ledger.records.getMany!(space, keys)),
    range: (space, options) => node.ledger.records.range(space, options),
  }
  const warmUp = startWarmUp(slow)
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(reads > 0, 'the first trace is reading')
  const stopped = warmUp.stop()
  release()
  await stopped
  const readsWhenStopped = reads
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(reads, readsWhenStopped, 'once stop() resolved, nothing more is read: the store may close')

  const failing: RecordReader = {
    get: () => Promise.reject(new Error('store closed')),
    getMany: () => Promise.reject(new Error('store closed')),
    range: (space, options) => node.ledger.records.range(space, options),
  }
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => process.off('unhandledRejection', onUnhandled))
  t.same((await warmUpTraces(failing)).traces, 0, 'the failing read ends it')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.same(unhandled, [], 'and nothing is left unhandled')
})
