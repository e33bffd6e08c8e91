#!/usr/bin/env node
// A verifying mirror's catch-up: a fresh mirror replays a published tree of N entries (default 1,000,000) from
// its static C2SP tiles, checking every checkpoint, tile, entry, signature and rule as the node did; beside the
// libsodium two-core verify ceiling measured in the same run (the issue's target: at least half of it), and
// `tracechain verify --dir` auditing the same node. Then the lag of a mirror following a node under 1,000
// appends/s: from an append's acknowledgement to the mirror serving it. Prints figures; asserts nothing.
//
//   node bench/mirror.mjs [--entries 1000000] [--workload food|register] [--reuse] [--over file,nginx]
//                         [--audit=false] [--lag-seconds 30] [--lag-rate 1000] [--verify-seconds 3]
//                         [--chunk ENTRIES (the Follower's default)] [--profile DIR] [--keep] [--json]
//
// The node and its published tree are built once per workload and size under os.tmpdir() and kept there:
// --reuse takes them as they are (a run without it builds them again, ~2-4 min for a million entries).

import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import os from 'node:os'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { CLI, ceilingSample, cpuDelta, cpuTimes, dist, flags, fmt, httpClient, machine, machineBusy, replayThreads, sodiumCeiling, startNode, stats, table } from './lib.mjs'
import { buildMirrorNode, signedStatements } from './mirror-node.mjs'
import { startNginx } from './nginx.mjs'

const opts = flags({
  entries: 1_000_000,
  workload: 'food',
  reuse: false,
  over: 'file,nginx',
  audit: true,
  lagSeconds: 30,
  lagRate: 1000,
  lagBatch: 50,
  chunk: 0,
  verifySeconds: 3,
  profile: '',
  profileInterval: 500,
  keep: false,
  json: false,
})
if (!['food', 'register'].includes(opts.workload)) throw new Error('--workload is food or register')

const { nodeEd25519 } = await dist('core/ed25519-node.js')
// As the CLI's main thread does: OpenSSL's SHA-256 and Buffer's base64 for the pure core.
;(await dist('core/server-backends.js')).useServerBackends()
const { Follower, httpResources } = await dist('mirror/follower.js')
const { openMirrorDir } = await dist('cli/mirror-dir.js')
const { readKeyFile } = await dist('cli/node-dir.js')

const log = (line) => process.stderr.write(line + '\n')
const scratch = mkdtempSync(join(os.tmpdir(), 'tracechain-mirror-bench-'))

// ---- the node and its published tree, built once per workload and size ----

const cache = join(os.tmpdir(), 'tracechain-bench-mirror', `${opts.workload}-${opts.entries}`)
const readyFile = join(cache, 'ready.json')
if (!opts.reuse || !existsSync(readyFile)) {
  rmSync(cache, { recursive: true, force: true })
  mkdirSync(cache, { recursive: true })
  const built = await buildMirrorNode({ dir: join(cache, 'node'), out: join(cache, 'tlog'), entries: opts.entries, workload: opts.workload, log })
  writeFileSync(readyFile, JSON.stringify(built, null, 2) + '\n')
}
const built = JSON.parse(readFileSync(readyFile, 'utf8'))
log(`node of ${fmt.int(built.size)} entries (${built.mix}) in ${join(cache, 'node')}, published in ${join(cache, 'tlog')}`)

// ---- a fresh mirror's catch-up ----

/** The published directory's files as a mirror's FetchResource: a file that is not there is a 404. */
function fileResources(root) {
  return async (path) => {
    try {
      return await readFile(join(root, path))
    } catch (error) {
      if (error.code === 'ENOENT') return undefined
      throw error
    }
  }
}

async function startProfile() {
  if (!opts.profile) return undefined
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: opts.profileInterval })
  await session.post('Profiler.start')
  return session
}

