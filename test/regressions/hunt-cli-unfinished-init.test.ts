// Hunt (CLI): init writes node.json last, so a directory without it is an init that was killed (kill -9, a power
// cut, a full disk) before it finished: keys, maybe a LevelDB with the genesis, never served. Before, such a
// directory was a dead end: `serve` said NOT_INITIALISED "run tracechain init", and `init` said
// ALREADY_INITIALISED "not empty"; `npm start` failed for ever until the operator found and wiped it by hand.
// Now init and serve resume such an init: the keys it wrote are kept (a key file is never replaced; one that does
// not read is refused), and its store, at most a genesis never served, is made again. A directory without
// node.json whose ledger holds more than the genesis (or anything init does not make) is not an unfinished init
// and is left as it is.

import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { appendAll, getCheckpoint, registrations, runCli, startNode } from '../helpers/node-process.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { testDir } from '../helpers/test-dir.js'

/** A node directory as init leaves it when killed just before node.json: keys, the db with the genesis. */
async function killedBeforeNodeJson(dir: string): Promise<void> {
  const init = await runCli(['init', '--dir', dir])
  if (init.code !== 0) throw new Error(init.stderr)
  rmSync(join(dir, 'node.json'))
}

t.test('serve starts over an init killed before node.json, on a path with spaces and non-ASCII', async (t) => {
  const dir = join(testDir(t), 'data dir 数据')
  await killedBeforeNodeJson(dir)
  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  t.match(node.output(), 'initialised a new node')
  t.equal((await getCheckpoint(node.url)).size, 1, 'a new log: its genesis')
  t.ok(existsSync(join(dir, 'node.json')))
  await node.stop()
})

t.test('init starts over an init killed after its first key, and one killed before node.json', async (t) => {
  const root = testDir(t)
  const keysOnly = join(root, 'keys-only')
  await killedBeforeNodeJson(keysOnly)
  rmSync(join(keysOnly, 'db'), { recursive: true })
  rmSync(join(keysOnly, 'keys', 'operator.json'))
  writeFileSync(join(keysOnly, 'keys', `.operator.json.${process.pid}.tmp`), '{"keyid"')
  const again = await runCli(['init', '--dir', keysOnly])
  t.equal(again.code, 0, again.stderr)
  t.same(readdirSync(join(keysOnly, 'keys')).sort(), ['node.json', 'operator.json'], 'the leftover temporary is gone')

  const genesis = join(root, 'genesis')
  await killedBeforeNodeJson(genesis)
  const before = ['node', 'operator'].map((name) => readKeyFile(join(genesis, 'keys', `${name}.json`)).keyid)
  const init = await runCli(['init', '--dir', genesis])
  t.equal(init.code, 0, init.stderr)
  t.same(['node', 'operator'].map((name) => readKeyFile(join(genesis, 'keys', `${name}.json`)).keyid), before, 'the keys it wrote are kept: a key file is never replaced')
  const verified = await runCli(['verify', '--dir', genesis])
  t.equal(verified.code, 0, `the genesis made again verifies: ${verified.stdout}${verified.stderr}`)

  // A key file that does not read is refused, not replaced.
  const damaged = join(root, 'damaged')
  await killedBeforeNodeJson(damaged)
  writeFileSync(join(damaged, 'keys', 'operator.json'), '{"keyid":"x"}', { mode: 0o600 })
  const refused = await runCli(['init', '--dir', damaged])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /BAD_REQUEST: key file "publicKey"/)
  t.equal(readFileSync(join(damaged, 'keys', 'operator.json'), 'utf8'), '{"keyid":"x"}', 'left as it was')
})

t.test('a directory without node.json whose ledger grew past the genesis is not wiped', async (t) => {
  const dir = join(testDir(t), 'node')
  const node = await startNode({ dir })
  await appendAll(node.url, registrations(readKeyFile(join(dir, 'keys', 'operator.json')), 'grown', 2))
  await node.stop()
  const operator = readKeyFile(join(dir, 'keys', 'operator.json')).keyid
  rmSync(join(dir, 'node.json'))
  for (const args of [['init', '--dir', dir], ['serve', '--dir', dir, '--port', '0', '--host', '127.0.0.1']]) {
    const run = await runCli(args)
    t.equal(run.code, 2, args[0])
    t.match(run.stderr, /NOT_INITIALISED|ALREADY_INITIALISED/)
  }
  t.equal(readKeyFile(join(dir, 'keys', 'operator.json')).keyid, operator, 'the keys are kept')
  t.ok(existsSync(join(dir, 'db')), 'the ledger is kept')
})
