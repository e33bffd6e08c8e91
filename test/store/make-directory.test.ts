// mkdir -p that ends (store/make-directory.ts): Node 20's recursive mkdir spins for ever under /proc, whose
// directories refuse children with ENOENT. Here, and through the commands that make directories a user names.

import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { makeDirectory, makeDirectorySync } from '../../src/store/make-directory.js'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const PROC = existsSync('/proc/self')

t.test('makes each missing level, says which it made first, and refuses as mkdir does', async (t) => {
  for (const [name, make] of [
    ['sync', async (path: string, mode?: number) => makeDirectorySync(path, mode)],
    ['async', makeDirectory],
  ] as const) {
    const root = join(testDir(t), name)
    t.equal(await make(join(root, 'a', 'b', 'c'), 0o700), root, `${name}: the outermost level it made`)
    t.ok(statSync(join(root, 'a', 'b', 'c')).isDirectory())
    t.equal(statSync(join(root, 'a')).mode & 0o777, 0o700, `${name}: each level with the mode`)
    t.equal(await make(join(root, 'a', 'b')), undefined, `${name}: already there`)
    writeFileSync(join(root, 'file'), '')
    await t.rejects(async () => make(join(root, 'file')), { code: 'EEXIST' }, `${name}: a file where the directory goes`)
    await t.rejects(async () => make(join(root, 'file', 'x')), { code: 'ENOTDIR' })
    if (PROC) {
      const started = Date.now()
      await t.rejects(async () => make('/proc/tracechain-x/y'), { code: 'ENOENT' }, `${name}: under /proc, refused`)
      t.ok(Date.now() - started < 1000, `${name}: at once`)
    }
  }
})

t.test('the commands that make a directory say why they cannot under /proc, and exit', { skip: !PROC && 'no /proc here', timeout: 60_000 }, async (t) => {
  const root = testDir(t)
  t.equal((await runCli(['init', '--dir', join(root, 'node')])).code, 0)
  for (const args of [
    ['init', '--dir', '/proc/tracechain-x'],
    ['witness', 'init', '--dir', '/proc/tracechain-x', '--name', 'w.example'],
    ['publish', '--dir', join(root, 'node'), '--out', '/proc/tracechain-x'],
    ['verify-page', '--out', '/proc/tracechain-x'],
  ]) {
    const run = await runCli(args)
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, /ENOENT: no such file or directory, mkdir '\/proc\/tracechain-x'/, args[0])
  }
})
