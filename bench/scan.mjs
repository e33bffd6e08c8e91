#!/usr/bin/env node
// What a phone fetches to verify a lot page on a large log: the page, its script, then the checkpoint, the
// entries it shows and their proofs. A node in its own process grows a log of --entries food events (other
// farms' lots) with one lot's journey of --steps events spread evenly through it; the page of that lot is
// then verified as the browser verifier does (web/verify-log.ts with the page's own LogSource), twice:
// its entries and their proofs read from the API, as a page on the node's own tiles does, and read from their
// 256-entry bundles, as a page on a CDN's copy of the tiles does (and as every page did before). Counts the
// bytes on the wire in brotli, the requests and the time. Prints figures; asserts nothing.
//
//   node bench/scan.mjs [--entries 100000] [--steps 8] [--batch 1000]

import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { dist, flags, fmt, httpClient, machine, startNode, table } from './lib.mjs'

const opts = flags({ entries: 100000, steps: 8, batch: 1000 })
const { buildStatementEnvelope } = await dist('core/dsse.js')
const { seedOverHttp } = await dist('cli/demo.js')
const { generateSigner, readKeyFile } = await dist('cli/node-dir.js')
const { toBase64 } = await dist('core/bytes.js')
const { nobleEd25519 } = await dist('core/ed25519.js')
const { verifyLogEntries } = await dist('web/verify-log.js')
const { httpLogSource } = await dist('web/http-log-source.js')

const log = (line) => process.stdout.write(line + '\n')
const dir = mkdtempSync(join(os.tmpdir(), 'tracechain-scan-'))
const node = await startNode(dir, { env: { TRACECHAIN_RATE_LIMITS: 'labels=off,trace=off,search=off,verify=off' } })
const client = httpClient(node.url, { connections: 4 })
log(`scan: ${machine()}`)
log(await seedOverHttp(node.url, join(dir, 'keys', 'operator.json')))

// ---- the log: farms' lots, and one lot's journey spread through them ----
const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
const tag = `scan${Date.now().toString(36)}`
const farms = Array.from({ length: 5 }, (_, i) => ({ id: `${tag}-farm-${i}`, signer: generateSigner(), location: `urn:epc:id:sgln:6901234.${String(40 + i).padStart(5, '0')}.0` }))
const registered = await client.post(
  '/v1/statements',
  Buffer.from(
    JSON.stringify({
      envelopes: farms.map(({ id, signer, location }) =>
        buildStatementEnvelope(
          { type: 'actor.register', actor: 'operator', id: `register-${id}`, issuedAt: new Date().toISOString(), body: { id, name: id, roles: ['farm'], publicKey: toBase64(signer.publicKey), locations: [location] } },
          [operator],
        ),
      ),
    }),
  ),
)
if (registered.status !== 200) throw new Error(`registering the farms: ${registered.status} ${registered.body}`)

// A GTIN no food.product registers: open to any farm.
const lotUri = (lot) => `https://id.gs1.org/01/06901234999990/10/${lot}`
const JOURNEY = ['commissioning', 'inspecting', 'storing', 'packing', 'storing', 'inspecting', 'staging_outbound', 'shipping']
let sequence = 0
function foodEvent(farm, lot, step) {
  const i = sequence++
  const body = {
    type: 'ObjectEvent',
    eventTime: new Date(Date.parse('2026-05-20T00:00:00.000Z') + i * 1000).toISOString(),
    eventTimeZoneOffset: '+08:00',
    action: step === 'commissioning' ? 'ADD' : 'OBSERVE',
    bizStep: step,
    quantityList: [{ epcClass: lotUri(lot), quantity: 2000, uom: 'KGM' }],
    readPoint: { id: farm.location },
    bizLocation: { id: farm.location },
  }
  return buildStatementEnvelope({ type: 'food.event', actor: farm.id, id: `${tag}-${i}`, issuedAt: new Date().toISOString(), body }, [farm.signer])
}
async function append(envelopes) {
  const res = await client.post('/v1/statements', Buffer.from(JSON.stringify({ envelopes })))
  if (res.status !== 200) throw new Error(`append: ${res.status} ${res.body}`)
  for (const r of JSON.parse(res.body.toString()).results) if (typeof r.seq !== 'number') throw new Error(`refused: ${JSON.stringify(r)}`)
}
const lot = `${tag}J`
const steps = Math.min(opts.steps, JOURNEY.length)
const fillersPerStep = Math.floor(opts.entries / steps)
const started = Date.now()
/** The checkpoint a phone that scanned the lot halfway through its journey remembers (web/verify.ts keeps it). */
let remembered
const verifierKey = (await client.get('/v1/log/key')).body.toString().trim()
for (let step = 0; step < steps; step++) {
  if (step === Math.floor(steps / 2)) {
    const [, size, root] = (await client.get('/tlog/checkpoint')).body.toString().split('\n')
    remembered = { size: Number(size), root, key: verifierKey }
  }
  await append([foodEvent(farms[0], lot, JOURNEY[step])])
  for (let done = 0; done < fillersPerStep; done += opts.batch) {
    const n = Math.min(opts.batch, fillersPerStep - done)
    await append(Array.from({ length: n }, (_, k) => foodEvent(farms[1 + ((done + k) % 4)], `${tag}F${sequence}`, 'commissioning')))
  }
}
const size = JSON.parse((await client.get('/healthz')).body.toString()).size
log(`a log of ${size} entries in ${((Date.now() - started) / 1000).toFixed(0)} s; lot ${lot}: ${steps} events, one every ${fillersPerStep} entries`)

