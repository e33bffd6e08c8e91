// RecentValues: a bounded cache in two generations. Never more than its capacity, a hit keeps a key, and a
// value replaced never comes back.

import t from 'tap'
import { RecentValues } from '../../src/core/recent-values.js'

/** How many of `keys` the cache still holds (get would promote them: has does not). */
const held = (cache: RecentValues<number, number>, keys: number[]) => keys.filter((key) => cache.has(key)).length

t.test('holds at most its capacity, the newest keys', async (t) => {
  const cache = new RecentValues<number, number>(8)
  for (let i = 0; i < 100; i++) cache.set(i, i * 10)
  const all = [...Array(100).keys()]
  t.ok(held(cache, all) <= 8, `${held(cache, all)} held`)
  t.ok(held(cache, all) >= 4, 'at least the newer generation')
  t.equal(cache.get(99), 990)
  t.equal(cache.get(0), undefined)
})

t.test('a key read again survives the generation that held it', async (t) => {
  const cache = new RecentValues<number, number>(4)
  cache.set(1, 1)
  cache.set(2, 2)
  cache.set(3, 3) // 1 and 2 are now the older generation
  t.equal(cache.get(1), 1, 'read from the older generation, moved to the newer')
  cache.set(4, 4)
  cache.set(5, 5) // the older generation (2) is dropped
  t.equal(cache.get(1), 1)
  t.equal(cache.get(2), undefined)
})

t.test('a value replaced does not come back, and delete and clear forget', async (t) => {
  const cache = new RecentValues<string, string>(4)
  cache.set('a', 'old')
  cache.set('b', 'b')
  cache.set('c', 'c') // a and b older
  cache.set('a', 'new')
  cache.set('d', 'd')
  cache.set('e', 'e') // the generation holding the new a is now the older
  t.equal(cache.get('a'), 'new')
  cache.set('f', 'f')
  cache.set('g', 'g')
  cache.set('h', 'h')
  t.not(cache.get('a'), 'old', 'never the replaced value')
  cache.set('x', 'x')
  cache.delete('x')
  t.equal(cache.get('x'), undefined)
  cache.clear()
  t.equal(cache.get('h'), undefined)
  t.throws(() => new RecentValues(1), RangeError)
})
