#!/usr/bin/env node
// The steps of an append one at a time, in one process, on the same ~1 KB signed statements append.mjs
// sends: CPU microseconds per event for each step as src/ does it today, each beside a cheaper way to do
// the same thing measured in the same run (the figures behind the recommendations in bench/README.md).
// Ends with the whole Ledger in-process (no HTTP) and with Ed25519 verification batched into worker
// threads, against the per-signature crypto.verify callbacks the node uses now. Prints; asserts nothing.
//
//   node bench/steps.mjs [--events 10000] [--ledger-events 30000]

import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { dist, flags, fmt, ISSUED_AT, machine, registerBody, table } from './lib.mjs'

const opts = flags({ events: 10000, ledgerEvents: 30000, batch: 1000, concurrency: 4 })
const N = opts.events

const { buildStatementEnvelope, decodeEnvelope, pae } = await dist('core/dsse.js')
const { parseStatementPayload } = await dist('core/statement.js')
const { canonicalBytes } = await dist('core/canonical-json.js')
const { sha256 } = await dist('core/hash.js')
const { leafHash } = await dist('core/merkle.js')
const { toHex, toBase64, fromBase64 } = await dist('core/bytes.js')
const { appendLeaves } = await dist('core/tiles.js')
const { signCheckpoint } = await dist('core/checkpoint.js')
const { loadSchemas, validateBody } = await dist('ledger/schemas.js')
const { nodeEd25519 } = await dist('core/ed25519-node.js')
const { generateSigner, initialiseNode, readKeyFile } = await dist('cli/node-dir.js')
const { LevelStore } = await dist('store/level-store.js')

const log = (line) => process.stderr.write(line + '\n')
const runTag = `s${Date.now().toString(36)}`
const admin = { id: `${runTag}-admin`, signer: generateSigner() }
const issuedAt = ISSUED_AT()
// through JSON and back, so every string is flat and fresh as the node sees them after parsing a request
const envelopes = JSON.parse(
  JSON.stringify(
    Array.from({ length: N }, (_, i) =>
      buildStatementEnvelope({ type: 'actor.register', actor: admin.id, id: `${runTag}-${i}`, issuedAt, body: registerBody(`${runTag}-m${i}`, i) }, [admin.signer]),
    ),
  ),
)
const batchBody = JSON.stringify({ envelopes: envelopes.slice(0, opts.batch) })
const decoded = envelopes.map((e) => decodeEnvelope(e))
const statements = decoded.map((d) => parseStatementPayload(d.payload))
const messages = decoded.map((d) => pae(d.payloadType, d.payload))
const recordedAt = new Date().toISOString()
const entries = envelopes.map((envelope, seq) => ({ seq, prev: 'ab'.repeat(32), recordedAt, envelope }))
const entryBytes = entries.map((e) => canonicalBytes(e))
const leaves = entryBytes.map((b) => leafHash(b))

const rows = [['step (per event)', 'CPU µs', 'wall µs', 'note']]
const results = {}

/** Runs fn(i) for every event, a few rounds, keeps the fastest round (CPU of the whole process). */
function measure(label, fn, note = '', { rounds = 3, count = N } = {}) {
  let best
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < count; i++) fn(i)
    const wall = ((performance.now() - t0) * 1000) / count
    const c = process.cpuUsage(cpu0)
    const cpu = (c.user + c.system) / count
    if (!best || cpu < best.cpu) best = { cpu, wall }
  }
  results[label] = best
  rows.push([label, fmt.us(best.cpu), fmt.us(best.wall), note])
  return best
}
const section = (title) => rows.push([`-- ${title}`, '', '', ''])

// ---- HTTP body ----
section('request')
measure('JSON.parse of a batch body', (i) => i % opts.batch === 0 && JSON.parse(batchBody), `per event of a ${opts.batch}-envelope body (${fmt.int(batchBody.length / opts.batch)} B each)`)
const envelopeValidator = loadSchemas().validator('envelope')
measure('ajv envelope shape (checkEnvelopeShape)', (i) => envelopeValidator(envelopes[i]))

