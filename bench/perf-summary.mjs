#!/usr/bin/env node
// Summarises a Linux perf recording of the node (from `node bench/append.mjs --perf FILE`): CPU time on every
// thread (main JS thread, libuv pool, LevelDB's compaction thread, V8's GC helpers), attributed to the steps of
// an append. Unlike a V8 --cpu-prof (wall-clock samples of the main thread only), cpu-clock samples count
// only time on a CPU, so the figures add up to the process's CPU time.
//
//   node bench/perf-summary.mjs FILE [--events N] [--top 30] [--detail "category label"]
//
// Run it before deleting /tmp/perf-<pid>.map, which names the JIT-compiled functions: without it their
// samples fall into the wrong lines.
//
// Each sample goes to the innermost frame of its stack that a rule below recognises (GC and Ed25519 first,
// wherever they are on the stack): JSON.parse inside parseCanonical counts as the JCS check, JSON.parse inside
// Fastify's body parser as the HTTP request.

import { execFileSync } from 'node:child_process'
import { flags, fmt, table } from './lib.mjs'

const file = process.argv[2]
if (!file || file.startsWith('--')) {
  process.stderr.write('usage: node bench/perf-summary.mjs perf.data [--events N] [--top 30]\n')
  process.exit(2)
}
const opts = flags({ events: 0, top: 30, detail: '' }, process.argv.slice(3))
const text = execFileSync('perf', ['script', '-i', file, '-F', 'comm,tid,period,ip,sym,dso'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString()

// [label, regex on the frame text "symbol (dso)"]; whole-stack rules first, then innermost-first rules
const ANYWHERE = [
  ['V8 garbage collection', /v8::internal::(Heap::|Scavenger|ScavengerCollector|MarkCompact|ConcurrentMarking|MinorMarkCompact|MinorMS|Sweeper|ArrayBufferSweeper|IncrementalMarking|GCTracer|MemoryChunk|PagedSpace|ConcurrentMarkingVisitor|MarkingVisitor|YoungGeneration)/],
  ['Ed25519 verify (OpenSSL, libuv pool)', /ed25519_verify|ED25519_verify/i],
  ['Ed25519 sign (checkpoint note)', /ed25519_sign|ED25519_sign/i],
  ['LevelDB compaction (its background thread)', /leveldb::DBImpl::(BackgroundCall|BackgroundCompaction|DoCompactionWork|CompactMemTable|BGWork)/],
  ['LevelDB write: WAL, fsync, memtable (libuv pool)', /leveldb::DBImpl::Write|leveldb::log::Writer|leveldb::WriteBatchInternal/],
  ['LevelDB reads (idempotency getMany, tiles)', /leveldb::DBImpl::Get|leveldb::Version::Get|leveldb::.*Iterator/],
]
// [label, frame regex, optional regex an outer frame must match]
const INNERMOST = [
  ['SHA-256 in JS (@noble/hashes)', /@noble\/hashes/],
  ['ajv: envelope shape (checkEnvelopeShape)', /^JS:[*^~]?validate\d+ /, /checkEnvelopeShape|http\/routes\/statements|ArrayMap/],
  ['ajv: statement body schema (validateBody)', /^JS:[*^~]?validate\d+ |ajv\/dist|ucs2length|fast-deep-equal/],
  ['canonicalize: JCS of the entry', /canonicalize\/lib|canonicalBytes|canonicalJson|assertSerializable/],
  ['ajv: statement body schema (validateBody)', /validateBody|core\/schemas|ledger\/schemas/],
  ['ajv: envelope shape (checkEnvelopeShape)', /checkEnvelopeShape/],
  ['JCS check of the payload (parseStatementPayload)', /parseCanonical|hasSortedKeys|parseStatementPayload|isIssuedAt/],
  ['base64 and hex (core/bytes)', /core\/bytes\.js/],
  ['DSSE decode and PAE', /core\/dsse\.js/],
  ['SHA-256 in node:crypto', /node::crypto::Hash|sha256_block_data_order|SHA256_|JS:\S* (Hash|Hmac)\.|createHash|node:internal\/crypto\/hash|core\/hash-node/],
  ['verify dispatch: crypto.verify job setup (main thread)', /verifyOneShot|verifyAsync|ed25519-node|ed25519-strict|node::crypto::|SignJob|preparePublicOrPrivateKey|ThreadPoolWork|uv_queue_work/],
  ['registry (the actor.register rule, key ids)', /ledger\/registry\.js|core\/keys\.js/],
  ['Merkle tree and tiles', /core\/merkle\.js|core\/tiles\.js|ledger\/tree\.js/],
  ['checkpoint note', /core\/checkpoint\.js|signed-note/],
  ['LevelStore.commit: building and encoding the batch (JS)', /store\/level-store\.js|abstract-level|classic-level\/index|level-transcoder|module-error|maybe-combine-errors/],
  ['classic-level native glue (napi)', /classic-level\.node/],
  ['sequencer and prepare glue (ledger.js)', /ledger\/ledger\.js|ledger\/signers\.js|ledger\/kinds\.js/],
  ['HTTP request: headers, body, JSON.parse (Fastify)', /content-type-parser|secure-json-parse|llhttp|Parser::(Execute|on_)|_http_incoming|node:internal\/streams\/readable|Buffer::Concat|node:buffer:5|concat node:buffer/],
  ['HTTP response: serialize and write (Fastify)', /fastify\/lib\/reply|fast-json-stringify|_http_outgoing|_http_server|writev|WriteWrap|LibuvStreamWrap::DoTryWrite|node:net/],
  ['Fastify routing and hooks', /fastify|find-my-way|avvio|light-my-request/],
  ['prom-client metrics', /prom-client/],
  ['route handler (http/routes/statements.js)', /http\/routes/],
  ['promises and microtasks', /processTicksAndRejections|RunMicrotasks|PromiseResolve|Builtins_Promise|AsyncFunctionAwait|Builtins_Async/],
  ['network syscalls (kernel)', /tcp_|sock_|inet_|__sys_sendto|__sys_recvfrom|ip_output|__netif|loopback|do_epoll|ep_poll|sys_epoll/],
  ['fsync (kernel)', /fdatasync|fsync|ext4_sync|jbd2|blkdev|__x64_sys_fdatasync/],
  ['libuv event loop and thread pool idle', /uv__io_poll|epoll_pwait|uv__work_done|worker node:internal|uv_cond_wait|futex_wait|schedule$/],
]

let period = 0
const threads = new Map() // tid -> samples
const categories = new Map()
const unknown = new Map()
let mainTid
let samples = 0
let events = 0

function classify(frames) {
  for (const [label, re] of ANYWHERE) if (frames.some((f) => re.test(f))) return label
  for (let i = 0; i < frames.length; i++) {
    for (const [label, re, within] of INNERMOST) {
      if (!re.test(frames[i])) continue
      if (within) {
        // the nearest outer JS frame that is not more of the same library decides
        const caller = frames.slice(i + 1).find((f) => f.startsWith('JS:') && !re.test(f))
        if (!caller || !within.test(caller)) continue
      }
      return label
    }
  }
  return undefined
}

const lines = text.split('\n')
for (let i = 0; i < lines.length; i++) {
  const header = lines[i]
  if (header === '' || header.startsWith('\t') || header.startsWith(' ')) continue
  const m = /^(\S.*?)\s+(\d+)\s+(\d+)\s*$/.exec(header.replace(/\s+cpu-clock:?\s*$/, ''))
  const frames = []
  for (i++; i < lines.length && lines[i].trim() !== ''; i++) {
    const f = lines[i].trim().replace(/^[0-9a-f]+ /, '')
    frames.push(f)
  }
  if (!m) continue
  const tid = Number(m[2])
  period = Number(m[3]) || period
  samples++
  if (mainTid === undefined || tid < mainTid) mainTid = tid
  threads.set(tid, (threads.get(tid) ?? 0) + 1)
  const label = classify(frames) ?? 'other'
  const key = `${label}`
  categories.set(key, (categories.get(key) ?? 0) + 1)
  if (label === (opts.detail || 'other')) {
    const leaf = frames.slice(0, 3).map((f) => f.replace(/ \((\/usr\/bin\/node|\/tmp\/perf-\d+\.map)\)$/, '').replace(/file:\/\/\S*\/(dist|node_modules)\//, '')).join(' < ') || '(no stack)'
    unknown.set(leaf, (unknown.get(leaf) ?? 0) + 1)
  }
  void events
}

const seconds = (n) => (n * period) / 1e9
const perEvent = (n) => (opts.events ? fmt.us((seconds(n) * 1e6) / opts.events) : '')
const pct = (n) => `${((100 * n) / samples).toFixed(1)}%`
const mainSamples = threads.get(mainTid) ?? 0

const out = []
out.push(`${file}: ${samples} cpu-clock samples of ${(period / 1e6).toFixed(2)} ms = ${seconds(samples).toFixed(2)} CPU s` + (opts.events ? ` for ${fmt.int(opts.events)} events` : ''))
out.push(`main JS thread ${seconds(mainSamples).toFixed(2)} s (${perEvent(mainSamples)} µs/event), other threads ${seconds(samples - mainSamples).toFixed(2)} s (${perEvent(samples - mainSamples)} µs/event) over ${threads.size - 1} of them`)
out.push('')
const rows = [...categories.entries()].sort((a, b) => b[1] - a[1]).map(([label, n]) => [label, fmt.ms(seconds(n) * 1000, 0), pct(n), perEvent(n)])
out.push(table([['where the CPU goes (all threads)', 'CPU ms', '% CPU', 'µs/event'], ...rows]))
out.push('')
out.push(`${opts.detail || 'unattributed ("other")'}: innermost frames (stacks through libc stop at malloc and free: glibc has no frame pointers)`)
const top = [...unknown.entries()].sort((a, b) => b[1] - a[1]).slice(0, opts.top)
out.push(table([['frame', 'CPU ms', '% CPU', 'µs/event'], ...top.map(([f, n]) => [f.slice(0, 110), fmt.ms(seconds(n) * 1000, 0), pct(n), perEvent(n)])]))
process.stdout.write(out.join('\n') + '\n')
