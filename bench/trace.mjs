// Trace on a ledger of a million food events: GET /v1/trace's graph walk (src/food/trace.ts) over the
// real LevelDB indexes, beside the same walk over an in-memory adjacency map (the floor any store has).
//
// The supply graph: 100,000 production chains of 10 events each. Two farm lots are milled into a mix
// (TransformationEvent), the mix and one of 1,000 shared ingredient lots (salt, leaves) become a
// product lot, the product lot is packed into a case, ten cases onto a pallet, the pallet is shipped and
// received, and the product lot is sold. A 5-hop backward trace from a pallet reaches the farms.
//
// The indexes are written through the real LevelStore with the key layout of src/food/records.ts, as
// food.event's accept writes them (the adjacency records by src/food/adjacency.ts's upgrade); building a
// million signed events through the node would take minutes and measure appends, not traces
// (bench/append.mjs does that).
//
//   node bench/trace.mjs [--chains 100000] [--traces 2000] [--warm-up=false]
//
// The first pass runs after the warm-up that `serve` and `mirror` run once they listen (src/food/trace-warm-up.ts),
// as a restarted node's first traces would; --warm-up=false leaves it out, to compare.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { LevelStore } from '../dist/store/level-store.js'
import { SPACES } from '../dist/food/records.js'
import { SEP, seqKey } from '../dist/store/keys.js'
import { traceGraph } from '../dist/food/trace.js'
import { buildAdjacencyIndex } from '../dist/food/adjacency.js'
import { gs1CheckDigit } from '../dist/food/identifiers.js'
import { warmUpTraces } from '../dist/food/trace-warm-up.js'

const { values } = parseArgs({ options: { chains: { type: 'string', default: '100000' }, traces: { type: 'string', default: '2000' }, 'warm-up': { type: 'string', default: 'true' } } })
const CHAINS = Number(values.chains)
const TRACES = Number(values.traces)
const EVENTS_PER_CHAIN = 10
const SHARED_LOTS = 1000
const CP = '6901234'

const gtin = (item) => {
  const body = `0${CP}${String(item).padStart(5, '0')}`
  return body + gs1CheckDigit(body)
}
const GTINS = { rice: gtin(11), bean: gtin(12), mix: gtin(21), salt: gtin(31), product: gtin(103) }
const lot = (g, l) => ({ key: `01/${g}/10/${l}`, id: `urn:epc:class:lgtin:${CP}.${g.slice(0, 1)}${g.slice(8, 13)}.${l}` })
const sscc = (n) => {
  const digits = `0${CP}${String(n).padStart(9, '0')}`
  return { key: `00/${digits}${gs1CheckDigit(digits)}`, id: `urn:epc:id:sscc:${CP}.0${String(n).padStart(9, '0')}` }
}