async function stopProfile(session, name) {
  if (!session) return undefined
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  mkdirSync(resolve(opts.profile), { recursive: true })
  const file = join(resolve(opts.profile), `${name}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  return file
}

async function catchUp(name, source, fetch) {
  const dir = join(scratch, `mirror-${name}`)
  const mirror = await openMirrorDir(dir, { verifierKey: built.verifierKey, source, primary: 'http://primary.invalid' })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch, ed: nodeEd25519, dir, ...(opts.chunk > 0 ? { chunkEntries: opts.chunk } : {}) })
  let lastReport = performance.now()
  let reportedSize = 0
  mirror.ledger.addObserver({
    onCommit: () => {
      const now = performance.now()
      if (now - lastReport < 10_000) return
      log(`  ${name}: ${fmt.int(mirror.ledger.size)} entries, ${fmt.int(((mirror.ledger.size - reportedSize) * 1000) / (now - lastReport))}/s`)
      lastReport = now
      reportedSize = mirror.ledger.size
    },
  })
  const session = await startProfile()
  // The main thread's garbage collection during the catch-up: pauses by kind (minor: scavenges; major: mark-compact).
  const gc = { minor: 0, major: 0, other: 0 }
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail?.kind
      gc[kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : kind === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : 'other'] += entry.duration
    }
  })
  gcObserver.observe({ entryTypes: ['gc'] })
  const cpuBefore = cpuTimes(process.pid)
  const busyBefore = machineBusy()
  const started = performance.now()
  await follower.poll()
  const wall = (performance.now() - started) / 1000
  const cpu = cpuDelta(cpuTimes(process.pid), cpuBefore)
  gcObserver.disconnect()
  const profile = await stopProfile(session, `catch-up-${name}`)
  const othersCores = busyBefore === undefined || !cpu ? undefined : (machineBusy() - busyBefore - cpu.total) / wall
  const { status } = follower
  if (!status.following || mirror.ledger.size !== built.size) throw new Error(`the ${name} catch-up stopped at ${mirror.ledger.size}: ${JSON.stringify(status)}`)
  return { mirror, name, size: mirror.ledger.size, wall, rate: mirror.ledger.size / wall, cpu, gc, othersCores, profile }
}

const catchUps = []
let sample
for (const over of opts.over.split(',').filter(Boolean)) {
  let result
  if (over === 'file') {
    log(`catch-up from the files of ${join(cache, 'tlog')}`)
    result = await catchUp('file', `file://${join(cache, 'tlog')}/`, fileResources(join(cache, 'tlog')))
  } else if (over === 'nginx') {
    if (!existsSync('/usr/sbin/nginx')) {
      log('no /usr/sbin/nginx: the HTTP catch-up is skipped')
      continue
    }
    const nginx = await startNginx(join(cache, 'tlog'), join(scratch, 'nginx'))
    try {
      log(`catch-up over HTTP from nginx at ${nginx.url}`)
      result = await catchUp('nginx', `${nginx.url}/`, httpResources(`${nginx.url}/`))
    } finally {
      await nginx.stop()
    }
  } else throw new Error(`--over takes file and nginx, not ${over}`)
  sample ??= await ceilingSample(result.mirror.ledger)
  await result.mirror.close()
  catchUps.push(result)
}

// ---- the ceiling, and the audit of the same node ----

sample ??= await (async () => {
  const mirror = await openMirrorDir(join(scratch, 'mirror-file'), { verifierKey: built.verifierKey, source: 'file:///', primary: 'http://primary.invalid' })
  try {
    return mirror.ledger.size > 0 ? await ceilingSample(mirror.ledger) : undefined
  } finally {
    await mirror.close()
  }
})()
const ceiling = sample && (await sodiumCeiling(sample, opts.verifySeconds))

let audit
if (opts.audit) {
  log(`tracechain verify --dir ${join(cache, 'node')}`)
  const started = performance.now()
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'verify', '--dir', join(cache, 'node'), '--quiet'], { maxBuffer: 1 << 20 })
  const wall = (performance.now() - started) / 1000
  const checked = Number(/ok: (\d+) entries verified/.exec(stdout)?.[1])
  if (!(checked > 0)) throw new Error(`verify --dir said: ${stdout}`)
  audit = { checked, wall, rate: checked / wall }
}

