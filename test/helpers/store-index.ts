// Stores as an earlier release left them, for the tests of an index built at open: the index's records
// and its meta key removed, everything else as this release wrote it.

import type { RecordReader } from '../../src/ledger/kinds.js'
import type { LevelStore } from '../../src/store/level-store.js'

/** The committed records of `store`, read as the layers above read them. */
export function storeReader(store: LevelStore): RecordReader {
  return { get: (space, key) => store.getRecord(space, key), range: (space, options) => store.getRange(space, options) }
}

/** Removes every record of `spaces` and the meta key `meta`; returns how many records it removed. */
export async function withoutIndex(store: LevelStore, spaces: readonly string[], meta: string): Promise<number> {
  const removed = []
  for (const space of spaces) for (const [key] of await store.getRange(space)) removed.push({ space, key, value: null })
  await store.commit({ entries: [], tiles: [], records: removed })
  await store.batchMeta([], [meta])
  return removed.length
}