// ---- prepare ----
section('prepare: checks that need no ledger state')
measure('decodeEnvelope (strict base64 in JS)', (i) => decodeEnvelope(envelopes[i]))
measure('  alternative: Buffer.from(payload, "base64") + re-encode check', (i) => {
  const b = Buffer.from(envelopes[i].payload, 'base64')
  if (b.toString('base64') !== envelopes[i].payload) throw new Error('not canonical base64')
}, 'strictness kept by comparing the re-encoding')
measure('parseStatementPayload (UTF-8, JSON.parse, JCS check)', (i) => parseStatementPayload(decoded[i].payload))
measure('validateBody (ajv, actor.register schema)', (i) => validateBody('actor.register', statements[i].body))
{
  // the same schema compiled the same way, but without uniqueItems on locations: ajv's check of it is most of the cost
  const schema = structuredClone(loadSchemas().documents.get('actor.register'))
  delete schema.properties.locations.uniqueItems
  delete schema.$id
  const { Ajv2020 } = await import('ajv/dist/2020.js')
  const addFormats = (await import('ajv-formats')).default
  const ajv = new Ajv2020({ allErrors: false, strict: false, allowUnionTypes: true })
  addFormats(ajv)
  const validate = ajv.compile(schema)
  measure('  alternative: same schema without locations uniqueItems, a Set instead', (i) => {
    const body = statements[i].body
    if (!validate(body)) throw new Error('invalid')
    if (body.locations && new Set(body.locations).size !== body.locations.length) throw new Error('duplicate location')
  }, 'ajv uniqueItems on 12 strings costs ~8 µs')
}
measure('pae', (i) => pae(decoded[i].payloadType, decoded[i].payload))
measure('payload SHA-256, core/hash.js (core/sha256.ts, the browsers\' backend)', (i) => toHex(sha256(decoded[i].payload)))
measure('  alternative: node:crypto createHash', (i) => createHash('sha256').update(decoded[i].payload).digest('hex'))
const adminKey = admin.signer.publicKey
measure('Ed25519 verify, node:crypto, synchronous', (i) => nodeEd25519.verify(adminKey, messages[i], decoded[i].signatures[0].sig), 'the whole signature check on one core', { rounds: 1 })

// ---- sequence ----
section('sequencer: per statement')
measure('canonicalBytes(entry), core (canonicalize)', (i) => canonicalBytes(entries[i]))
const entryJcs = ({ seq, prev, recordedAt, envelope }) =>
  `{"envelope":{"payload":${JSON.stringify(envelope.payload)},"payloadType":${JSON.stringify(envelope.payloadType)},"signatures":[${envelope.signatures
    .map((s) => `{"keyid":${JSON.stringify(s.keyid)},"sig":${JSON.stringify(s.sig)}}`)
    .join(',')}]},"prev":"${prev}","recordedAt":"${recordedAt}","seq":${seq}}`
for (let i = 0; i < 100; i++) if (Buffer.compare(Buffer.from(entryJcs(entries[i])), Buffer.from(entryBytes[i])) !== 0) throw new Error('entry template differs from JCS')
measure('  alternative: fixed-shape template (same bytes, checked)', (i) => Buffer.from(entryJcs(entries[i])), 'valid because the envelope fields were already checked: base64, hex')
measure('leafHash, core/merkle.js (core/sha256.ts)', (i) => leafHash(entryBytes[i]))
const zero = Buffer.alloc(1)
measure('  alternative: node:crypto createHash', (i) => createHash('sha256').update(zero).update(entryBytes[i]).digest())
measure('keyIdOf(publicKey) in actor.register (core/sha256.ts)', (i) => toHex(sha256(fromBase64(statements[i].body.publicKey)).subarray(0, 8)), 'actor.register only')

section('sequencer: per group of 1000, divided by 1000')
measure('tree: appendLeaves', (i) => i % opts.batch === 0 && appendLeaves(i, rightmostFor(i), leaves.slice(i, i + opts.batch)))
function rightmostFor(size) {
  // the rightmost tiles for `size` from a fresh append of the first `size` leaves (memoised)
  rightmostFor.cache ??= new Map()
  if (!rightmostFor.cache.has(size)) rightmostFor.cache.set(size, size === 0 ? [] : appendLeaves(0, [], leaves.slice(0, size)).rightmost)
  return rightmostFor.cache.get(size)
}
for (let i = 0; i < N; i += opts.batch) rightmostFor(i)
const nodeSigner = generateSigner()
const noteSigner = { name: 'tracechain.local/bench', publicKey: nodeSigner.publicKey, sign: (m) => nodeSigner.sign(m) }
measure('signCheckpoint', (i) => i % opts.batch === 0 && signCheckpoint({ origin: noteSigner.name, size: i + 1, rootHash: leaves[i], extensions: [] }, noteSigner))
measure('response: JSON.stringify of {seq, leafHash}', (i) => i % opts.batch === 0 && JSON.stringify({ results: leaves.slice(i, i + opts.batch).map((l, k) => ({ seq: i + k, leafHash: toHex(l) })) }))

