#!/usr/bin/env node
// Summarises a V8 .cpuprofile of the node (from `node bench/append.mjs --profile DIR`): where the main JS
// thread spends its time per appended event. Self time by function and by module, and inclusive time of
// the steps of an append. Work on other threads (Ed25519 verify and LevelDB writes on the libuv pool, GC
// helpers) is not in a main-thread profile: append.mjs reports those threads' CPU from /proc.
//
//   node bench/profile.mjs FILE.cpuprofile [--events N] [--top 25]

import { basename } from 'node:path'
import { fmt, readCpuProfile, table } from './lib.mjs'

const { file, opts, profile, nodes, parent } = readCpuProfile('node bench/profile.mjs FILE.cpuprofile [--events N] [--top 25]', { events: 0, top: 25 })

function shortUrl(url) {
  if (!url) return ''
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) return url.slice(nm + 14)
  const d = url.lastIndexOf('/dist/')
  if (d >= 0) return url.slice(d + 1)
  return url.replace(/^file:\/\//, '')
}

function moduleOf(frame) {
  const { url, functionName } = frame
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const d = url.lastIndexOf('/dist/')
  if (d >= 0) return url.slice(d + 1)
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/')
  return basename(url)
}

const keyOf = (frame) => `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}${frame.url ? ':' + (frame.lineNumber + 1) : ''}`

// time of each sample: the delta to the next sample (the last one gets the mean)
const { samples, timeDeltas } = profile
const durations = new Float64Array(samples.length)
for (let i = 0; i < samples.length; i++) durations[i] = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : (profile.endTime - profile.startTime) / samples.length
const totalUs = profile.endTime - profile.startTime

const self = new Map()
const selfByModule = new Map()
const inclusive = new Map()
const stacks = new Map() // node id -> array of frames root..leaf, memoised
function stackOf(id) {
  let s = stacks.get(id)
  if (s) return s
  const p = parent.get(id)
  s = p === undefined ? [nodes.get(id).callFrame] : [...stackOf(p), nodes.get(id).callFrame]
  stacks.set(id, s)
  return s
}

// Steps of an append, matched on the stack (outer to inner); a sample counts once per step.
const STEPS = [
  ['HTTP: read + JSON.parse the request body', [['defaultJsonParser']], ['content-type-parser', 'contentTypeParser']],
  ['route: ajv envelope shape check', [['checkEnvelopeShape']]],
  ['prepare (all checks needing no ledger state)', [['prepare', 'ledger/ledger.js']]],
  ['  decodeEnvelope (base64 of payload and sig)', [['decodeEnvelope']]],
  ['  parseStatementPayload (UTF-8, JSON.parse, JCS check)', [['parseStatementPayload']]],
  ['  validateBody (ajv, statement body schema)', [['validateBody']]],
  ['  pae', [['prepare', 'ledger/ledger.js'], ['pae']]],
  ['  verifyAsync (main-thread side: key object, dispatch)', [['verifyAsync']]],
  ['  payload SHA-256 (core/hash.js)', [['prepare', 'ledger/ledger.js'], ['sha256', 'core/hash.js']]],
  ['  fromBase64 of the candidate key', [['prepare', 'ledger/ledger.js'], ['fromBase64']]],
  ['sequencer: commitBatch', [['commitBatch']]],
  ['  idempotency getMany', [['commitBatch'], ['getRecords']]],
  ['  resolveDeferredSignatures (pae again)', [['resolveDeferredSignatures']]],
  ['  checkSigners', [['checkSigners']]],
  ['  rule: actor.register (registry)', [['commitBatch'], ['register', 'ledger/registry.js']]],
  ['  canonicalBytes(entry) (canonicalize)', [['commitBatch'], ['canonicalBytes']]],
  ['  leafHash (@noble SHA-256 of ~1.7 KB)', [['commitBatch'], ['leafHash']]],
  ['  tree.draft (appendLeaves, node hashes)', [['draft', 'ledger/tree.js']]],
  ['  signCheckpoint (one per group)', [['signCheckpoint']]],
  ['  store.commit (JS side of the LevelDB batch)', [['commit', 'store/level-store.js']]],
  ['  registry fork/changed/adopt', [['commitBatch'], ['changed|adopt|fork', 'ledger/registry.js']]],
  ['  answering callers (resolve/reject)', [['commitBatch'], ['resolve|reject', '']]],
  ['HTTP: serialize the response', [['serialize', 'fastify']]],
  ['HTTP: onSend/hooks/write', [['onSendEnd|onSendHook|onWrite|writeHead|_writeRaw|end', 'node:|fastify']]],
  ['prom-client metrics', [['', 'prom-client']]],
  ['garbage collector', [['(garbage collector)']]],
]

