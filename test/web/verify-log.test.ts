// The browser's checks, run in Node against a real node through its HTTP routes: its API for the key and
// the actors, its C2SP tiles under /tlog/ for the checkpoint, the entries and every proof. Everything a
// page may call "verified", and each tampering it must name (tiles, bundles, keys, history).

import t, { type Test } from 'tap'
import { toBase64, utf8 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { parseEntryBundle } from '../../src/core/entry-bundle.js'
import { buildApp } from '../../src/http/app.js'
import { verifyLogEntries, type CheckpointMemory, type LogSource, type RememberedCheckpoint } from '../../src/web/verify-log.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { flipByte, injectedSource, type Tampering } from '../helpers/log-source.js'
import { buildStaticLog } from '../helpers/static-log.js'
import { testDir } from '../helpers/test-dir.js'

async function logNode(t: Test) {
  const node = await makeNode(testDir(t))
  const farm = await node.register('farm-1', ['farm'])
  const next = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(next.publicKey) } }, [farm]))
  const third = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(third.publicKey) } }, [next]))
  const shop = await node.register('shop-1', ['retailer'])
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'shop-1', body: { publicKey: toBase64(newSigner().publicKey) } }, [shop]))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const source = (tampering?: Tampering, asked?: string[]): LogSource => injectedSource(app, tampering, asked)
  return { node, app, source }
}

function memory(initial?: RememberedCheckpoint): CheckpointMemory & { value?: RememberedCheckpoint } {
  const store: CheckpointMemory & { value?: RememberedCheckpoint } = {
    value: initial,
    read: () => store.value,
    write: (_origin, checkpoint) => {
      store.value = checkpoint
    },
  }
  return store
}

/** An answer that lists shop-1: its own, or the one for the actors a page asks for together. */
const isShopAnswer = (path: string) => path === '/v1/actors/shop-1' || (path.startsWith('/v1/actors?ids=') && path.split(/[=,]/).includes('shop-1'))

/** Where entry `seq`'s bytes start in a bundle (after its 2-byte length). */
function entryOffset(bundle: Uint8Array, seq: number): number {
  let at = 0
  for (let i = 0; i < seq; i++) at += 2 + ((bundle[at] << 8) | bundle[at + 1])
  return at + 2
}

t.test('every seq verifies from the tiles: genesis, registrations, rotations signed by the key they retire', async (t) => {
  const { source, node } = await logNode(t)
  const seqs = [0, 1, 2, 3, 4, 5]
  const remembered = memory()
  const asked: string[] = []
  const outcome = await verifyLogEntries(source({}, asked), nobleEd25519, seqs, remembered)
  t.same(outcome.failures, [])
  t.ok(outcome.ok)
  t.same(outcome.entries.map((e) => [e.seq, e.ok]), seqs.map((s) => [s, true]))
  t.equal(outcome.entries[2].statement?.type, 'actor.rotate-key')
  t.equal(remembered.value?.size, node.ledger.size, 'the checkpoint is remembered')
  t.equal(remembered.value?.key, node.ledger.verifierKey)
  t.same(
    [...new Set(asked.filter((path) => path.startsWith('/tlog/')))].sort(),
    ['/tlog/checkpoint', '/tlog/tile/0/000.p/6', '/tlog/tile/entries/000.p/6'],
    'the checkpoint, one hash tile and one bundle, each once',
  )
  t.equal(asked.filter((path) => path === '/tlog/tile/entries/000.p/6').length, 1, 'the bundle is read once for every entry in it')
  t.notOk(asked.some((path) => /^\/v1\/(entries|proofs|checkpoint)/.test(path)), 'no entry, proof or checkpoint from the API')
})

t.test('the next scan checks consistency from the remembered checkpoint, with a proof from the tiles', async (t) => {
  const { source, node } = await logNode(t)
  const remembered = memory()
  await verifyLogEntries(source(), nobleEd25519, [1], remembered)
  const before = remembered.value as RememberedCheckpoint
  await node.register('later-1', ['farm'])
  const asked: string[] = []
  const outcome = await verifyLogEntries(source({}, asked), nobleEd25519, [6], remembered)
  t.ok(outcome.ok, 'a grown log that extends the old one verifies')
  t.notOk(asked.some((path) => path.startsWith('/v1/proofs')), 'no proof API asked')
  t.equal(remembered.value?.size, before.size + 1)

  const rewritten = memory({ ...before, root: toBase64(new Uint8Array(32).fill(7)) })
  const caught = await verifyLogEntries(source(), nobleEd25519, [1], rewritten)
  t.notOk(caught.ok)
  t.equal(caught.failures[0].check, 'consistency', 'a rewritten history is named')
  t.equal(caught.failures[0].seenSize, before.size)
  t.equal(rewritten.value?.root, toBase64(new Uint8Array(32).fill(7)), 'a failed check does not overwrite what was seen')

  const rolledBack = await verifyLogEntries(source(), nobleEd25519, [1], memory({ ...before, size: before.size + 10 }))
  t.equal(rolledBack.failures[0].check, 'rollback')
  const sameSize = await verifyLogEntries(source(), nobleEd25519, [1], memory({ ...before, size: node.ledger.size }))
  t.equal(sameSize.failures[0].check, 'consistency', 'two roots for one size')
  const otherKey = await verifyLogEntries(source(), nobleEd25519, [1], memory({ ...before, key: 'other+00000000+AQ==' }))
  t.equal(otherKey.failures[0].check, 'key-changed')
})

