#!/usr/bin/env node
// Proof cost at a million entries. Builds the Merkle tiles of a 1,000,000-leaf log cheaply (core/tiles
// appendLeaves in groups, written through the real LevelStore into a real node directory, no entries),
// then times inclusion and consistency proofs through the Ledger (cold: a freshly opened node, before and
// after the background warm-up that summarises its tiles; warm: the same proofs again), beside two peers in the same run: recomputing each proof from all leaf hashes in
// memory (naive), and the same algorithm over every tree level held in memory (the RAM floor). Then times
// the HTTP routes: on that million-entry directory served by `tracechain serve`, and on a real node filled
// with signed statements for --real-seconds. Prints figures; asserts nothing about time.
//
//   node bench/proofs.mjs [--size 1000000] [--proofs 1000] [--naive 5] [--real-seconds 30] [--settle 3] [--dir D] [--keep]

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { PerformanceObserver } from 'node:perf_hooks'
import { diskUsage, dist, flags, fmt, httpClient, ISSUED_AT, machine, registerBody, startNode, stats, table } from './lib.mjs'

const opts = flags({ size: 1_000_000, group: 2000, proofs: 1000, naive: 5, realSeconds: 30, settle: 3, dir: '', keep: false })

const { appendLeaves } = await dist('core/tiles.js')
const { inclusionProof, consistencyProof, nodeHash, verifyInclusion, verifyConsistency, rootHash } = await dist('core/merkle.js')
const { fromHex, toHex, toBase64 } = await dist('core/bytes.js')
const { signCheckpoint, parseCheckpoint } = await dist('core/checkpoint.js')
const { LevelStore } = await dist('store/level-store.js')
const { Ledger } = await dist('ledger/ledger.js')
const { nodeEd25519 } = await dist('core/ed25519-node.js')
const { generateSigner, writeKeyFile, defaultOrigin, readKeyFile } = await dist('cli/node-dir.js')
const { buildStatementEnvelope } = await dist('core/dsse.js')
const { useSha256Backend } = await dist('core/hash.js')
const { nodeSha256 } = await dist('core/hash-node.js')
// The server hashes with Node's OpenSSL (cli/main.ts installs it); the in-process Ledger rows do the same.
useSha256Backend(nodeSha256)

const log = (line) => process.stderr.write(line + '\n')
const dir = opts.dir ? resolve(opts.dir) : mkdtempSync(join(os.tmpdir(), 'tracechain-proofs-'))
const N = opts.size
const rows = [['proof at ' + fmt.int(N) + ' entries', 'p50 ms', 'p99 ms', 'mean ms', 'n', 'note']]
const addRow = (label, s, note = '') => rows.push([label, fmt.ms(s.p50, 3), fmt.ms(s.p99, 3), fmt.ms(s.mean, 3), s.n, note])

// Deterministic random seqs and sizes, the same for every contender.
let seed = 0x9e3779b9
const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32)
const randomInt = (n) => Math.floor(random() * n)
const seqs = Array.from({ length: opts.proofs }, () => randomInt(N))
const olderSizes = seqs.map((s) => s + 1 + randomInt(N - s))
const fromSizes = Array.from({ length: opts.proofs }, () => 1 + randomInt(N - 1))

// ---- build: a real node directory whose store holds the tiles of N leaves ----

