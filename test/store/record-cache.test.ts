// The store's cache of records read before: a read answers what the store holds now, never what it held
// before a commit, however the reads and the commits interleave. Checked against a model of the committed
// records over keys with SEP, non-ASCII and astral characters, with ranges of every shape, and with reads
// started while each commit is in flight (a read that saw the store before a commit must not be kept).

import { join } from 'node:path'
import t from 'tap'
import { LevelStore, type RangeOptions, type RecordWrite } from '../../src/store/level-store.js'
import { prefixRange, SEP, SEP_END, startsWithRange } from '../../src/store/keys.js'
import { coveringPrefix, RecordCache } from '../../src/store/record-cache.js'
import { testDir } from '../helpers/test-dir.js'

/** A read as it is stored the second time it is asked for: the cache keeps nothing asked for once. */
const twice = {
  storeRecord(cache: RecordCache, ...args: Parameters<RecordCache['storeRecord']>) {
    cache.storeRecord(...args)
    cache.storeRecord(...args)
  },
  storeRange(cache: RecordCache, ...args: Parameters<RecordCache['storeRange']>) {
    cache.storeRange(...args)
    cache.storeRange(...args)
  },
}

t.test('a read is kept the second time it is asked for, within the last 65,536 asked for once', async (t) => {
  const cache = new RecordCache(1 << 24)
  cache.storeRecord('s', 'a', '1', cache.epoch)
  t.equal(cache.record('s', 'a'), undefined, 'asked for once: a cold walk passes through')
  cache.storeRecord('s', 'a', '1', cache.epoch)
  t.equal(cache.record('s', 'a'), '1', 'asked for again: kept')
  cache.storeRange('s', prefixRange('p'), [], cache.epoch)
  t.equal(cache.range('s', prefixRange('p')), undefined)
  cache.storeRange('s', prefixRange('p'), [], cache.epoch)
  t.same(cache.range('s', prefixRange('p')), [])
  cache.storeRecord('s', 'first', '1', cache.epoch)
  for (let i = 0; i < 65_536; i++) cache.storeRecord('s', `other-${i}`, '1', cache.epoch)
  cache.storeRecord('s', 'first', '1', cache.epoch)
  t.equal(cache.record('s', 'first'), undefined, 'asked for once too long ago: asked for once again')
  t.equal(cache.size, 2)
})

t.test('the prefix a range stays within, when its bounds show one', async (t) => {
  t.equal(coveringPrefix(prefixRange('lot')), 'lot')
  t.equal(coveringPrefix({ gte: `lot${SEP}`, lt: `lot${SEP}00000000002a` }), 'lot', 'a range within a prefix (objectEventLinks before a seq)')
  t.equal(coveringPrefix({ gt: `a${SEP}b${SEP}c`, lte: `a${SEP}b${SEP}z` }), `a${SEP}b`, 'the longest')
  t.equal(coveringPrefix({ gte: `a${SEP}b${SEP}c`, lte: `a${SEP}z` }), 'a')
  t.equal(coveringPrefix({ gte: `${SEP}x`, lt: `${SEP}y` }), '', 'the empty prefix: keys that start with SEP')
  t.equal(coveringPrefix({ gte: `lot${SEP}`, lte: `lot${SEP_END}` }), undefined, 'lte takes the key lot+SEP_END itself, which is not lot+SEP…')
  t.equal(coveringPrefix(startsWithRange('urn:epc:class:lgtin:4012345.0')), undefined, 'a plain prefix')
  t.equal(coveringPrefix({ gte: 'a' }), undefined, 'open above')
  t.equal(coveringPrefix({ limit: 5 }), undefined)
})

