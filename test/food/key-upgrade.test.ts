// A store written when GRAI, GIAI and the other GS1 keys were kept "local:<text>" (before issue 16) is
// re-keyed once at open, so its assets answer to either spelling like the ones written after.

import t from 'tap'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { DOMAIN_KINDS, openNode } from '../../src/cli/node-dir.js'
import { GS1_KEY_INDEX_META, GS1_KEY_PLAN_META, buildGs1KeyIndex } from '../../src/food/key-upgrade.js'
import { SPACES, type FoodEventRecord, type ObjectRecord } from '../../src/food/records.js'
import { buildApp } from '../../src/http/app.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { SEP, joinKey, parseSeqKey } from '../../src/store/keys.js'
import { LevelStore, type RecordWrite } from '../../src/store/level-store.js'
import { FIXED_TIME, makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const GRAI_URN = 'urn:epc:id:grai:4012345.55555.987'
const GRAI_LINK = 'https://id.gs1.org/8003/04012345555554987'
const GIAI_LINK = 'https://id.gs1.org/8004/400000112345'
const CASE = 'urn:epc:id:sgtin:6901234.100103.1'
const event = (eventID: string, fields: Record<string, unknown>) => ({
  type: 'ObjectEvent',
  eventID,
  eventTime: '2026-05-25T16:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  ...fields,
})
const EVENTS = [
  event('urn:uuid:00000000-0000-4000-8000-000000000161', { epcList: [GRAI_URN] }),
  // Another time: the same content in the other spelling is the same event hash, which the ledger records once.
  event('urn:uuid:00000000-0000-4000-8000-000000000162', { epcList: [GRAI_LINK], eventTime: '2026-05-25T17:00:00.000+08:00' }),
  { ...event('urn:uuid:00000000-0000-4000-8000-000000000163', { parentID: GIAI_LINK, childEPCs: [CASE] }), type: 'AggregationEvent', action: 'ADD' },
]

/** A data dir as the earlier release left it: each GS1 key other than GTIN, SSCC and GLN under "local:<text as written>". */
async function oldFormatStore(dir: string): Promise<LevelStore> {
  const fresh = await makeNode(dir)
  const farm = await fresh.register('farm-a', ['farm'])
  await fresh.close()
  const store = await LevelStore.open(join(dir, 'db'))
  const ledger = await Ledger.open({ store, nodeSigner: fresh.nodeSigner, origin: fresh.config.origin, ed: nodeEd25519, kinds: DOMAIN_KINDS })
  const seqs: number[] = []
  for (const [i, body] of EVENTS.entries()) {
    seqs.push((await ledger.submit(buildStatementEnvelope({ type: 'food.event', actor: 'farm-a', id: `e${i}`, issuedAt: FIXED_TIME, body }, [farm]))).seq)
  }
  await ledger.close()
  // The earlier release kept each key as the text its event wrote: rewrite this release's records so.
  const textOf = (key: string, seq: number) => (key.startsWith('8004/') ? GIAI_LINK : key.startsWith('8003/') ? (seq === seqs[0] ? GRAI_URN : GRAI_LINK) : undefined)
  const old = (key: string, seq: number) => (textOf(key, seq) !== undefined ? `local:${textOf(key, seq)}` : key)
  const writes: RecordWrite[] = []
  for (const space of [SPACES.byObject, SPACES.forward, SPACES.backward]) {
    for (const [key, value] of await store.getRange<unknown>(space)) {
      const parts = key.split(SEP)
      const seq = parseSeqKey(parts[parts.length - 1] as string)
      const oldKey = joinKey(...parts.map((part, i) => (i < parts.length - 1 ? old(part, seq) : part)))
      if (oldKey !== key) writes.push({ space, key, value: null }, { space, key: oldKey, value })
    }
  }
  for (const [key, record] of await store.getRange<ObjectRecord>(SPACES.object)) {
    const text = textOf(key, record.firstSeq)
    if (text === undefined) continue
    writes.push({ space: SPACES.object, key, value: null }, { space: SPACES.object, key: `local:${text}`, value: { ...record, key: `local:${text}`, id: text, digitalLink: text } })
    // Each spelling was an object of its own.
    if (text === GRAI_URN) writes.push({ space: SPACES.object, key: `local:${GRAI_LINK}`, value: { ...record, key: `local:${GRAI_LINK}`, id: GRAI_LINK, digitalLink: GRAI_LINK, firstSeq: seqs[1] } })
  }
  for (const [key, record] of await store.getRange<FoodEventRecord>(SPACES.event)) {
    writes.push({ space: SPACES.event, key, value: { ...record, objects: record.objects.map((o) => ({ ...o, key: old(o.key, record.seq), id: textOf(o.key, record.seq) ?? o.id })) } })
  }
  await store.commit({ entries: [], tiles: [], records: writes })
  await store.batchMeta([], [GS1_KEY_INDEX_META])
  return store
}

const localKeys = async (s: LevelStore) =>
  (await Promise.all([SPACES.byObject, SPACES.object, SPACES.forward, SPACES.backward].map(async (space) => (await s.getRange(space)).map(([key]) => key))))
    .flat()
    .filter((key) => key.includes('local:'))

t.test('old "local:" keys of GS1 keys move to their Digital Link paths once, at open', async (t) => {
  const dir = testDir(t)
  const store = await oldFormatStore(dir)
  t.ok((await localKeys(store)).length >= 5, 'written under the old keys')
  t.equal(await store.getMeta(GS1_KEY_INDEX_META), undefined)
  await store.close()

  const after = await openNode(dir)
  t.same(await after.store.getMeta(GS1_KEY_INDEX_META), { version: 1, keys: 3 })
  t.same(await localKeys(after.store), [], 'none left')
  t.match(await after.store.getRecord(SPACES.object, '8003/04012345555554987'), { key: '8003/04012345555554987', id: GRAI_URN, digitalLink: GRAI_LINK })
  const records = (await after.store.getRange<FoodEventRecord>(SPACES.event)).map(([, record]) => record.objects.map((o) => `${o.key} ${o.id}`))
  t.same(records.slice(-3), [[`8003/04012345555554987 ${GRAI_URN}`], [`8003/04012345555554987 ${GRAI_LINK}`], ['8004/400000112345 https://id.gs1.org/8004/400000112345', '01/16901234001034/21/1 urn:epc:id:sgtin:6901234.100103.1']], 'event records name the new keys')
  const app = await buildApp({ ledger: after.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const ids = async (search: string) => {
    const response = await app.inject(`/events?${search}`)
    t.equal(response.statusCode, 200, response.body.slice(0, 200))
    return (response.json().epcisBody.queryResults.resultsBody.eventList as { eventID: string }[]).map((e) => e.eventID.slice(-3)).sort()
  }
  const enc = encodeURIComponent
  t.same(await ids(`MATCH_anyEPC=${enc(GRAI_URN)}`), ['161', '162'], 'the URN finds both spellings')
  t.same(await ids(`MATCH_anyEPC=${enc(GRAI_LINK)}`), ['161', '162'], 'so does the Digital Link')
  t.same(await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:grai:4012345.55555.*')}`), ['161', '162'], 'and the pattern')
  t.same(await ids(`MATCH_parentID=${enc('urn:epc:id:giai:4000001.12345')}`), ['163'])
  t.same(await ids(`MATCH_anyEPC=${enc('urn:epc:idpat:giai:4000001.*')}`), ['163'])
  t.ok((await after.store.getRange(SPACES.forward)).some(([key]) => key.endsWith(`\u00008004/400000112345\u0000${key.split('\u0000')[2]}`)), 'the edge to the pallet moved')

  // Once: a second open finds the meta and changes nothing.
  await app.close()
  await after.close()
  const again = await openNode(dir)
  t.teardown(() => again.close())
  t.same(await again.store.getMeta(GS1_KEY_INDEX_META), { version: 1, keys: 3 })
})

t.test('a store with no old GS1 keys is marked and left as it is', async (t) => {
  const dir = testDir(t)
  const fresh = await makeNode(dir)
  await fresh.close()
  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.store.getMeta(GS1_KEY_INDEX_META), { version: 1, keys: 0 })
})

t.test('a move stopped after any batch is finished by the next open: nothing left under an old key', async (t) => {
  const root = testDir(t)
  const original = join(root, 'original')
  const prepared = await oldFormatStore(original)
  await prepared.close()
  // One record a batch, the store failing for good after `stopAfter` of them: as a node killed there.
  let stops = 0
  for (let stopAfter = 1; ; stopAfter++) {
    const dir = join(root, `stop-${stopAfter}`)
    cpSync(original, dir, { recursive: true })
    const store = await LevelStore.open(join(dir, 'db'))
    const commit = store.commit.bind(store)
    let commits = 0
    store.commit = async (batch) => {
      if (++commits > stopAfter) throw new Error('killed')
      return commit(batch)
    }
    const finished = await buildGs1KeyIndex(store, { batch: 1 }).then(() => true, () => false)
    await store.close()
    const reopened = await openNode(dir)
    const left = await localKeys(reopened.store)
    const meta = await reopened.store.getMeta(GS1_KEY_INDEX_META)
    const plan = await reopened.store.getMeta(GS1_KEY_PLAN_META)
    await reopened.close()
    if (left.length > 0 || !meta || plan !== undefined) {
      t.fail(`stopped after ${stopAfter} batches: ${JSON.stringify({ left, meta, plan })}`)
      break
    }
    if (finished) break
    stops++
  }
  t.ok(stops >= 5, `stopped at each of ${stops} batches, finished by the next open every time`)
})