// ---- lag: a mirror following a node that takes --lag-rate appends a second ----

let lag
if (opts.lagSeconds > 0) lag = await measureLag()

async function measureLag() {
  const dir = join(scratch, 'lag-node')
  const node = await startNode(dir)
  const client = httpClient(node.url, { connections: 4 })
  const post = async (envelopes) => {
    const res = await client.post('/v1/statements', Buffer.from(JSON.stringify({ envelopes })))
    if (res.status !== 200) throw new Error(`POST /v1/statements answered ${res.status}: ${res.body.toString().slice(0, 300)}`)
    const { results } = JSON.parse(res.body.toString())
    if (results.some((r) => typeof r.seq !== 'number')) throw new Error(`refused: ${JSON.stringify(results.find((r) => typeof r.seq !== 'number'))}`)
    return results
  }
  const total = opts.lagRate * opts.lagSeconds
  const { setup, statements } = signedStatements({ operator: readKeyFile(join(dir, 'keys', 'operator.json')), count: total, workload: opts.workload, tag: `lag${Date.now().toString(36)}` })
  for (const envelopes of setup) await post(envelopes)

  const verifierKey = (await client.get('/v1/log/key')).body.toString().trim()
  const source = `${node.url}/tlog/`
  const mirrorDir = join(scratch, 'lag-mirror')
  const mirror = await openMirrorDir(mirrorDir, { verifierKey, source, primary: node.url })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch: httpResources(source), ed: nodeEd25519, dir: mirrorDir })
  const served = [] // [performance.now(), size] after each of the mirror's commits
  mirror.ledger.addObserver({ onCommit: () => served.push([performance.now(), mirror.ledger.size]) })
  follower.start()
  const initial = Number((await client.get('/v1/checkpoint')).body.toString().split('\n')[1])
  await until(() => mirror.ledger.size >= initial, 30_000, 'the mirror to take the setup entries')

  // Open loop: a batch every lagBatch/lagRate seconds, whatever the answers do.
  const batches = []
  const period = (opts.lagBatch / opts.lagRate) * 1000
  const cpuBefore = cpuTimes(process.pid)
  const nodeCpuBefore = cpuTimes(node.pid)
  const started = performance.now()
  const inFlight = []
  for (let b = 0; b * opts.lagBatch < total; b++) {
    const due = started + b * period
    if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()))
    const envelopes = statements.slice(b * opts.lagBatch, (b + 1) * opts.lagBatch)
    const batch = { sentAt: performance.now() }
    batches.push(batch)
    inFlight.push(post(envelopes).then((results) => {
      batch.ackedAt = performance.now()
      batch.lastSeq = Math.max(...results.map((r) => r.seq))
    }))
  }
  await Promise.all(inFlight)
  const lastSeq = Math.max(...batches.map((b) => b.lastSeq))
  await until(() => mirror.ledger.size > lastSeq, 60_000, 'the mirror to serve the last append')
  const wall = (performance.now() - started) / 1000
  const mirrorCpu = cpuDelta(cpuTimes(process.pid), cpuBefore)
  const nodeCpu = cpuDelta(cpuTimes(node.pid), nodeCpuBefore)
  await follower.stop()
  await mirror.close()
  client.close()
  await node.stop()
  // An append is served from the mirror's first commit that reached past it; that may come before its answer
  // reached the client (a negative lag).
  const lags = batches.map((b) => served.find(([, size]) => size > b.lastSeq)[0] - b.ackedAt)
  const acks = batches.map((b) => b.ackedAt - b.sentAt)
  return { appended: total, wall, lag: stats(lags), ack: stats(acks), mirrorCores: mirrorCpu && mirrorCpu.total / wall, nodeCores: nodeCpu && nodeCpu.total / wall }
}

