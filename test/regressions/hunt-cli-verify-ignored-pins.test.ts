// Hunt (CLI): `tracechain verify` pins the log key with --log-key for --url, and a bundle's with --key (as
// `mirror` does). Before, a flag that did not apply to the mode chosen was dropped without a word: `verify --url
// U --key VKEY`, the mirror's and the bundle's spelling, audited U against the key U itself served (trust on
// first use) and said ok, whatever VKEY was; `verify --dir D --log-key VKEY` never compared the directory's key
// with VKEY, so the data directory of another log passed as ok; `--url` with `--dir` audited the URL alone. Now
// --log-key is held against a data directory's key as against a node's, and a flag the mode does not take, or
// both --url and --dir, is refused with BAD_REQUEST before anything is read.

import { join } from 'node:path'
import t from 'tap'
import { runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

async function initialised(dir: string): Promise<string> {
  const run = await runCli(['init', '--dir', dir])
  if (run.code !== 0) throw new Error(run.stderr)
  return /log key (\S+)/.exec(run.stdout)?.[1] as string
}

t.test('a pin verify would not use is refused, and --log-key holds for a data directory too', async (t) => {
  const root = testDir(t)
  const served = join(root, 'served')
  const other = join(root, 'other')
  const servedKey = await initialised(served)
  const otherKey = await initialised(other)
  t.not(servedKey, otherKey)

  // A data directory of another log than the one pinned.
  const dirRun = await runCli(['verify', '--dir', other, '--log-key', servedKey, '--quiet'])
  t.not(dirRun.code, 0, `--dir with another log's --log-key is not ok: ${dirRun.stdout}${dirRun.stderr}`)
  t.match(dirRun.stderr + dirRun.stdout, /NOTE_SIGNATURE_INVALID/)
  const ownRun = await runCli(['verify', '--dir', other, '--log-key', otherKey, '--quiet'])
  t.equal(ownRun.code, 0, `its own key pinned: ok (${ownRun.stderr})`)

  const node = await startNode({ dir: served })
  t.teardown(() => node.stop())
  for (const args of [
    ['--url', node.url, '--key', otherKey],
    ['--url', node.url, '--dir', other],
    ['--dir', other, '--key', otherKey],
    ['--url', node.url, '--late-record-hours', '2'],
    ['--bundle', join(served, 'node.json'), '--key', otherKey, '--url', node.url],
    ['--bundle', join(served, 'node.json'), '--key', otherKey, '--log-key', servedKey],
    ['--bundle', join(served, 'node.json'), '--key', otherKey, '--checkpoint', join(root, 'seen.txt')],
  ]) {
    const run = await runCli(['verify', ...args, '--quiet'])
    t.equal(run.code, 2, `${args.filter((a) => a.startsWith('--')).join(' ')}: refused, not ${run.stdout.trim() || run.stderr.trim()}`)
    t.match(run.stderr, /BAD_REQUEST/)
  }
  const pinned = await runCli(['verify', '--url', node.url, '--log-key', servedKey, '--quiet'])
  t.equal(pinned.code, 0, pinned.stderr)
  await node.stop()
})
