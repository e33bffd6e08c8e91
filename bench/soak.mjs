#!/usr/bin/env node
// Soak: a node under mixed load for minutes. Farms append food events at a fixed rate while readers ask
// for the resolver JSON, traces, inclusion proofs, labels and /healthz at a fixed pace each, and a flood
// of badly signed statements is refused. Every --interval seconds it prints the node's RSS (anonymous and
// file-backed), JS heap and external memory, its event-loop delay (max and p99, from /metrics), the
// collector's time on the main thread and its pauses over 100 ms, and p99 per route; a peer phase first
// runs the same reads with no appends, so a reader can tell the appends' effect from the machine's.
//
//   node bench/soak.mjs [--minutes 10] [--rate 2000] [--peer-seconds 60] [--interval 30] [--reads-per-second 20] [--refused-per-second 100] [--profile DIR] [--trace-gc FILE]
//
// --profile DIR writes the node's main-thread CPU profile there (sampled every 200 µs); bench/long-tasks.mjs
// names what ran in the turns that held the event loop longest.
// --trace-gc FILE runs the node with V8's --trace-gc and writes its lines there: each collection's kind,
// heap sizes, pause and reason, to tell what a long pause in the gc columns was.

import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { dist, flags, fmt, httpClient, machine, percentile, startNode, table } from './lib.mjs'

if (!isMainThread) await appender(workerData)

const opts = isMainThread ? flags({ minutes: 10, rate: 2000, peerSeconds: 60, interval: 30, readsPerSecond: 20, refusedPerSecond: 100, farms: 4, profile: '', traceGc: '' }) : workerData.opts
const { buildStatementEnvelope } = await dist('core/dsse.js')
const { seedOverHttp } = await dist('cli/demo.js')

const log = (line) => process.stdout.write(line + '\n')
const dir = mkdtempSync(join(os.tmpdir(), 'tracechain-soak-'))
// Rate limits off: one client address reads every route far faster than a phone would; what is measured
// here is the node's latency under load, not its limits.
const nodeFlags = [...(opts.profile ? ['--cpu-prof', '--cpu-prof-dir', opts.profile, '--cpu-prof-interval', '200'] : []), ...(opts.traceGc ? ['--trace-gc'] : [])]
const stdout = opts.traceGc ? createWriteStream(opts.traceGc) : undefined
const node = await startNode(dir, { nodeFlags, stdout, env: { TRACECHAIN_RATE_LIMITS: 'labels=off,trace=off,search=off,verify=off' } })
const client = httpClient(node.url, { connections: 16 })
log(`soak: ${machine()}`)
const { allocatorOf } = await dist('store/allocator.js')
log(`node ${node.url} (pid ${node.pid}) on ${dir}, malloc: ${allocatorOf(readFileSync(`/proc/${node.pid}/maps`, 'utf8')).name}; shared machine: other processes' load shows in every figure`)
// Whether glibc's freed memory is trimmed (store/malloc-trim.ts; TRACECHAIN_MALLOC_TRIM_SECONDS=0 turns it off), as the node says.
log(/^ {2}allocator .*$/m.exec(node.output())?.[0].trim() ?? 'allocator: not named')
log(await seedOverHttp(node.url, join(dir, 'keys', 'operator.json')))

// ---- producers: farms registered by the operator, each appending at its own location (appender.mjs) ----
// Signing 2,000 statements a second takes the client a good part of a core: a worker thread does it, so
// the readers' latencies are the node's, not the client's own loop.
const appender_ = new Worker(new URL(import.meta.url), { workerData: { url: node.url, dir, opts } })
let appended = 0
let appendErrors = 0
appender_.on('message', (message) => {
  appended += message.appended
  appendErrors += message.errors
})
await new Promise((resolve) => appender_.once('message', resolve))

/** Statements whose signature does not verify (the operator's, one byte flipped): refused, nothing written. */
const operator = (await dist('cli/node-dir.js')).readKeyFile(join(dir, 'keys', 'operator.json'))
const FORGED = Array.from({ length: 100 }, (_, i) => {
  const body = { gtin: '06901234000115', name: 'x' }
  const envelope = buildStatementEnvelope({ type: 'food.product', actor: 'operator', id: `forged-${i}`, issuedAt: new Date().toISOString(), body }, [operator])
  const sig = Buffer.from(envelope.signatures[0].sig, 'base64')
  sig[0] ^= 1
  return { ...envelope, signatures: [{ ...envelope.signatures[0], sig: sig.toString('base64') }] }
})
let forgedNext = 0
const forged = () => FORGED[forgedNext++ % FORGED.length]

