// Gap (CLI): `tracechain init --dir D` writes private keys (0600) into D, and the repository's .gitignore covers
// ./data only: a data directory anywhere else inside a git checkout (`--dir node2`, `--dir deploy/prod`) had its
// keys committed by a careless `git add -A`. Now every data directory the CLI makes holds a .gitignore of `*` (as
// Python's venv does), written before any key and never replacing one that is there; a resumed init writes it too.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ROOT, runCli, startMirror, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

/** git in `cwd`, with no system or user configuration: what it ignores comes from the repository alone. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } })
}

/** A git checkout with one file of its own, ignoring ./data as this repository does. */
function checkout(root: string): string {
  const repo = join(root, 'repo')
  mkdirSync(repo)
  git(repo, 'init', '-q')
  writeFileSync(join(repo, '.gitignore'), 'data/\n')
  writeFileSync(join(repo, 'README.txt'), 'a project that runs a node\n')
  return repo
}

const IGNORE_ALL = /^#[^\n]*\n\*\n$/

t.test('git add -A in a checkout takes no file of a data directory that init, serve, witness init, mirror or actor custody made', async (t) => {
  const repo = checkout(testDir(t))
  for (const args of [
    ['init', '--dir', join(repo, 'node2')],
    ['init', '--dir', join(repo, 'deploy', 'prod')],
    ['witness', 'init', '--dir', join(repo, 'witness'), '--name', 'w.example/one'],
    ['actor', 'custody', 'erp-farm', '--dir', join(repo, 'custody-only')],
  ]) {
    const run = await runCli(args)
    t.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`)
  }
  const node = await startNode({ dir: join(repo, 'served') })
  t.teardown(() => node.stop())
  const key = /log key\s+(\S+)/.exec(node.output())?.[1] ?? ''
  const mirror = await startMirror({ dir: join(repo, 'mirror'), from: `${node.url}/tlog/`, key })
  t.teardown(() => mirror.stop())
  await mirror.stop()
  await node.stop()

  const keys = ['node2/keys/operator.json', 'deploy/prod/keys/node.json', 'witness/keys/witness.json', 'custody-only/keys/custody/erp-farm.json', 'served/keys/operator.json']
  for (const path of keys) t.ok(existsSync(join(repo, path)), `${path} was written`)
  t.equal(git(repo, 'status', '--porcelain', '--untracked-files=all'), '?? .gitignore\n?? README.txt\n', 'git status shows no file of a data directory')
  git(repo, 'add', '-A')
  t.same(git(repo, 'diff', '--cached', '--name-only').trim().split('\n'), ['.gitignore', 'README.txt'], 'git add -A takes none of them')
  for (const dir of ['node2', 'deploy/prod', 'witness', 'custody-only', 'served', 'mirror']) {
    t.match(readFileSync(join(repo, dir, '.gitignore'), 'utf8'), IGNORE_ALL, `${dir}/.gitignore ignores everything, saying why`)
  }
})

t.test("init resumes a directory an earlier init left without a .gitignore, and keeps the operator's own", async (t) => {
  const root = testDir(t)
  const repo = checkout(root)
  // An init killed before node.json by a release that wrote no .gitignore: keys and the genesis.
  const unfinished = join(repo, 'unfinished')
  t.equal((await runCli(['init', '--dir', unfinished])).code, 0)
  rmSync(join(unfinished, 'node.json'))
  rmSync(join(unfinished, '.gitignore'), { force: true })
  // One killed while it wrote the .gitignore: its temporary, nothing else.
  const torn = join(repo, 'torn')
  mkdirSync(torn)
  writeFileSync(join(torn, `..gitignore.${process.pid}.tmp`), '# Made')
  // The operator's own .gitignore, in a directory made for the node.
  const own = join(repo, 'own')
  mkdirSync(own)
  writeFileSync(join(own, '.gitignore'), 'db/\n')
  for (const dir of [unfinished, torn, own]) {
    const run = await runCli(['init', '--dir', dir])
    t.equal(run.code, 0, run.stderr)
  }
  t.match(readFileSync(join(unfinished, '.gitignore'), 'utf8'), IGNORE_ALL, 'the resumed init wrote it')
  t.same(readdirSync(torn).sort(), ['.gitignore', 'db', 'keys', 'node.json'], 'the torn temporary is gone')
  t.match(readFileSync(join(torn, '.gitignore'), 'utf8'), IGNORE_ALL)
  t.equal(readFileSync(join(own, '.gitignore'), 'utf8'), 'db/\n', 'a .gitignore that was there is never replaced')

  const witness = join(repo, 'witness')
  t.equal((await runCli(['witness', 'init', '--dir', witness, '--name', 'w.example/one'])).code, 0)
  rmSync(join(witness, 'witness.json'))
  rmSync(join(witness, '.gitignore'))
  const again = await runCli(['witness', 'init', '--dir', witness, '--name', 'w.example/one'])
  t.equal(again.code, 0, again.stderr)
  t.match(readFileSync(join(witness, '.gitignore'), 'utf8'), IGNORE_ALL, 'a resumed witness init writes it too')
})

t.test("this repository's demo keys stay tracked and unignored", async (t) => {
  const demo = readdirSync(join(ROOT, 'keys', 'demo')).filter((name) => name.endsWith('.json'))
  t.ok(demo.length > 0)
  t.notOk(existsSync(join(ROOT, 'keys', 'demo', '.gitignore')), 'keys/demo/ is not a data directory')
  const tracked = git(ROOT, 'ls-files', 'keys/demo').trim().split('\n')
  for (const name of demo) {
    t.ok(tracked.includes(`keys/demo/${name}`), `keys/demo/${name} is tracked`)
    t.throws(() => git(ROOT, 'check-ignore', '-q', '--no-index', `keys/demo/${name}`), `keys/demo/${name} is not ignored`)
  }
})