t.test('a cached read goes when a write falls in it, and a read that overlapped a commit is not kept', async (t) => {
  const cache = new RecordCache(1 << 20)
  const keep = (epoch = cache.epoch) => {
    twice.storeRecord(cache, 's', 'a', '1', epoch)
    twice.storeRange(cache, 's', prefixRange('p'), [[`p${SEP}1`, '1']], epoch)
    twice.storeRange(cache, 's', startsWithRange('q'), [], epoch)
    twice.storeRange(cache, 'other', prefixRange('p'), [], epoch)
  }
  keep()
  t.equal(cache.size, 4)
  cache.written([{ space: 's', key: 'b' }])
  t.equal(cache.record('s', 'a'), '1', 'a record another key was written beside')
  t.same(cache.range('s', prefixRange('p')), [[`p${SEP}1`, '1']])
  t.equal(cache.range('s', startsWithRange('q')), undefined, 'a range not reduced to a prefix goes with any write to its space')
  t.same(cache.range('other', prefixRange('p')), [], 'another space is left alone')
  cache.written([{ space: 's', key: `p${SEP}9${SEP}x` }])
  t.equal(cache.range('s', prefixRange('p')), undefined, 'a key under the prefix, however deep')
  t.equal(cache.record('s', 'a'), '1')
  cache.written([{ space: 's', key: 'a' }])
  t.equal(cache.record('s', 'a'), undefined, 'the record itself')
  cache.written([{ space: 's', key: `pp${SEP}1` }, { space: 's', key: 'p' }])

  const before = cache.epoch
  cache.written([])
  keep(before)
  t.equal(cache.record('s', 'a'), undefined, 'read before a commit ended: not kept')
  twice.storeRecord(cache, 's', 'absent', null, cache.epoch)
  t.equal(cache.record('s', 'absent'), null, 'an absent record is remembered as absent')
  cache.clear()
  t.equal(cache.size, 0)
  t.equal(cache.bytes, 0)
})

t.test('a range read whole answers it under any limit; one a limit cut, under that limit or a lower one', async (t) => {
  const cache = new RecordCache(1 << 20)
  const rows: [string, string][] = [[`p${SEP}1`, '1'], [`p${SEP}2`, '2'], [`p${SEP}3`, '3']]
  twice.storeRange(cache, 's', { ...prefixRange('p'), limit: 2 }, rows.slice(0, 2), cache.epoch)
  t.same(cache.range('s', { ...prefixRange('p'), limit: 2 }), rows.slice(0, 2))
  t.same(cache.range('s', { ...prefixRange('p'), limit: 1 }), rows.slice(0, 1))
  t.equal(cache.range('s', { ...prefixRange('p'), limit: 3 }), undefined, 'there may be more than the limit let through')
  t.equal(cache.range('s', prefixRange('p')), undefined)
  t.equal(cache.range('s', { ...prefixRange('p'), reverse: true, limit: 1 }), undefined, 'the other order is another read')
  twice.storeRange(cache, 's', { ...prefixRange('p'), limit: 10 }, rows, cache.epoch)
  t.same(cache.range('s', prefixRange('p')), rows, 'fewer rows than the limit: the whole range')
  t.same(cache.range('s', { ...prefixRange('p'), limit: 5000 }), rows)
  t.same(cache.range('s', { ...prefixRange('p'), limit: 2 }), rows.slice(0, 2))
  twice.storeRange(cache, 's', { ...prefixRange('p'), limit: 1 }, rows.slice(0, 1), cache.epoch)
  t.same(cache.range('s', prefixRange('p')), rows, 'a cut read does not replace a whole one')
})

t.test('the cache holds what it may, dropping the longest kept first', async (t) => {
  const cache = new RecordCache(20_000)
  const text = 'x'.repeat(1000)
  for (let i = 0; i < 100; i++) {
    twice.storeRecord(cache, 's', `k${i}`, text, cache.epoch)
  }
  t.ok(cache.bytes <= 20_000, `${cache.bytes} bytes held`)
  t.ok(cache.size > 5 && cache.size < 12, `${cache.size} records`)
  t.equal(cache.record('s', 'k99'), text, 'the last kept stays')
  t.equal(cache.record('s', 'k0'), undefined, 'the first kept went first')
  twice.storeRange(cache, 's', prefixRange('big'), [[`big${SEP}1`, 'y'.repeat(5000)]], cache.epoch)
  t.equal(cache.range('s', prefixRange('big')), undefined, 'a range over an eighth of the cache is not kept')
  t.throws(() => new RecordCache(-1), RangeError)
})

