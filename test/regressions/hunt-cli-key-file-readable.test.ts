// Hunt (CLI): key files are written 0600, and the docs say the node's keys live with that mode. A key file that
// came back from a backup, a copy or an archive as 0644 was read without a word: whoever else could log in could
// sign as its holder, and nobody was told. ssh refuses such a private key; tracechain now says so on stderr,
// naming the file, its mode and the chmod, and goes on (refusing would stop a restored node from starting).
// The repository's public demo keys (keys/demo/) are meant to be read by anyone and are not warned about.

import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ROOT, runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('signing with a key file others can read warns; a 0600 one and a demo key do not', async (t) => {
  const dir = testDir(t)
  writeFileSync(join(dir, 'body.json'), '{"gtin":"06901234001037","name":"x"}')
  const key = join(dir, 'farm.json')
  const made = await runCli(['keygen', '--out', key])
  t.equal(made.code, 0, made.stderr)
  const sign = (file: string) => runCli(['sign', '--key', file, '--type', 'food.product', '--actor', 'farm', '--id', 'p1', '--body', join(dir, 'body.json')])

  const quiet = await sign(key)
  t.equal(quiet.code, 0)
  t.equal(quiet.stderr, '', '0600: nothing said')

  chmodSync(key, 0o644)
  const warned = await sign(key)
  t.equal(warned.code, 0, 'still signs')
  t.match(warned.stderr, /warning/)
  t.match(warned.stderr, key)
  t.match(warned.stderr, /0644/)
  t.match(warned.stderr, `chmod 600 ${key}`)

  const demo = join(ROOT, 'keys/demo/farm-anji-01.json')
  const demoRun = await sign(demo)
  t.equal(demoRun.code, 0)
  t.equal(demoRun.stderr, '', 'the public demo keys are not warned about')
  chmodSync(key, 0o640)
  t.match((await sign(key)).stderr, /0640/, 'group-readable is warned about too')
})