function records() {
  const out = []
  let seq = 1
  let time = Date.parse('2026-01-01T00:00:00Z')
  const edge = (from, to, eventType, bizStep) => {
    const eventTime = new Date(time).toISOString()
    const value = { from: from.id, to: to.id, seq, eventType, bizStep, eventTime }
    out.push({ space: SPACES.forward, key: `${from.key}${SEP}${to.key}${SEP}${seqKey(seq)}`, value })
    out.push({ space: SPACES.backward, key: `${to.key}${SEP}${from.key}${SEP}${seqKey(seq)}`, value })
  }
  const object = (o, g, l) => out.push({ space: SPACES.object, key: o.key, value: { id: o.id, key: o.key, digitalLink: `https://id.gs1.org/${o.key}`, ...(g ? { gtin: g, lot: l } : {}), producer: 'bench', firstSeq: seq } })
  return {
    out,
    chain(i) {
      const farmA = lot(GTINS.rice, `R${i}`)
      const farmB = lot(GTINS.bean, `B${i}`)
      const mix = lot(GTINS.mix, `M${i}`)
      const shared = lot(GTINS.salt, `S${i % SHARED_LOTS}`)
      const product = lot(GTINS.product, `P${i}`)
      const kase = sscc(1_000_000 + i)
      const pallet = sscc(Math.floor(i / 10))
      object(farmA, GTINS.rice, `R${i}`), seq++ // commissioning
      object(farmB, GTINS.bean, `B${i}`), seq++ // commissioning
      object(mix, GTINS.mix, `M${i}`), edge(farmA, mix, 'TransformationEvent', 'creating_class_instance'), edge(farmB, mix, 'TransformationEvent', 'creating_class_instance'), seq++
      object(product, GTINS.product, `P${i}`), edge(mix, product, 'TransformationEvent', 'creating_class_instance'), edge(shared, product, 'TransformationEvent', 'creating_class_instance'), seq++
      object(kase), edge(product, kase, 'AggregationEvent', 'packing'), seq++
      if (i % 10 === 0) object(pallet)
      edge(kase, pallet, 'AggregationEvent', 'packing'), seq++
      seq += 4 // shipping, receiving, storing, retail_selling: no edges
      time += 60_000
    },
    reset() {
      out.length = 0
    },
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tracechain-trace-bench-'))
const store = await LevelStore.open(join(dir, 'db'))
const memory = { forward: new Map(), backward: new Map() }
const remember = (map, from, to) => {
  const list = map.get(from) ?? []
  list.push(to)
  map.set(from, list)
}

console.log(`building ${CHAINS.toLocaleString()} chains = ${(CHAINS * EVENTS_PER_CHAIN).toLocaleString()} events …`)
let started = performance.now()
const builder = records()
for (const g of Object.values(GTINS)) {
  await store.commit({ entries: [], tiles: [], records: [{ space: SPACES.product, key: g, value: { gtin: g, name: { zh: '样品', en: 'Sample' }, owner: 'bench', seqs: [0] } }] })
}
for (let i = 0; i < CHAINS; i++) {
  builder.chain(i)
  if (builder.out.length >= 20_000 || i === CHAINS - 1) {
    await store.commit({ entries: [], tiles: [], records: builder.out })
    builder.reset()
  }
}
console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`)
// Each object's edges in one record, as appends write them: built here by the upgrade that builds them
// for a store written before they existed, which is timed too.
started = performance.now()
await buildAdjacencyIndex(store)
console.log(`adjacency index built in ${((performance.now() - started) / 1000).toFixed(1)} s`)
// A node that has held a million events for a while is not compacting all of them at once: let
// LevelDB's background compaction of the bulk load settle before timing reads.
const SETTLE_SECONDS = 15
await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000))

// The node's own reader (ledger/ledger-reads.ts LedgerReads.records): a range is read in one go.
const reader = {
  get: (space, key) => store.getRecord(space, key),
  getMany: (space, keys) => store.getRecords(space, keys),
  range: (space, options) => store.getRange(space, options),
}

/** The floor: the same breadth-first walk over in-memory maps. */
function memoryTrace(key, direction, depth) {
  const map = direction === 'forward' ? memory.forward : memory.backward
  const seen = new Set([key])
  let frontier = [key]
  for (let hop = 0; hop < depth && frontier.length; hop++) {
    const next = []
    for (const k of frontier) for (const o of map.get(k) ?? []) if (!seen.has(o)) (seen.add(o), next.push(o))
    frontier = next
  }
  return seen.size
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function measure(name, ids, fn) {
  for (const id of ids.slice(0, 50)) await fn(id)
  const times = []
  let nodes = 0
  for (const id of ids) {
    const t0 = performance.now()
    nodes += await fn(id)
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  console.log(
    `${name.padEnd(46)} p50 ${percentile(times, 50).toFixed(3)} ms  p99 ${percentile(times, 99).toFixed(3)} ms  max ${times[times.length - 1].toFixed(2)} ms  (${(nodes / ids.length).toFixed(1)} nodes)`,
  )
}

const random = (n) => Math.floor(Math.random() * n)
const pallets = Array.from({ length: TRACES }, () => sscc(Math.floor(random(CHAINS) / 10)))
const farmLots = Array.from({ length: TRACES }, () => lot(GTINS.rice, `R${random(CHAINS)}`))
const products = Array.from({ length: TRACES }, () => lot(GTINS.product, `P${random(CHAINS)}`))

console.log(`\n${TRACES} traces each, random start points, ${(CHAINS * EVENTS_PER_CHAIN).toLocaleString()} events in the ledger:`)
const levelZero = () => /^\s+0\s+(\d+)/m.exec(store.db.getProperty('leveldb.stats'))?.[1] ?? '?'
console.log(`(level-0 tables left by the bulk load: ${levelZero()})`)
if (values['warm-up'] !== 'false') {
  const warmed = await warmUpTraces(reader)
  console.log(`(the node's warm-up at open: ${warmed.traces} traces both ways in ${warmed.ms.toFixed(0)} ms)`)
}
await measure('backward 5 hops from a pallet (LevelDB), first pass', pallets, async (o) => (await traceGraph(reader, o.id, 'backward', 5)).nodes.length)
// Without the warm-up the first traces after the store opened are cold: V8 has not yet optimised the walk,
// LevelDB's block cache is empty, and their reads set off the compaction of the bulk load's last level-0
// tables (a read that looks through more than one table charges the first; a table charged often enough is
// compacted), which shares the two cores with them. Compacting everything first (compactRange) left this
// pass's p99 at 4.6-4.7 ms; 1,000 traces of other pallets first brought it to 2.8-3.3, the figure of the
// warm pass below.
console.log(`(level-0 tables now: ${levelZero()})`)
const otherPallets = Array.from({ length: TRACES }, () => sscc(Math.floor(random(CHAINS) / 10)))
await measure('  2,000 other pallets, second pass', otherPallets, async (o) => (await traceGraph(reader, o.id, 'backward', 5)).nodes.length)
await measure('forward 5 hops from a farm lot (LevelDB)', farmLots, async (o) => (await traceGraph(reader, o.id, 'forward', 5)).nodes.length)
await measure('both ways 5 hops from a product lot (LevelDB)', products, async (o) => (await traceGraph(reader, o.id, 'both', 5)).nodes.length)

// The peer's maps are built only now, so their garbage does not land in the measurements above.
const peerBuilder = records()
for (let i = 0; i < CHAINS; i++) {
  peerBuilder.chain(i)
  for (const r of peerBuilder.out) {
    if (r.space !== SPACES.forward) continue
    const [from, to] = r.key.split(SEP)
    remember(memory.forward, from, to)
    remember(memory.backward, to, from)
  }
  peerBuilder.reset()
}
console.log('peer: the same walks over in-memory adjacency maps')
await measure('  backward 5 hops from a pallet', pallets, async (o) => memoryTrace(o.key, 'backward', 5))
await measure('  forward 5 hops from a farm lot', farmLots, async (o) => memoryTrace(o.key, 'forward', 5))
await measure('  both ways 5 hops from a product lot', products, async (o) => memoryTrace(o.key, 'backward', 5) + memoryTrace(o.key, 'forward', 5))

await store.close()
rmSync(dir, { recursive: true, force: true })
