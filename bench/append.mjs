#!/usr/bin/env node
// npm run bench: signed statements appended through HTTP batches into a real data dir, on a node running in
// its own process, beside peers measured in the same run on the same machine: Ed25519 verification on all
// cores and on one, with OpenSSL and with libsodium (the node's verifier, so its all-cores rate is the
// ceiling for signed appends), hypercore appending the same bytes, and a raw synced LevelDB batch of the
// same bytes. Prints figures; asserts nothing about time.
//
//   node bench/append.mjs [--events 60000] [--batch 1000] [--concurrency 4] [--warmup 4000]
//                         [--admins 4] [--dir D] [--keep] [--peers=false] [--json]
//                         [--workload register|food|chain]  what is appended (WORKLOADS in bench/lib.mjs)
//                         [--profile DIR]   V8 --cpu-prof of the node (main thread; summarise with bench/profile.mjs)
//                         [--perf FILE]     Linux perf record of all the node's threads during the timed run
//                         [--node-flags "..."]

import { createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto'
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { WORKLOADS, commissioningEvent, millingEvent, cpuDelta, cpuTimes, machineBusy, diskUsage, dist, flags, fmt, httpClient, ISSUED_AT, machine, registerBody, sodiumCeiling, startNode, stats, table } from './lib.mjs'

const opts = flags({
  events: 60000,
  batch: 1000,
  concurrency: 4,
  warmup: 4000,
  admins: 4,
  dir: '',
  keep: false,
  profile: '',
  profileInterval: 500,
  perf: '',
  nodeFlags: '',
  peers: true,
  verifySeconds: 3,
  json: false,
  workload: 'register',
})
if (!(opts.workload in WORKLOADS)) throw new Error(`--workload is one of ${Object.keys(WORKLOADS).join(', ')}`)
const food = opts.workload !== 'register'

const { buildStatementEnvelope, pae } = await dist('core/dsse.js')
const { generateSigner, readKeyFile } = await dist('cli/node-dir.js')
const { toBase64 } = await dist('core/bytes.js')

const log = (line) => process.stderr.write(line + '\n')
const dir = opts.dir ? resolve(opts.dir) : mkdtempSync(join(os.tmpdir(), 'tracechain-bench-'))
const runTag = `b${Date.now().toString(36)}`

// ---- the node, in its own process ----

const nodeFlags = opts.nodeFlags ? opts.nodeFlags.split(' ').filter(Boolean) : []
if (opts.perf && !nodeFlags.includes('--perf-basic-prof')) nodeFlags.push('--perf-basic-prof')
if (opts.profile) {
  mkdirSync(resolve(opts.profile), { recursive: true })
  nodeFlags.push('--cpu-prof', '--cpu-prof-dir', resolve(opts.profile), '--cpu-prof-interval', String(opts.profileInterval))
}
const node = await startNode(dir, { nodeFlags })
const client = httpClient(node.url, { connections: opts.concurrency })
log(`node ${node.url} (pid ${node.pid}) on ${dir}`)

async function postBatch(body) {
  const started = performance.now()
  const res = await client.post('/v1/statements', body)
  const elapsed = performance.now() - started
  if (res.status !== 200) throw new Error(`POST /v1/statements answered ${res.status}: ${res.body.toString().slice(0, 500)}`)
  return { elapsed, results: JSON.parse(res.body.toString()).results }
}

function tally(results, into) {
  for (const r of results) {
    if (typeof r.seq === 'number') into.accepted++
    else into.refused[r.code] = (into.refused[r.code] ?? 0) + 1
  }
}

// ---- admins: registered by the operator, then they sign everything else ----

const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
const admins = Array.from({ length: opts.admins }, (_, i) => ({ id: `${runTag}-admin-${i}`, signer: generateSigner() }))
{
  const envelopes = admins.map(({ id, signer }) =>
    buildStatementEnvelope(
      { type: 'actor.register', actor: 'operator', id: `register-${id}`, issuedAt: ISSUED_AT(), body: { id, name: `bench admin ${id}`, roles: ['admin'], publicKey: toBase64(signer.publicKey) } },
      [operator],
    ),
  )
  const { results } = await postBatch(Buffer.from(JSON.stringify({ envelopes })))
  const bad = results.filter((r) => typeof r.seq !== 'number')
  if (bad.length > 0) throw new Error(`registering the admins failed: ${JSON.stringify(bad)}`)
}

// --workload food: farms record EPCIS 2.0 commissioning events, each of a new lot, at their own location
const farms = Array.from({ length: opts.admins }, (_, i) => ({
  id: `${runTag}-farm-${i}`,
  signer: generateSigner(),
  location: `urn:epc:id:sgln:6901234.${String(10 + i).padStart(5, '0')}.0`,
}))
if (food) {
  const envelopes = farms.map(({ id, signer, location }) =>
    buildStatementEnvelope(
      { type: 'actor.register', actor: admins[0].id, id: `register-${id}`, issuedAt: ISSUED_AT(), body: { id, name: { zh: `安吉稻米合作社 ${id}`, en: `Anji Rice Cooperative ${id}` }, roles: ['farm'], publicKey: toBase64(signer.publicKey), locations: [location] } },
      [admins[0].signer],
    ),
  )
  const { results } = await postBatch(Buffer.from(JSON.stringify({ envelopes })))
  if (results.some((r) => typeof r.seq !== 'number')) throw new Error(`registering the farms failed: ${JSON.stringify(results)}`)
}

// ---- pre-sign every envelope before timing: the client does no crypto while the node works ----

const total = opts.warmup + opts.events
const presignStart = performance.now()
const envelopes = new Array(total)
const messages = new Array(total) // for the verify peer: the PAE each signature covers
const issuedAt = ISSUED_AT()
let payloadBytes = 0
for (let i = 0; i < total; i++) {
  const signer = food ? farms[i % farms.length] : admins[i % admins.length]
  const body = !food ? registerBody(`${runTag}-m${i}`, i) : opts.workload === 'chain' && i % 2 === 1 ? millingEvent(signer.location, i, runTag, i - 1) : commissioningEvent(signer.location, i, runTag)
  const statement = { type: food ? 'food.event' : 'actor.register', actor: signer.id, id: `${runTag}-${i}`, issuedAt, body }
  const envelope = buildStatementEnvelope(statement, [signer.signer])
  envelopes[i] = envelope
  const payload = Buffer.from(envelope.payload, 'base64')
  payloadBytes += payload.length
  messages[i] = { message: pae(envelope.payloadType, payload), signature: Buffer.from(envelope.signatures[0].sig, 'base64'), admin: i % (food ? farms : admins).length }
}
const toBodies = (from, to) => {
  const bodies = []
  for (let i = from; i < to; i += opts.batch) bodies.push(Buffer.from(JSON.stringify({ envelopes: envelopes.slice(i, Math.min(to, i + opts.batch)) })))
  return bodies
}
const warmupBodies = toBodies(0, opts.warmup)
const bodies = toBodies(opts.warmup, total)
const envelopeBytes = bodies.reduce((a, b) => a + b.length, 0) / opts.events
const presignSeconds = (performance.now() - presignStart) / 1000
log(`pre-signed ${fmt.int(total)} envelopes in ${presignSeconds.toFixed(1)} s (payload ${fmt.int(payloadBytes / total)} B JCS, ~${fmt.int(envelopeBytes)} B per envelope on the wire)`)

/** Sends the bodies over `concurrency` keep-alive connections, each sending its next batch when answered. */
async function send(list) {
  const outcome = { accepted: 0, refused: {}, latencies: [], completions: [] }
  let next = 0
  const worker = async () => {
    while (next < list.length) {
      const body = list[next++]
      const { elapsed, results } = await postBatch(body)
      outcome.latencies.push(elapsed)
      outcome.completions.push({ at: performance.now(), count: results.length })
      tally(results, outcome)
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, list.length) }, worker))
  return outcome
}

