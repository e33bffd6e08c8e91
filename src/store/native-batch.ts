// LevelDB's batch of a commit (LevelStore.commit), built in native memory through classic-level's implementer
// interface, in slices that let waiting reads in.

import type { Level } from 'level'
import { TracechainError } from '../core/errors.js'
import { tileKey } from './keys.js'
import type { CommitBatch } from './level-store.js'

/**
 * classic-level's chained batch, through its implementer interface (buildNativeBatch). That is not
 * abstract-level's public API, so level and classic-level are pinned to exact versions in package.json
 * and test/store/level-pin.test.ts fails when an upgrade changes them or this interface.
 */
export interface NativeBatch {
  _put(key: string, value: string | Uint8Array): void
  _del(key: string): void
  _write(options: { sync: boolean }): Promise<void>
  close(): Promise<void>
}

/** How long encoding a commit's batch may hold the event loop before it lets waiting requests in. */
const BUILD_SLICE_MS = 3

/** The key prefixes of the sublevels a commit writes to: LevelStore's. */
export interface BatchPrefixes {
  tiles: string
  meta: string
  space(name: string): string
}

/**
 * LevelDB's batch of a commit, built in native memory now and written later: keys prefixed and values
 * encoded as the sublevels would (their prefix, JSON.stringify). Through classic-level's implementer
 * interface (_put, _del, _write), as the keys and values are already the bytes LevelDB stores and
 * abstract-level's per-operation normalising showed in profiles of append.mjs --workload food; its
 * public write() would also see no operations, as they bypassed its count.
 */
export async function buildNativeBatch(db: Level<string, unknown>, batch: CommitBatch, prefixes: BatchPrefixes): Promise<NativeBatch> {
  const writeBatch = db.batch() as unknown as NativeBatch
  try {
    for (const tile of batch.tiles) writeBatch._put(prefixes.tiles + tileKey(tile.level, tile.index), tile.bytes)
    let sliceStarted = performance.now()
    for (let i = 0; i < batch.records.length; i++) {
      const record = batch.records[i]
      const key = prefixes.space(record.space) + record.key
      if (record.value === null) writeBatch._del(key)
      else if (record.encoded) writeBatch._put(key, record.encoded)
      else {
        const json = JSON.stringify(record.value) as string | undefined
        // A value whose toJSON gives undefined: the entries may be written, but the head does not move.
        if (json === undefined) throw new TracechainError('INTERNAL', `record ${record.space}/${record.key} has no JSON value`)
        writeBatch._put(key, json)
      }
      // A group of 500 food events is some 5,000 records: encoding them at once held the event loop for
      // tens of milliseconds, so reads waiting behind it had to wait that long (bench/long-tasks.mjs).
      if ((i & 63) === 63 && performance.now() - sliceStarted > BUILD_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        sliceStarted = performance.now()
      }
    }
    if (batch.head) writeBatch._put(prefixes.meta + 'head', JSON.stringify(batch.head))
    return writeBatch
  } catch (error) {
    await writeBatch.close()
    throw error
  }
}
