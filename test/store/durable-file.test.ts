// Key files, node.json and the remembered checkpoint are replaced whole: written beside the target,
// synced and renamed over it, so a crash mid-write leaves the old file, never a short one.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { writeFileDurably, writeNewFileDurably } from '../../src/store/durable-file.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a new file gets the content and the mode, and nothing is left beside it', async (t) => {
  const dir = testDir(t)
  const path = join(dir, 'key.json')
  writeFileDurably(path, '{"secret":1}\n', 0o600)
  t.equal(readFileSync(path, 'utf8'), '{"secret":1}\n')
  t.equal(statSync(path).mode & 0o777, 0o600)
  t.same(readdirSync(dir), ['key.json'])
})

t.test('an existing file is replaced by a rename, not rewritten in place', async (t) => {
  const dir = testDir(t)
  const path = join(dir, 'checkpoint.txt')
  writeFileSync(path, 'the old checkpoint\n')
  const before = statSync(path).ino
  writeFileDurably(path, new TextEncoder().encode('the new checkpoint\n'))
  t.equal(readFileSync(path, 'utf8'), 'the new checkpoint\n')
  // A new inode: until the rename the old file was whole, and a reader never saw it half written.
  t.not(statSync(path).ino, before)
  t.same(readdirSync(dir), ['checkpoint.txt'])
})

t.test('a write that cannot be made throws and leaves the old file', async (t) => {
  const dir = testDir(t, { 'node.json': '{"origin":"kept"}\n', taken: { 'a-file': '' } })
  t.throws(() => writeFileDurably(join(dir, 'missing-dir', 'node.json'), '{}'), { code: 'ENOENT' })
  // The target is a directory: the rename fails after the temporary was written, which is removed.
  t.throws(() => writeFileDurably(join(dir, 'taken'), '{}'))
  t.equal(readFileSync(join(dir, 'node.json'), 'utf8'), '{"origin":"kept"}\n')
  t.same(readdirSync(dir).sort(), ['node.json', 'taken'])
})

t.test('writeNewFileDurably writes a file that is missing, whole, and never replaces one that is there', async (t) => {
  const dir = testDir(t)
  const path = join(dir, '.gitignore')
  t.equal(writeNewFileDurably(path, '*\n'), true)
  t.equal(readFileSync(path, 'utf8'), '*\n')
  t.same(readdirSync(dir), ['.gitignore'], 'its temporary is gone')
  const before = statSync(path).ino
  t.equal(writeNewFileDurably(path, 'other\n'), false)
  t.equal(readFileSync(path, 'utf8'), '*\n')
  t.equal(statSync(path).ino, before, 'not replaced')
  t.same(readdirSync(dir), ['.gitignore'])
})
