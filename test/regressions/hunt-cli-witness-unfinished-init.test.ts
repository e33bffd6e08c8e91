// Hunt (CLI): `witness init` writes its config (witness.json) last, after the key, so a directory with the key and
// no config is an init that was killed half-way, its key never printed nor used. Before, such a directory was a
// dead end: `witness init` said it was not empty and `witness --dir` that it held no witness. Now witness init
// resumes it, keeping the key; a directory with anything else is still refused and left as it is.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('witness init starts over an init killed before its config', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'witness')
  const first = await runCli(['witness', 'init', '--dir', dir, '--name', 'w.example/one'])
  t.equal(first.code, 0)
  const publicKey = /public key\s+(\S+)/.exec(first.stdout)?.[1]
  rmSync(join(dir, 'witness.json'))
  writeFileSync(join(dir, 'keys', `.witness.json.${process.pid}.tmp`), '{')
  const again = await runCli(['witness', 'init', '--dir', dir, '--name', 'w.example/one'])
  t.equal(again.code, 0, again.stderr)
  t.same(readdirSync(join(dir, 'keys')), ['witness.json'])
  t.equal(/public key\s+(\S+)/.exec(again.stdout)?.[1], publicKey, 'the key it wrote is kept')

  const other = join(root, 'other')
  mkdirSync(join(other, 'keys'), { recursive: true })
  writeFileSync(join(other, 'notes.txt'), 'mine')
  const refused = await runCli(['witness', 'init', '--dir', other, '--name', 'w.example/two'])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /ALREADY_INITIALISED/)
  t.same(readdirSync(other).sort(), ['keys', 'notes.txt'], 'left as it was')
})
