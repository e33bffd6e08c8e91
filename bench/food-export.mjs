// GET /v1/export/fsma204 and GET /v1/events on the zongzi demo and on a generated ledger of farm -> factory
// -> market cycles (7 events each: commissioning, shipping, receiving, a transformation with two input lots,
// packing on a pallet, shipping and receiving the pallet), in process through Fastify's inject. Beside
// each export: reading every event entry once, the floor any export of all events pays.
//   node bench/food-export.mjs [--cycles 700] [--runs 5]

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dist, flags, fmt, machine, table } from './lib.mjs'

const options = flags({ cycles: 700, runs: 5 })
const { initialiseNode, readKeyFile } = await dist('cli/node-dir.js')
const { seedLedger } = await dist('cli/demo.js')
const { buildApp } = await dist('http/app.js')
const { buildStatementEnvelope } = await dist('core/dsse.js')
const { toBase64 } = await dist('core/bytes.js')
const { generateSigner } = await dist('cli/node-dir.js')

const dir = mkdtempSync(join(tmpdir(), 'tracechain-food-export-'))
const node = await initialiseNode(dir)
const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
await seedLedger(node.ledger, operator)
const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })

/** Best of `runs`: wall and process CPU (all threads, LevelDB's included) in ms, and the body size. */
async function measure(url) {
  let wall = Infinity
  let cpu = Infinity
  let bytes = 0
  for (let i = 0; i < options.runs; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const response = await app.inject(url)
    wall = Math.min(wall, performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu = Math.min(cpu, (c.user + c.system) / 1000)
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`)
    bytes = response.rawPayload.length
  }
  return { wall, cpu, bytes }
}

/** The floor: every entry read and decoded once, a chunk at a time as the export does. */
async function readEveryEntry() {
  let wall = Infinity
  for (let i = 0; i < options.runs; i++) {
    const t0 = performance.now()
    for (let from = 0; from < node.ledger.size; from += 1000) {
      const entries = await node.ledger.getEntries(from, Math.min(1000, node.ledger.size - from))
      for (const { entry } of entries) JSON.parse(Buffer.from(entry.envelope.payload, 'base64').toString('utf8'))
    }
    wall = Math.min(wall, performance.now() - t0)
  }
  return wall
}

const rows = [['request', 'wall ms', 'cpu ms', 'body']]
const add = async (label, url) => {
  const { wall, cpu, bytes } = await measure(url)
  rows.push([label, fmt.ms(wall), fmt.ms(cpu), fmt.bytes(bytes)])
}
await add('demo: export, all', '/v1/export/fsma204')
await add('demo: export, lot R2605A and linked', `/v1/export/fsma204?lot=${encodeURIComponent('(01)06901234000115(10)R2605A')}`)
await add('demo: events, all', '/v1/events')

// The generated supply chain, signed by one processor registered without locations.
const signer = generateSigner()
await node.ledger.submit(
  buildStatementEnvelope(
    { type: 'actor.register', actor: 'operator', id: 'register-bench-food', issuedAt: new Date().toISOString(), body: { id: 'bench-food', name: 'bench', roles: ['processor'], publicKey: toBase64(signer.publicKey) } },
    [operator],
  ),
)
const at = (day, hour) => ({ eventTime: new Date(Date.UTC(2026, 0, 1) + day * 86_400_000 + hour * 3_600_000).toISOString(), eventTimeZoneOffset: '+08:00' })
const place = (n) => ({ id: `urn:epc:id:sgln:6901234.${String(n).padStart(5, '0')}.0` })
const envelopes = []
const event = (body) =>
  envelopes.push(buildStatementEnvelope({ type: 'food.event', actor: 'bench-food', id: `e${envelopes.length}`, issuedAt: new Date().toISOString(), body }, [signer]))
for (let c = 0; c < options.cycles; c++) {
  const day = Math.floor(c / 10)
  const raw = `https://id.gs1.org/01/06901234000115/10/G${c}`
  const made = `https://id.gs1.org/01/06901234001037/10/H${c}`
  const pallet = `urn:epc:id:sscc:6901234.${String(1_000_000_000 + c)}`
  const lot = (epcClass, quantity) => [{ epcClass, quantity, uom: 'KGM' }]
  event({ type: 'ObjectEvent', ...at(day, 0), action: 'ADD', bizStep: 'commissioning', quantityList: lot(raw, 100), readPoint: place(1), bizLocation: place(1) })
  event({ type: 'ObjectEvent', ...at(day, 1), action: 'OBSERVE', bizStep: 'shipping', quantityList: lot(raw, 100), readPoint: place(1), destinationList: [{ type: 'location', destination: place(3).id }], bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:6901234000005:PO-${c}` }] })
  event({ type: 'ObjectEvent', ...at(day, 3), action: 'OBSERVE', bizStep: 'receiving', quantityList: lot(raw, 100), readPoint: place(3), bizLocation: place(3) })
  event({ type: 'TransformationEvent', ...at(day, 5), bizStep: 'creating_class_instance', inputQuantityList: [...lot(raw, 90), ...lot(`https://id.gs1.org/01/06901234000115/10/G${Math.max(0, c - 1)}`, 5)], outputQuantityList: lot(made, 95), readPoint: place(3), bizLocation: place(3) })
  event({ type: 'AggregationEvent', ...at(day, 6), action: 'ADD', bizStep: 'packing', parentID: pallet, childQuantityList: lot(made, 95), readPoint: place(3) })
  event({ type: 'ObjectEvent', ...at(day, 7), action: 'OBSERVE', bizStep: 'shipping', epcList: [pallet], readPoint: place(3), sourceList: [{ type: 'location', source: place(3).id }], destinationList: [{ type: 'location', destination: place(5).id }] })
  event({ type: 'ObjectEvent', ...at(day, 9), action: 'OBSERVE', bizStep: 'receiving', epcList: [pallet], readPoint: place(5), bizLocation: place(5) })
}
const started = performance.now()
for (let i = 0; i < envelopes.length; i += 1000) await Promise.all(envelopes.slice(i, i + 1000).map((e) => node.ledger.submit(e)))
const appendMs = performance.now() - started

const events = `${fmt.int(envelopes.length)} events`
await add(`${events}: export, all`, '/v1/export/fsma204')
rows.push([`${events}: read every entry once (floor)`, fmt.ms(await readEveryEntry()), '', ''])
await add(`${events}: export, one week (dates)`, '/v1/export/fsma204?from=2026-01-10&to=2026-01-16')
await add(`${events}: export, one lot and linked`, `/v1/export/fsma204?lot=${encodeURIComponent(`(01)06901234000115(10)G${Math.floor(options.cycles / 2)}`)}`)
await add(`${events}: events, perPage=1000`, '/v1/events?perPage=1000')
await add(`${events}: events, MATCH_anyEPC one pallet`, `/v1/events?MATCH_anyEPC=${encodeURIComponent('urn:epc:id:sscc:6901234.1000000005')}`)
await add(`${events}: events, EQ_bizLocation + 5 days`, `/v1/events?EQ_bizLocation=${encodeURIComponent(place(3).id)}&GE_eventTime=2026-01-20T00:00:00Z&LT_eventTime=2026-01-25T00:00:00Z`)
await add(`${events}: events, eventType with no match (full scan)`, '/v1/events?eventType=AssociationEvent')

process.stdout.write(`${machine()}\nappended ${events} in ${fmt.ms(appendMs, 0)} ms (in process); best of ${options.runs}\n\n${table(rows)}\n`)
await app.close()
await node.close()
rmSync(dir, { recursive: true, force: true })