log(`building ${fmt.int(N)} leaves in ${dir}`)
const buildStart = performance.now()
mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 })
const nodeSigner = generateSigner()
writeKeyFile(join(dir, 'keys', 'node.json'), nodeSigner)
writeKeyFile(join(dir, 'keys', 'operator.json'), generateSigner())
const origin = defaultOrigin('bench-proofs')
// One buffer, not a million Uint8Arrays: a million small objects in this process's old generation made
// every full GC here pause for milliseconds, inside the timed Ledger proofs (a node holds no such array).
const leafBytes = new Uint8Array(N * 32)
const leafAt = (i) => leafBytes.subarray(i * 32, (i + 1) * 32)
{
  const store = await LevelStore.open(join(dir, 'db'))
  let rightmost = []
  let size = 0
  let root
  const noteSigner = { name: origin, publicKey: nodeSigner.publicKey, sign: (m) => nodeSigner.sign(m) }
  while (size < N) {
    const count = Math.min(opts.group, N - size)
    const group = new Array(count)
    for (let i = 0; i < count; i++) {
      // the leaf hash of a stand-in entry: proofs never read entries, only tiles
      group[i] = new Uint8Array(createHash('sha256').update(Buffer.from([0])).update(`entry ${size + i}`).digest())
      leafBytes.set(group[i], (size + i) * 32)
    }
    const draft = appendLeaves(size, rightmost, group)
    const last = draft.size === N
    await store.commit({
      entries: [],
      tiles: draft.tiles,
      records: [],
      ...(last
        ? { head: { size: draft.size, rootHash: toHex(draft.root), lastLeafHash: toHex(group[count - 1]), checkpoint: signCheckpoint({ origin, size: draft.size, rootHash: draft.root, extensions: [] }, noteSigner) } }
        : {}),
    })
    size = draft.size
    rightmost = draft.rightmost
    root = draft.root
  }
  await store.close()
  // The entry files must hold as many entries as the head counts: N empty stand-ins (every end offset 0).
  writeFileSync(join(dir, 'db', 'entries.idx'), Buffer.alloc(N * 8))
  writeFileSync(join(dir, 'db', 'entries.bin'), Buffer.alloc(0))
  writeFileSync(join(dir, 'node.json'), JSON.stringify({ origin }, null, 2) + '\n')
  var treeRoot = root
}
const buildSeconds = (performance.now() - buildStart) / 1000
const tilesDisk = diskUsage(join(dir, 'db'))
log(`built in ${buildSeconds.toFixed(1)} s; ${fmt.bytes(tilesDisk.allocated)} of tiles on disk`)

// ---- through the Ledger, in this process ----

async function timed(fn) {
  const t = performance.now()
  const value = await fn()
  return { ms: performance.now() - t, value }
}

const openStart = performance.now()
const store = await LevelStore.open(join(dir, 'db'))
const justOpened = await Ledger.open({ store, nodeSigner, origin, ed: nodeEd25519 })
const openMs = performance.now() - openStart
if (toHex(await justOpened.rootAt(N)) !== toHex(treeRoot)) throw new Error('the opened ledger has another root')

const results = {}
async function series(label, list, fn, note) {
  const times = []
  const values = []
  for (let i = 0; i < list.length; i++) {
    const { ms, value } = await timed(() => fn(list[i], i))
    times.push(ms)
    values.push(value)
  }
  results[label] = stats(times)
  addRow(label, results[label], note)
  return values
}

rows.push(['-- Ledger (in process, LevelDB tiles)', '', '', '', '', ''])
// JIT warm-up on the newest 256 entries, whose tile the ledger holds in memory: "cold" below is about tiles, not the compiler
const warmCode = async (l) => {
  for (let i = 0; i < 500; i++) await l.inclusionProof(N - 1 - (i % 256), N)
}
await warmCode(justOpened)
// This loop never yields to the event loop (each proof settles in microtasks), so the tree's warm-up has not run.
const inclusionBefore = await series('inclusion, cold, before the tile warm-up', seqs, (seq) => justOpened.inclusionProof(seq, N), 'fresh open: each proof reads its level-0 tile and hashes up to 254 nodes in it')
// The tree's background warm-up (private to the Ledger; reached here for timing only).
const warmStart = performance.now()
const warmCpu = process.cpuUsage()
await justOpened.tree.warmedUp()
const warmUsage = process.cpuUsage(warmCpu)
const warmUp = { ms: performance.now() - warmStart, cpuMs: (warmUsage.user + warmUsage.system) / 1000, tiles: justOpened.tree.summarisedTiles }
await justOpened.close()
// A second fresh ledger on the same store, used once its warm-up is over: no level-0 tile in memory, summaries for all.
const ledger = await Ledger.open({ store, nodeSigner, origin, ed: nodeEd25519 })
await ledger.tree.warmedUp()
await warmCode(ledger)
const inclusionCold = await series('inclusion, size = tree, cold', seqs, (seq) => ledger.inclusionProof(seq, N), 'fresh open, after its tile warm-up: each proof reads its level-0 tile')
await series('inclusion, size = tree, again', seqs, (seq) => ledger.inclusionProof(seq, N), 'same proofs again: each tile proved through twice now keeps its inner hashes')
await series('inclusion, size = tree, warm', seqs, (seq) => ledger.inclusionProof(seq, N), 'same proofs a third time')
await series('inclusion, older size', seqs, (seq, i) => ledger.inclusionProof(seq, olderSizes[i]), 'size random in (seq, tree]')
await series('consistency, from random size to tree', fromSizes, (from) => ledger.consistencyProof(from, N))
await series('consistency, random older pair', fromSizes, (from, i) => ledger.consistencyProof(from, Math.max(from, olderSizes[i])))
await series('rootAt(older size)', olderSizes, (size) => ledger.rootAt(size))

