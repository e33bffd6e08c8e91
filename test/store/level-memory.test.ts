// LevelDB keeps the index block of every open table in memory, up to 1,000 tables: with the node's long
// keys and the default 4 KiB blocks that was 4.3% of the soak's store (store/level-store.ts BLOCK_BYTES).
// This writes food index records as appends do, lets LevelDB turn them into a table, and reads the table
// files. These records' values are smaller than most, so their index is a larger share: 8.1% with 4 KiB
// blocks, 2.5% with the store's 16 KiB.

import t from 'tap'
import { join } from 'node:path'
import { LevelStore, type RecordWrite } from '../../src/store/level-store.js'
import { SPACES } from '../../src/food/records.js'
import { SEP, seqKey } from '../../src/store/keys.js'
import { tableMemory } from '../helpers/level-tables.js'
import { testDir } from '../helpers/test-dir.js'

/** The records a commissioning event of lot `n` writes into a few of the food spaces, keys as records.ts lays them out. */
function lotRecords(n: number): RecordWrite[] {
  const lot = `01/06901234000117/10/LOT-${String(n).padStart(7, '0')}`
  const seq = seqKey(n)
  const time = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()
  return [
    { space: SPACES.byObject, key: `${lot}${SEP}${seq}`, value: { seq: n, role: 'epc', action: 'ADD' } },
    { space: SPACES.byStep, key: `https://ref.gs1.org/cbv/BizStep-commissioning${SEP}${time}${SEP}${seq}`, value: 1 },
    { space: SPACES.byLocation, key: `414/6901234000012${SEP}${time}${SEP}${seq}`, value: 1 },
    { space: SPACES.object, key: lot, value: { id: `https://id.gs1.org/${lot}`, key: lot, producer: 'farm-1', firstSeq: n } },
  ]
}

t.test('the index blocks LevelDB holds for open tables are under 4% of the tables', async (t) => {
  const location = join(testDir(t), 'db')
  let store = await LevelStore.open(location)
  for (let first = 0; first < 40_000; first += 2_000) {
    const records = Array.from({ length: 2_000 }, (_, i) => lotRecords(first + i)).flat()
    await store.commit({ entries: [], tiles: [], records })
  }
  await store.close()
  // Reopening turns the log into a level-0 table.
  store = await LevelStore.open(location)
  t.teardown(() => store.close())
  const memory = tableMemory(location)
  t.ok(memory.tables >= 1, `${memory.tables} table(s), ${memory.tableBytes} bytes`)
  const share = memory.indexBytes / memory.tableBytes
  t.ok(share < 0.04, `index blocks ${memory.indexBytes} bytes, ${(share * 100).toFixed(2)}% of the tables`)
})
