// A mirror follows a node from its tiles alone (the node's /tlog/ on a real port) and answers as the node
// does; writes get 405; whatever does not verify stops it with the evidence kept, and it goes on serving
// what it verified.

import t, { type Test } from 'tap'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { EXAMPLES_DIR, seedLedger } from '../../src/cli/demo.js'
import { eventHashId } from '../../src/core/epcis-event-hash.js'
import { buildApp } from '../../src/http/app.js'
import { DOMAINS, domainCheckModules } from '../../src/domains.js'
import { TracechainError } from '../../src/core/errors.js'
import { CheckPool } from '../../src/ledger/check-pool.js'
import type { StatementChecker } from '../../src/ledger/checks.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir, type OpenMirror } from '../../src/cli/mirror-dir.js'
import { makeNode, type TestNode } from '../helpers/ledger.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { registrations } from '../helpers/node-process.js'
import { hostileServer } from '../helpers/hostile-server.js'
import { testDir } from '../helpers/test-dir.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { toHex } from '../../src/core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import type { Signer } from '../../src/core/keys.js'
import { TILE_WIDTH } from '../../src/core/tile-paths.js'
import { looksCompressed } from '../../src/http/compression.js'

const FIXED_NOW = () => new Date('2026-06-20T08:00:00Z')

async function primary(t: Test, dir: string): Promise<{ node: TestNode; app: FastifyInstance; url: string }> {
  const node = await makeNode(dir)
  await seedLedger(node.ledger, node.operator)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: FIXED_NOW })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { node, app, url }
}

async function mirrorOf(t: Test, dir: string, verifierKey: string, source: string, fetch: FetchResource = httpResources(source)) {
  const mirror: OpenMirror = await openMirrorDir(dir, { verifierKey, source, primary: 'http://primary.example' })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch, ed: nodeEd25519, dir, chunkEntries: 300 })
  const app = await buildApp({ ledger: mirror.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: FIXED_NOW, mirror: follower })
  t.teardown(async () => {
    await follower.stop()
    await app.close()
    await mirror.close()
  })
  return { mirror, follower, app }
}

/** A second history of the node's log under its own key, of `size` entries, its tiles on a real port. */
async function forkOf(t: Test, root: string, node: TestNode, size: number): Promise<string> {
  const store = await LevelStore.open(join(root, `fork-${size}`))
  const fork = await Ledger.initialise({ store, nodeSigner: node.nodeSigner, origin: node.config.origin, ed: nodeEd25519, kinds: DOMAIN_KINDS }, node.operator)
  await fork.submitMany(registrations(node.operator, `f${size}`, size - 1))
  const app = await buildApp({ ledger: fork, config: { baseUrl: 'http://127.0.0.1' } })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await app.close()
    await fork.close()
    await store.close()
  })
  return url
}

const json = async (app: FastifyInstance, url: string) => {
  const response = await app.inject({ url, headers: { accept: 'application/json' } })
  return { status: response.statusCode, body: response.body }
}