// correctness: every inclusion proof above verifies against the root
for (let i = 0; i < seqs.length; i++) {
  verifyInclusion(seqs[i], N, leafAt(seqs[i]), inclusionCold[i].proof, treeRoot)
  verifyInclusion(seqs[i], N, leafAt(seqs[i]), inclusionBefore[i].proof, treeRoot)
}

// ---- peers ----

rows.push(['-- peers, same seqs', '', '', '', '', ''])
// RAM floor: every level of the tree in arrays, the same proof algorithm reading them
let levels = [Array.from({ length: N }, (_, i) => leafAt(i))]
const ramBuildStart = performance.now()
for (let l = 0; levels[l].length > 1; l++) {
  const below = levels[l]
  const up = new Array(Math.floor(below.length / 2))
  for (let i = 0; i < up.length; i++) up[i] = nodeHash(below[2 * i], below[2 * i + 1])
  levels.push(up)
}
const ramBuildSeconds = (performance.now() - ramBuildStart) / 1000
const ramRead = (level, index) => levels[level][index]
const ramProofs = await series('in-memory tree, inclusion', seqs, (seq) => inclusionProof(seq, N, ramRead), `all ${levels.length} levels in RAM (${fmt.bytes(levels.reduce((a, l) => a + l.length * 32, 0))}, built in ${ramBuildSeconds.toFixed(1)} s)`)
await series('in-memory tree, consistency', fromSizes, (from) => consistencyProof(from, N, ramRead))
for (let i = 0; i < seqs.length; i++) if (ramProofs[i].map(toHex).join() !== inclusionCold[i].proof.map(toHex).join()) throw new Error(`proofs differ at seq ${seqs[i]}`)

// naive: RFC 9162 PATH computed from the leaf hashes alone, every subtree hash recomputed
function mth(from, to) {
  if (to - from === 1) return leafAt(from)
  let k = 1
  while (k * 2 < to - from) k *= 2
  return nodeHash(mth(from, from + k), mth(from + k, to))
}
function naivePath(m, from, to) {
  if (to - from === 1) return []
  let k = 1
  while (k * 2 < to - from) k *= 2
  return m < from + k ? [...naivePath(m, from, from + k), mth(from + k, to)] : [...naivePath(m, from + k, to), mth(from, from + k)]
}
const naiveSeqs = seqs.slice(0, opts.naive)
const naiveProofs = await series('naive: recompute from all leaf hashes', naiveSeqs, (seq) => naivePath(seq, 0, N), `${N - 1} node hashes per proof (RFC 9162 PATH as written)`)
for (let i = 0; i < naiveSeqs.length; i++) if (naiveProofs[i].map(toHex).join() !== inclusionCold[i].proof.map(toHex).join()) throw new Error(`naive proof differs at seq ${naiveSeqs[i]}`)
void rootHash
// The RAM peer's two million hashes would otherwise stay in this process, and the client's GC pauses
// would show as HTTP latency below.
levels = []

await ledger.close()
await store.close()

// ---- HTTP: the million-entry directory served by tracechain serve ----

// This process's own GC pauses land inside the timed requests: counted, and printed beside each HTTP row.
const clientGc = []
new PerformanceObserver((list) => clientGc.push(...list.getEntries().map((e) => e.duration))).observe({ entryTypes: ['gc'] })

/**
 * Times GETs one at a time, as the client sees them. The note gives the node's own share, from its
 * Server-Timing header (routing to answer), so the round trip's tail can be told from the node's.
 */
