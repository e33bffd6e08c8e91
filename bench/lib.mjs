// Shared helpers for the benchmarks: flags, percentiles, the node as a child process, its CPU time,
// disk usage, a keep-alive HTTP client, realistic pre-signed statements, and the Ed25519 verify ceiling. Benchmarks print figures;
// they are not tests and assert no times.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, readdirSync, lstatSync, existsSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const DIST = join(ROOT, 'dist')
export const CLI = join(DIST, 'cli', 'main.js')

/** Imports a compiled module of the project (npm run build first). */
export async function dist(path) {
  const file = join(DIST, path)
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`)
  return import(file)
}

/** --name value / --name=value / --flag; numbers where the default is a number. */
export function flags(defaults, argv = process.argv.slice(2)) {
  const out = { ...defaults }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`)
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2)
    const key = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    if (!(key in defaults)) throw new Error(`unknown flag --${name}; known: ${Object.keys(defaults).map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(' ')}`)
    if (typeof defaults[key] === 'boolean') {
      out[key] = value === undefined ? true : value !== 'false'
      continue
    }
    if (value === undefined) value = argv[++i]
    if (value === undefined) throw new Error(`--${name} needs a value`)
    out[key] = typeof defaults[key] === 'number' ? Number(value.replace(/_/g, '')) : value
    if (typeof defaults[key] === 'number' && !Number.isFinite(out[key])) throw new Error(`--${name} wants a number`)
  }
  return out
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export function stats(values) {
  const sorted = Float64Array.from(values).sort()
  const sum = sorted.reduce((a, b) => a + b, 0)
  return { n: sorted.length, mean: sum / sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] }
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'),
  ms: (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-'),
  us: (n) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-'),
  bytes: (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${Math.round(n)} B`),
}

/** Prints rows as an aligned text table; the first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)))
  const line = (r) => r.map((cell, c) => (c === 0 ? String(cell ?? '').padEnd(widths[c]) : String(cell ?? '').padStart(widths[c]))).join('  ')
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

export function machine() {
  const cpus = os.cpus()
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`
}

// ---- disk ----

/** Allocated bytes (st_blocks * 512, as du counts) and apparent bytes of a tree. */
export function diskUsage(path) {
  let allocated = 0
  let apparent = 0
  const walk = (p) => {
    const st = lstatSync(p)
    allocated += st.blocks * 512
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name))
    else apparent += st.size
  }
  walk(path)
  return { allocated, apparent }
}

// ---- CPU time of a process from /proc (Linux), split by thread name ----

const CLK_TCK = 100 // sysconf(_SC_CLK_TCK) on Linux

function parseStat(text) {
  // comm is in parentheses and may contain spaces; fields after it start at state (field 3).
  const close = text.lastIndexOf(')')
  const comm = text.slice(text.indexOf('(') + 1, close)
  const rest = text.slice(close + 2).split(' ')
  return { comm, utime: Number(rest[11]) / CLK_TCK, stime: Number(rest[12]) / CLK_TCK }
}

/**
 * CPU seconds of `pid`: total, the main thread apart from the others, and each live thread by its id;
 * undefined off Linux.
 */
export function cpuTimes(pid) {
  try {
    const total = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    const byThread = {}
    const byTid = {}
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const t = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'))
        // Node 20 leaves every thread named "node": tell only the main thread from the rest
        const name = tid === String(pid) ? 'main JS thread' : t.comm === 'node' ? 'other threads (libuv pool: verify, LevelDB; V8 GC)' : t.comm
        byThread[name] = (byThread[name] ?? 0) + t.utime + t.stime
        byTid[tid] = t.utime + t.stime
      } catch {
        // a thread that ended between readdir and read
      }
    }
    return { total: total.utime + total.stime, user: total.utime, system: total.stime, byThread, byTid }
  } catch {
    return undefined
  }
}

/** Busy CPU seconds of the whole machine so far (all processes), from /proc/stat; undefined off Linux. */
export function machineBusy() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number)
    return (user + nice + system + irq + softirq + steal) / CLK_TCK
  } catch {
    return undefined
  }
}

export function cpuDelta(after, before) {
  if (!after || !before) return undefined
  const byThread = {}
  for (const name of new Set([...Object.keys(after.byThread), ...Object.keys(before.byThread)])) {
    byThread[name] = (after.byThread[name] ?? 0) - (before.byThread[name] ?? 0)
  }
  // A thread that ended meanwhile is missing from `after`: its CPU counts in the total only.
  const byTid = {}
  for (const [tid, seconds] of Object.entries(after.byTid ?? {})) byTid[tid] = seconds - (before.byTid?.[tid] ?? 0)
  return { total: after.total - before.total, user: after.user - before.user, system: after.system - before.system, byThread, byTid }
}

/**
 * A replay's CPU (cpuDelta of its process) split three ways: the main thread; the check threads, taken as
 * the `cores` busiest of the others (the check pool runs one a core and they are the only busy ones); the rest
 * (V8's helper threads collecting and compiling for every isolate, LevelDB's writer and compaction, libuv).
 */
