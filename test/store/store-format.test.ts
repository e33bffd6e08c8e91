// The store's format version (store/store-format.ts): recorded when a store is made, checked before LevelDB opens;
// a newer or garbled record is refused with nothing in the directory written.

import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { LevelStore } from '../../src/store/level-store.js'
import { STORE_FORMAT_FILE, STORE_FORMAT_VERSION } from '../../src/store/store-format.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a new store records its format, and an open keeps the record as it is', async (t) => {
  const location = join(testDir(t), 'db')
  await (await LevelStore.open(location)).close()
  const path = join(location, STORE_FORMAT_FILE)
  t.equal(readFileSync(path, 'utf8'), `${STORE_FORMAT_VERSION}\n`)
  const before = statSync(path)
  await (await LevelStore.open(location)).close()
  t.same([statSync(path).ino, statSync(path).mtimeMs], [before.ino, before.mtimeMs], 'not written again')
})

t.test('a newer format and a record that does not parse are refused before LevelDB opens', async (t) => {
  const root = testDir(t)
  const cases: [string, string, string][] = [
    ['newer', `${STORE_FORMAT_VERSION + 1}\n`, 'STORE_FORMAT_NEWER'],
    ['far newer', '900000000000000', 'STORE_FORMAT_NEWER'],
    ['zero', '0\n', 'STORE_CORRUPT'],
    ['text', 'v2\n', 'STORE_CORRUPT'],
    ['empty', '', 'STORE_CORRUPT'],
    ['too long', '1'.repeat(20), 'STORE_CORRUPT'],
  ]
  for (const [name, record, code] of cases) {
    const location = join(root, name)
    mkdirSync(location)
    writeFileSync(join(location, STORE_FORMAT_FILE), record)
    await t.rejects(LevelStore.open(location), { code }, name)
    t.same(readdirSync(location), [STORE_FORMAT_FILE], `${name}: nothing else written, not even LevelDB's files`)
  }
  await t.rejects(LevelStore.open(join(root, 'newer')), {
    code: 'STORE_FORMAT_NEWER',
    details: { found: STORE_FORMAT_VERSION + 1, supported: STORE_FORMAT_VERSION },
    message: new RegExp(`format ${STORE_FORMAT_VERSION + 1}\\b.*up to ${STORE_FORMAT_VERSION}\\b`),
  })
})