if (warmupBodies.length > 0) {
  const w = await send(warmupBodies)
  log(`warm-up: ${fmt.int(w.accepted)} accepted`)
}

// ---- the timed run ----

// --perf FILE: Linux perf samples every thread of the node on CPU (cpu-clock) during the timed run only
let perf
if (opts.perf) {
  const { spawn } = await import('node:child_process')
  perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '997', '-g', '-p', String(node.pid), '-o', resolve(opts.perf)], { stdio: ['ignore', 'ignore', 'inherit'] })
  await new Promise((r) => setTimeout(r, 500))
}
const cpuBefore = cpuTimes(node.pid)
const busyBefore = machineBusy()
const clientCpuBefore = process.cpuUsage()
const started = performance.now()
const run = await send(bodies)
const wall = (performance.now() - started) / 1000
const clientCpu = process.cpuUsage(clientCpuBefore)
const serverCpu = cpuDelta(cpuTimes(node.pid), cpuBefore)
// CPU that neither the node nor this client used: other processes on the machine (other work skews the figures)
const othersCores = busyBefore === undefined || !serverCpu ? undefined : (machineBusy() - busyBefore - serverCpu.total - (clientCpu.user + clientCpu.system) / 1e6) / wall
if (perf) {
  perf.kill('SIGINT')
  await new Promise((r) => perf.on('exit', r))
}
const rate = run.accepted / wall
const latency = stats(run.latencies)

