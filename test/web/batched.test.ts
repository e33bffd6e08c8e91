// web/batched.ts: what is asked for in one turn of the event loop goes in one call, split at the server's limit;
// a key the answer leaves out, or a failed call, answers undefined; a later turn makes a call of its own.

import t from 'tap'
import { batched } from '../../src/web/batched.js'

t.test('one call a turn, split at the limit, and what the answer leaves out is undefined', async (t) => {
  const calls: number[][] = []
  const lookup = batched(async (keys: number[]) => {
    calls.push(keys)
    return new Map(keys.filter((key) => key !== 13).map((key) => [key, `v${key}`]))
  }, 3)
  const first = await Promise.all([1, 2, 2, 3, 4, 13].map((key) => lookup(key)))
  t.same(first, ['v1', 'v2', 'v2', 'v3', 'v4', undefined])
  t.same(calls, [[1, 2, 3], [4, 13]], 'each key once, three a call')
  t.equal(await lookup(5), 'v5')
  t.same(calls.at(-1), [5], 'a later turn, a call of its own')
})

t.test('a failed call answers undefined to each of its keys, and the next call is made as ever', async (t) => {
  let fail = true
  const lookup = batched(async (keys: string[]) => {
    if (fail) throw new Error('offline')
    return new Map(keys.map((key) => [key, key.length]))
  }, 10)
  t.same(await Promise.all([lookup('a'), lookup('bb')]), [undefined, undefined])
  fail = false
  t.equal(await lookup('ccc'), 3)
})
