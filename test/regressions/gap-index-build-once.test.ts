// Gap (store): nine indexes built themselves at open, for a store an earlier release wrote, each with its own copy
// of one loop (read the meta key, range over a space, index each record, commit in batches, put the meta key).
// They now share buildIndexOnce (store/index-build.ts). Its contract is checked here on a real LevelDB, and the
// nine through a real node: a store stripped of every one of them is rebuilt at open to the records and meta
// values the node wrote live, also when the upgrade is stopped after any of its commits.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { demoSigner, seedLedger } from '../../src/cli/demo.js'
import { openNode } from '../../src/cli/node-dir.js'
import { ADJACENCY_INDEX_META } from '../../src/food/adjacency.js'
import { BEST_BEFORE_SPACE } from '../../src/food/best-before.js'
import { BEST_BEFORE_INDEX_META } from '../../src/food/best-before-index.js'
import { EVENT_ID_INDEX_META } from '../../src/food/event-ids.js'
import { RECALL_DUE_INDEX_META, RECALL_DUE_SPACE } from '../../src/food/inspection.js'
import { GS1_KEY_INDEX_META } from '../../src/food/key-upgrade.js'
import { LOT_BALANCE_INDEX_META } from '../../src/food/lot-balance.js'
import { LOT_INDEX_META } from '../../src/food/lot-index.js'
import { ITEM_OF_LOT_INDEX_META, RECALL_INDEX_META } from '../../src/food/recall-index.js'
import { SPACES } from '../../src/food/records.js'
import { SHIPMENT_INDEX_META } from '../../src/food/shipment-index.js'
import { buildIndexOnce } from '../../src/store/index-build.js'
import { LevelStore, type CommitBatch, type RecordWrite } from '../../src/store/level-store.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const SOURCE = 'test.source'
const INDEX = 'test.index'

async function openStore(t: Test): Promise<LevelStore> {
  const store = await LevelStore.open(join(testDir(t), 'db'))
  t.teardown(() => store.close())
  return store
}

/** Counts the store's commits; from the `failFrom`th on, each throws as a node killed there would stop. */
function countCommits(store: LevelStore, failFrom = Infinity): { commits: number; sizes: number[] } {
  const commit = store.commit.bind(store)
  const counted = { commits: 0, sizes: [] as number[] }
  store.commit = async (batch: CommitBatch) => {
    if (++counted.commits >= failFrom) throw new Error('killed')
    counted.sizes.push(batch.records.length)
    return commit(batch)
  }
  return counted
}

async function putSource(store: LevelStore, keys: string[]): Promise<void> {
  await store.commit({ entries: [], tiles: [], records: keys.map((key, n) => ({ space: SOURCE, key, value: { n } })) })
}

const keysOf = (count: number) => Array.from({ length: count }, (_, i) => `k${String(i).padStart(5, '0')}`)
const indexWrite = (key: string, value: { n: number }): RecordWrite[] => [{ space: INDEX, key, value: value.n }]

t.test('builds from a range of a space in batches, then the meta key; a no-op once it is there', async (t) => {
  const store = await openStore(t)
  // More records than one read takes: the build reads the space in pages, each from where the last one ended.
  const keys = keysOf(2_503)
  await putSource(store, keys)
  const counted = countCommits(store)
  let indexed = 0
  const build = () =>
    buildIndexOnce<{ n: number }>(store, {
      meta: 'test.index-meta',
      version: 3,
      space: SOURCE,
      range: { gte: keys[1], lt: keys[2_502] },
      batch: 1_000,
      writesOf: (key, value) => {
        indexed++
        return indexWrite(key, value)
      },
      summary: () => ({ records: indexed }),
    })
  await build()
  t.same(counted.sizes, [1_000, 1_000, 501], 'a commit per batch, the last one short')
  t.same(await store.getMeta('test.index-meta'), { version: 3, records: 2_501 })
  const index = await store.getRange<number>(INDEX)
  t.equal(index.length, 2_501)
  t.same([index[0], index[2_500]], [[keys[1], 1], [keys[2_501], 2_501]], 'the range, bounds as given')
  await build()
  t.equal(indexed, 2_501, 'built once: no record read again')
  t.equal(counted.commits, 3)
})