// throughput per window of the run, to show it is sustained (windows of 2 s: answers come 1000 at a time)
const WINDOW = 2
const windows = Array.from({ length: Math.floor(wall / WINDOW) }, () => 0)
for (const { at, count } of run.completions) {
  const w = Math.floor((at - started) / 1000 / WINDOW)
  if (w < windows.length) windows[w] += count
}
const fullSeconds = windows.map((n) => n / WINDOW)
const secondStats = fullSeconds.length > 1 ? stats(fullSeconds) : undefined

// group commits as the node saw them (its Prometheus metrics, cumulative over warm-up and run)
const metrics = (await client.get('/metrics')).body.toString()
const metric = (name) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(metrics)?.[1])
const commits = {
  count: metric('tracechain_commit_seconds_count'),
  seconds: metric('tracechain_commit_seconds_sum'),
  statements: metric('tracechain_commit_batch_size_sum'),
}
const checkpoint = (await client.get('/v1/checkpoint')).body.toString()
const size = Number(checkpoint.split('\n')[1])
client.close()
await node.stop()

// ---- bytes on disk ----

const du = diskUsage(join(dir, 'db'))
const bySpace = await logicalBytes(join(dir, 'db'))

async function logicalBytes(location) {
  const { Level } = await import('level')
  const db = new Level(location, { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  const out = {}
  for await (const [key, value] of db.iterator()) {
    const space = key.startsWith('!') ? key.slice(1, key.indexOf('!', 1)) : '(root)'
    const s = (out[space] ??= { keys: 0, bytes: 0 })
    s.keys++
    s.bytes += key.length + value.length
  }
  await db.close()
  // Entries are not in LevelDB: they are appended to db/entries.bin, with an 8-byte offset each in db/entries.idx.
  const { statSync } = await import('node:fs')
  const bin = statSync(join(location, 'entries.bin')).size
  const idx = statSync(join(location, 'entries.idx')).size
  out['entries (file)'] = { keys: idx / 8, bytes: bin + idx }
  return out
}

// ---- peers, measured now that the node is stopped and the machine is free ----

const peers = {}
if (opts.peers) {
  peers.verify = await verifyCeiling()
  const keys = (food ? farms : admins).map(({ signer }) => signer.publicKey)
  peers.sodium = await sodiumCeiling(messages.slice(0, 8192).map(({ message, signature, admin }) => ({ message, signature, key: keys[admin] })), opts.verifySeconds)
  peers.hypercore = await hypercoreAppend()
  peers.level = await levelAppend()
}

/** Node's crypto.verify on the same PAE messages and signatures: on the libuv pool (all cores) and synchronously (one core). */
async function verifyCeiling() {
  const keys = (food ? farms : admins).map(({ signer }) =>
    createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(signer.publicKey)]), format: 'der', type: 'spki' }),
  )
  const count = messages.length
  const deadline = (seconds) => performance.now() + seconds * 1000
  // async, a window of verifications in flight, as the node's prepare step issues them
  let done = 0
  let issued = 0
  let failures = 0
  const asyncStart = performance.now()
  const stopAt = deadline(opts.verifySeconds)
  await new Promise((resolveAll) => {
    const issue = () => {
      const i = issued++ % count
      const { message, signature, admin } = messages[i]
      cryptoVerify(null, message, keys[admin], signature, (error, ok) => {
        if (error || !ok) failures++
        done++
        if (performance.now() < stopAt) issue()
        else if (done === issued) resolveAll()
      })
    }
    for (let k = 0; k < 256; k++) issue()
  })
  const asyncRate = done / ((performance.now() - asyncStart) / 1000)
  let syncDone = 0
  const syncStart = performance.now()
  const syncStop = deadline(Math.min(2, opts.verifySeconds))
  while (performance.now() < syncStop) {
    for (let k = 0; k < 200; k++, syncDone++) {
      const { message, signature, admin } = messages[syncDone % count]
      if (!cryptoVerify(null, message, keys[admin], signature)) failures++
    }
  }
  const syncRate = syncDone / ((performance.now() - syncStart) / 1000)
  // signing, for reference (the DESIGN figure is ~45k/s a core)
  const seedKey = admins[0].signer
  let signed = 0
  const signStart = performance.now()
  const signStop = deadline(1)
  while (performance.now() < signStop) for (let k = 0; k < 200; k++, signed++) seedKey.sign(messages[signed % count].message)
  const signRate = signed / ((performance.now() - signStart) / 1000)
  void cryptoSign
  return { asyncRate, syncRate, signRate, failures, threadpool: Number(process.env.UV_THREADPOOL_SIZE ?? 4) }
}

