// Idempotency records apart from the sequencer: the key of a statement, the recent commits kept in
// memory, and the completion of early lookups from them or from the store.

import t from 'tap'
import { join } from 'node:path'
import { LevelStore } from '../../src/store/level-store.js'
import {
  IDEMPOTENCY_SPACE,
  RecentCommits,
  idempotencyKey,
  knownRepeats,
  type IdempotencyRecord,
  type RepeatLookup,
} from '../../src/ledger/idempotency.js'
import type { RecordWrite } from '../../src/store/level-store.js'
import { testDir } from '../helpers/test-dir.js'

const record = (seq: number): IdempotencyRecord => ({ seq, payloadHash: `p${seq}`, leafHash: `l${seq}` })
const idem = (key: string, seq: number): RecordWrite => ({ space: IDEMPOTENCY_SPACE, key, value: record(seq) })

t.test('the key: actor and id, apart so that no two pairs share one', async (t) => {
  t.equal(idempotencyKey({ actor: 'farm-1', id: 'e-1' }), 'farm-1\u0000e-1')
  t.not(idempotencyKey({ actor: 'a', id: 'bc' }), idempotencyKey({ actor: 'ab', id: 'c' }))
})

t.test('recent commits: what landed after a lookup, for as many commits as are kept', async (t) => {
  const recent = new RecentCommits(2)
  t.equal(recent.count, 0)
  recent.landed([idem('a', 0), { space: 'actor', key: 'a', value: {} }])
  recent.landed([idem('b', 1)])
  t.equal(recent.count, 2)
  t.same(recent.since(0, 'a'), record(0), 'a lookup before commit 1 sees its record')
  t.equal(recent.since(1, 'a'), undefined, 'a lookup after it does not need it')
  t.same(recent.since(1, 'b'), record(1))
  t.equal(recent.since(0, 'actor'), undefined, 'other spaces are not kept')
  t.ok(recent.covers(0) && recent.covers(2))
  recent.landed([idem('c', 2)])
  t.notOk(recent.covers(0), 'commit 1 is no longer kept: a lookup made before it is stale')
  t.ok(recent.covers(1))
  t.equal(recent.since(0, 'a'), undefined, 'its records are gone')
})

t.test('known repeats: from the early lookup, completed from memory, or read again', async (t) => {
  const store = await LevelStore.open(join(testDir(t), 'db'))
  t.teardown(() => store.close())
  await store.commit({ entries: [], tiles: [], records: [idem('stored', 0), idem('late', 1)] })
  const recent = new RecentCommits(1)
  recent.landed([idem('late', 1)])
  const lookups: RepeatLookup[] = [
    { found: [record(0), undefined], asOf: 0 }, // made before 'late' landed: memory completes it
    { found: undefined, asOf: 1 }, // a failed lookup: read again
  ]
  const of = [
    { request: 0, index: 0 },
    { request: 0, index: 1 },
    { request: 1, index: 0 },
    { request: 1, index: 1 },
  ]
  const known = await knownRepeats(store, recent, lookups, of, ['stored', 'late', 'stored', 'never'])
  t.same(known, [record(0), record(1), record(0), undefined])

  recent.landed([])
  recent.landed([])
  const stale = await knownRepeats(store, recent, [{ found: [undefined], asOf: 0 }], [{ request: 0, index: 0 }], ['late'])
  t.same(stale, [record(1)], 'a lookup older than the commits kept is read again from the store')
})