export function replayThreads(cpu, mainTid, cores = os.availableParallelism()) {
  const main = cpu.byTid[String(mainTid)] ?? 0
  const others = Object.entries(cpu.byTid).filter(([tid]) => tid !== String(mainTid)).map(([, seconds]) => seconds).sort((a, b) => b - a)
  const checks = others.slice(0, cores).reduce((a, b) => a + b, 0)
  return { main, checks, rest: cpu.total - main - checks }
}

// ---- the node as a child process ----

/**
 * Starts `tracechain serve` on an ephemeral port in its own process. Resolves with its URL, pid and a stop()
 * that sends SIGTERM and waits for a clean exit (which writes a --cpu-prof profile when asked). `stdout`, a
 * writable stream, receives what the node prints after it listens.
 */
export function startNode(dir, { nodeFlags = [], env = {}, stdout } = {}) {
  const child = spawn(process.execPath, [...nodeFlags, CLI, 'serve', '--dir', dir, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  })
  let output = ''
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/[^\s]+)/.exec(output)
      if (match) {
        child.stdout.off('data', onData)
        // What it prints after listening (the collector's lines under --trace-gc) goes to `stdout` if given.
        if (stdout) child.stdout.pipe(stdout)
        else child.stdout.resume()
        resolve({
          url: match[1],
          pid: child.pid,
          output: () => output,
          async stop() {
            child.kill('SIGTERM')
            const result = await exited
            if (result.code !== 0) process.stderr.write(`node exited with ${JSON.stringify(result)}\n${output}\n`)
            return result
          },
        })
      }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      output += chunk
    })
    exited.then((r) => reject(new Error(`node exited before listening (${JSON.stringify(r)}):\n${output}`)))
  })
}

// ---- HTTP ----

export function httpClient(baseUrl, { connections = 4 } = {}) {
  const url = new URL(baseUrl)
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections })
  const request = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          headers: body ? { 'content-type': 'application/json', 'content-length': body.length, ...headers } : headers,
        },
        (res) => {
          const chunks = []
          res.on('data', (c) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      if (body) req.end(body)
      else req.end()
    })
  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    close: () => agent.destroy(),
  }
}

// ---- statements ----

const ROLES = ['farm', 'processor', 'logistics', 'retailer']
const CITIES = [
  ['安吉', 'Anji'],
  ['湖州', 'Huzhou'],
  ['杭州', 'Hangzhou'],
  ['宁波', 'Ningbo'],
  ['上海', 'Shanghai'],
]

/**
 * The body of an actor.register for a new supply-chain member: about 1 KB of JCS once in a statement, with
 * a bilingual name, an organisation and the GS1 locations (SGLN URNs and Digital Link URIs) it works from.
 * The public key is 32 random bytes: the node checks its form and uniqueness, never that it is on the curve.
 */
export function registerBody(id, i) {
  const [zh, en] = CITIES[i % CITIES.length]
  const company = String(614141 + (i % 9000)).padStart(7, '0')
  const locations = []
  for (let l = 0; l < 7; l++) locations.push(`urn:epc:id:sgln:${company}.${String((i * 7 + l) % 100000).padStart(5, '0')}.${l}`)
  for (let l = 0; l < 5; l++) locations.push(`https://id.gs1.org/414/${company}${String((i + l) % 100000).padStart(5, '0')}0/254/dock-${l}`)
  return {
    id,
    name: { zh: `${zh}白茶合作社第${i}号成员`, en: `${en} White Tea Cooperative member ${i}, processing and cold-chain logistics` },
    roles: [ROLES[i % ROLES.length]],
    publicKey: Buffer.from(randomBytes(32)).toString('base64'),
    org: `${en} White Tea Cooperative (${zh}白茶专业合作社), unified social credit code 93330523MA2${String(i).padStart(7, '0')}`,
    locations,
  }
}

const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const lotClass = (tag, i) => `https://id.gs1.org/01/06901234000115/10/${tag}R${i}`
/** What every event of the benches starts with: its time and eventID follow i. */
const eventHead = (type, i) => ({
  '@context': EPCIS_CONTEXT,
  type,
  eventTime: new Date(Date.parse('2026-05-20T00:00:00.000Z') + i * 1000).toISOString(),
  eventTimeZoneOffset: '+08:00',
  eventID: `urn:uuid:6b0a4a52-0d0e-4c51-9d1e-${String(i).padStart(12, '0')}`,
})

/**
 * The body of a food.event as a farm's system sends it: an EPCIS 2.0 ObjectEvent commissioning a new lot of
 * rice (lot `${tag}R${i}`) at the farm's registered `location`, with a business transaction and its harvest data.
 */