/** LevelDB's order: UTF-8 bytes. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

function modelRange(model: Map<string, unknown>, options: RangeOptions): [string, unknown][] {
  const keys = [...model.keys()]
    .filter((key) => {
      if (options.gte !== undefined && byteOrder(key, options.gte) < 0) return false
      if (options.gt !== undefined && byteOrder(key, options.gt) <= 0) return false
      if (options.lte !== undefined && byteOrder(key, options.lte) > 0) return false
      if (options.lt !== undefined && byteOrder(key, options.lt) >= 0) return false
      return true
    })
    .sort(byteOrder)
  if (options.reverse) keys.reverse()
  return keys.slice(0, options.limit ?? Infinity).map((key) => [key, model.get(key)])
}

t.test('reads through the cache answer as the store does, whatever commits ran meanwhile', async (t) => {
  const store = await LevelStore.open(join(testDir(t), 'db'))
  t.teardown(() => store.close())
  // Deterministic: a failure names its round, and runs again the same.
  let seed = 12345
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const parts = ['lot', 'lo', 'lot\u00e9', '批次', 'a\u{1f600}', '\uffff', 'z']
  const keyOf = () => Array.from({ length: 1 + random(3) }, () => parts[random(parts.length)]).join(SEP)
  const rangeOf = (): RangeOptions => {
    const base = keyOf()
    const shapes: RangeOptions[] = [
      prefixRange(base),
      startsWithRange(base),
      { gte: base + SEP, lt: base + SEP + parts[random(parts.length)] },
      { gt: keyOf(), lte: keyOf() },
      {},
    ]
    const shape = shapes[random(shapes.length)]
    return { ...shape, ...(random(3) === 0 ? { reverse: true } : {}), ...(random(3) === 0 ? { limit: 1 + random(4) } : {}) }
  }
  const spaces = ['one', 'two']
  const models = new Map(spaces.map((space) => [space, new Map<string, unknown>()]))
  const check = async (round: number) => {
    for (let i = 0; i < 12; i++) {
      const space = spaces[random(spaces.length)]
      const model = models.get(space) as Map<string, unknown>
      const key = keyOf()
      const options = rangeOf()
      const [record, many, range] = await Promise.all([store.getRecord(space, key), store.getRecords(space, [key, keyOf()]), store.getRange(space, options)])
      if (record !== model.get(key) && JSON.stringify(record) !== JSON.stringify(model.get(key))) return t.fail(`round ${round}: ${space}/${JSON.stringify(key)} read ${JSON.stringify(record)}, holds ${JSON.stringify(model.get(key))}`)
      if (JSON.stringify(many[0]) !== JSON.stringify(model.get(key))) return t.fail(`round ${round}: getRecords of ${JSON.stringify(key)}`)
      const expected = modelRange(model, options)
      if (JSON.stringify(range) !== JSON.stringify(expected)) return t.fail(`round ${round}: range ${JSON.stringify(options)} of ${space} read ${JSON.stringify(range)}, holds ${JSON.stringify(expected)}`)
    }
    return true
  }
  let passed = 0
  for (let round = 0; round < 300; round++) {
    const records: RecordWrite[] = Array.from({ length: 1 + random(6) }, () => {
      const space = spaces[random(spaces.length)]
      return { space, key: keyOf(), value: random(4) === 0 ? null : { round, n: random(1000) } }
    })
    // Reads started before the commit and while it runs: they may see either state, and must not be kept.
    const racing = Array.from({ length: 6 }, () => {
      const space = spaces[random(spaces.length)]
      return Promise.all([store.getRecord(space, keyOf()), store.getRange(space, rangeOf()), store.getRecords(space, [keyOf()])])
    })
    const committing = store.commit({ entries: [], tiles: [], records })
    racing.push(...Array.from({ length: 6 }, () => {
      const space = spaces[random(spaces.length)]
      return Promise.all([store.getRecord(space, keyOf()), store.getRange(space, rangeOf()), store.getRecords(space, [keyOf()])])
    }))
    await committing
    for (const { space, key, value } of records) {
      const model = models.get(space) as Map<string, unknown>
      if (value === null) model.delete(key)
      else model.set(key, value)
    }
    await Promise.all(racing)
    if (await check(round)) passed++
    else break
  }
  t.equal(passed, 300, 'every round read what the store holds')
})
