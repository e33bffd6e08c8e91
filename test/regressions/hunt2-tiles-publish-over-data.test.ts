// DIR, the published tile tree, is public by design: "anything that serves files serves DIR", "put DIR in a
// bucket" (docs/static-log.md). `serve --publish DIR` and `publish --out DIR` took a DIR that is the node's
// data directory or holds it (`--dir /srv/tc/node --publish /srv/tc`, a slip of a path), and wrote the
// checkpoint and tiles beside keys/node.json: the next sync of DIR to a bucket, or a file server over it,
// published the log's signing key and the operator's with them, and anyone could then sign checkpoints and
// statements as the node. Now such a DIR is refused with BAD_REQUEST before anything is written into it; a DIR
// inside the data directory (D/tlog) holds only what a publisher writes, and stays allowed.

import { existsSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { CLI, ROOT, runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a DIR that is the data directory, or holds it, is refused; one inside it is not', async (t) => {
  const root = testDir(t)
  const node = join(root, 'srv', 'node')
  mkdirSync(join(root, 'srv'))
  t.equal((await runCli(['init', '--dir', node])).code, 0)
  symlinkSync(join(root, 'srv'), join(root, 'link'))

  for (const out of [node, join(root, 'srv'), root, join(root, 'link'), join(node, '.')]) {
    const run = await runCli(['publish', '--dir', node, '--out', out])
    t.equal(run.code, 2, `publish --out ${out}`)
    t.match(run.stderr, /BAD_REQUEST: .*holds the node's data directory/, run.stderr.trim())
    // A serve that takes DIR would serve until stopped: it is stopped after a while.
    const served = spawnSync(process.execPath, [CLI, 'serve', '--dir', node, '--port', '0', '--host', '127.0.0.1', '--publish', out], { cwd: ROOT, timeout: 15_000, encoding: 'utf8' })
    t.equal(served.status, 2, `serve --publish ${out}`)
    t.match(served.stderr, /BAD_REQUEST: --publish .*holds the node's data directory/, served.stderr.trim())
  }
  t.notOk(existsSync(join(node, 'checkpoint')), 'no checkpoint beside the keys')
  t.notOk(existsSync(join(root, 'srv', 'tile')), 'no tiles beside the data directory')

  const inside = join(node, 'tlog')
  const run = await runCli(['publish', '--dir', node, '--out', inside])
  t.equal(run.code, 0, run.stderr)
  t.ok(existsSync(join(inside, 'checkpoint')))
})