/** hypercore 11 (RocksDB underneath) appending the same envelope bytes, 1000 blocks per append. */
async function hypercoreAppend() {
  let Hypercore
  try {
    Hypercore = (await import('hypercore')).default
  } catch (error) {
    return { error: `hypercore not installed (${error.message})` }
  }
  const hcDir = mkdtempSync(join(os.tmpdir(), 'tracechain-bench-hypercore-'))
  const blocks = envelopes.slice(opts.warmup).map((e) => Buffer.from(JSON.stringify(e)))
  const core = new Hypercore(hcDir)
  await core.ready()
  const latencies = []
  const started = performance.now()
  for (let i = 0; i < blocks.length; i += opts.batch) {
    const t = performance.now()
    await core.append(blocks.slice(i, i + opts.batch))
    latencies.push(performance.now() - t)
  }
  const seconds = (performance.now() - started) / 1000
  const length = core.length
  await core.close()
  const disk = diskUsage(hcDir)
  rmSync(hcDir, { recursive: true, force: true })
  return { rate: length / seconds, latency: stats(latencies), bytesPerEntry: disk.allocated / length, length }
}

/** The disk floor: LevelDB batches of the same envelope bytes, one synced write per batch (as the node commits). */
async function levelAppend() {
  const { Level } = await import('level')
  const lvDir = mkdtempSync(join(os.tmpdir(), 'tracechain-bench-level-'))
  const db = new Level(lvDir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  const blocks = envelopes.slice(opts.warmup).map((e) => Buffer.from(JSON.stringify(e)))
  const latencies = []
  const started = performance.now()
  for (let i = 0; i < blocks.length; i += opts.batch) {
    const t = performance.now()
    const ops = []
    for (let j = i; j < Math.min(blocks.length, i + opts.batch); j++) ops.push({ type: 'put', key: j.toString(16).padStart(12, '0'), value: blocks[j] })
    await db.batch(ops, { sync: true })
    latencies.push(performance.now() - t)
  }
  const seconds = (performance.now() - started) / 1000
  await db.close()
  const disk = diskUsage(lvDir)
  rmSync(lvDir, { recursive: true, force: true })
  return { rate: blocks.length / seconds, latency: stats(latencies), bytesPerEntry: disk.allocated / blocks.length }
}

// ---- report ----

const refused = Object.entries(run.refused)
const rows = [
  ['', 'events/s', 'p50 batch ms', 'p99 batch ms', 'bytes/entry', 'note'],
  ['tracechain: signed, HTTP, sync commit', fmt.int(rate), fmt.ms(latency.p50), fmt.ms(latency.p99), fmt.int(du.allocated / size), `${opts.concurrency} connections x ${opts.batch}/batch`],
]
if (peers.verify) {
  rows.push(['ed25519 verify, OpenSSL, all cores', fmt.int(peers.verify.asyncRate), '', '', '', `crypto.verify on the libuv pool (${peers.verify.threadpool} threads)`])
  rows.push(['ed25519 verify, OpenSSL, one core', fmt.int(peers.verify.syncRate), '', '', '', 'crypto.verify, synchronous'])
}
if (peers.sodium) {
  rows.push(['ed25519 verify, libsodium, all cores', fmt.int(peers.sodium.allRate), '', '', '', `the node's verifier: ${peers.sodium.threads} worker threads (ceiling)`])
  rows.push(['ed25519 verify, libsodium, one core', fmt.int(peers.sodium.syncRate), '', '', '', 'sodium-native, synchronous'])
}
if (peers.hypercore) {
  if (peers.hypercore.error) rows.push(['hypercore append', '', '', '', '', peers.hypercore.error])
  else rows.push(['hypercore append, same bytes', fmt.int(peers.hypercore.rate), fmt.ms(peers.hypercore.latency.p50), fmt.ms(peers.hypercore.latency.p99), fmt.int(peers.hypercore.bytesPerEntry), `append([${opts.batch}]); RocksDB, not fsynced`])
}
if (peers.level) rows.push(['LevelDB batch, same bytes, sync', fmt.int(peers.level.rate), fmt.ms(peers.level.latency.p50), fmt.ms(peers.level.latency.p99), fmt.int(peers.level.bytesPerEntry), 'no parsing, hashing or signatures: the disk floor'])

const out = []
out.push(`tracechain append bench: ${machine()}`)
out.push(`${fmt.int(run.accepted)} statements accepted in ${wall.toFixed(2)} s (after ${fmt.int(opts.warmup)} warm-up; log size now ${fmt.int(size)})` + (refused.length ? `; refused: ${JSON.stringify(run.refused)}` : ''))
out.push(`statement: ${WORKLOADS[opts.workload]}, ${fmt.int(payloadBytes / total)} B JCS payload, ~${fmt.int(envelopeBytes)} B per envelope in the request`)
out.push('')
out.push(table(rows))
out.push('')
if (secondStats) out.push(`events/s per ${WINDOW} s window of the run: min ${fmt.int(Math.min(...fullSeconds))}, median ${fmt.int(secondStats.p50)}, max ${fmt.int(Math.max(...fullSeconds))} events`)
out.push(`batch latency: mean ${fmt.ms(latency.mean)} ms, p50 ${fmt.ms(latency.p50)} ms, p99 ${fmt.ms(latency.p99)} ms, max ${fmt.ms(latency.max)} ms over ${latency.n} batches`)
if (commits.count) out.push(`group commits (node metrics, incl. warm-up): ${fmt.int(commits.count)}, ${fmt.int(commits.statements / commits.count)} statements and ${fmt.ms((commits.seconds / commits.count) * 1000)} ms each on average`)
if (serverCpu) {
  const perEvent = (s) => `${fmt.us((s * 1e6) / run.accepted)} µs`
  const threads = Object.entries(serverCpu.byThread).filter(([, s]) => s > 0.005).sort((a, b) => b[1] - a[1])
  out.push(`node CPU: ${serverCpu.total.toFixed(2)} s over ${wall.toFixed(2)} s wall = ${(serverCpu.total / wall).toFixed(2)} cores; ${perEvent(serverCpu.total)} per event (user ${perEvent(serverCpu.user)}, system ${perEvent(serverCpu.system)})`)
  out.push(`  by thread: ${threads.map(([name, s]) => `${name} ${perEvent(s)}`).join(', ')}`)
}
if (othersCores !== undefined) out.push(`other processes on the machine used ${othersCores.toFixed(2)} cores during the run (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})${othersCores > 0.2 ? ': the machine was not quiet, figures are low' : ''}`)
out.push(`client CPU during the run: ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(2)} s (${fmt.us((clientCpu.user + clientCpu.system) / run.accepted)} µs per event; sends pre-built bodies, parses answers)`)
out.push(`disk: ${fmt.bytes(du.allocated)} allocated (${fmt.bytes(du.apparent)} apparent) for ${fmt.int(size)} entries = ${fmt.int(du.allocated / size)} B per entry`)
out.push(
  `  logical bytes per entry by key space: ${Object.entries(bySpace)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .map(([space, s]) => `${space} ${fmt.int(s.bytes / size)}`)
    .join(', ')}  (entries: the leaf bytes and their offsets, in append-only files, not compressed; actor and idem records come with actor.register; tiles are the Merkle hashes)`,
)
if (peers.verify) out.push(`sign rate (reference, one core): ${fmt.int(peers.verify.signRate)}/s; verify failures: ${peers.verify.failures + (peers.sodium?.failures ?? 0)}`)
if (opts.profile) out.push(`CPU profile of the node: ${readdirSync(resolve(opts.profile)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(resolve(opts.profile), f)).join(', ')} (summarise with node bench/profile.mjs FILE --events ${total + opts.admins})`)
process.stdout.write(out.join('\n') + '\n')

if (opts.json) {
  process.stdout.write(
    JSON.stringify({ machine: machine(), opts, accepted: run.accepted, wall, rate, latency, perSecond: fullSeconds, othersCores, commits, serverCpu, du, bySpace, size, peers }) + '\n',
  )
}

if (!opts.keep && !opts.dir) rmSync(dir, { recursive: true, force: true })
else log(`data dir kept: ${dir}`)
