// Issue 12: with the last offset of entries.idx lowered by 100, the node opened cleanly and its next
// append overwrote the tail of a committed entry. Now `serve` and `verify --dir` refuse to open such a
// data directory, name the file and the seq, and change nothing.

import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { makeNode } from '../helpers/ledger.js'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a lowered last offset: serve and verify --dir refuse, naming entries.idx and the seq', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  for (let i = 0; i < 5; i++) await node.register(`farm-${i}`, ['farm'])
  const lastSeq = node.ledger.size - 1
  await node.close()

  const indexPath = join(dir, 'db', 'entries.idx')
  const index = readFileSync(indexPath)
  index.writeBigUInt64BE(index.readBigUInt64BE(lastSeq * 8) - 100n, lastSeq * 8)
  writeFileSync(indexPath, index)
  const before = [readFileSync(indexPath), readFileSync(join(dir, 'db', 'entries.bin'))]

  for (const args of [['verify', '--dir', dir], ['serve', '--dir', dir, '--port', '0', '--host', '127.0.0.1']]) {
    const run = await runCli(args)
    t.not(run.code, 0, `${args[0]} fails`)
    // verify says it as its verdict (stdout, exit 1), serve as its error (stderr, exit 2)
    const said = run.stdout + run.stderr
    t.match(said, /STORE_CORRUPT/, args[0])
    t.match(said, /entries\.idx/, `${args[0]} names the file`)
    t.match(said, new RegExp(`entry ${lastSeq}\\b`), `${args[0]} names the seq`)
  }
  t.same([readFileSync(indexPath), readFileSync(join(dir, 'db', 'entries.bin'))], before, 'nothing changed on disk')
})

t.test('a truncated entries.bin: serve and verify --dir refuse, naming entries.bin and the last seq', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  for (let i = 0; i < 3; i++) await node.register(`farm-${i}`, ['farm'])
  const lastSeq = node.ledger.size - 1
  await node.close()
  const dataPath = join(dir, 'db', 'entries.bin')
  truncateSync(dataPath, statSync(dataPath).size - 7)
  for (const args of [['verify', '--dir', dir], ['serve', '--dir', dir, '--port', '0', '--host', '127.0.0.1']]) {
    const run = await runCli(args)
    t.not(run.code, 0, `${args[0]} fails`)
    const said = run.stdout + run.stderr
    t.match(said, /STORE_CORRUPT/, args[0])
    t.match(said, /entries\.bin/, `${args[0]} names the file`)
    t.match(said, new RegExp(`entry ${lastSeq}\\b`), `${args[0]} names the seq`)
  }
})