// ---- the wire: brotli asked for, bytes counted as they arrive ----
let wire = { requests: 0, bytes: 0, byKind: {} }
/** What a path is, for the breakdown: the checkpoint, hash tiles, bundles, or the API route. */
const kindOf = (path) => (path.startsWith('/tlog/tile/entries/') ? 'bundles' : path.startsWith('/tlog/tile/') ? 'hash tiles' : path.startsWith('/tlog/') ? 'checkpoint' : path.replace(/\?.*$/, '').replace(/\/[^/]*\d[^/]*$/, '/…'))
function wireFetch(url, init = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { ...(init.headers ?? {}), 'accept-encoding': 'br' } }, (response) => {
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () => {
        const raw = Buffer.concat(chunks)
        wire.requests++
        wire.bytes += raw.length
        const kind = kindOf(new URL(url).pathname)
        wire.byKind[kind] = (wire.byKind[kind] ?? 0) + raw.length
        const body = response.headers['content-encoding'] === 'br' ? brotliDecompressSync(raw) : raw
        resolve(new Response(response.statusCode === 304 ? null : body, { status: response.statusCode, headers: { 'content-type': response.headers['content-type'] ?? '' } }))
      })
      response.on('error', reject)
    })
    request.on('error', reject)
  })
}
globalThis.fetch = wireFetch

const page = await wireFetch(`${node.url}/01/06901234999990/10/${lot}`, { headers: { accept: 'text/html' } })
const pageBytes = wire.bytes
const html = await page.text()
const seqs = [...html.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1]))
const evidence = [...html.matchAll(/data-evidence="([\d ]*)"/g)].flatMap((m) => m[1].split(' ').filter(Boolean).map(Number))
const actors = [...html.matchAll(/data-actors="([^"]*)"/g)].flatMap((m) => m[1].split(' ').filter(Boolean))
const script = /src="\/web\/(consumer-[0-9a-f]{16}\.js)"/.exec(html)
if (script) await wireFetch(`${node.url}/web/${script[1]}`)
const scriptBytes = wire.bytes - pageBytes
const wanted = [...new Set([...seqs, ...evidence])]
log(`the page: ${fmt.int(pageBytes)} bytes, its script ${fmt.int(scriptBytes)} bytes (brotli); it shows ${wanted.length} entries (seqs ${Math.min(...wanted)}-${Math.max(...wanted)}) signed by ${new Set(actors).size} actors`)

const rows = [['entries read', 'requests', 'bytes on the wire', 'ms', 'outcome', 'bytes by what']]
const fromApi = ['from the API (GET /v1/proofs/entries)', () => httpLogSource(node.url)]
const fromTiles = ['from their bundles (the tiles)', () => httpLogSource(node.url, `${node.url}/tlog/`)]
const memory = (checkpoint) => ({ read: () => checkpoint, write: () => undefined })
for (const [[name, source], seen] of [
  [fromApi, undefined],
  [fromTiles, undefined],
  [fromApi, undefined],
  [fromTiles, undefined],
  [fromApi, remembered],
  [fromTiles, remembered],
]) {
  wire = { requests: 0, bytes: 0, byKind: {} }
  const t0 = performance.now()
  const outcome = await verifyLogEntries(source(), nobleEd25519, wanted, seen && memory(seen), actors)
  const ms = performance.now() - t0
  rows.push([seen ? `${name}, seen ${seen.size} before` : name, String(wire.requests), fmt.int(wire.bytes), ms.toFixed(0), outcome.ok ? `verified ${outcome.entries.length}` : JSON.stringify(outcome.failures.slice(0, 2)), Object.entries(wire.byKind).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt.int(v)}`).join(', ')])
}
log(table(rows))
log('(no browser cache: each run asks again; the first four show the spread, the last two a phone that saw the log at half its size)')

await node.stop()
rmSync(dir, { recursive: true, force: true })
process.exit(0)