export function commissioningEvent(location, i, tag) {
  return {
    ...eventHead('ObjectEvent', i),
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    quantityList: [{ epcClass: lotClass(tag, i), quantity: 2000, uom: 'KGM' }],
    readPoint: { id: location },
    bizLocation: { id: location },
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:6901234000001:PO-${i}` }],
    ilmd: { 'cbvmda:harvestStartDate': '2026-05-18', 'cbvmda:countryOfOrigin': 'CN', 'cbvmda:lotNumber': `${tag}R${i}` },
  }
}

/** What bench/append.mjs --workload appends. */
export const WORKLOADS = {
  register: 'actor.register by an admin',
  food: 'food.event (an EPCIS 2.0 ObjectEvent commissioning a new lot) by a farm',
  chain: 'food.event by a farm, every other one a TransformationEvent milling the lot before it into a new one (one edge in the graph)',
}

/** The body of a food.event milling the lot commissioningEvent(…, input, tag) made into lot i: one edge in the graph. */
export function millingEvent(location, i, tag, input) {
  return {
    ...eventHead('TransformationEvent', i),
    bizStep: 'commissioning',
    inputQuantityList: [{ epcClass: lotClass(tag, input), quantity: 2000, uom: 'KGM' }],
    outputQuantityList: [{ epcClass: lotClass(tag, i), quantity: 1900, uom: 'KGM' }],
    readPoint: { id: location },
    bizLocation: { id: location },
  }
}

/** The body of a food.event shipping the lot commissioningEvent(location, lot, tag) made, from `location` to `destination`. */
export function shippingEvent(location, i, tag, lot, destination) {
  return {
    ...eventHead('ObjectEvent', i),
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    quantityList: [{ epcClass: lotClass(tag, lot), quantity: 2000, uom: 'KGM' }],
    readPoint: { id: location },
    bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:6901234000001:DESADV-${i}` }],
    destinationList: [{ type: 'location', destination }],
  }
}

export const ISSUED_AT = () => new Date(Date.now() - 1000).toISOString()

/**
 * The .cpuprofile named by the first argument, with the rest parsed as `defaults` flags; exits with `usage`
 * when there is none. Returns the profile, its nodes by id, each node's parent, and the flags.
 */
export function readCpuProfile(usage, defaults) {
  const file = process.argv[2]
  if (!file || file.startsWith('--')) {
    process.stderr.write(`usage: ${usage}\n`)
    process.exit(2)
  }
  const opts = flags(defaults, process.argv.slice(3))
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  return { file, opts, profile, nodes, parent }
}

// ---- the Ed25519 verify ceiling ----

/**
 * What sodiumCeiling verifies: the PAE, first signature and key of a ledger's newest 8,192 entries (a node's or
 * a mirror's Ledger, keys from its registry), the same statements the replay being measured verifies.
 */
export async function ceilingSample(ledger) {
  const { decodeEnvelope, pae } = await dist('core/dsse.js')
  const count = Math.min(8192, ledger.size)
  const sample = []
  for (const bytes of await ledger.getEntriesBytes(ledger.size - count, count)) {
    const decoded = decodeEnvelope(JSON.parse(Buffer.from(bytes).toString('utf8')).envelope)
    const [key] = ledger.actors.publicKeysFor(decoded.signatures[0].keyid)
    if (key !== undefined) sample.push({ message: pae(decoded.payloadType, decoded.payload), signature: decoded.signatures[0].sig, key: Buffer.from(key, 'base64') })
  }
  return sample
}

/**
 * libsodium's verify (sodium-native), which the node's check workers run, over `sample` ({message, signature,
 * key} with the PAE each signature covers): one worker thread per core, each verifying for `seconds` (the
 * ceiling of any verification the node or a mirror does), then synchronously on one core. Resolves with
 * signatures/s on all cores and on one, the failures (0 for a valid sample) and the threads used.
 */
export async function sodiumCeiling(sample, seconds = 3) {
  const sodiumPath = createRequire(import.meta.url).resolve('sodium-native')
  const { default: sodium } = await import(sodiumPath)
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const sodium = require(workerData.sodiumPath)
    const { sample, seconds } = workerData
    let done = 0, failures = 0
    const started = performance.now(), stop = started + seconds * 1000
    while (performance.now() < stop) for (let k = 0; k < 200; k++, done++) {
      const s = sample[done % sample.length]
      if (!sodium.crypto_sign_verify_detached(s.signature, s.message, s.key)) failures++
    }
    parentPort.postMessage({ done, failures, seconds: (performance.now() - started) / 1000 })`
  const threads = os.availableParallelism()
  const results = await Promise.all(
    Array.from({ length: threads }, () => new Promise((resolveOne, reject) => {
      const worker = new Worker(code, { eval: true, workerData: { sodiumPath, sample, seconds } })
      worker.once('message', (result) => { resolveOne(result); void worker.terminate() })
      worker.once('error', reject)
    })),
  )
  const allRate = results.reduce((sum, r) => sum + r.done / r.seconds, 0)
  let failures = results.reduce((sum, r) => sum + r.failures, 0)
  let syncDone = 0
  const syncStart = performance.now()
  const syncStop = syncStart + Math.min(2, seconds) * 1000
  while (performance.now() < syncStop) {
    for (let k = 0; k < 200; k++, syncDone++) {
      const { message, signature, key } = sample[syncDone % sample.length]
      if (!sodium.crypto_sign_verify_detached(signature, message, key)) failures++
    }
  }
  const syncRate = syncDone / ((performance.now() - syncStart) / 1000)
  return { allRate, syncRate, failures, threads }
}