async function httpSeries(client, label, paths, note) {
  const times = []
  const serverTimes = []
  const bodies = []
  clientGc.length = 0
  for (const path of paths) {
    const t = performance.now()
    const res = await client.get(path)
    times.push(performance.now() - t)
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.toString().slice(0, 300)}`)
    const serverTiming = /dur=([0-9.]+)/.exec(res.headers['server-timing'] ?? '')
    if (serverTiming) serverTimes.push(Number(serverTiming[1]))
    bodies.push(res.headers['content-type']?.startsWith('application/json') ? JSON.parse(res.body.toString()) : res.body)
  }
  results[label] = stats(times)
  const parts = [note]
  if (serverTimes.length > 0) {
    const server = stats(serverTimes)
    parts.push(`node's own time p50 ${fmt.ms(server.p50, 3)}, p99 ${fmt.ms(server.p99, 3)} ms`)
  }
  parts.push(`bench GC: ${clientGc.length} pauses, longest ${fmt.ms(Math.max(0, ...clientGc), 2)} ms`)
  addRow(label, results[label], parts.filter(Boolean).join('; '))
  return bodies
}

/** A bare node:http server in its own process answering a fixed JSON body: the round trip with no application in it. */
async function startBareHttp() {
  const child = spawn(process.execPath, ['-e', `
    const server = require('node:http').createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}') })
    server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port))
  `], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening on (\S+)/.exec(out)
      if (match) resolve(match[1])
    })
  })
  return { url, stop: () => child.kill() }
}

rows.push(['-- HTTP, tracechain serve on that directory', '', '', '', '', ''])
const inc = seqs.map((s) => `/v1/proofs/inclusion?seq=${s}&size=${N}`)
{
  const node = await startNode(dir)
  const client = httpClient(node.url, { connections: 1 })
  await httpSeries(client, 'GET /v1/proofs/inclusion, fresh process, at once', inc, 'one keep-alive connection, one request at a time, from the moment it listens (tile warm-up running)')
  client.close()
  await node.stop()
}
{
  const node = await startNode(dir)
  const client = httpClient(node.url, { connections: 1 })
  await new Promise((resolve) => setTimeout(resolve, opts.settle * 1000))
  // As in process: the code warmed on the newest 256 entries, whose tile is in memory; "cold" is about tiles
  for (let i = 0; i < 1000; i++) await client.get(`/v1/proofs/inclusion?seq=${N - 1 - (i % 256)}&size=${N}`)
  const bodies = await httpSeries(client, 'GET /v1/proofs/inclusion, cold', inc, `fresh process, ${opts.settle} s idle (tile warm-up over), code warmed on the tail`)
  await httpSeries(client, 'GET /v1/proofs/inclusion, warm', inc, 'same requests again')
  await httpSeries(client, 'GET /v1/proofs/consistency', fromSizes.map((f) => `/v1/proofs/consistency?from=${f}&to=${N}`))
  await httpSeries(client, 'peer: GET /healthz, same connection', seqs.map(() => '/healthz'), 'no proof, no store')
  const bare = await startBareHttp()
  const bareClient = httpClient(bare.url, { connections: 1 })
  for (let i = 0; i < 500; i++) await bareClient.get('/')
  await httpSeries(bareClient, 'peer: bare node:http server, fixed answer', seqs.map(() => '/'), 'the round trip on this machine with no application: its own process, same client')
  bareClient.close()
  bare.stop()
  for (let i = 0; i < 20; i++) verifyInclusion(seqs[i], N, fromHex(bodies[i].leafHash), bodies[i].proof.map((h) => fromHex(h)), treeRoot)
  // closed-loop throughput with a few connections
  const many = httpClient(node.url, { connections: 4 })
  const t = performance.now()
  let k = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (k < inc.length * 4) await many.get(inc[k++ % inc.length])
  }))
  results.httpInclusionRate = (inc.length * 4) / ((performance.now() - t) / 1000)
  // the same loop on GET /healthz: what any request costs on this node, proof or not
  const t2 = performance.now()
  k = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (k < inc.length * 4) await many.get('/healthz'), k++
  }))
  results.httpHealthRate = (inc.length * 4) / ((performance.now() - t2) / 1000)
  many.close()
  client.close()
  await node.stop()
}

// ---- HTTP on a real node filled with signed statements for --real-seconds ----

