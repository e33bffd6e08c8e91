// Counts the store reads a request makes (records got, rows ranged or iterated), for the regressions that bound
// what one anonymous request may cost the node.

import type { Test } from 'tap'
import type { RecordReader } from '../../src/ledger/kinds.js'
import type { LevelStore, RangeOptions } from '../../src/store/level-store.js'

type Method = (...args: unknown[]) => unknown

/** Wraps `store`'s record reads until the test ends; `take()` answers the reads since the last take. */
export function countReads(t: Test, store: LevelStore): { take(): number } {
  const target = store as unknown as Record<string, Method>
  const originals = new Map<string, Method>()
  for (const name of ['getRange', 'getRecords', 'getRecord', 'getRecordSync', 'rangeRecords']) originals.set(name, target[name] as Method)
  const call = (name: string, args: unknown[]) => (originals.get(name) as Method).apply(store, args)
  let reads = 0
  target.getRange = async (...args) => {
    const rows = (await call('getRange', args)) as unknown[]
    reads += rows.length
    return rows
  }
  target.getRecords = async (...args) => {
    const rows = (await call('getRecords', args)) as unknown[]
    reads += rows.length
    return rows
  }
  target.getRecord = (...args) => (reads++, call('getRecord', args))
  target.getRecordSync = (...args) => (reads++, call('getRecordSync', args))
  target.rangeRecords = async function* (...args: unknown[]) {
    for await (const row of call('rangeRecords', args) as AsyncIterable<unknown>) {
      reads++
      yield row
    }
  }
  t.teardown(() => {
    for (const [name, fn] of originals) target[name] = fn
  })
  return {
    take() {
      const taken = reads
      reads = 0
      return taken
    },
  }
}

/** `records` as a RecordReader that counts what it returns as a BoundedReader counts it (a range: its rows, at least 1). */
export function countingReader(records: RecordReader): { reader: RecordReader; reads(): number } {
  let reads = 0
  const reader: RecordReader = {
    get: (space, key) => ((reads += 1), records.get(space, key)),
    range: async <T>(space: string, options: RangeOptions) => {
      const rows = await records.range<T>(space, options)
      reads += Math.max(1, rows.length)
      return rows
    },
    getMany: async <T>(space: string, keys: string[]) => ((reads += keys.length), records.getMany!<T>(space, keys)),
  }
  return { reader, reads: () => reads }
}
