// The best-before index (best-before.ts) for a store an earlier release wrote, built once at open: the lots and
// items each food event made, in seq order, their dates read again from the events' entries. A node and a mirror
// replaying its log from entry 0 then hold the same index, so both raise the same EVENT_AFTER_EXPIRY.

import { checkedStatementOf } from '../core/statement.js'
import { fail } from '../core/errors.js'
import { checkedEntryOf } from '../ledger/entry.js'
import type { LevelStore } from '../store/level-store.js'
import { buildIndexOnce } from '../store/index-build.js'
import { isDeclaration } from './corrections.js'
import { productsNamed, recordBestBefore } from './kinds.js'
import { madeObjects } from './makers.js'
import { eventOf, objectsOf, utcMillis } from './objects.js'
import { SPACES, type FoodEventRecord } from './records.js'

/** Meta key: set once the index holds every event's lots. */
export const BEST_BEFORE_INDEX_META = 'food.best-before-index'

/** Records written in one batch while the index is built. */
const UPGRADE_BATCH = 1000

/**
 * Builds the index unless the store has it. A product's shelf life is read as the store holds it now: a lot
 * made before its product's shelf life changed gets the new one here, where a replay would give it the old.
 */
export async function buildBestBeforeIndex(store: LevelStore): Promise<void> {
  let events = 0
  await buildIndexOnce<FoodEventRecord>(store, {
    meta: BEST_BEFORE_INDEX_META,
    version: 1,
    space: SPACES.event,
    batch: UPGRADE_BATCH,
    // recordBestBefore reads what it wrote for an earlier event (a lot's first date stays), committed or not.
    writesOf: async (_, record, writer) => {
      events++
      // Only an event that can make something (makers.ts: madeObjects) is read again; a declaration makes nothing.
      if (record.declares !== undefined || !(record.eventType === 'TransformationEvent' || record.action === 'ADD')) return
      const bytes = await store.getEntryBytes(record.seq)
      if (!bytes) fail('STORE_CORRUPT', `food event ${record.seq} has an index record but no entry`, { seq: record.seq })
      const event = eventOf(checkedStatementOf(checkedEntryOf(bytes).envelope).body)
      if (isDeclaration(event)) return
      const ctx = { seq: record.seq, get: writer.get, put: writer.put }
      const products = await productsNamed(ctx, event)
      const made = madeObjects(event, objectsOf(event, (gtin) => products.get(gtin)?.companyPrefixLength))
      await recordBestBefore(ctx, event, utcMillis(event.eventTime), made, products)
    },
    summary: () => ({ events }),
  })
}
