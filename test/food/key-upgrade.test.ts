// A store written when GRAI, GIAI and the other GS1 keys were kept "local:<text>" (before issue 16) is
// re-keyed once at open, so its assets answer to either spelling like the ones written after.

import t from 'tap'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { openNode } from '../../src/cli/node-dir.js'
import { GS1_KEY_INDEX_META, GS1_KEY_PLAN_META, buildGs1KeyIndex } from '../../src/food/key-upgrade.js'
import { SPACES, type FoodEventRecord } from '../../src/food/records.js'
import { buildApp } from '../../src/http/app.js'
import { LevelStore } from '../../src/store/level-store.js'
import { makeNode } from '../helpers/ledger.js'
import { GRAI_LINK, GRAI_URN, oldFormatStore } from '../helpers/old-gs1-store.js'
import { testDir } from '../helpers/test-dir.js'

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
