// The root registry's packed actors give back exactly what was put, across chunks and past the parsed
// cache, with the latest version of a changed actor and every actor of a shared keyid.

import t from 'tap'
import { PackedActorTable } from '../../src/ledger/actor-table.js'
import type { ActorRecord } from '../../src/ledger/registry.js'

function actor(i: number, extra: Partial<ActorRecord> = {}): ActorRecord {
  return {
    id: `member-${i}`,
    name: { zh: `安吉白茶合作社第${i}号成员`, en: `Anji White Tea Cooperative member ${i} "quoted" \\ back\nslash` },
    roles: ['farm'],
    org: `org-${i % 7}`,
    locations: Array.from({ length: 12 }, (_, l) => `urn:epc:id:sgln:0614141.${String(i).padStart(5, '0')}.${l}`),
    keys: [{ keyid: (i * 2654435761).toString(16).padStart(16, '0').slice(-16), publicKey: `key-${i}`.padEnd(44, '='), addedAt: i }],
    seqs: [i],
    ...extra,
  }
}

t.test('6000 actors (two chunks, past the parsed cache) come back as they were put', async (t) => {
  const table = new PackedActorTable()
  const n = 6000
  for (let i = 0; i < n; i++) table.set(actor(i))
  t.equal(table.size, n)
  let differing = 0
  // Twice: first from the packed bytes, then (for the last PARSED_KEPT) from the cache as well.
  for (let round = 0; round < 2; round++) for (let i = 0; i < n; i++) if (JSON.stringify(table.get(`member-${i}`)) !== JSON.stringify(actor(i))) differing++
  t.equal(differing, 0, 'every record equal, in key order too')
  t.equal(table.get('nobody'), undefined)
  t.same([...table.ids()].length, n)
})

t.test('a changed actor reads as its latest version, cached or not', async (t) => {
  const table = new PackedActorTable()
  table.set(actor(1))
  t.equal(table.get('member-1')?.revokedAt, undefined, 'parsed and cached')
  table.set(actor(1, { revokedAt: 9, seqs: [1, 9] }))
  t.equal(table.get('member-1')?.revokedAt, 9, 'the cached copy replaced')
  const fresh = new PackedActorTable()
  fresh.set(actor(2))
  fresh.set(actor(2, { roles: ['retailer'] }))
  t.same(fresh.get('member-2')?.roles, ['retailer'], 'never cached: the newest bytes')
})

t.test('keyids: one actor, several, and a second key of the same actor', async (t) => {
  const table = new PackedActorTable()
  const shared = 'aaaaaaaaaaaaaaaa'
  table.set(actor(1, { keys: [{ keyid: shared, publicKey: 'a', addedAt: 1 }] }))
  t.same(table.idsWithKeyId(shared), ['member-1'])
  table.set(actor(2, { keys: [{ keyid: shared, publicKey: 'b', addedAt: 2 }] }))
  t.same(table.idsWithKeyId(shared), ['member-1', 'member-2'], 'a collision keeps both')
  table.set(actor(1, { keys: [{ keyid: shared, publicKey: 'a', addedAt: 1, retiredAt: 3 }, { keyid: 'bbbbbbbbbbbbbbbb', publicKey: 'c', addedAt: 3 }] }))
  t.same(table.idsWithKeyId(shared), ['member-1', 'member-2'], 'no duplicate on a new version')
  t.same(table.idsWithKeyId('bbbbbbbbbbbbbbbb'), ['member-1'])
  t.same(table.idsWithKeyId('cccccccccccccccc'), [])
})

t.test('a record larger than a chunk gets a chunk of its own', async (t) => {
  const table = new PackedActorTable()
  table.set(actor(1))
  table.set(actor(3, { seqs: Array.from({ length: 700_000 }, (_, i) => 1_000_000 + i) }))
  table.set(actor(4))
  t.equal(table.get('member-3')?.seqs.length, 700_000)
  t.same(table.get('member-4'), actor(4), 'and the next record a new chunk')
  t.same(table.get('member-1'), actor(1))
})

t.test('a staged record is invisible until published, and its bytes are its JSON as UTF-8', async (t) => {
  const table = new PackedActorTable()
  table.set(actor(1))
  const staged = table.stage(actor(5))
  t.same(Buffer.from(staged.json), Buffer.from(JSON.stringify(actor(5))), 'the bytes LevelDB is given')
  t.equal(table.get('member-5'), undefined, 'not visible before the commit lands')
  t.notOk([...table.ids()].includes('member-5'))
  t.same(table.idsWithKeyId(actor(5).keys[0].keyid), [])
  table.publish(actor(5), staged.position)
  t.same(table.get('member-5'), actor(5))
  t.same(table.idsWithKeyId(actor(5).keys[0].keyid), ['member-5'])
  t.same(table.get('member-1'), actor(1))
})

t.test('a staged record never published (its commit failed) changes nothing that is read', async (t) => {
  const table = new PackedActorTable()
  table.set(actor(1))
  table.stage(actor(1, { revokedAt: 9 }))
  table.stage(actor(6))
  table.set(actor(7))
  t.equal(table.get('member-1')?.revokedAt, undefined, 'the committed version stands')
  t.equal(table.get('member-6'), undefined)
  t.same(table.get('member-7'), actor(7), 'the next record after the unused bytes')
  t.equal(table.size, 2)
})