// ---- the store ----
section('store: one synced LevelDB batch per 1000 (CPU includes the libuv pool and LevelDB threads)')
async function storeRun(label, note, makeStore) {
  const dir = mkdtempSync(join(os.tmpdir(), 'tracechain-steps-'))
  const { commit, close } = await makeStore(dir)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < N; i += opts.batch) await commit(i, Math.min(N, i + opts.batch))
  const wall = ((performance.now() - t0) * 1000) / N
  const c = process.cpuUsage(cpu0)
  await close()
  rmSync(dir, { recursive: true, force: true })
  results[label] = { cpu: (c.user + c.system) / N, wall }
  rows.push([label, fmt.us(results[label].cpu), fmt.us(wall), note])
}
const actorRecord = (i) => ({ id: statements[i].body.id, name: statements[i].body.name, roles: statements[i].body.roles, org: statements[i].body.org, locations: statements[i].body.locations, keys: [{ keyid: '0123456789abcdef', publicKey: statements[i].body.publicKey, addedAt: i }], seqs: [i] })
await storeRun('LevelStore.commit: entry + idem + actor records (today)', 'JSON value encoding, sublevel ops', async (dir) => {
  const store = await LevelStore.open(join(dir, 'db'))
  return {
    commit: (from, to) => {
      const accepted = []
      const records = []
      for (let i = from; i < to; i++) {
        accepted.push({ seq: i, bytes: entryBytes[i] })
        records.push({ space: 'idem', key: `${admin.id}\u0000${statements[i].id}`, value: { seq: i, payloadHash: 'ab'.repeat(32), leafHash: toHex(leaves[i]) } })
        records.push({ space: 'actor', key: statements[i].body.id, value: actorRecord(i) })
      }
      return store.commit({ entries: accepted, tiles: [], head: { size: to, rootHash: 'ab'.repeat(32), lastLeafHash: 'ab'.repeat(32), checkpoint: 'x' }, records })
    },
    close: () => store.close(),
  }
})
const { Level } = await import('level')
for (const compression of [true, false]) {
  await storeRun(`  alternative: pre-encoded keys and values, one db.batch${compression ? '' : ', compression off'}`, 'prefixes written by hand; values as Buffers', async (dir) => {
    const db = new Level(join(dir, 'db'), { keyEncoding: 'utf8', valueEncoding: 'buffer', compression })
    await db.open()
    return {
      commit: (from, to) => {
        const ops = []
        for (let i = from; i < to; i++) {
          ops.push({ type: 'put', key: `!entries!${i.toString(16).padStart(12, '0')}`, value: Buffer.from(entryBytes[i].buffer, entryBytes[i].byteOffset, entryBytes[i].length) })
          ops.push({ type: 'put', key: `!r:idem!${admin.id}\u0000${statements[i].id}`, value: Buffer.from(JSON.stringify({ seq: i, payloadHash: 'ab'.repeat(32), leafHash: toHex(leaves[i]) })) })
          ops.push({ type: 'put', key: `!r:actor!${statements[i].body.id}`, value: Buffer.from(JSON.stringify(actorRecord(i))) })
        }
        ops.push({ type: 'put', key: '!meta!head', value: Buffer.from('{}') })
        return db.batch(ops, { sync: true })
      },
      close: () => db.close(),
    }
  })
}