async function until(condition, ms, what) {
  const deadline = performance.now() + ms
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

// ---- report ----

const share = (rate) => (ceiling ? (rate / ceiling.allRate).toFixed(2) : '-')
const rows = [['', 'entries/s', 'of ceiling', 'cores', 'main thread', 'CPU µs/entry', 'main µs/entry', 'note']]
for (const c of catchUps) {
  const main = c.cpu?.byThread['main JS thread']
  rows.push([
    `mirror catch-up, ${c.name === 'file' ? 'from the files' : 'HTTP from nginx'}`,
    fmt.int(c.rate),
    share(c.rate),
    c.cpu ? (c.cpu.total / c.wall).toFixed(2) : '-',
    main !== undefined ? (main / c.wall).toFixed(2) : '-',
    c.cpu ? fmt.us((c.cpu.total * 1e6) / c.size) : '-',
    main !== undefined ? fmt.us((main * 1e6) / c.size) : '-',
    `${fmt.int(c.size)} entries in ${c.wall.toFixed(1)} s${c.othersCores > 0.2 ? `; others used ${c.othersCores.toFixed(2)} cores` : ''}`,
  ])
}
if (audit) rows.push(['tracechain verify --dir (audit)', fmt.int(audit.rate), share(audit.rate), '', '', '', '', `${fmt.int(audit.checked)} entries in ${audit.wall.toFixed(1)} s, its own process`])
if (ceiling) {
  rows.push(['ed25519 verify, libsodium, all cores', fmt.int(ceiling.allRate), '1.00', '', '', '', '', `${ceiling.threads} worker threads: the ceiling`])
  rows.push(['ed25519 verify, libsodium, one core', fmt.int(ceiling.syncRate), share(ceiling.syncRate), '', '', '', '', 'sodium-native, synchronous'])
}
const out = [`tracechain mirror bench: ${machine()}`, `log: ${fmt.int(built.size)} entries, ${built.mix}; published tree ${fmt.bytes(built.publishedBytes)}`, '', table(rows), '']
if (lag) {
  out.push(`lag of a mirror polling a node's /tlog/ under ${fmt.int(opts.lagRate)} appends/s (${opts.lagBatch} a request) for ${opts.lagSeconds} s, from an append's answer to the mirror serving it:`)
  out.push(`  p50 ${fmt.ms(lag.lag.p50, 0)} ms, p99 ${fmt.ms(lag.lag.p99, 0)} ms, max ${fmt.ms(lag.lag.max, 0)} ms over ${fmt.int(lag.lag.n)} requests (${fmt.int(lag.appended)} appends); append answered in p50 ${fmt.ms(lag.ack.p50)} ms, p99 ${fmt.ms(lag.ack.p99)} ms`)
  out.push(`  cores used: node ${lag.nodeCores?.toFixed(2) ?? '-'}, mirror (and this client) ${lag.mirrorCores?.toFixed(2) ?? '-'}`)
}
if (ceiling?.failures) out.push(`verify failures in the ceiling's sample: ${ceiling.failures}`)
out.push(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
for (const c of catchUps) {
  const perEntry = (ms) => fmt.us((ms * 1000) / c.size)
  out.push(`${c.name} catch-up, main thread's GC pauses per entry: minor ${perEntry(c.gc.minor)} µs, major ${perEntry(c.gc.major)} µs, other ${perEntry(c.gc.other)} µs`)
  if (c.cpu) {
    const { main, checks, rest } = replayThreads(c.cpu, process.pid)
    const us = (seconds) => fmt.us((seconds * 1e6) / c.size)
    out.push(`${c.name} catch-up, CPU µs an entry by thread: check threads ${us(checks)}, main ${us(main)}, the rest ${us(rest)} (V8's helpers, LevelDB, libuv)`)
  }
}
for (const c of catchUps) if (c.profile) out.push(`CPU profile of the ${c.name} catch-up (main thread): ${c.profile} (summarise with node bench/profile.mjs FILE --events ${c.size})`)
process.stdout.write(out.join('\n') + '\n')
if (opts.json) process.stdout.write(JSON.stringify({ machine: machine(), opts, built, catchUps: catchUps.map(({ mirror, ...c }) => c), audit, ceiling, lag }) + '\n')

if (opts.keep) log(`kept: ${scratch}`)
else rmSync(scratch, { recursive: true, force: true })