t.test('a mirror fed by the node’s tiles answers every read as the node does; writes get 405', async (t) => {
  const root = testDir(t)
  const { node, app: nodeApp, url } = await primary(t, join(root, 'node'))
  const more = await node.ledger.submitMany(registrations(node.operator, 'm', 700))
  t.notOk(more.some((o) => o instanceof Error))
  const { mirror, follower, app } = await mirrorOf(t, join(root, 'mirror'), node.ledger.verifierKey, `${url}/tlog/`)

  await follower.poll()
  t.equal(follower.status.following, true, JSON.stringify(follower.status.failure))
  t.equal(mirror.ledger.size, node.ledger.size)
  t.equal(mirror.ledger.checkpoint, node.ledger.checkpoint, 'it serves the node’s own signed checkpoint')

  const lots = await DOMAINS.find((d) => d.lots)!.lots!.recentLots(node.ledger.records, 100)
  t.ok(lots.length >= 5, `${lots.length} lots`)
  const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, 'epcis', readdirSync(join(EXAMPLES_DIR, 'epcis'))[0]), 'utf8'))
  const event = { '@context': example['@context'], ...example.epcisBody.eventList[0] }
  const urls = [
    '/v1/checkpoint',
    '/v1/alerts',
    '/v1/seals',
    '/v1/actors',
    '/v1/events?limit=500',
    '/v1/events?perPage=500',
    `/events/${encodeURIComponent(event.eventID)}`,
    `/events/${encodeURIComponent(eventHashId(event))}`,
    '/v1/entries?from=0&limit=100',
    '/v1/proofs/inclusion?seq=5',
    '/tlog/tile/0/001',
    ...lots.flatMap((lot) => [lot.path, `/v1/trace/${encodeURIComponent(lot.traceCode)}?direction=backward`, `/v1/trace/${encodeURIComponent(lot.traceCode)}?direction=forward`]),
  ]
  for (const path of urls) t.same(await json(app, path), await json(nodeApp, path), path)
  for (const path of urls.filter((url) => url.startsWith('/events/'))) t.equal((await json(app, path)).status, 200, `${path}: found by either id`)

  // More entries: the next poll takes only those.
  await node.ledger.submitMany(registrations(node.operator, 'n', 5))
  await follower.poll()
  t.equal(mirror.ledger.size, node.ledger.size)
  t.equal(mirror.ledger.checkpoint, node.ledger.checkpoint)

  const write = await app.inject({ method: 'POST', url: '/v1/statements', payload: registrations(node.operator, 'w', 1)[0] })
  t.equal(write.statusCode, 405)
  t.match(write.json(), { code: 'MIRROR_READ_ONLY', details: { primary: 'http://primary.example' } })
  const bad = await app.inject({ method: 'POST', url: '/v1/statements', payload: '{not json', headers: { 'content-type': 'application/json' } })
  t.equal(bad.statusCode, 405, 'a mirror refuses any write before reading it')
  t.equal(mirror.ledger.size, node.ledger.size, 'nothing written')
  const health = await app.inject('/healthz')
  t.equal(health.statusCode, 200)
  t.match(health.json(), { ok: true, mirror: { following: true, size: node.ledger.size, sourceSize: node.ledger.size } })
})

t.test('a bundle whose first bytes look like a zlib header reaches the mirror as it is', async (t) => {
  // Seen in CI: one entry bundle of a log began with bytes @fastify/compress took for a compressed body, so
  // the node labelled it brotli without compressing it, and every poll of every mirror failed on it.
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'z', TILE_WIDTH - node.ledger.size))
  const revoke = entryOfLengthLookingCompressed(node.operator, TILE_WIDTH)
  await node.ledger.submitMany([revoke])
  const bundle = await node.ledger.entryBundle(1, 1)
  t.ok(looksCompressed(bundle), `the bundle begins ${toHex(bundle.subarray(0, 2))}`)

  const response = await fetch(`${url}/tlog/tile/entries/001.p/1`, { headers: { 'accept-encoding': 'br, gzip' } })
  t.equal(response.headers.get('content-encoding'), null, 'sent as it is, and not labelled compressed')
  t.same(new Uint8Array(await response.arrayBuffer()), bundle)
  const { mirror, follower } = await mirrorOf(t, join(root, 'mirror'), node.ledger.verifierKey, `${url}/tlog/`)
  await follower.poll()
  t.notOk(follower.status.sourceError, 'the poll read every bundle')
  t.equal(mirror.ledger.size, node.ledger.size)
})

/** An operator's actor.revoke that the node records as an entry at `seq` whose bundle's first bytes (its 16-bit length) look like a zlib header. */
function entryOfLengthLookingCompressed(operator: Signer, seq: number): Envelope {
  const recordedAt = new Date().toISOString()
  for (let ascii = 0; ascii < 500; ascii++) {
    const envelope = buildStatementEnvelope(
      {
        type: 'actor.revoke',
        actor: 'operator',
        id: 'revoke-z-0',
        issuedAt: '2024-05-01T00:00:00.000Z',
        body: { actor: 'z-0', reason: '未按规定使用公章'.repeat(50) + 'x'.repeat(ascii) },
      },
      [operator],
    )
    const length = canonicalBytes({ seq, prev: '0'.repeat(64), recordedAt, envelope }).length
    if (length < 0x10000 && looksCompressed(new Uint8Array([length >> 8, length & 0xff]))) return envelope
  }
  throw new Error('no reason length gives such an entry')
}