// ---- readers: each route at a fixed pace, latencies kept per interval ----
const ZONGZI_LOT = 'https://id.gs1.org/01/06901234001037/10/Z260526A'
const routes = {
  resolver: () => client.request('GET', '/01/06901234001037/10/Z260526A', undefined, { accept: 'application/json' }),
  trace: () => client.get(`/v1/trace/${encodeURIComponent(ZONGZI_LOT)}?direction=both`),
  proof: () => client.get(`/v1/proofs/inclusion?seq=${Math.floor(Math.random() * size)}&size=${size}`),
  label: () => client.get(`/v1/labels/${encodeURIComponent(ZONGZI_LOT)}.svg`),
  healthz: () => client.get('/healthz'),
}
let size = 1
const latencies = Object.fromEntries(Object.keys(routes).map((name) => [name, []]))
const errors = Object.fromEntries(Object.keys(routes).map((name) => [name, 0]))
let running = true
const every = (perSecond, fn) => {
  const timer = setInterval(() => void fn(), 1000 / perSecond)
  return () => clearInterval(timer)
}
const stops = Object.entries(routes).map(([name, request]) =>
  every(opts.readsPerSecond, async () => {
    const started = performance.now()
    const res = await request().catch(() => ({ status: 0 }))
    if (!running) return
    latencies[name].push(performance.now() - started)
    if (res.status !== 200) errors[name]++
  }),
)
stops.push(
  every(Math.max(1, opts.refusedPerSecond / 10), async () => {
    const envelopes = Array.from({ length: Math.min(10, opts.refusedPerSecond) }, forged)
    await client.post('/v1/statements', Buffer.from(JSON.stringify({ envelopes }))).catch(() => undefined)
  }),
)

