#!/usr/bin/env node
// `tracechain verify --dir` of one node by two or more builds of tracechain (checkouts with dist/ built, as
// `git worktree add` and `npx tsc -p tsconfig.build.json` make them), alternating, each run beside the
// libsodium two-core ceiling measured just before it: the A/B of a change to the replay. Besides entries/s
// it prints each run's CPU by thread (Linux: /proc/<pid>/task/*/stat, sampled while it runs): the main
// thread, the check threads (the busiest, one per core), and the rest (V8's helpers, libuv's pool). On a
// shared machine a process's rate and total CPU spread by 10-30% within an hour, and so does the ceiling;
// one thread's CPU spreads far less, so a change to the checks shows there first. Prints; asserts nothing.
//
//   node bench/audit-ab.mjs --builds DIR,DIR[,...] [--dir NODE_DIR] [--rounds 3] [--ceiling-seconds 2]
//
// NODE_DIR defaults to the node `mirror.mjs --entries 100000` builds.

import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { ceilingSample, dist, flags, fmt, machine, replayThreads, sodiumCeiling, table } from './lib.mjs'

const opts = flags({ dir: join(os.tmpdir(), 'tracechain-bench-mirror', 'food-100000', 'node'), builds: '', rounds: 3, ceilingSeconds: 2 })
const builds = opts.builds.split(',').filter(Boolean).map((dir) => resolve(dir))
if (builds.length === 0) throw new Error('--builds names the checkouts to compare, each with dist/ built')
for (const build of builds) if (!existsSync(join(build, 'dist', 'cli', 'main.js'))) throw new Error(`${build}/dist/cli/main.js is missing: build that checkout first`)
if (!existsSync(join(opts.dir, 'node.json'))) throw new Error(`${opts.dir} holds no node: run node bench/mirror.mjs --entries 100000 first, or name one with --dir`)
if (!existsSync('/proc/self/task')) throw new Error('the CPU by thread is read from /proc: Linux only')

// The ceiling's sample: the statements this node's replay verifies.
;(await dist('core/server-backends.js')).useServerBackends()
const { openNode } = await dist('cli/node-dir.js')
const node = await openNode(opts.dir)
const sample = await ceilingSample(node.ledger).finally(() => node.close())

const TICKS_PER_SECOND = 100 // USER_HZ, 100 on every Linux this runs on

/** Each live thread's user + system ticks; a thread that exits keeps the last value seen. */
function sampleThreads(pid, seen) {
  let tids
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return
  }
  for (const tid of tids) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')
      seen.set(tid, Math.max(seen.get(tid) ?? 0, Number(fields[11]) + Number(fields[12])))
    } catch {
      // the thread ended between the listing and the read
    }
  }
}

/** One audit of the node by `build`, its own process: entries/s, and CPU seconds by thread. */
async function audit(build) {
  const started = performance.now()
  const child = spawn(process.execPath, [join(build, 'dist', 'cli', 'main.js'), 'verify', '--dir', opts.dir, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  const seen = new Map()
  const sampler = setInterval(() => sampleThreads(child.pid, seen), 25)
  const code = await new Promise((resolveExit) => child.on('exit', resolveExit))
  clearInterval(sampler)
  const wall = (performance.now() - started) / 1000
  const checked = Number(/ok: (\d+) entries verified/.exec(stdout)?.[1])
  if (code !== 0 || !(checked > 0)) throw new Error(`${build}: verify --dir exited ${code}: ${stdout}`)
  const byTid = Object.fromEntries([...seen].map(([tid, ticks]) => [tid, ticks / TICKS_PER_SECOND]))
  const total = Object.values(byTid).reduce((a, b) => a + b, 0)
  const { main, checks, rest } = replayThreads({ byTid, total }, child.pid)
  return { build, checked, rate: checked / wall, main, checks, rest }
}

const runs = []
for (let round = 1; round <= opts.rounds; round++) {
  for (const build of builds) {
    const { allRate } = await sodiumCeiling(sample, opts.ceilingSeconds)
    runs.push({ ...(await audit(build)), round, ceiling: allRate })
  }
  process.stderr.write(`round ${round} of ${opts.rounds} done\n`)
}

const seconds = (value) => value.toFixed(2)
const rows = [['build', 'round', 'entries/s', 'ceiling', 'of the ceiling', 'CPU s: check threads', 'main', 'rest']]
for (const run of runs) rows.push([run.build, run.round, fmt.int(run.rate), fmt.int(run.ceiling), (run.rate / run.ceiling).toFixed(3), seconds(run.checks), seconds(run.main), seconds(run.rest)])
process.stdout.write(`audit A/B: ${machine()}\n${opts.dir}, ${fmt.int(runs[0]?.checked)} entries, the builds alternating\n\n${table(rows)}\n\n`)
const range = (values, digits = 2) => `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`
const summary = [['build', 'of the ceiling', 'check threads s', 'main s', 'rest s']]
for (const build of builds) {
  const own = runs.filter((run) => run.build === build)
  summary.push([build, range(own.map((r) => r.rate / r.ceiling), 3), range(own.map((r) => r.checks)), range(own.map((r) => r.main)), range(own.map((r) => r.rest))])
}
process.stdout.write(`${table(summary)}\n`)