t.test('a flipped byte in a tile stops the mirror: it keeps what it verified, says so, and keeps the tile', async (t) => {
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  const source = httpResources(`${url}/tlog/`)
  const sizeBefore = node.ledger.size
  let tamper = false
  const tampering: FetchResource = async (path) => {
    const bytes = await source(path)
    if (tamper && bytes && path === 'tile/entries/000') {
      const copy = new Uint8Array(bytes)
      copy[40] ^= 1
      return copy
    }
    return bytes
  }
  const { mirror, follower, app } = await mirrorOf(t, join(root, 'mirror'), node.ledger.verifierKey, `${url}/tlog/`, tampering)
  await follower.poll()
  t.equal(mirror.ledger.size, sizeBefore)
  await node.ledger.submitMany(registrations(node.operator, 'm', 300))
  tamper = true
  await follower.poll()
  const status = follower.status
  t.equal(status.following, false)
  t.match(status.failure, { code: 'TILE_INVALID', path: 'tile/entries/000' })
  t.equal(mirror.ledger.size, sizeBefore, 'nothing past the failure is taken')
  const evidence = status.failure!.evidence
  t.same(readdirSync(evidence).sort(), ['accepted-checkpoint', 'finding.json', 'offered-checkpoint', 'resources'])
  t.ok(existsSync(join(evidence, 'resources/tile/entries/000')), 'the tampered bundle as served')
  t.equal(readFileSync(join(evidence, 'offered-checkpoint'), 'utf8'), node.ledger.checkpoint)
  const health = await app.inject('/healthz')
  t.equal(health.statusCode, 503)
  t.match(health.json(), { ok: false, mirror: { following: false, failure: { code: 'TILE_INVALID', path: 'tile/entries/000' } } })
  t.equal((await app.inject('/v1/checkpoint')).body, mirror.ledger.checkpoint, 'it goes on serving what it verified')
  const explorer = await app.inject('/?lang=en')
  t.match(explorer.body, /This mirror stopped following the log: what it read did not verify \(TILE_INVALID: entry \d+ in tile\/entries\/000/)
  tamper = false
  await follower.poll()
  t.equal(mirror.ledger.size, sizeBefore, 'a stopped mirror follows no more: the evidence stands until an operator looks')
})

t.test('a split view: another history under the same key is caught and both checkpoints kept', async (t) => {
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  // The operator runs a second history under the node's own key and shows it to this mirror later.
  const forkUrl = await forkOf(t, root, node, node.ledger.size + 20)
  let showFork = false
  const honest = httpResources(`${url}/tlog/`)
  const forked = httpResources(`${forkUrl}/tlog/`)
  const { mirror, follower, app } = await mirrorOf(t, join(root, 'mirror'), node.ledger.verifierKey, `${url}/tlog/`, (path) => (showFork ? forked(path) : honest(path)))
  await follower.poll()
  const seen = mirror.ledger.checkpoint
  t.equal(seen, node.ledger.checkpoint)
  showFork = true
  await follower.poll()
  t.match(follower.status.failure, { code: 'PROOF_INVALID' })
  const evidence = follower.status.failure!.evidence
  t.equal(readFileSync(join(evidence, 'accepted-checkpoint'), 'utf8'), seen)
  t.equal(readFileSync(join(evidence, 'offered-checkpoint'), 'utf8'), await (await fetch(`${forkUrl}/tlog/checkpoint`)).text(), 'both signed checkpoints: the proof of a split view')
  t.equal(mirror.ledger.checkpoint, seen)
  t.equal((await app.inject('/healthz')).statusCode, 503)

  // A restarted mirror (no checkpoint in memory) catches it too, from the tree it holds.
  const again = new Follower({ ledger: mirror.ledger, source: forkUrl, fetch: forked, ed: nodeEd25519, dir: join(root, 'mirror') })
  await again.poll()
  t.match(again.status.failure, { code: 'PROOF_INVALID' })
  t.equal(mirror.ledger.checkpoint, seen)
})

t.test('an older checkpoint of the same tree (a stale CDN copy) is no fault; a smaller fork is', async (t) => {
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  const stale = node.ledger.checkpoint
  const staleTiles = new Map<string, Uint8Array>()
  const honest = httpResources(`${url}/tlog/`)
  for (const path of ['checkpoint', 'tile/0/000.p/' + node.ledger.size, 'tile/entries/000.p/' + node.ledger.size]) staleTiles.set(path, (await honest(path))!)
  await node.ledger.submitMany(registrations(node.operator, 'm', 10))
  const smallerFork = httpResources(`${await forkOf(t, root, node, 5)}/tlog/`)
  let show: FetchResource = honest
  const { mirror, follower } = await mirrorOf(t, join(root, 'mirror'), node.ledger.verifierKey, `${url}/tlog/`, (path) => show(path))
  await follower.poll()
  t.equal(mirror.ledger.size, node.ledger.size)
  show = async (path) => staleTiles.get(path)
  await follower.poll()
  t.equal(follower.status.following, true, 'an older checkpoint of this tree')
  t.equal(mirror.ledger.size, node.ledger.size)
  t.not(stale, mirror.ledger.checkpoint)
  show = smallerFork
  await follower.poll()
  t.match(follower.status.failure, { code: 'CHECKPOINT_MISMATCH' }, 'a smaller checkpoint that is not of this tree')
})

t.test('a new mirror in its first catch-up serves no reads until it holds a verified checkpoint; the explorer says what it is', async (t) => {
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'm', 600))
  const source = httpResources(`${url}/tlog/`)
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  // The second chunk's bundle waits: the first chunk (256 entries) is committed with no checkpoint of its size.
  const held: FetchResource = async (path) => {
    if (path === 'tile/entries/001') await released
    return source(path)
  }
  const mirror: OpenMirror = await openMirrorDir(join(root, 'mirror'), { verifierKey: node.ledger.verifierKey, source: url, primary: url })
  const follower = new Follower({ ledger: mirror.ledger, source: url, fetch: held, ed: nodeEd25519, dir: join(root, 'mirror'), chunkEntries: 256 })
  const app = await buildApp({ ledger: mirror.ledger, config: { baseUrl: 'http://127.0.0.1' }, mirror: follower })
  t.teardown(async () => {
    release()
    await follower.stop()
    await app.close()
    await mirror.close()
  })
  const polling = follower.poll()
  while (mirror.ledger.size < 256) await new Promise((resolve) => setTimeout(resolve, 10))
  for (const path of ['/', '/v1/checkpoint', '/v1/entries/3', '/tlog/checkpoint']) {
    const response = await app.inject(path)
    t.equal(response.statusCode, 503, path)
    t.equal(response.json().code, 'MIRROR_NOT_READY', path)
    t.equal(response.headers['retry-after'], '5')
  }
  const health = await app.inject('/healthz')
  t.equal(health.statusCode, 503, 'not ready for a balancer')
  t.match(health.json(), { ok: false, size: 256, mirror: { following: true } })
  t.equal((await app.inject({ method: 'POST', url: '/v1/statements', payload: {} })).statusCode, 405)
  release()
  await polling
  t.equal(mirror.ledger.size, node.ledger.size)
  t.equal((await app.inject('/healthz')).statusCode, 200)
  const explorer = await app.inject('/?lang=en')
  t.equal(explorer.statusCode, 200)
  t.match(explorer.body, `This is a mirror: it follows the log at ${url}`)
})

