// Under glibc's malloc the node gives freed memory back every few seconds (store/malloc-trim.ts). The
// real test frees nine of every ten of 100,000 buffers in a child process: glibc alone gives back almost
// nothing (the freed chunks are not at an arena's top), a trim gives back most of it.

import t from 'tap'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MALLOC_TRIM_DEFAULT_SECONDS, mallocTrimSecondsFrom, startMallocTrim } from '../../src/store/malloc-trim.js'
import { processAllocator } from '../../src/store/allocator.js'
import { ROOT } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('the interval from the environment: unset is the default, 0 is off, anything else is refused', async (t) => {
  t.equal(mallocTrimSecondsFrom({}), MALLOC_TRIM_DEFAULT_SECONDS)
  t.equal(mallocTrimSecondsFrom({ TRACECHAIN_MALLOC_TRIM_SECONDS: '' }), MALLOC_TRIM_DEFAULT_SECONDS)
  t.equal(mallocTrimSecondsFrom({ TRACECHAIN_MALLOC_TRIM_SECONDS: '0' }), 0)
  t.equal(mallocTrimSecondsFrom({ TRACECHAIN_MALLOC_TRIM_SECONDS: '2.5' }), 2.5)
  for (const bad of ['ten', '-1', 'Infinity', '1e999'])
    t.throws(() => mallocTrimSecondsFrom({ TRACECHAIN_MALLOC_TRIM_SECONDS: bad }), { code: 'BAD_REQUEST', message: /TRACECHAIN_MALLOC_TRIM_SECONDS/ }, bad)
})

t.test('nothing is started when turned off or on another malloc', async (t) => {
  t.same(await startMallocTrim(0, { name: 'glibc' }), { state: 'off', reason: 'turned off' })
  t.same(await startMallocTrim(10, { name: 'jemalloc', library: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2' }), { state: 'off', reason: "the malloc is jemalloc, not glibc's" })
  t.same(await startMallocTrim(10, { name: 'unknown' }), { state: 'off', reason: "the malloc is unknown, not glibc's" })
})

const CHILD = `
import { readFileSync } from 'node:fs'
const { startMallocTrim } = await import(process.argv[2])
const anonymousMiB = () => Number(/RssAnon:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024
// A long interval: the trim measured is the one asked for below.
const trim = await startMallocTrim(3600)
let buffers = Array.from({ length: 100_000 }, () => new Uint8Array(2000).fill(1))
const full = anonymousMiB()
const kept = buffers.filter((_, i) => i % 10 === 0)
buffers = null
globalThis.gc()
globalThis.gc()
await new Promise((resolve) => setTimeout(resolve, 300))
const freed = anonymousMiB()
const released = process.argv[3] === 'trim' ? await trim.trimNow() : false
console.log(JSON.stringify({ state: trim.state, full, freed, after: anonymousMiB(), released, kept: kept.length }))
trim.stop?.()
`

t.test('a trim gives back the pages freed inside the arenas', { skip: processAllocator().name !== 'glibc' && `the malloc here is ${processAllocator().name}, not glibc's` }, async (t) => {
  const script = join(testDir(t), 'child.mjs')
  writeFileSync(script, CHILD)
  const run = (mode: string) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', script, join(ROOT, 'dist/store/malloc-trim.js'), mode], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: '' } }))
  const untrimmed = run('none')
  const trimmed = run('trim')
  t.equal(trimmed.state, 'trimming')
  t.equal(trimmed.released, true, 'malloc_trim says it gave memory back')
  // 180 MiB of the 200 allocated were freed: glibc keeps most of them, the trim gives back most.
  t.ok(untrimmed.after > untrimmed.full - 60, `without a trim glibc keeps what was freed (${untrimmed.full.toFixed(0)} -> ${untrimmed.after.toFixed(0)} MiB)`)
  t.ok(trimmed.after < trimmed.freed - 100, `the trim gave back over 100 MiB (${trimmed.freed.toFixed(0)} -> ${trimmed.after.toFixed(0)} MiB)`)
})
