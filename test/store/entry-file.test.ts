// The entry files against LevelDB's head: what the head counts is what reads return, whatever a crash
// left past it; a head that counts entries the files lack is a corrupt store, not a short log.

import t, { type Test } from 'tap'
import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toHex } from '../../src/core/bytes.js'
import { sha256 } from '../../src/core/hash.js'
import { EntryFile } from '../../src/store/entry-file.js'
import { LevelStore, type StoredHead } from '../../src/store/level-store.js'
import { testDir } from '../helpers/test-dir.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (b: Uint8Array) => new TextDecoder().decode(b)
/** RFC 9162's leaf hash of an entry's bytes: what a head names as its last leaf. */
const leafHashOf = (entry: string) => toHex(sha256(new Uint8Array([0, ...bytes(entry)])))
const head = (size: number, lastEntry = ''): StoredHead => ({ size, rootHash: '00'.repeat(32), lastLeafHash: leafHashOf(lastEntry), checkpoint: '' })

async function commitEntries(store: LevelStore, first: number, texts: string[]): Promise<void> {
  await store.commit({
    entries: texts.map((s, i) => ({ seq: first + i, bytes: bytes(s) })),
    tiles: [],
    head: head(first + texts.length, texts.at(-1)),
    records: [],
  })
}

t.test('entries read back by seq and by range, across commits of different sizes', async (t) => {
  const location = join(testDir(t), 'db')
  const store = await LevelStore.open(location)
  t.teardown(() => store.close())
  await commitEntries(store, 0, ['zero', 'one'])
  await commitEntries(store, 2, ['two', '', 'four-with-more-bytes'])
  t.equal(text((await store.getEntryBytes(0))!), 'zero')
  t.equal(text((await store.getEntryBytes(4))!), 'four-with-more-bytes')
  t.equal(text((await store.getEntryBytes(3))!), '', 'an empty entry is still an entry')
  t.equal(await store.getEntryBytes(5), undefined)
  t.same((await store.getEntriesBytes(1, 10)).map(text), ['one', 'two', '', 'four-with-more-bytes'], 'clipped at the end')
  t.same(await store.getEntriesBytes(7, 2), [])
  t.equal(statSync(join(location, 'entries.idx')).size, 5 * 8)
})

t.test('entries written past the head (a crash before the LevelDB batch) are cut off on open and written over', async (t) => {
  const location = join(testDir(t), 'db')
  let store = await LevelStore.open(location)
  await commitEntries(store, 0, ['a', 'b', 'c'])
  await store.close()
  // What a crash leaves: the group's entries synced to the files, its batch never written.
  const file = await EntryFile.open(location)
  await file.append(3, [bytes('never-acknowledged'), bytes('nor-this')])
  t.equal(file.length, 5)
  await file.close()

  store = await LevelStore.open(location)
  t.teardown(() => store.close())
  t.same((await store.getEntriesBytes(0, 10)).map(text), ['a', 'b', 'c'], 'only what the head counts')
  t.equal(statSync(join(location, 'entries.bin')).size, 3)
  await commitEntries(store, 3, ['d'])
  t.same((await store.getEntriesBytes(0, 10)).map(text), ['a', 'b', 'c', 'd'])
})

/** A store holding entry 'a', and a refused commit of entry 1 with one record whose value has no JSON form. */
async function refuseRecord(t: Test, value: unknown): Promise<{ store: LevelStore; location: string }> {
  const location = join(testDir(t), 'db')
  const store = await LevelStore.open(location)
  t.teardown(() => store.close())
  await commitEntries(store, 0, ['a'])
  await t.rejects(
    store.commit({ entries: [{ seq: 1, bytes: bytes('lost') }], tiles: [], head: head(2), records: [{ space: 's', key: 'k', value }] }),
    { code: 'INTERNAL' },
  )
  t.equal((await store.getHead())?.size, 1, 'the head did not move')
  t.equal(await store.getRecord('s', 'k'), undefined)
  return { store, location }
}

t.test('a record with no JSON value: refused before anything is written', async (t) => {
  const { location } = await refuseRecord(t, undefined)
  t.equal(statSync(join(location, 'entries.bin')).size, 1, 'nor did the entry file')
})

t.test('a record whose toJSON gives nothing: refused, the head unmoved, and the next commit lands', async (t) => {
  const { store } = await refuseRecord(t, { toJSON: () => undefined })
  await commitEntries(store, 1, ['b'])
  t.same((await store.getEntriesBytes(0, 10)).map(text), ['a', 'b'], 'the unacknowledged entry was written over')
})

t.test('entries of a commit that failed after they were written are written over by the next', async (t) => {
  const location = join(testDir(t), 'db')
  const file = await EntryFile.open(location.replace(/db$/, ''))
  t.teardown(() => file.close())
  await file.append(0, [bytes('a')])
  await file.append(1, [bytes('lost'), bytes('lost-too')])
  // The LevelDB batch failed: the sequencer hands out seq 1 again.
  await file.append(1, [bytes('b-longer-than-lost')])
  t.equal(file.length, 2)
  t.same((await file.readRange(0, 10)).map(text), ['a', 'b-longer-than-lost'])
})

