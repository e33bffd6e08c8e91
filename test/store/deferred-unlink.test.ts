// LevelDB's obsolete files freed off its lock (store/deferred-unlink.ts): every log and table has a second
// name while it lives, LevelDB's unlink only removes a name, and a sweep frees what LevelDB deleted.

import { existsSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { DEFERRED_DIR, DeferredUnlink, SWEEP_INTERVAL_MS } from '../../src/store/deferred-unlink.js'
import { LevelStore } from '../../src/store/level-store.js'
import { until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

/** Waits, within a few sweeps, until `holds` is true. */
const sweptUntil = (what: string, holds: () => boolean) => until(what, async () => (holds() ? true : undefined), 10 * SWEEP_INTERVAL_MS)

const links = (path: string) => statSync(path).nlink

t.test('logs and tables get a second name; LevelDB’s other files and ours do not', async (t) => {
  const dir = testDir(t)
  const files = ['000005.log', '000007.ldb', '000003.sst', 'MANIFEST-000002', 'CURRENT', 'LOCK', 'LOG', 'entries.bin', 'entries.idx', '000009.dbtmp']
  for (const name of files) writeFileSync(join(dir, name), name)
  const deferred = await DeferredUnlink.start(dir)
  t.same(readdirSync(join(dir, DEFERRED_DIR)).sort(), ['000003.sst', '000005.log', '000007.ldb'])
  t.equal(links(join(dir, '000005.log')), 2, 'one file, two names')
  t.equal(links(join(dir, 'entries.bin')), 1)

  // As LevelDB deletes an obsolete log: the name goes, the blocks stay until the sweep.
  unlinkSync(join(dir, '000005.log'))
  t.equal(links(join(dir, DEFERRED_DIR, '000005.log')), 1, 'held by the second name alone')
  await deferred.sweep()
  t.notOk(existsSync(join(dir, DEFERRED_DIR, '000005.log')), 'freed by the sweep')

  // An operator who removes the subdirectory: the next pass makes it again and names every file.
  rmSync(join(dir, DEFERRED_DIR), { recursive: true })
  await deferred.sweep()
  t.same(readdirSync(join(dir, DEFERRED_DIR)).sort(), ['000003.sst', '000007.ldb'], 'named again')

  // A file LevelDB makes later is named by the timer's pass.
  writeFileSync(join(dir, '000011.ldb'), 'x')
  await sweptUntil('the new table has a second name', () => existsSync(join(dir, DEFERRED_DIR, '000011.ldb')))

  await deferred.stop()
  t.notOk(existsSync(join(dir, DEFERRED_DIR)), 'at rest each file has one name, and the subdirectory is gone')
  t.equal(links(join(dir, '000007.ldb')), 1)
  t.same(readdirSync(dir).sort(), [...files.filter((name) => name !== '000005.log'), '000011.ldb'].sort(), 'nothing of LevelDB’s touched')
  writeFileSync(join(dir, '000013.ldb'), 'x')
  await deferred.sweep()
  t.notOk(existsSync(join(dir, DEFERRED_DIR, '000013.ldb')), 'a stopped sweep names nothing')
})

t.test('after a crash, what LevelDB deleted while the names held it is freed at start', async (t) => {
  const dir = testDir(t)
  const first = await DeferredUnlink.start(dir).then(async (deferred) => {
    writeFileSync(join(dir, '000004.log'), 'log')
    await deferred.sweep()
    return deferred
  })
  // kill -9: no stop(); LevelDB deleted the log on its next open.
  t.ok(existsSync(join(dir, DEFERRED_DIR, '000004.log')))
  unlinkSync(join(dir, '000004.log'))
  const next = await DeferredUnlink.start(dir)
  t.same(readdirSync(join(dir, DEFERRED_DIR)), [], 'freed before start resolves')
  await next.stop()
  await first.stop()
})

t.test('a directory it cannot make its subdirectory in is left to LevelDB', async (t) => {
  const dir = testDir(t)
  const file = join(dir, 'not-a-directory')
  writeFileSync(file, '')
  const deferred = await DeferredUnlink.start(file)
  await deferred.sweep()
  await deferred.stop()
  t.pass('no error')
})

t.test('the store: LevelDB’s files are named while it runs, its deletions freed, and nothing is left at close', async (t) => {
  const dir = testDir(t)
  const location = join(dir, 'db')
  const store = await LevelStore.open(location)
  const records = Array.from({ length: 2000 }, (_, i) => ({ space: 'demo', key: String(i).padStart(6, '0'), value: { i, text: 'x'.repeat(200) } }))
  await store.commit({ entries: [], tiles: [], records })
  const named = () => readdirSync(join(location, DEFERRED_DIR))
  const leveldbFiles = () => readdirSync(location).filter((name) => /^\d+\.(log|ldb)$/.test(name))
  await sweptUntil('every log and table named', () => leveldbFiles().every((name) => named().includes(name)))
  const logBefore = leveldbFiles().filter((name) => name.endsWith('.log'))
  t.ok(logBefore.length > 0, 'a log to replay')

  // Reopening replays the log into a table and deletes the log: LevelDB's unlink, then the sweep.
  await store.reopen()
  await sweptUntil('the replayed log freed', () => logBefore.every((name) => !named().includes(name)))
  for (const name of logBefore) t.notOk(existsSync(join(location, name)), `${name} deleted by LevelDB`)
  t.same((await store.getRange('demo', { limit: 3 })).map(([key]) => key), ['000000', '000001', '000002'], 'the records survive')
  await store.close()
  t.notOk(existsSync(join(location, DEFERRED_DIR)), 'no second names at rest')
  for (const name of leveldbFiles()) t.equal(links(join(location, name)), 1, `${name} has one name`)
})