t.test('a build stopped midway leaves no meta key, and the next one builds it all again', async (t) => {
  const store = await openStore(t)
  const keys = keysOf(10)
  await putSource(store, keys)
  const build = () => buildIndexOnce<{ n: number }>(store, { meta: 'test.index-meta', version: 1, space: SOURCE, batch: 4, writesOf: indexWrite, summary: () => ({}) })
  const killed = countCommits(store, 2)
  await t.rejects(build(), /killed/)
  t.equal(await store.getMeta('test.index-meta'), undefined, 'not marked built')
  t.equal((await store.getRange(INDEX)).length, 4, 'the first batch landed')
  store.commit = LevelStore.prototype.commit.bind(store)
  const again = countCommits(store)
  await build()
  t.same(again.sizes, [4, 4, 2], 'from the start')
  t.same(await store.getRange(INDEX), keys.map((key, n) => [key, n]))
  t.same(await store.getMeta('test.index-meta'), { version: 1 })
  t.equal(killed.commits, 2)
})

t.test("the writer reads what this build put and has not committed, then the store's records", async (t) => {
  const store = await openStore(t)
  await putSource(store, keysOf(7))
  const seen: (number | undefined)[] = []
  const counted = countCommits(store)
  await buildIndexOnce<{ n: number }>(store, {
    meta: 'test.total-meta',
    version: 1,
    space: SOURCE,
    batch: 3,
    writesOf: async (key, _value, writer) => {
      const total = await writer.get<number>(INDEX, 'total')
      seen.push(total)
      writer.put(INDEX, 'total', (total ?? 0) + 1)
      // A record put twice in one batch is written once, its last value.
      return [{ space: INDEX, key, value: 0 }, { space: INDEX, key, value: 1 }]
    },
    summary: () => ({}),
  })
  t.same(seen, [undefined, 1, 2, 3, 4, 5, 6], 'across commits, each read sees the last write')
  t.same(counted.sizes, [3, 3, 3, 2], 'flushed between records once three are put: the total and two keys, the total and one at the end')
  t.equal(await store.getRecord(INDEX, 'total'), 7)
  t.same((await store.getRange<number>(INDEX)).filter(([key]) => key !== 'total').map(([, value]) => value), [1, 1, 1, 1, 1, 1, 1])
})

t.test('a store with nothing to index gets the meta key at once; records may come in an order of their own', async (t) => {
  const store = await openStore(t)
  await putSource(store, keysOf(3))
  let read = 0
  await buildIndexOnce<{ n: number }>(store, {
    meta: 'test.up-to-date',
    version: 1,
    space: SOURCE,
    batch: 10,
    isUpToDate: async () => true,
    writesOf: () => void read++,
    summary: () => ({ read }),
  })
  t.same(await store.getMeta('test.up-to-date'), { version: 1, read: 0 })

  // Newest first, from wherever the caller reads them, and what state carried across them closes at the end.
  const order: string[] = []
  await buildIndexOnce<{ n: number }>(store, {
    meta: 'test.own-order',
    version: 1,
    records: async function* () {
      yield* (await store.getRange<{ n: number }>(SOURCE)).reverse()
    },
    batch: 10,
    writesOf: (key) => void order.push(key),
    end: () => [{ space: INDEX, key: 'last', value: order.at(-1) }],
    summary: () => ({ records: order.length }),
  })
  t.same(order, keysOf(3).reverse())
  t.equal(await store.getRecord(INDEX, 'last'), keysOf(3)[0])
  t.same(await store.getMeta('test.own-order'), { version: 1, records: 3 })
})

t.test('a batch below one record is a programmer mistake', async (t) => {
  const store = await openStore(t)
  await t.rejects(buildIndexOnce(store, { meta: 'm', version: 1, space: SOURCE, batch: 0, writesOf: () => [], summary: () => ({}) }), RangeError)
})

// ---- the nine indexes, through a real node ----

const INDEX_METAS = [RECALL_INDEX_META, EVENT_ID_INDEX_META, GS1_KEY_INDEX_META, ADJACENCY_INDEX_META, LOT_BALANCE_INDEX_META, BEST_BEFORE_INDEX_META, RECALL_DUE_INDEX_META, SHIPMENT_INDEX_META, ITEM_OF_LOT_INDEX_META, LOT_INDEX_META]
/** What the nine build, each its own spaces (the event records lose their hash ID, as event-ids.test.ts does). */
const INDEX_SPACES = [
  SPACES.recalled,
  SPACES.byEventId,
  SPACES.eventClaim,
  SPACES.adjacentForward,
  SPACES.adjacentBackward,
  SPACES.lotBalance,
  BEST_BEFORE_SPACE,
  RECALL_DUE_SPACE,
  SPACES.shipment,
  SPACES.itemOfLot,
  SPACES.lotByNumber,
  SPACES.lotByCode,
  SPACES.lotBySeq,
  SPACES.lotItem,
]
const COMPARED_SPACES = [...INDEX_SPACES, SPACES.event, SPACES.recall]

