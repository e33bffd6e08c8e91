#!/usr/bin/env node
// The turns that held the node's event loop longest, and what ran in them, from a V8 .cpuprofile of the
// main thread (`node bench/soak.mjs --profile DIR`). A turn is a run of samples that are not (idle);
// while it runs no request is read or answered, so its length is what a read waits at worst. For the
// turns over --over ms it prints their count and lengths, and the functions of our code (dist/) and
// the libraries they ran, by inclusive time: the place to cut a turn into slices.
//
//   node bench/long-tasks.mjs FILE.cpuprofile [--over 10] [--top 20]

import { fmt, percentile, readCpuProfile, table } from './lib.mjs'

const { file, opts, profile, nodes, parent } = readCpuProfile('node bench/long-tasks.mjs FILE.cpuprofile [--over 10] [--top 20]', { over: 10, top: 20 })

const IDLE = new Set(['(idle)'])
const frameName = (frame) => {
  const url = frame.url ?? ''
  const at = url.lastIndexOf('/node_modules/')
  const where = at >= 0 ? url.slice(at + 14).split('/').slice(0, 2).join('/') : url.includes('/dist/') ? url.slice(url.lastIndexOf('/dist/') + 6) : url.replace(/^.*\//, '')
  return `${(frame.functionName || "(anonymous)").slice(0, 60)}${where ? ` ${where}:${frame.lineNumber + 1}` : ''}`
}

// Turns: consecutive non-idle samples; a sample's time is its delta to the next one.
const turns = []
let current
for (let i = 0; i < profile.samples.length; i++) {
  const node = nodes.get(profile.samples[i])
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
  if (IDLE.has(node.callFrame.functionName)) {
    if (current) turns.push(current)
    current = undefined
    continue
  }
  current ??= { ms: 0, samples: [] }
  current.ms += dt
  current.samples.push([profile.samples[i], dt])
}
if (current) turns.push(current)

const long = turns.filter((t) => t.ms > opts.over)
const lengths = Float64Array.from(turns.map((t) => t.ms)).sort()
const totalMs = (profile.endTime - profile.startTime) / 1000
process.stdout.write(
  `${fmt.int(turns.length)} turns in ${fmt.ms(totalMs / 1000)} s; p50 ${fmt.ms(percentile(lengths, 50))} ms, p99 ${fmt.ms(percentile(lengths, 99))} ms, ` +
    `max ${fmt.ms(lengths.at(-1) ?? 0)} ms; ${long.length} over ${opts.over} ms, ${fmt.ms(long.reduce((a, t) => a + t.ms, 0))} ms in all\n\n`,
)

// Inclusive time per frame within the long turns: each frame counted once per sample.
const inclusive = new Map()
const selfTime = new Map()
for (const turn of long) {
  for (const [id, dt] of turn.samples) {
    const seen = new Set()
    let at = id
    const leaf = frameName(nodes.get(id).callFrame)
    selfTime.set(leaf, (selfTime.get(leaf) ?? 0) + dt)
    while (at !== undefined) {
      const name = frameName(nodes.get(at).callFrame)
      if (!seen.has(name)) {
        seen.add(name)
        inclusive.set(name, (inclusive.get(name) ?? 0) + dt)
      }
      at = parent.get(at)
    }
  }
}
const longMs = long.reduce((a, t) => a + t.ms, 0) || 1
const top = (map) =>
  [...map.entries()]
    .filter(([name]) => !name.startsWith('(root)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, opts.top)
    .map(([name, ms]) => [name, fmt.ms(ms), `${((100 * ms) / longMs).toFixed(1)}%`])
process.stdout.write(`inclusive time in turns over ${opts.over} ms\n${table([['function', 'ms', 'share'], ...top(inclusive)])}\n\n`)
process.stdout.write(`self time in turns over ${opts.over} ms\n${table([['function', 'ms', 'share'], ...top(selfTime)])}\n`)

// The longest turns one by one: when, how long, and the frames of our code that ran most in each.
const ours = (name) => /\.js:\d+$/.test(name) && !name.includes('node:') && /^[^ ]+ [a-z-]+\//.test(name)
const rows = [...long].sort((a, b) => b.ms - a.ms).slice(0, opts.top).map((turn) => {
  const byFrame = new Map()
  for (const [id, dt] of turn.samples) {
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(nodes.get(at).callFrame)
      if (seen.has(name) || !ours(name)) continue
      seen.add(name)
      byFrame.set(name, (byFrame.get(name) ?? 0) + dt)
    }
  }
  const leading = [...byFrame.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, ms]) => `${name} ${fmt.ms(ms)}`)
  return [fmt.ms(turn.ms), leading.join('; ')]
})
process.stdout.write(`\nthe ${rows.length} longest turns\n${table([['ms', 'our frames with the most time in it'], ...rows])}\n`)