t.test('an entry read before is never served after it was written over or cut', async (t) => {
  const file = await EntryFile.open(testDir(t))
  t.teardown(() => file.close())
  await file.append(0, [bytes('a'), bytes('lost')])
  t.equal(text((await file.read(1))!), 'lost', 'read (and kept) before its commit failed')
  await file.append(1, [bytes('b')])
  t.equal(text((await file.read(1))!), 'b', 'written over')
  t.equal(text((await file.read(0))!), 'a')
  await file.truncate(1)
  t.equal(await file.read(1), undefined, 'cut')
  await file.append(1, [bytes('c')])
  t.equal(text((await file.read(1))!), 'c')
  // A read in flight while its entry is written over is not kept.
  const racing = file.read(1)
  await file.append(1, [bytes('d')])
  await racing
  t.equal(text((await file.read(1))!), 'd')
  const kept = (await file.read(0))!
  kept[0] = 'z'.charCodeAt(0)
  t.equal(text((await file.read(0))!), 'a', "a caller's bytes are its own")
})

t.test('consecutive seqs only', async (t) => {
  const store = await LevelStore.open(join(testDir(t), 'db'))
  t.teardown(() => store.close())
  await t.rejects(
    store.commit({ entries: [{ seq: 0, bytes: bytes('a') }, { seq: 2, bytes: bytes('c') }], tiles: [], head: head(2), records: [] }),
    { code: 'INTERNAL' },
  )
  t.equal(await store.getHead(), undefined, 'nothing written')
})

t.test('a head that counts entries the files do not hold: STORE_CORRUPT on open', async (t) => {
  const location = join(testDir(t), 'db')
  const store = await LevelStore.open(location)
  await commitEntries(store, 0, ['a', 'b'])
  await store.commit({ entries: [], tiles: [], head: head(4), records: [] })
  await store.close()
  await t.rejects(LevelStore.open(location), { code: 'STORE_CORRUPT', message: /hold 2 entries; the head says 4/ })
  await t.rejects(LevelStore.open(location), { code: 'STORE_CORRUPT' }, 'the failed open let go of the directory')
})

/** A store of three committed entries, closed, with `damage` done to its files. */
async function damagedStore(t: Test, damage: (location: string) => void): Promise<string> {
  const location = join(testDir(t), 'db')
  const store = await LevelStore.open(location)
  await commitEntries(store, 0, ['{"seq":0}', '{"seq":1,"more":"bytes"}', '{"seq":2,"last":"entry of the log"}'])
  await store.close()
  damage(location)
  return location
}

function rewriteOffset(location: string, seq: number, change: (offset: bigint) => bigint): void {
  const path = join(location, 'entries.idx')
  const index = readFileSync(path)
  index.writeBigUInt64BE(change(index.readBigUInt64BE(seq * 8)), seq * 8)
  writeFileSync(path, index)
}

t.test('issue 12: a lowered last offset in entries.idx is refused at open, naming the file and seq, and nothing changes', async (t) => {
  const location = await damagedStore(t, (location) => rewriteOffset(location, 2, (offset) => offset - 10n))
  const before = [readFileSync(join(location, 'entries.idx')), readFileSync(join(location, 'entries.bin'))]
  await t.rejects(LevelStore.open(location), { code: 'STORE_CORRUPT', details: { file: 'entries.idx', seq: 2 } })
  t.same([readFileSync(join(location, 'entries.idx')), readFileSync(join(location, 'entries.bin'))], before, 'both files untouched')
  await t.rejects(LevelStore.open(location), { code: 'STORE_CORRUPT' }, 'and again on the next open')
})

t.test('issue 12: offsets that go backwards, and an index past the end of entries.bin, are refused', async (t) => {
  const backwards = await damagedStore(t, (location) => rewriteOffset(location, 0, (offset) => offset + 1000n))
  await t.rejects(LevelStore.open(backwards), { code: 'STORE_CORRUPT', details: { file: 'entries.idx', seq: 1 } })
  const short = await damagedStore(t, (location) => truncateSync(join(location, 'entries.bin'), 20))
  await t.rejects(LevelStore.open(short), { code: 'STORE_CORRUPT', details: { file: 'entries.bin', seq: 2 } })
})

t.test('issue 12: a raised last offset (bytes of an unacknowledged group counted as committed) is refused', async (t) => {
  const location = await damagedStore(t, (location) => {
    appendFileSync(join(location, 'entries.bin'), 'junk of a group that never landed')
    rewriteOffset(location, 2, (offset) => offset + 5n)
  })
  await t.rejects(LevelStore.open(location), { code: 'STORE_CORRUPT', details: { file: 'entries.idx', seq: 2 } })
})