function frameMatches(frame, [name, urlPart]) {
  const names = name.split('|')
  const fn = frame.functionName
  const nameOk = name === '' || names.some((n) => (n.startsWith('(') ? fn === n : fn === n))
  if (!nameOk) return false
  if (urlPart === undefined || urlPart === '') return true
  return urlPart.split('|').some((u) => frame.url.includes(u))
}

function stepMatches(stack, chain) {
  let at = 0
  for (const pattern of chain) {
    let found = -1
    for (let i = at; i < stack.length; i++) {
      if (frameMatches(stack[i], pattern)) {
        found = i
        break
      }
    }
    if (found < 0) return false
    at = found + 1
  }
  return true
}

const stepTime = new Map(STEPS.map(([label]) => [label, 0]))
let idle = 0
for (let i = 0; i < samples.length; i++) {
  const id = samples[i]
  const us = durations[i]
  const frame = nodes.get(id).callFrame
  const k = keyOf(frame)
  self.set(k, (self.get(k) ?? 0) + us)
  const m = moduleOf(frame)
  selfByModule.set(m, (selfByModule.get(m) ?? 0) + us)
  if (frame.functionName === '(idle)') idle += us
  const stack = stackOf(id)
  const seen = new Set()
  for (const f of stack) {
    const fk = keyOf(f)
    if (seen.has(fk)) continue
    seen.add(fk)
    inclusive.set(fk, (inclusive.get(fk) ?? 0) + us)
  }
  for (const [label, chain] of STEPS) if (stepMatches(stack, chain)) stepTime.set(label, stepTime.get(label) + us)
}

const busy = totalUs - idle
const events = opts.events
const perEvent = (us) => (events ? fmt.us(us / events) : '')
const pct = (us) => `${((100 * us) / busy).toFixed(1)}%`

const lines = []
lines.push(`${basename(file)}: ${(totalUs / 1e6).toFixed(2)} s profiled, main thread busy ${(busy / 1e6).toFixed(2)} s (idle ${(idle / 1e6).toFixed(2)} s), ${samples.length} samples` + (events ? `, ${fmt.int(events)} events` : ''))
lines.push('')
lines.push('Steps of an append (inclusive time on the main thread; nested steps are indented and part of their parent)')
lines.push(table([['step', 'ms', '% busy', 'µs/event'], ...STEPS.map(([label]) => [label, fmt.ms(stepTime.get(label) / 1000, 0), pct(stepTime.get(label)), perEvent(stepTime.get(label))])]))
lines.push('')
lines.push(`Top ${opts.top} functions by self time`)
const top = [...self.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, opts.top)
lines.push(table([['function', 'self ms', '% busy', 'µs/event'], ...top.map(([k, us]) => [k, fmt.ms(us / 1000, 0), pct(us), perEvent(us)])]))
lines.push('')
lines.push('Self time by module')
const mods = [...selfByModule.entries()].filter(([m]) => m !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, opts.top)
lines.push(table([['module', 'self ms', '% busy', 'µs/event'], ...mods.map(([m, us]) => [m, fmt.ms(us / 1000, 0), pct(us), perEvent(us)])]))
lines.push('')
lines.push(`Top ${opts.top} functions by inclusive time`)
const inc = [...inclusive.entries()].filter(([k]) => !k.startsWith('(')).sort((a, b) => b[1] - a[1]).slice(0, opts.top)
lines.push(table([['function', 'incl ms', '% busy', 'µs/event'], ...inc.map(([k, us]) => [k, fmt.ms(us / 1000, 0), pct(us), perEvent(us)])]))
process.stdout.write(lines.join('\n') + '\n')
