// The writes of a group not yet committed, laid over the store: reads see the latest write, a null
// hides a record, and ranges merge both with their bounds, limit and direction.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { LevelStore, type RecordWrite } from '../../src/store/level-store.js'
import { PendingWrites, rangeWithWrites } from '../../src/ledger/pending-writes.js'
import { testDir } from '../helpers/test-dir.js'

async function storeWith(t: Test, keys: string[]): Promise<LevelStore> {
  const store = await LevelStore.open(join(testDir(t), 'db'))
  t.teardown(() => store.close())
  await store.commit({ entries: [], tiles: [], records: keys.map((key) => ({ space: 's', key, value: `stored ${key}` })) })
  return store
}

const put = (key: string, value: unknown, space = 's'): RecordWrite => ({ space, key, value })
const keysOf = (rows: [string, unknown][]) => rows.map(([k]) => k)

t.test('a read sees the latest pending write, else the store', async (t) => {
  const store = await storeWith(t, ['a', 'b'])
  const pending = new PendingWrites(store)
  pending.add([put('a', 'first')])
  pending.add([put('a', 'second'), put('b', null)])
  t.equal(pending.get('s', 'a'), 'second', 'a replacement')
  t.equal(pending.get('s', 'b'), undefined, 'a delete hides the stored record')
  t.equal(pending.get('s', 'c'), undefined)
  t.equal(pending.get('other', 'a'), undefined, 'spaces apart')
  t.same(pending.pending('s', 'a'), put('a', 'second'))
  t.equal([...pending.values()].length, 2, 'one write per record')
})

t.test('range merge: deletes, replacements and additions, in key order', async (t) => {
  const store = await storeWith(t, ['a', 'b', 'c', 'd'])
  const rows = await rangeWithWrites<string>(store, 's', {}, [put('b', null), put('c', 'new c'), put('bb', 'added'), put('x', 'other space', 'o')])
  t.same(rows, [
    ['a', 'stored a'],
    ['bb', 'added'],
    ['c', 'new c'],
    ['d', 'stored d'],
  ])
  const later = await rangeWithWrites<string>(store, 's', {}, [put('a', 'one'), put('a', null), put('d', 'x'), put('d', 'y')])
  t.same(later, [
    ['b', 'stored b'],
    ['c', 'stored c'],
    ['d', 'y'],
  ], 'the later write of a key wins')
})

t.test('range merge: bounds apply to pending writes too', async (t) => {
  const store = await storeWith(t, ['a', 'b', 'c', 'd'])
  const writes = [put('a0', 'w'), put('c0', 'w'), put('e', 'w')]
  t.same(keysOf(await rangeWithWrites(store, 's', { gt: 'a0', lt: 'd' }, writes)), ['b', 'c', 'c0'])
  t.same(keysOf(await rangeWithWrites(store, 's', { gte: 'a0', lte: 'd' }, writes)), ['a0', 'b', 'c', 'c0', 'd'])
})

t.test('range merge: a limit counts what is visible, past deletes and replacements', async (t) => {
  const store = await storeWith(t, ['a', 'b', 'c', 'd', 'e'])
  const writes = [put('a', null), put('b', null), put('c', 'new c')]
  t.same(await rangeWithWrites(store, 's', { limit: 2 }, writes), [
    ['c', 'new c'],
    ['d', 'stored d'],
  ])
  t.same(keysOf(await rangeWithWrites(store, 's', { limit: 10 }, writes)), ['c', 'd', 'e'], 'fewer than the limit')
  t.same(keysOf(await rangeWithWrites(store, 's', { limit: 2 }, [])), ['a', 'b'], 'nothing pending: the store as is')
})

t.test('range merge: reverse, with a limit, from the end', async (t) => {
  const store = await storeWith(t, ['a', 'b', 'c', 'd'])
  const writes = [put('d', null), put('cc', 'added')]
  t.same(keysOf(await rangeWithWrites(store, 's', { reverse: true, limit: 2 }, writes)), ['cc', 'c'])
  t.same(keysOf(await rangeWithWrites(store, 's', { reverse: true }, writes)), ['cc', 'c', 'b', 'a'])
  t.same(keysOf(await rangeWithWrites(store, 's', { reverse: true, lt: 'c' }, writes)), ['b', 'a'])
})

t.test('PendingWrites.range: the group\'s writes, then the statement\'s own', async (t) => {
  const store = await storeWith(t, ['a'])
  const pending = new PendingWrites(store)
  pending.add([put('b', 'group')])
  t.same(await pending.range('s', {}, [put('b', 'own'), put('c', 'own')]), [
    ['a', 'stored a'],
    ['b', 'own'],
    ['c', 'own'],
  ])
})
