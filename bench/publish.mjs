#!/usr/bin/env node
// What publishing the log as static C2SP tlog-tiles (serve --publish) costs the node: the same signed
// statements appended into a Ledger in this process, once without a publisher and once with one publishing
// after every commit, for three shapes of load (one entry a commit, 100 a commit, 1000-statement requests
// four at a time as append.mjs sends them); then the bytes a published tree takes per 1,000 entries and the
// time `tracechain publish` takes to write a whole tree. Prints; asserts nothing.
//
//   node bench/publish.mjs [--entries 20000] [--single 600] [--rounds 3] [--interval MS (default: the publisher's)]
//                         [--loads single,hundred,requests] [--json]
//
// Each load runs --rounds times without a publisher and with one, alternately (the machine's own drift hits
// both alike); the medians are printed.

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import os from 'node:os'
import { join } from 'node:path'
import { diskUsage, dist, flags, fmt, ISSUED_AT, machine, registerBody, stats, table } from './lib.mjs'

const opts = flags({ entries: 20000, single: 600, rounds: 3, interval: -1, loads: 'single,hundred,requests', json: false })

const { buildStatementEnvelope } = await dist('core/dsse.js')
const { toBase64 } = await dist('core/bytes.js')
const { generateSigner, initialiseNode, openNode, readKeyFile } = await dist('cli/node-dir.js')
const { Publisher } = await dist('publish/publisher.js')

const log = (line) => process.stderr.write(line + '\n')
const root = mkdtempSync(join(os.tmpdir(), 'tracechain-publish-bench-'))
const runTag = `p${Date.now().toString(36)}`

/** A node with one admin registered; returns it and a signer of its statements. */
async function freshNode(name) {
  const dir = join(root, name)
  const node = await initialiseNode(dir)
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  const admin = { id: `${runTag}-admin`, signer: generateSigner() }
  const body = { id: admin.id, name: 'bench admin', roles: ['admin'], publicKey: toBase64(admin.signer.publicKey) }
  await node.ledger.submit(buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: `register-${admin.id}`, issuedAt: ISSUED_AT(), body }, [operator]))
  return { dir, node, admin }
}

function envelopesFor(admin, count, tag) {
  const issuedAt = ISSUED_AT()
  return Array.from({ length: count }, (_, i) =>
    buildStatementEnvelope({ type: 'actor.register', actor: admin.id, id: `${tag}-${i}`, issuedAt, body: registerBody(`${tag}-m${i}`, i) }, [admin.signer]),
  )
}

/** Appends `envelopes` in requests of `request` statements, `inFlight` at a time; resolves with the seconds taken. */
async function appendAll(ledger, envelopes, request, inFlight) {
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (next < envelopes.length) {
      const batch = envelopes.slice(next, next + request)
      next += request
      const outcomes = await ledger.submitMany(batch)
      if (outcomes.some((o) => o instanceof Error)) throw new Error(`refused: ${outcomes.find((o) => o instanceof Error).code}`)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  return (performance.now() - started) / 1000
}

function filesUnder(dir) {
  let files = 0
  let bytes = 0
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path)
      else {
        files++
        bytes += statSync(path).size
      }
    }
  }
  walk(dir)
  return { files, bytes }
}

const shapes = [
  { key: 'single', name: 'one entry a commit', count: opts.single, request: 1, inFlight: 1 },
  { key: 'hundred', name: '100 entries a commit', count: opts.entries, request: 100, inFlight: 1 },
  { key: 'requests', name: '1000-statement requests, 4 in flight', count: opts.entries, request: 1000, inFlight: 4 },
].filter((shape) => opts.loads.split(',').includes(shape.key))