function metric(text, name) {
  const match = new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)
  return match ? Number(match[1]) : NaN
}
/** The sum over every line of a labelled series whose labels include `labels` (a regexp's text). */
function seriesSum(text, name, labels = '') {
  let sum = 0
  for (const match of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} ([0-9.e+-]+)`, 'gm'))) if (new RegExp(labels).test(match[1])) sum += Number(match[2])
  return sum
}
/** The collector's pauses on the main thread (prom-client's histogram, cumulative): what changed since the last scrape. */
const GC = 'tracechain_process_nodejs_gc_duration_seconds'
let gcBefore = { seconds: 0, count: 0, under100ms: 0 }
function gcSince(text) {
  const now = { seconds: seriesSum(text, `${GC}_sum`), count: seriesSum(text, `${GC}_count`), under100ms: seriesSum(text, `${GC}_bucket`, 'le="0.1"') }
  const since = { ms: (now.seconds - gcBefore.seconds) * 1000, over100ms: now.count - now.under100ms - (gcBefore.count - gcBefore.under100ms) }
  gcBefore = now
  return since
}
/** The node's resident memory: anonymous (heaps, LevelDB's memtables and caches) and file-backed (the
 *  table files LevelDB maps and reads through the mapping, code): the kernel can drop the second. */
function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kB = (name) => {
    const match = new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)
    return match ? Number(match[1]) * 1024 : NaN
  }
  return { anon: kB('RssAnon'), file: kB('RssFile') }
}

const rows = [['phase', 'at s', 'events/s', 'RSS anon', 'RSS file', 'JS heap used', 'external', 'loop max ms', 'loop p99 ms', 'gc ms', 'gc pauses >100 ms', ...Object.keys(routes).map((r) => `${r} p99 ms`), 'errors']]
async function report(phase, startedAt, appendedBefore, intervalStarted) {
  const metrics = (await client.get('/metrics')).body.toString()
  // The interval as it was: a starved client or node stretches it.
  size = Math.max(1, metric(metrics, 'tracechain_tree_size'))
  const seconds = (performance.now() - startedAt) / 1000
  const rss = rssOf(node.pid)
  const row = [
    phase,
    Math.round(seconds),
    fmt.int((appended - appendedBefore) / ((performance.now() - intervalStarted) / 1000)),
    fmt.bytes(rss.anon),
    fmt.bytes(rss.file),
    // The JavaScript heap in use at the scrape, garbage not yet collected included: RSS also counts
    // LevelDB's memtables and caches, the open tables' filters and the allocator's free pages.
    fmt.bytes(metric(metrics, 'tracechain_process_nodejs_heap_size_used_bytes')),
    // Buffers and typed arrays outside the heap: the tree's level-0 tiles with their inner hashes (some 64 MiB at most).
    fmt.bytes(metric(metrics, 'tracechain_process_nodejs_external_memory_bytes')),
    fmt.ms(metric(metrics, 'tracechain_process_nodejs_eventloop_lag_max_seconds') * 1000),
    fmt.ms(metric(metrics, 'tracechain_process_nodejs_eventloop_lag_p99_seconds') * 1000),
    // Time the collector held the main thread in this interval, and how many of its pauses were long
    // enough to explain a long turn by themselves.
    ...((gc) => [fmt.int(gc.ms), fmt.int(gc.over100ms)])(gcSince(metrics)),
    ...Object.keys(routes).map((name) => fmt.ms(percentile(Float64Array.from(latencies[name]).sort(), 99))),
    Object.values(errors).reduce((a, b) => a + b, 0) + appendErrors,
  ]
  for (const name of Object.keys(routes)) latencies[name] = []
  rows.push(row)
  log(table([rows[0], row]).split('\n').slice(2).join('\n'))
}

async function phase(name, seconds) {
  const startedAt = performance.now()
  gcSince((await client.get('/metrics')).body.toString()) // resets the event-loop histogram and the collector's count: each row covers its own interval
  for (let elapsed = 0; elapsed < seconds; elapsed += opts.interval) {
    const before = appended
    const intervalStarted = performance.now()
    await new Promise((resolve) => setTimeout(resolve, Math.min(opts.interval, seconds - elapsed) * 1000))
    await report(name, startedAt, before, intervalStarted)
  }
}

log(`peer: reads only for ${opts.peerSeconds} s, then appends at ${opts.rate}/s for ${opts.minutes} min; reads ${opts.readsPerSecond}/s per route, ${opts.refusedPerSecond} refused statements/s`)
log(rows[0].join('  '))
await phase('reads only', opts.peerSeconds)
appender_.postMessage('start')
await phase('appends', opts.minutes * 60)
running = false
await appender_.terminate()
for (const stop of stops) stop()
log('')
log(table(rows))
// Read now, not at the last scrape: appends acknowledged since then are in the log too.
const final = JSON.parse((await client.get('/healthz')).body.toString())
log(`appended ${fmt.int(appended)} events; the log holds ${fmt.int(final.size)} (the demo's and the farms' registrations too)`)
client.close()
await node.stop()

/** The worker: registers the farms, then appends a batch every 100 ms at --rate events/s once told to start. */
async function appender({ url, dir, opts }) {
  const { buildStatementEnvelope } = await dist('core/dsse.js')
  const { generateSigner, readKeyFile } = await dist('cli/node-dir.js')
  const { toBase64 } = await dist('core/bytes.js')
  const client = httpClient(url, { connections: 4 })
const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
const tag = `soak${Date.now().toString(36)}`
const farms = Array.from({ length: opts.farms }, (_, i) => ({
  id: `${tag}-farm-${i}`,
  signer: generateSigner(),
  location: `urn:epc:id:sgln:6901234.${String(20 + i).padStart(5, '0')}.0`,
}))
const register = farms.map(({ id, signer, location }) =>
  buildStatementEnvelope(
    { type: 'actor.register', actor: 'operator', id: `register-${id}`, issuedAt: new Date().toISOString(), body: { id, name: id, roles: ['farm'], publicKey: toBase64(signer.publicKey), locations: [location] } },
    [operator],
  ),
)
await client.post('/v1/statements', Buffer.from(JSON.stringify({ envelopes: register })))

let sequence = 0
function foodEvent() {
  const i = sequence++
  const farm = farms[i % farms.length]
  const body = {
    type: 'ObjectEvent',
    eventTime: new Date(Date.parse('2026-05-20T00:00:00.000Z') + i * 1000).toISOString(),
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    // A GTIN no food.product registers: open to any farm (a registered one is its brand owner's to make).
    quantityList: [{ epcClass: `https://id.gs1.org/01/06901234999990/10/${tag}R${i}`, quantity: 2000, uom: 'KGM' }],
    readPoint: { id: farm.location },
    bizLocation: { id: farm.location },
  }
  return buildStatementEnvelope({ type: 'food.event', actor: farm.id, id: `${tag}-${i}`, issuedAt: new Date().toISOString(), body }, [farm.signer])
}

  parentPort.postMessage({ appended: 0, errors: 0 })
  await new Promise((resolve) => parentPort.once('message', resolve))
  const BATCHES_PER_SECOND = 10
  setInterval(async () => {
    const envelopes = Array.from({ length: Math.round(opts.rate / BATCHES_PER_SECOND) }, foodEvent)
    const res = await client.post('/v1/statements', Buffer.from(JSON.stringify({ envelopes }))).catch(() => undefined)
    if (!res || res.status !== 200) return parentPort.postMessage({ appended: 0, errors: 1 })
    let accepted = 0
    for (const r of JSON.parse(res.body.toString()).results) if (typeof r.seq === 'number') accepted++
    parentPort.postMessage({ appended: accepted, errors: 0 })
  }, 1000 / BATCHES_PER_SECOND)
  await new Promise(() => undefined)
}