let real
if (opts.realSeconds > 0) {
  const realDir = mkdtempSync(join(os.tmpdir(), 'tracechain-proofs-real-'))
  let node = await startNode(realDir)
  let client = httpClient(node.url, { connections: 2 })
  const operator = readKeyFile(join(realDir, 'keys', 'operator.json'))
  const runTag = `p${Date.now().toString(36)}`
  const admins = Array.from({ length: 4 }, (_, i) => ({ id: `${runTag}-admin-${i}`, signer: generateSigner() }))
  const issuedAt = ISSUED_AT()
  const post = async (envelopes) => {
    const res = await client.post('/v1/statements', Buffer.from(JSON.stringify({ envelopes })))
    if (res.status !== 200) throw new Error(`POST: ${res.status} ${res.body.toString().slice(0, 300)}`)
  }
  await post(admins.map(({ id, signer }) => buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: `r-${id}`, issuedAt, body: { id, name: id, roles: ['admin'], publicKey: toBase64(signer.publicKey) } }, [operator])))
  // the client signs the next batch while the node commits the previous one (this bench times proofs, not appends)
  const stopAt = performance.now() + opts.realSeconds * 1000
  let i = 0
  const sign = () => {
    const batch = []
    for (let k = 0; k < 1000; k++, i++) batch.push(buildStatementEnvelope({ type: 'actor.register', actor: admins[i % 4].id, id: `${runTag}-${i}`, issuedAt, body: registerBody(`${runTag}-m${i}`, i) }, [admins[i % 4].signer]))
    return batch
  }
  let next = sign()
  while (performance.now() < stopAt) {
    const sending = post(next)
    next = sign()
    await sending
  }
  client.close()
  await node.stop()
  // restart: cold process, then warm
  node = await startNode(realDir)
  client = httpClient(node.url, { connections: 1 })
  const checkpoint = parseCheckpoint((await client.get('/v1/checkpoint')).body.toString().split('\n\n')[0] + '\n')
  const size = checkpoint.size
  rows.push([`-- HTTP, real node with ${fmt.int(size)} signed entries (${opts.realSeconds} s of appends)`, '', '', '', '', ''])
  const realSeqs = seqs.map((s) => s % size)
  const inc = realSeqs.map((s) => `/v1/proofs/inclusion?seq=${s}&size=${size}`)
  const bodies = await httpSeries(client, 'GET /v1/proofs/inclusion, cold', inc, 'restarted node')
  await httpSeries(client, 'GET /v1/proofs/inclusion, warm', inc)
  const cons = await httpSeries(client, 'GET /v1/proofs/consistency', fromSizes.map((f) => `/v1/proofs/consistency?from=${1 + (f % size)}&to=${size}`))
  for (let k = 0; k < 20; k++) verifyInclusion(realSeqs[k], size, fromHex(bodies[k].leafHash), bodies[k].proof.map((h) => fromHex(h)), checkpoint.rootHash)
  void cons
  void verifyConsistency
  const du = diskUsage(join(realDir, 'db'))
  real = { size, bytesPerEntry: du.allocated / size }
  client.close()
  await node.stop()
  rmSync(realDir, { recursive: true, force: true })
}

const out = []
out.push(`tracechain proofs bench: ${machine()}`)
out.push(`${fmt.int(N)} leaves built with core/tiles appendLeaves in groups of ${opts.group} and written through LevelStore in ${buildSeconds.toFixed(1)} s; tiles on disk ${fmt.bytes(tilesDisk.allocated)}; Ledger.open at that size ${openMs.toFixed(1)} ms`)
out.push(`tile warm-up after open: ${fmt.int(warmUp.tiles)} level-0 tiles summarised in ${fmt.int(warmUp.ms)} ms (${fmt.int(warmUp.cpuMs)} ms of CPU)`)
out.push('')
out.push(table(rows))
out.push('')
out.push(`HTTP, 4 connections closed-loop: ${fmt.int(results.httpInclusionRate)} inclusion proofs/s; GET /healthz on the same node ${fmt.int(results.httpHealthRate)}/s`)
if (real) out.push(`real node: ${fmt.int(real.size)} entries after ${opts.realSeconds} s of appends, ${fmt.int(real.bytesPerEntry)} B per entry on disk`)
out.push('every timed inclusion proof verified against the root; tile proofs equal the in-memory and naive ones')
process.stdout.write(out.join('\n') + '\n')

if (!opts.keep && !opts.dir) rmSync(dir, { recursive: true, force: true })
else log(`kept ${dir}`)