const rows = [['load', 'entries', 'commits', 'appends/s without', 'appends/s with', 'publications', 'ms a publication (p50 / p99)', 'caught up after the last commit (median)']]
const results = []
let published
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
for (const shape of shapes) {
  const rates = { without: [], with: [] }
  const publications = []
  const lags = []
  let commits = 0
  for (let round = 0; round < opts.rounds; round++) {
    for (const withPublisher of [false, true]) {
      const { dir, node, admin } = await freshNode(`${shape.request}-${shape.inFlight}-${round}-${withPublisher ? 'pub' : 'plain'}`)
      const envelopes = envelopesFor(admin, shape.count, `${runTag}-${shape.request}-${round}-${withPublisher}`)
      commits = 0
      node.ledger.addObserver({ onCommit: (accepted) => (commits += accepted > 0 ? 1 : 0) })
      let publisher
      if (withPublisher) {
        publisher = await Publisher.open(node.ledger, join(dir, 'tlog'), {
          onPublished: (p) => publications.push(p.milliseconds),
          ...(opts.interval >= 0 ? { minIntervalMs: opts.interval } : {}),
        })
        await publisher.publish()
        publications.pop()
        node.ledger.addObserver({ onCommit: (accepted) => accepted > 0 && publisher.notify() })
      }
      const seconds = await appendAll(node.ledger, envelopes, shape.request, shape.inFlight)
      const lastCommit = performance.now()
      if (publisher) {
        await publisher.close()
        lags.push(performance.now() - lastCommit)
        published = { dir: join(dir, 'tlog'), size: node.ledger.size, entriesBin: statSync(join(dir, 'db', 'entries.bin')).size, nodeDir: dir }
      }
      rates[withPublisher ? 'with' : 'without'].push(shape.count / seconds)
      await node.close()
      if (!withPublisher || round < opts.rounds - 1) rmSync(dir, { recursive: true, force: true })
      log(`${shape.name}, round ${round + 1}, ${withPublisher ? 'with' : 'without'} a publisher: ${fmt.int(shape.count / seconds)} appends/s, ${commits} commits`)
    }
  }
  const s = stats(publications)
  const without = median(rates.without)
  const withPublishing = median(rates.with)
  rows.push([shape.name, fmt.int(shape.count), fmt.int(commits), fmt.int(without), `${fmt.int(withPublishing)} (${((withPublishing / without - 1) * 100).toFixed(0)}%)`, fmt.int(publications.length / opts.rounds), `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)}`, `${median(lags).toFixed(0)} ms`])
  results.push({ shape: shape.name, entries: shape.count, commits, appendsPerSecondWithout: rates.without, appendsPerSecondWith: rates.with, publicationsPerRound: publications.length / opts.rounds, publicationMs: s, caughtUpMs: lags })
}

// The last tree published while appending, whole: bytes per 1,000 entries, beside the entries' own bytes.
const { files, bytes } = filesUnder(published.dir)
const perThousand = (n) => (n / published.size) * 1000
// And the same tree written by `tracechain publish` for the stopped node, at once.
const offline = join(root, 'offline')
const reopened = await openNode(published.nodeDir)
const offlineStarted = performance.now()
const offlinePublisher = await Publisher.open(reopened.ledger, offline, { concurrency: 16 })
await offlinePublisher.publish()
const offlineSeconds = (performance.now() - offlineStarted) / 1000
await reopened.close()
const whole = filesUnder(offline)
// What a bundle costs on the wire where the server compresses it (nginx gzip_types, a CDN).
let bundleBytes = 0
let gzipped = 0
for (const name of readdirSync(join(offline, 'tile', 'entries'))) {
  if (name.endsWith('.p')) continue
  const bytes = readFileSync(join(offline, 'tile', 'entries', name))
  bundleBytes += bytes.length
  gzipped += gzipSync(bytes, { level: 6 }).length
}

const out = []
out.push(`machine: ${machine()}`)
out.push('statement: actor.register by an admin, ~1 KB of JCS payload (bench/lib.mjs registerBody)')
out.push('')
out.push(table(rows))
out.push('')
out.push(`published tree of ${fmt.int(published.size)} entries (serve --publish, superseded partial tiles still in their 60 s grace): ${fmt.int(files)} files, ${fmt.int(bytes)} bytes, ${fmt.int(perThousand(bytes))} bytes per 1,000 entries; disk ${fmt.int(diskUsage(published.dir).allocated)} bytes allocated`)
out.push(`the same tree by publish --out: ${fmt.int(whole.files)} files, ${fmt.int(whole.bytes)} bytes, ${fmt.int(perThousand(whole.bytes))} bytes per 1,000 entries (entries.bin: ${fmt.int(perThousand(published.entriesBin))}; hash tiles: ${fmt.int(perThousand(32 * published.size * 256 / 255))}); written in ${offlineSeconds.toFixed(2)} s, ${fmt.int(published.size / offlineSeconds)} entries/s`)
out.push(`full bundles gzipped (level 6): ${((gzipped / bundleBytes) * 100).toFixed(0)}% of their size`)
process.stdout.write(opts.json ? JSON.stringify({ results, published: { ...published, files, bytes }, offline: { ...whole, seconds: offlineSeconds } }, null, 2) + '\n' : out.join('\n') + '\n')
rmSync(root, { recursive: true, force: true })
process.exit(0)