t.test('tampering is caught and named', async (t) => {
  const { source, node } = await logNode(t)
  const size = node.ledger.size
  const seqs = [0, 1, 2, 3, 4, 5]
  const bundlePath = `tile/entries/000.p/${size}`
  const cases: [string, Tampering, string, number?][] = [
    ['the checkpoint signature', { tile: (path, bytes) => (path === 'checkpoint' ? utf8(new TextDecoder().decode(bytes).replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`)) : bytes) }, 'checkpoint-signature'],
    // The actor's keys come from its registry entries in the log; the node only says which seqs they are.
    ['another actor\'s entry among the actor\'s', { api: (path, body) => (isShopAnswer(path) ? body.replace('"seqs":[4,5]', '"seqs":[3,5]') : body) }, 'key-registration', 5],
    ['no registry entries listed for the actor', { api: (path, body) => (isShopAnswer(path) ? body.replace('"seqs":[4,5]', '"seqs":[]') : body) }, 'actor-key', 5],
    ['a listed seq outside the tree', { api: (path, body) => (isShopAnswer(path) ? body.replace('"seqs":[4,5]', '"seqs":[4,99]') : body) }, 'key-registration', 5],
  ]
  for (const [what, tampering, check, seq] of cases) {
    const outcome = await verifyLogEntries(source(tampering), nobleEd25519, seqs, memory())
    t.notOk(outcome.ok, what)
    t.equal(outcome.failures[0]?.check, check, `${what}: ${outcome.failures[0]?.detail}`)
    if (seq !== undefined) t.equal(outcome.failures[0]?.seq, seq, `${what}: names the seq`)
  }

  // A byte of the hash tile: the rightmost tiles no longer give the signed root, and no entry read from them verifies.
  const remembered = memory()
  const tile = await verifyLogEntries(source({ tile: (path, bytes) => (path === `tile/0/000.p/${size}` ? flipByte(bytes, 40) : bytes) }), nobleEd25519, seqs, remembered)
  t.same(tile.failures.map((f) => [f.seq, f.check, f.tile]), seqs.map((seq) => [seq, 'tile', `tile/0/000.p/${size}`]), tile.failures[0]?.detail)
  t.same(tile.entries.map((e) => e.ok), seqs.map(() => false))
  t.equal(remembered.value, undefined, 'a checkpoint whose tiles do not give its root is not remembered')

  // A byte of entry 3 in its bundle: every entry of that bundle fails, naming the bundle, and the detail entry 3.
  const bundle = await verifyLogEntries(
    source({ tile: (path, bytes) => (path === bundlePath ? flipByte(bytes, entryOffset(bytes, 3) + 30) : bytes) }),
    nobleEd25519,
    [3],
    memory(),
  )
  t.notOk(bundle.ok)
  t.match(bundle.failures[0], { check: 'tile', seq: 3, tile: bundlePath, detail: `entry 3 in ${bundlePath} does not hash to its leaf` })
  t.equal(bundle.entries[0].ok, false)

  const missing = await verifyLogEntries(source({ tile: (path, bytes) => (path.startsWith('tile/entries/') ? undefined : bytes) }), nobleEd25519, [2], memory())
  t.match(missing.failures[0], { check: 'tile', seq: 2, tile: bundlePath }, 'a bundle the copy does not have')

  const swapped = await verifyLogEntries(
    source({ api: (path, body) => (isShopAnswer(path) ? body.replace(/"publicKey":"[^"]+"/g, `"publicKey":"${toBase64(newSigner().publicKey)}"`) : body) }),
    nobleEd25519,
    seqs,
    memory(),
  )
  t.same(swapped.failures, [], 'the keys the node serves in /v1/actors are not used: the log establishes them')
  const outside = await verifyLogEntries(source(), nobleEd25519, [99], memory())
  t.equal(outside.failures[0].check, 'inclusion', 'a seq outside the tree')
  const offline = () => Promise.reject(new Error('offline'))
  const down = await verifyLogEntries({ api: { text: offline, json: offline }, tiles: offline }, nobleEd25519, [1])
  t.equal(down.failures[0].check, 'network')
  const noCheckpoint = await verifyLogEntries(source({ tile: (path, bytes) => (path === 'checkpoint' ? undefined : bytes) }), nobleEd25519, [1])
  t.equal(noCheckpoint.failures[0].check, 'network', 'a copy with no checkpoint')
})

t.test('a tree the node signed whose entry bytes are not what they say: leaf-hash and entry, named', async (t) => {
  const { app, node } = await logNode(t)
  const size = node.ledger.size
  const bundle = (await app.inject(`/tlog/tile/entries/000.p/${size}`)).rawPayload
  const entries: Uint8Array[] = parseEntryBundle(new Uint8Array(bundle), size).map((bytes) => bytes.slice())
  // Entry 3 as JSON that is not its own JCS form (keys out of order): it hashes to its leaf, but the entry it
  // parses to has another leaf hash. Entry 5 is not JSON at all.
  const parsed = JSON.parse(new TextDecoder().decode(entries[3])) as Record<string, unknown>
  entries[3] = utf8(JSON.stringify({ seq: parsed.seq, prev: parsed.prev, recordedAt: parsed.recordedAt, envelope: parsed.envelope }))
  entries[5] = utf8('not json')
  const signer = node.nodeSigner
  const forged = buildStaticLog(size, entries, { name: node.config.origin, publicKey: signer.publicKey, sign: (m) => signer.sign(m) })
  const source = injectedSource(app)
  const outcome = await verifyLogEntries({ api: source.api, tiles: async (path) => forged.resources.get(path)?.slice() }, nobleEd25519, [1, 3, 5])
  t.same(
    outcome.failures.map((f) => [f.check, f.seq]).sort(),
    [
      ['entry', 5],
      ['leaf-hash', 3],
    ],
    outcome.failures.map((f) => f.detail).join('; '),
  )
  t.ok(outcome.entries.find((e) => e.seq === 1)?.ok, 'the other entries of the bundle verify')
})

t.test('a log past one tile: full tiles and bundles, each authenticated through its parent', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  for (let i = 0; i < 299; i++) await node.register(`farm-${i}`, ['farm'])
  t.equal(node.ledger.size, 300)
  const asked: string[] = []
  const seqs = [0, 1, 255, 256, 299]
  const outcome = await verifyLogEntries(injectedSource(app, {}, asked), nobleEd25519, seqs, memory())
  t.same(outcome.failures, [])
  t.same(
    [...new Set(asked.filter((path) => path.startsWith('/tlog/tile/')))].sort(),
    ['/tlog/tile/0/000', '/tlog/tile/0/001.p/44', '/tlog/tile/1/000.p/1', '/tlog/tile/entries/000', '/tlog/tile/entries/001.p/44'],
  )

  const flipped = await verifyLogEntries(injectedSource(app, { tile: (path, bytes) => (path === 'tile/0/000' ? flipByte(bytes, 100 * 32) : bytes) }), nobleEd25519, [256, 299], memory())
  t.notOk(flipped.ok)
  t.ok(flipped.failures.length > 0, flipped.failures.map((f) => f.detail).join('; '))
  t.same(new Set(flipped.failures.map((f) => `${f.check} ${f.tile}`)), new Set(['tile tile/0/000']), 'a full tile that does not hash into its parent: named, wherever it is needed')
})

t.test('entries newer than the served checkpoint: the verifier asks again, briefly, then fails naming the entry', async (t) => {
  const { source, node } = await logNode(t)
  const stale = node.ledger.checkpoint
  const staleTiles = new Map<string, Uint8Array>()
  const fresh = source()
  for (const path of ['checkpoint', `tile/0/000.p/${node.ledger.size}`, `tile/entries/000.p/${node.ledger.size}`]) staleTiles.set(path, (await fresh.tiles(path))!)
  const farm = await node.register('farm-late', ['farm'])
  t.ok(farm)
  const newest = node.ledger.size - 1
  // The copy serves the old checkpoint for its first two answers (a checkpoint waiting for witnesses, a lagging CDN).
  let checkpointsServed = 0
  const lagging: LogSource = {
    api: fresh.api,
    tiles: async (path) => {
      if (path === 'checkpoint' && ++checkpointsServed <= 2) return staleTiles.get('checkpoint')
      return fresh.tiles(path)
    },
  }
  const outcome = await verifyLogEntries(lagging, nobleEd25519, [newest], memory())
  t.same(outcome.failures, [])
  t.equal(outcome.checkpoint?.size, node.ledger.size)
  t.equal(checkpointsServed, 3, 'asked until one covered the entry')
  t.not(stale, node.ledger.checkpoint)

  const stuck: LogSource = { api: fresh.api, tiles: async (path) => (path === 'checkpoint' ? staleTiles.get('checkpoint') : fresh.tiles(path)) }
  const started = Date.now()
  const failed = await verifyLogEntries(stuck, nobleEd25519, [newest], memory())
  t.notOk(failed.ok)
  t.match(failed.failures, [{ seq: newest }])
  t.ok(Date.now() - started < 10_000, 'it gives up within seconds')
})
