// The LevelDB packages are pinned: the store builds its batches through classic-level's implementer
// interface (_put, _del, _write), which is not the public API and may change in any release. This fails
// when the installed versions are not the pinned ones, or when that interface no longer lands writes.

import t from 'tap'
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Level } from 'level'
import { LevelStore, type NativeBatch } from '../../src/store/level-store.js'
import { testDir } from '../helpers/test-dir.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function installedVersion(...path: string[]): string {
  const file = join(ROOT, 'node_modules', ...path, 'package.json')
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

t.test('level and classic-level are pinned exactly, and installed at the pinned versions', async (t) => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  for (const name of ['level', 'classic-level']) {
    const pinned = manifest.dependencies[name]
    t.match(pinned, /^\d+\.\d+\.\d+$/, `${name} is pinned to one version`)
    t.equal(installedVersion(name), pinned, `${name} installed is ${pinned}`)
  }
  // level must use the classic-level pinned beside it, not a copy of its own.
  t.notOk(existsSync(join(ROOT, 'node_modules', 'level', 'node_modules', 'classic-level')), 'one classic-level')
})

t.test('the chained batch\'s implementer interface: a put, a del and a synced write land', async (t) => {
  const location = join(testDir(t), 'db')
  const db = new Level<string, string>(location, { valueEncoding: 'utf8' })
  await db.open()
  await db.put('gone', 'before')
  const batch = db.batch() as unknown as NativeBatch
  for (const method of ['_put', '_del', '_write', 'close'] as const) t.type(batch[method], 'function', method)
  batch._put('text', 'a value')
  batch._put('bytes', new TextEncoder().encode('"as bytes"'))
  batch._del('gone')
  await batch._write({ sync: true })
  await batch.close()
  t.equal(await db.get('text'), 'a value')
  t.equal(await db.get('bytes'), '"as bytes"')
  t.equal(await db.get('gone'), undefined)
  await db.close()
  const reopened = new Level<string, string>(location, { valueEncoding: 'utf8' })
  t.same(await reopened.iterator().all(), [
    ['bytes', '"as bytes"'],
    ['text', 'a value'],
  ], 'durable across a reopen')
  await reopened.close()
})

t.test('LevelStore.commit through it: records put, replaced and deleted', async (t) => {
  const store = await LevelStore.open(join(testDir(t), 'db'))
  t.teardown(() => store.close())
  await store.commit({ entries: [], tiles: [], records: [{ space: 's', key: 'a', value: { n: 1 } }, { space: 's', key: 'b', value: 'b' }] })
  await store.commit({
    entries: [],
    tiles: [],
    records: [
      { space: 's', key: 'a', value: null },
      { space: 's', key: 'b', value: 'ignored', encoded: new TextEncoder().encode('"encoded"') },
    ],
  })
  t.equal(await store.getRecord('s', 'a'), undefined)
  t.equal(await store.getRecord('s', 'b'), 'encoded', 'the encoded bytes are what is stored')
  t.equal(store.getRecordSync('s', 'b'), 'encoded')
})
