#!/usr/bin/env node
// What the node's native memory is in use for, from jemalloc's heap profiles: which allocation sites hold
// how much, by the functions that allocated it (LevelDB's memtables, block cache, tables' index blocks,
// Node's ArrayBuffers, V8's own). Run the node under jemalloc with profiling on, for instance the soak:
//
//   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
//   MALLOC_CONF=prof:true,lg_prof_interval:33,prof_prefix:/tmp/heap/jeprof node bench/soak.mjs --minutes 50
//   node bench/native-heap.mjs /tmp/heap/jeprof.PID.*.heap           # one row per profile, by kind
//   node bench/native-heap.mjs /tmp/heap/jeprof.PID.40.i40.heap --top 25   # one profile's largest sites
//
// jemalloc writes a profile each time the process has allocated 2^lg_prof_interval bytes (8 GiB here,
// about every 25 s of the soak). Profiles sample one allocation per 512 KiB on average; the bytes are
// scaled back as jeprof does. jeprof itself cannot name the frames of classic-level's prebuilt binary,
// which is stripped: this reads its dynamic symbols (nm -D), which LevelDB's classes export.

import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, depth: { type: 'string', default: '3' } } })
const DEPTH = Number(values.depth)

/** Kinds of allocation site, tried in order against a site's frames (callee first). */
const KINDS = [
  ['memtables', /MemTable::Add|SkipList/],
  ['block cache', /ReadBlock < [^<]*Table::BlockReader/],
  ['index blocks', /Table::Open|TableCache::FindTable/],
  ['ArrayBuffers', /NodeArrayBufferAllocator|BackingStore/],
  ['V8', /v8::internal/],
  ['LevelDB, other', /leveldb/],
  ['other', /(?:)/],
]
// Frames that say nothing of why: the allocator, operator new, the C++ library's containers.
const PLUMBING = /libjemalloc|operator new|malloc|calloc|realloc|:std::|allocator|__gnu_cxx|Arena::Allocate/

const symbolTables = new Map()
/** A library's function symbols, sorted by address: its symbol table, or its dynamic one when stripped. */
function symbolsOf(path) {
  if (symbolTables.has(path)) return symbolTables.get(path)
  let entries = []
  for (const flags of [[], ['-D']]) {
    let text = ''
    try {
      text = execFileSync('nm', ['-C', '--defined-only', ...flags, path], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] })
    } catch {}
    entries = [...text.matchAll(/^([0-9a-f]+) [tTwWiI] (.*)$/gm)].map((m) => [Number.parseInt(m[1], 16), m[2].replace(/\(.*/, '')])
    if (entries.length > 0) break
  }
  entries.sort((a, b) => a[0] - b[0])
  symbolTables.set(path, entries)
  return entries
}

function nameOf(address, regions) {
  const region = regions.find(({ low, high }) => address >= low && address < high)
  if (!region) return `0x${address.toString(16)}`
  const symbols = symbolsOf(region.path)
  // Shared objects are symbolised by offset; the node executable is not position-independent.
  const target = region.path.endsWith('/node') ? address : address - region.low + region.offset
  let low = 0
  let high = symbols.length - 1
  let found = '?'
  while (low <= high) {
    const mid = (low + high) >> 1
    if (symbols[mid][0] > target) {
      high = mid - 1
      continue
    }
    found = symbols[mid][1]
    low = mid + 1
  }
  return `${basename(region.path)}:${found}`
}

/** A profile's in-use bytes by allocation site (its first DEPTH frames that are not plumbing). */
function sitesOf(file) {
  const text = readFileSync(file, 'latin1')
  const [head, maps = ''] = text.split('MAPPED_LIBRARIES:')
  const rate = Number(/^heap_v2\/(\d+)/.exec(head)?.[1] ?? 0)
  const regions = [...maps.matchAll(/^([0-9a-f]+)-([0-9a-f]+) \S*x\S* ([0-9a-f]+) \S+ \S+\s+(\/\S+)/gm)].map((m) => ({
    low: Number.parseInt(m[1], 16),
    high: Number.parseInt(m[2], 16),
    offset: Number.parseInt(m[3], 16),
    path: m[4],
  }))
  const sites = new Map()
  for (const [, stack, objects, bytes] of head.matchAll(/^@ ([^\n]*)\n\s*t\*: (\d+): (\d+)/gm)) {
    if (Number(objects) === 0) continue
    const mean = Number(bytes) / Number(objects)
    const scaled = rate > 0 ? Number(bytes) / (1 - Math.exp(-mean / rate)) : Number(bytes)
    // Return addresses: the call is the byte before.
    const frames = stack.trim().split(/\s+/).map((hex) => nameOf(Number.parseInt(hex, 16) - 1, regions))
    const site = frames.filter((frame) => !PLUMBING.test(frame)).slice(0, DEPTH).join(' < ')
    sites.set(site, (sites.get(site) ?? 0) + scaled)
  }
  return sites
}

const MiB = (bytes) => (bytes / 2 ** 20).toFixed(1)
const files = positionals.map((file) => ({ file, at: statSync(file).mtimeMs })).sort((a, b) => a.at - b.at)
if (files.length === 0) {
  process.stderr.write('usage: node bench/native-heap.mjs PROFILE.heap... [--top N] [--depth 3]\n')
  process.exit(2)
}
if (values.top !== undefined) {
  for (const { file } of files) {
    const sites = [...sitesOf(file)].sort((a, b) => b[1] - a[1])
    process.stdout.write(`${file}: ${MiB(sites.reduce((sum, [, bytes]) => sum + bytes, 0))} MiB in use\n`)
    for (const [site, bytes] of sites.slice(0, Number(values.top))) process.stdout.write(`${MiB(bytes).padStart(8)} MiB  ${site}\n`)
  }
} else {
  process.stdout.write(['min', 'in use MiB', ...KINDS.map(([kind]) => kind)].join('\t') + '\n')
  for (const { file, at } of files) {
    const byKind = new Map(KINDS.map(([kind]) => [kind, 0]))
    let total = 0
    for (const [site, bytes] of sitesOf(file)) {
      total += bytes
      const [kind] = KINDS.find(([, pattern]) => pattern.test(site))
      byKind.set(kind, byKind.get(kind) + bytes)
    }
    process.stdout.write([((at - files[0].at) / 60_000).toFixed(1), MiB(total), ...[...byKind.values()].map(MiB)].join('\t') + '\n')
  }
}
