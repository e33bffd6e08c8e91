// The best-before index (best-before.ts) for a store an earlier release wrote, built once at open: the lots and
// items each food event made, in seq order, their dates read again from the events' entries. A node and a mirror
// replaying its log from entry 0 then hold the same index, so both raise the same EVENT_AFTER_EXPIRY.

import { checkedStatementOf } from '../core/statement.js'
import { fail } from '../core/errors.js'
import { checkedEntryOf } from '../ledger/entry.js'
import type { LevelStore, RecordWrite } from '../store/level-store.js'
import { joinKey } from '../store/keys.js'
import { isDeclaration } from './corrections.js'
import { productsNamed, recordBestBefore } from './kinds.js'
import { madeObjects } from './makers.js'
import { eventOf, objectsOf, utcMillis } from './objects.js'
import { SPACES, type FoodEventRecord } from './records.js'

/** Meta key: set once the index holds every event's lots. */
export const BEST_BEFORE_INDEX_META = 'food.best-before-index'

const UPGRADE_BATCH = 1000

/**
 * Builds the index unless the store has it. A product's shelf life is read as the store holds it now: a lot
 * made before its product's shelf life changed gets the new one here, where a replay would give it the old.
 */
export async function buildBestBeforeIndex(store: LevelStore): Promise<void> {
  if (await store.getMeta(BEST_BEFORE_INDEX_META)) return
  const get = <T>(space: string, key: string) => store.getRecord<T>(space, key)
  let after: string | undefined
  let events = 0
  for (;;) {
    const rows = await store.getRange<FoodEventRecord>(SPACES.event, { ...(after !== undefined ? { gt: after } : {}), limit: UPGRADE_BATCH })
    if (rows.length === 0) break
    const writes = new Map<string, RecordWrite>()
    const ctx = {
      seq: 0,
      get: async <T>(space: string, key: string) => (writes.get(joinKey(space, key))?.value as T | undefined) ?? get<T>(space, key),
      put: (space: string, key: string, value: unknown) => void writes.set(joinKey(space, key), { space, key, value }),
    }
    for (const [, record] of rows) {
      // Only an event that can make something (makers.ts: madeObjects) is read again; a declaration makes nothing.
      if (record.declares !== undefined || !(record.eventType === 'TransformationEvent' || record.action === 'ADD')) continue
      const bytes = await store.getEntryBytes(record.seq)
      if (!bytes) fail('STORE_CORRUPT', `food event ${record.seq} has an index record but no entry`, { seq: record.seq })
      const event = eventOf(checkedStatementOf(checkedEntryOf(bytes).envelope).body)
      if (isDeclaration(event)) continue
      const products = await productsNamed(ctx, event)
      const made = madeObjects(event, objectsOf(event, (gtin) => products.get(gtin)?.companyPrefixLength))
      ctx.seq = record.seq
      await recordBestBefore(ctx, event, utcMillis(event.eventTime), made, products)
    }
    if (writes.size > 0) await store.commit({ entries: [], tiles: [], records: [...writes.values()] })
    after = rows[rows.length - 1][0]
    events += rows.length
  }
  await store.putMeta(BEST_BEFORE_INDEX_META, { version: 1, events })
}