// ---- verification: per-signature callbacks on the libuv pool vs batches in worker threads ----
section('Ed25519 verify throughput, all cores (events/s; CPU µs = main thread time per event)')
const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(adminKey)]), format: 'der', type: 'spki' })
{
  const t0 = performance.now()
  let issueMs = 0
  for (let round = 0; round < 2; round++) {
    await new Promise((resolve) => {
      let done = 0
      const s = performance.now()
      for (let i = 0; i < N; i++) nodeEd25519.verifyAsync(adminKey, messages[i], decoded[i].signatures[0].sig).then(() => ++done === N && resolve())
      issueMs += performance.now() - s
    })
  }
  const seconds = (performance.now() - t0) / 1000
  results.verifyAsync = { rate: (2 * N) / seconds, issueUs: (issueMs * 1000) / (2 * N) }
  rows.push(['verifyAsync per signature (today)', fmt.us(results.verifyAsync.issueUs), '', `${fmt.int(results.verifyAsync.rate)}/s; crypto.verify callback per signature, a promise each`])
}
{
  const workerCode = `
    const { parentPort } = require('node:worker_threads')
    const { createPublicKey, verify } = require('node:crypto')
    const keys = new Map()
    parentPort.on('message', ({ id, key, data, offsets }) => {
      let k = keys.get(key); if (!k) { k = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(key, 'base64')]), format: 'der', type: 'spki' }); keys.set(key, k) }
      const buf = Buffer.from(data)
      const ok = new Uint8Array(offsets.length - 1)
      for (let i = 0; i + 1 < offsets.length; i++) {
        const sig = buf.subarray(offsets[i], offsets[i] + 64)
        const msg = buf.subarray(offsets[i] + 64, offsets[i + 1])
        ok[i] = verify(null, msg, k, sig) ? 1 : 0
      }
      parentPort.postMessage({ id, ok }, [ok.buffer])
    })`
  const workers = Array.from({ length: os.cpus().length }, () => new Worker(workerCode, { eval: true }))
  let nextId = 0
  const pending = new Map()
  for (const w of workers) w.on('message', ({ id, ok }) => pending.get(id)(ok))
  const keyText = toBase64(adminKey)
  const verifyChunk = (worker, from, to) => {
    let length = 0
    for (let i = from; i < to; i++) length += 64 + messages[i].length
    const data = new Uint8Array(length)
    const offsets = new Uint32Array(to - from + 1)
    let at = 0
    for (let i = from; i < to; i++) {
      offsets[i - from] = at
      data.set(decoded[i].signatures[0].sig, at)
      data.set(messages[i], at + 64)
      at += 64 + messages[i].length
    }
    offsets[to - from] = at
    const id = nextId++
    return new Promise((resolve) => {
      pending.set(id, resolve)
      worker.postMessage({ id, key: keyText, data: data.buffer, offsets }, [data.buffer])
    })
  }
  await verifyChunk(workers[0], 0, 10) // start-up
  await verifyChunk(workers[1 % workers.length], 0, 10)
  const t0 = performance.now()
  let mainMs = 0
  let failures = 0
  for (let round = 0; round < 2; round++) {
    const chunks = []
    const per = Math.ceil(opts.batch / workers.length)
    for (let i = 0; i < N; i += per) {
      const s = performance.now()
      chunks.push(verifyChunk(workers[(i / per) % workers.length], i, Math.min(N, i + per)))
      mainMs += performance.now() - s
    }
    for (const ok of await Promise.all(chunks)) for (const v of ok) if (!v) failures++
  }
  const seconds = (performance.now() - t0) / 1000
  results.verifyWorkers = { rate: (2 * N) / seconds, issueUs: (mainMs * 1000) / (2 * N), failures }
  rows.push([`  alternative: ${workers.length} worker threads, ${Math.ceil(opts.batch / workers.length)} per message`, fmt.us(results.verifyWorkers.issueUs), '', `${fmt.int(results.verifyWorkers.rate)}/s; one transfer per chunk, a byte per result${failures ? `; ${failures} failed!` : ''}`])
  await Promise.all(workers.map((w) => w.terminate()))
  void cryptoVerify
  void spki
}

// ---- the whole ledger in this process, no HTTP ----
section('the whole Ledger in-process, no HTTP (events/s; CPU µs per event, all threads)')
{
  const dir = mkdtempSync(join(os.tmpdir(), 'tracechain-steps-ledger-'))
  const node = await initialiseNode(dir)
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  const admins = Array.from({ length: 4 }, (_, i) => ({ id: `${runTag}-ladmin-${i}`, signer: generateSigner() }))
  await node.ledger.submitMany(admins.map(({ id, signer }) => buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: `r-${id}`, issuedAt, body: { id, name: id, roles: ['admin'], publicKey: toBase64(signer.publicKey) } }, [operator])))
  const total = opts.ledgerEvents
  const all = JSON.parse(
    JSON.stringify(
      Array.from({ length: total }, (_, i) =>
        buildStatementEnvelope({ type: 'actor.register', actor: admins[i % 4].id, id: `${runTag}-l${i}`, issuedAt, body: registerBody(`${runTag}-lm${i}`, i) }, [admins[i % 4].signer]),
      ),
    ),
  )
  const warm = Math.min(4000, total / 5)
  await node.ledger.submitMany(all.slice(0, warm))
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let next = warm
  let accepted = 0
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < total) {
        const from = next
        next += opts.batch
        const out = await node.ledger.submitMany(all.slice(from, Math.min(total, from + opts.batch)))
        accepted += out.filter((r) => typeof r.seq === 'number').length
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  const c = process.cpuUsage(cpu0)
  results.ledger = { rate: accepted / seconds, cpu: (c.user + c.system) / accepted }
  rows.push([`Ledger.submitMany, ${opts.concurrency} x ${opts.batch} in flight`, fmt.us(results.ledger.cpu), '', `${fmt.int(results.ledger.rate)} events/s over ${fmt.int(accepted)} (after ${fmt.int(warm)} warm-up)`])
  await node.close()
  rmSync(dir, { recursive: true, force: true })
}

process.stdout.write(`tracechain append steps: ${machine()}\n${fmt.int(N)} actor.register statements, ${fmt.int(messages[0].length)} B PAE, ${fmt.int(entryBytes[0].length)} B entry\n\n${table(rows)}\n`)
log('')