t.test('checks that fail to run are the mirror’s own fault: it says so and tries again, keeping no evidence', async (t) => {
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  const store = await LevelStore.open(join(root, 'mirror', 'db'))
  let broken = true
  const pool = CheckPool.shared(domainCheckModules())
  const stopped = () => Promise.reject(new TracechainError('INTERNAL', 'statement checks failed: a check thread stopped'))
  const checker: StatementChecker = {
    check: (job) => (broken ? stopped() : pool.check(job)),
    checkReplica: (job) => (broken ? stopped() : pool.checkReplica(job)),
    checkAudit: (job) => (broken ? stopped() : pool.checkAudit(job)),
  }
  const ledger = await Ledger.openReplica({ store, verifierKey: node.ledger.verifierKey, primary: url, ed: nodeEd25519, checker, kinds: DOMAIN_KINDS })
  t.teardown(async () => {
    await ledger.close()
    await store.close()
  })
  const follower = new Follower({ ledger, source: `${url}/tlog/`, fetch: httpResources(`${url}/tlog/`), ed: nodeEd25519, dir: join(root, 'mirror') })
  await follower.poll()
  t.match(follower.status, { following: true, size: 0, sourceError: { message: /a check thread stopped/ } })
  t.notOk(existsSync(join(root, 'mirror', 'evidence')))
  broken = false
  await follower.poll()
  t.match(follower.status, { following: true, size: node.ledger.size })
  t.notOk(follower.status.sourceError)
})

