// BoundedReader: one request's reads of the committed records, counted against a budget and remembered,
// against a real ledger's records in LevelDB. prefetch reads several records in one trip.

import t from 'tap'
import { BoundedReader } from '../../src/ledger/bounded-reader.js'
import { seedLedger } from '../../src/cli/demo.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

t.test('get counts each record once; prefetch reads many in one store call, counted, within the budget', async (t) => {
  const node = await makeNode(testDir(t))
  await seedLedger(node.ledger, node.operator)
  t.teardown(() => node.close())
  const records = node.ledger.records
  let manyCalls = 0
  let gets = 0
  const counting = {
    ...records,
    get: <T>(space: string, key: string) => {
      gets++
      return records.get<T>(space, key)
    },
    getMany: <T>(space: string, keys: string[]) => {
      manyCalls++
      return records.getMany!<T>(space, keys)
    },
  }
  const products = ['06901234001037', '06901234000283', '06901234000016', '09999999999994']
  const reader = new BoundedReader(counting, 3)
  await reader.prefetch('food.product', products)
  t.equal(manyCalls, 1, 'one store call')
  t.equal(reader.reads, 3, 'counted per record, up to the budget')
  t.ok(reader.exhausted)
  const zongzi = await reader.get<{ gtin: string }>('food.product', products[0])
  t.equal(zongzi?.gtin, products[0])
  t.equal(gets, 0, 'a prefetched record is not read again')
  t.equal(reader.reads, 3)
  // The key past the budget was left to get, which reads and counts it.
  await reader.get('food.product', products[3])
  t.equal(gets, 1)
  t.equal(reader.reads, 4)

  const plain = new BoundedReader({ get: records.get, range: records.range }, 10)
  await plain.prefetch('food.product', products)
  t.equal(plain.reads, 0, 'a reader without getMany leaves every key to get')
})