/** Meta values the stripped scenario below gets, as the nine loops wrote them before buildIndexOnce (d2012e5). */
const BUILT_METAS = {
  [RECALL_INDEX_META]: { version: 1, recalls: 1, marks: 3, truncated: 0 },
  [EVENT_ID_INDEX_META]: { version: 1, events: 19 },
  [GS1_KEY_INDEX_META]: { version: 1, keys: 0 },
  [ADJACENCY_INDEX_META]: { version: 1, objects: 12 },
  [LOT_BALANCE_INDEX_META]: { version: 1, lots: 5 },
  [BEST_BEFORE_INDEX_META]: { version: 1, events: 19 },
  [RECALL_DUE_INDEX_META]: { version: 1, lots: 1 },
  [SHIPMENT_INDEX_META]: { version: 1, shipments: 3 },
  [ITEM_OF_LOT_INDEX_META]: { version: 1, items: 2 },
  [LOT_INDEX_META]: { version: 1, objects: 7 },
}

async function dump(store: LevelStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const space of COMPARED_SPACES) out[space] = await store.getRange(space)
  return out
}

async function metasOf(store: LevelStore): Promise<Record<string, unknown>> {
  return Object.fromEntries(await Promise.all(INDEX_METAS.map(async (key) => [key, await store.getMeta(key)])))
}

/** The store as a release before all nine left it: their records, their meta keys and the events' hash IDs gone. */
async function strip(dir: string): Promise<void> {
  const store = await LevelStore.open(join(dir, 'db'))
  const removed: RecordWrite[] = []
  for (const space of INDEX_SPACES) for (const [key] of await store.getRange(space)) removed.push({ space, key, value: null })
  for (const [key, { hashId: _hashId, ...record }] of await store.getRange<Record<string, unknown>>(SPACES.event)) removed.push({ space: SPACES.event, key, value: record })
  await store.commit({ entries: [], tiles: [], records: removed })
  await store.batchMeta([], INDEX_METAS)
  await store.close()
}

t.test('a store stripped of all nine indexes is rebuilt at open as the node wrote them, even when stopped midway', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  await seedLedger(node.ledger, node.operator)
  // Beyond the demo: serialised items packed onto a pallet (items of a lot, adjacency), and a shipment its
  // shipper corrected (no shipment record, moves out of effect).
  const factory = (body: Record<string, unknown>) =>
    node.ledger.submit(
      node.statement(
        { type: 'food.event', actor: 'factory-jiaxing-01', body: { eventTime: '2026-05-27T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', readPoint: { id: 'urn:epc:id:sgln:6901234.00003.0' }, ...body } },
        [demoSigner('factory-jiaxing-01')],
      ),
    )
  const item = (serial: string) => `https://id.gs1.org/01/06901234001037/10/Z260526A/21/${serial}`
  await factory({ type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', epcList: [item('9001'), item('9002')] })
  await factory({ type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: 'urn:epc:id:sscc:6901234.0000000091', childEPCs: [item('9001'), item('9002')] })
  const shipped = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: ['urn:epc:id:sscc:6901234.0000000091'] }
  await factory(shipped)
  await factory({ ...shipped, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'incorrect_data' } })
  await node.close()

  // Every index as the node wrote it live; the meta values are history (what each build found), checked above.
  const live = await openNode(dir)
  const expected = await dump(live.store)
  await live.close()
  for (const space of INDEX_SPACES) t.not((expected[space] as unknown[]).length, 0, `the scenario writes ${space}`)

  const upgraded = async (label: string) => {
    const reopened = await openNode(dir)
    const actual = await dump(reopened.store)
    // Strictly: the meta values keep their keys' order, which older stores hold.
    t.equal(JSON.stringify(await metasOf(reopened.store)), JSON.stringify(BUILT_METAS), `${label}: the meta values`)
    await reopened.close()
    for (const key of Object.keys(expected)) t.same(actual[key], expected[key], `${label}: ${key}`)
  }
  await strip(dir)
  await upgraded('built at once')

  // Stopped at each commit of the upgrade in turn, then opened again: the same records and meta values.
  const commit = LevelStore.prototype.commit
  t.teardown(() => void (LevelStore.prototype.commit = commit))
  for (let failAt = 1; ; failAt++) {
    await strip(dir)
    let commits = 0
    LevelStore.prototype.commit = async function (this: LevelStore, batch: CommitBatch) {
      if (++commits >= failAt) throw new Error('killed')
      return commit.call(this, batch)
    }
    const stopped = await openNode(dir).then(
      (opened) => opened,
      (error: Error) => (t.equal(error.message, 'killed'), undefined),
    )
    LevelStore.prototype.commit = commit
    if (stopped !== undefined) {
      await stopped.close()
      t.ok(failAt > 5, `every commit of the upgrade was stopped once (${failAt - 1})`)
      break
    }
    await upgraded(`stopped at commit ${failAt}`)
  }
})
