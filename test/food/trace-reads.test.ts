// A trace reads its nodes' details while it walks (trace.ts EarlyDetails): the same graph and the same reads
// as describing them after the walk, in fewer round trips; and a store read that fails fails the trace, never
// the process with an unhandled rejection.

import t from 'tap'
import { seedLedger } from '../../src/cli/demo.js'
import { SPACES } from '../../src/food/records.js'
import { traceGraph } from '../../src/food/trace.js'
import type { RecordReader } from '../../src/ledger/kinds.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const ZONGZI_LOT = 'https://id.gs1.org/01/06901234001037/10/Z260526A'

/** A reader that counts store calls and makes each wait TRIP_MS: a trace's time then tells its round trips (the rest of its time, under TRIP_MS, is rounded away). */
const TRIP_MS = 200
function counting(records: RecordReader, withMany: boolean) {
  const counts = { calls: 0 }
  const call = async <T>(read: () => Promise<T>): Promise<T> => {
    counts.calls++
    await new Promise((resolve) => setTimeout(resolve, TRIP_MS))
    return read()
  }
  const reader: RecordReader = {
    ...records,
    get: (space, key) => call(() => records.get(space, key)),
    range: (space, options) => call(() => records.range(space, options)),
    ...(withMany ? { getMany: <T>(space: string, keys: string[]) => call(() => records.getMany!<T>(space, keys)) } : { getMany: undefined }),
  }
  return { reader, counts }
}

async function roundTrips<T>(trace: () => Promise<T>): Promise<{ graph: T; trips: number }> {
  const started = performance.now()
  const graph = await trace()
  return { graph, trips: Math.floor((performance.now() - started) / TRIP_MS) }
}

t.test('reading details during the walk gives the graph read record by record, in fewer round trips', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await seedLedger(node.ledger, node.operator)
  for (const direction of ['backward', 'forward', 'both'] as const) {
    const one = counting(node.ledger.records, false)
    const many = counting(node.ledger.records, true)
    const byRecord = await traceGraph(one.reader, ZONGZI_LOT, direction)
    const batched = await traceGraph(many.reader, ZONGZI_LOT, direction)
    t.same(batched, byRecord, `${direction}: the same graph`)
    t.ok(byRecord.nodes.length > 1, `${direction}: the demo lot has neighbours`)
    t.ok(many.counts.calls <= one.counts.calls, `${direction}: no more store calls (${many.counts.calls} against ${one.counts.calls})`)
  }
  // Backward from the zongzi lot the walk has two hops: the first finds its two inputs, the second finds none.
  // The start's record rides with the first hop and the inputs' details with the second: two round trips,
  // where reading the start, each hop and then the details took four. A trip is TRIP_MS long, so up to
  // TRIP_MS of other work in the trace (a loaded machine) still counts right.
  const { reader } = counting(node.ledger.records, true)
  const { graph, trips } = await roundTrips(() => traceGraph(reader, ZONGZI_LOT, 'backward'))
  t.equal(graph.nodes.length, 3)
  t.equal(trips, 2, 'two round trips for a walk of two hops')
})

t.test('a failed read of the details fails the trace, and leaves no unhandled rejection', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await seedLedger(node.ledger, node.operator)
  const records = node.ledger.records
  const failing: RecordReader = {
    ...records,
    getMany: <T>(space: string, keys: string[]) => (space === SPACES.recalled ? Promise.reject(new Error('disk read failed')) : records.getMany!<T>(space, keys)),
    get: (space, key) => (space === SPACES.recalled ? Promise.reject(new Error('disk read failed')) : records.get(space, key)),
  }
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => void process.off('unhandledRejection', onUnhandled))
  await t.rejects(traceGraph(failing, ZONGZI_LOT, 'both'), /disk read failed/)
  // Rejections are reported after the microtasks of their turn: give them a few turns.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
  t.same(unhandled, [], 'no unhandled rejection')
})