t.test('a fetch that fails mid-catch-up is the source’s fault, named with its cause; the next poll reads on', async (t) => {
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'c', 3 * TILE_WIDTH))
  const source = httpResources(`${url}/tlog/`)
  let failures = 0
  const cut: FetchResource = async (path) => {
    if (path === 'tile/entries/002' && failures++ === 0) throw new TypeError('terminated', { cause: new Error('other side closed') })
    return source(path)
  }
  const { mirror, follower } = await mirrorOf(t, join(root, 'mirror'), node.ledger.verifierKey, `${url}/tlog/`, cut)
  await follower.poll()
  t.match(follower.status, { following: true, sourceError: { message: 'terminated: other side closed' } })
  t.ok(mirror.ledger.size < node.ledger.size, `caught up to ${mirror.ledger.size} of ${node.ledger.size}`)
  t.notOk(existsSync(join(root, 'mirror', 'evidence')), 'no evidence: the log did nothing wrong')
  await follower.poll()
  t.notOk(follower.status.sourceError)
  t.equal(mirror.ledger.size, node.ledger.size)
  t.equal(mirror.ledger.checkpoint, node.ledger.checkpoint)
})

t.test('a copy that sends more than a resource can hold is not read past it, even gzipped: the mirror stops, saying so', async (t) => {
  const root = testDir(t)
  const { node, url } = await primary(t, join(root, 'node'))
  const cases: [string, (path: string) => 'endless' | 'bomb' | undefined, RegExp][] = [
    ['an endless checkpoint', (path) => (path === 'checkpoint' ? 'endless' : undefined), /^GET checkpoint: the copy sent more than the 1048576 bytes/],
    ['a gzip bomb for a hash tile', (path) => (path.startsWith('tile/0/') ? 'bomb' : undefined), /^GET tile\/0\/000\.p\/\d+: the copy sent more than the \d+ bytes/],
    ['an endless entry bundle', (path) => (path.startsWith('tile/entries/') ? 'endless' : undefined), /^GET tile\/entries\/000\.p\/\d+: the copy sent more than the \d+ bytes/],
  ]
  for (const [i, [name, hostile, said]] of cases.entries()) {
    // The node's tiles at /tlog/, but for the one path made hostile.
    const copy = await hostileServer(t, (path) => `${url}/tlog${path}`, (path) => hostile(path.slice(1)))
    const dir = join(root, `mirror-${i}`)
    const { mirror, follower } = await mirrorOf(t, dir, node.ledger.verifierKey, `${copy.url}/`)
    const started = Date.now()
    await follower.poll()
    t.match(follower.status, { following: false, failure: { code: 'BODY_TOO_LARGE' } }, `${name}: the copy misbehaved`)
    t.match(follower.status.failure?.reason, said, name)
    // A bomb's few kB on the wire are all sent at once; what counts is that they are not all decoded (the code says so).
    if (!name.includes('bomb')) t.ok(copy.sent() < 64 * 1024 * 1024, `${name}: ${copy.sent()} bytes sent before the mirror hung up`)
    t.ok(Date.now() - started < 20_000, `${name}: within ${Date.now() - started} ms`)
    t.equal(mirror.ledger.size, 0, `${name}: nothing kept`)
    t.ok(readdirSync(join(dir, 'evidence')).length === 1, `${name}: the finding kept`)
  }
})
