// A page reads the few entries it shows, their inclusion proofs and its signers' registrations from the node's
// API in one request beside the log key (GET /v1/proofs/entries without a size): from the tiles each would cost a phone a level-0 hash tile
// (8 kB) and the 256-entry bundle that holds it (some 80 kB in brotli on a large log; bench/scan.mjs).
// Run with the page's own LogSource (web/verify.ts httpLogSource) over a real port, through a proxy that
// rewrites or refuses answers as a hostile node or network would: an entry or a proof the API alters, or an
// entry it swaps, fails the page, named; an API that gives neither leaves the page to the tiles.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { buildApp } from '../../src/http/app.js'
import { verifyLogEntries, type CheckpointMemory, type RememberedCheckpoint } from '../../src/web/verify-log.js'
import { PAYLOADS_AS_TEXT } from '../../src/web/early-requests.js'
import { httpLogSource } from '../../src/web/http-log-source.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { testDir } from '../helpers/test-dir.js'

async function listeningNode(t: Test) {
  const node = await makeNode(testDir(t))
  await node.register('farm-1', ['farm'])
  await node.register('shop-1', ['retailer'])
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const proxy = await startRewritingProxy(t, baseUrl)
  return { node, proxy, source: httpLogSource(proxy.url) }
}

/** What a browser remembers of a log between scans (localStorage in the page). */
function memory(seen?: RememberedCheckpoint): CheckpointMemory & { seen?: RememberedCheckpoint } {
  const kept: CheckpointMemory & { seen?: RememberedCheckpoint } = { seen, read: () => kept.seen, write: (_origin, checkpoint) => void (kept.seen = checkpoint) }
  return kept
}

const SEQS = [0, 1, 2]
const bundleReads = (asked: string[]) => asked.filter((path) => path.startsWith('/tlog/tile/entries/'))
const PROVEN = '/v1/proofs/entries?'
// Each asks for payloads as text (core/payload-text.ts); one that does not would read as such.
const batches = (asked: string[]) =>
  asked.filter((path) => path.startsWith(PROVEN)).map((path) => (path.endsWith(PAYLOADS_AS_TEXT) ? path.slice(0, -PAYLOADS_AS_TEXT.length) : `${path} (payloads in base64)`))

interface ProvenItem {
  seq: number
  entry: Record<string, unknown>
  proof: string[]
}

/** `hex` with its first digit changed: a hash of the proof altered. */
const flippedHex = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1)

/** Rewrites each item of the API's entries-with-proofs answers as a hostile node or network would. */
function rewriteProven(change: (item: ProvenItem, all: ProvenItem[]) => void) {
  return (bytes: Buffer, path: string): Buffer => {
    if (!path.startsWith(PROVEN)) return bytes
    const answer = JSON.parse(bytes.toString()) as { entries: ProvenItem[] }
    const original = structuredClone(answer.entries)
    for (const item of answer.entries) change(item, original)
    return Buffer.from(JSON.stringify(answer))
  }
}

t.test('the entries a page shows and their proofs come from the API in one request, checked against the signed root', async (t) => {
  const { proxy, source } = await listeningNode(t)
  const outcome = await verifyLogEntries(source, nobleEd25519, SEQS)
  t.same(outcome.failures, [])
  t.same(outcome.entries.map((e) => [e.seq, e.ok]), SEQS.map((seq) => [seq, true]))
  t.same(batches(proxy.asked), [`${PROVEN}seqs=${SEQS.join(',')}`], "one request for all of them, beside the key: in the tree of the API's checkpoint, which its answer carries")
  t.same(proxy.asked.filter((path) => /^\/v1\/(entries|proofs\/inclusion)/.test(path)), [], 'none one by one')
  t.same(bundleReads(proxy.asked), [], 'no entry bundle fetched')
  t.same(proxy.asked.filter((path) => path.startsWith('/tlog/')), ['/tlog/checkpoint'], 'of the tiles, the checkpoint alone')
})

t.test("the API's checkpoint only where it verifies and is as new as the tiles'", async (t) => {
  const { node, proxy, source } = await listeningNode(t)
  const older = node.ledger.checkpoint
  await node.register('farm-9', ['farm'])
  const apiCheckpoint = (change: (note: string) => string) => (bytes: Buffer, path: string) => {
    if (!path.startsWith(PROVEN) || path.includes('size=')) return bytes
    const answer = JSON.parse(bytes.toString()) as { checkpoint: string; size: number }
    return Buffer.from(JSON.stringify({ ...answer, checkpoint: change(answer.checkpoint) }))
  }
  const cases: [string, (note: string) => string][] = [
    ['an older checkpoint than the tiles serve', () => older],
    ['a signature changed', (note) => note.replace(/ (\S{12})(\S)/, (_, head: string, c: string) => ` ${head}${c === 'A' ? 'B' : 'A'}`)],
    ['no checkpoint at all', () => 'not a note'],
  ]
  for (const [name, change] of cases) {
    proxy.asked.length = 0
    proxy.rewriteBytes = apiCheckpoint(change)
    const outcome = await verifyLogEntries(source, nobleEd25519, SEQS)
    t.same(outcome.failures, [], name)
    t.equal(outcome.checkpoint?.size, node.ledger.size, `${name}: the tiles' checkpoint`)
    // The answer's entries are proven in the tree of the size it names, which is the tiles' checkpoint's here.
    t.same(batches(proxy.asked), [`${PROVEN}seqs=${SEQS.join(',')}`], `${name}: its entries, checked against the tiles' root`)
  }
  // An answer in another tree than the tiles': its entries are asked for again, in the tiles' tree.
  proxy.asked.length = 0
  proxy.rewriteBytes = (bytes, path) => {
    if (!path.startsWith(PROVEN) || path.includes('size=')) return bytes
    return Buffer.from(JSON.stringify({ ...(JSON.parse(bytes.toString()) as object), checkpoint: older, size: node.ledger.size - 1 }))
  }
  const outcome = await verifyLogEntries(httpLogSource(proxy.url), nobleEd25519, SEQS)
  t.same(outcome.failures, [])
  t.same(batches(proxy.asked), [`${PROVEN}seqs=${SEQS.join(',')}`, `${PROVEN}seqs=${SEQS.join(',')}&size=${node.ledger.size}`], 'the entries asked for again, in its tree')
})

t.test('an entry or proof the API alters, or an entry it swaps, fails the page, named; the tiles do not stand in', async (t) => {
  const { proxy, source } = await listeningNode(t)
  proxy.rewriteBytes = rewriteProven((item) => {
    if (item.seq === 1) item.entry.recordedAt = '2020-01-01T00:00:00.000Z'
  })
  const altered = await verifyLogEntries(source, nobleEd25519, SEQS)
  t.notOk(altered.ok)
  t.same(altered.failures.map((f) => [f.seq, f.check]), [[1, 'inclusion']], 'the altered entry is not in the signed tree')
  t.same(bundleReads(proxy.asked), [], 'its bundle is not asked to stand in for it')

  proxy.rewriteBytes = rewriteProven((item, all) => {
    if (item.seq === 1) item.entry = all[2].entry
  })
  const swapped = await verifyLogEntries(source, nobleEd25519, SEQS)
  t.same(swapped.failures.map((f) => [f.seq, f.check]), [[1, 'entry']], 'another seq served in its place')
  t.match(swapped.failures[0].detail, 'is not entry 1')

  proxy.rewriteBytes = rewriteProven((item) => {
    if (item.seq === 2) item.proof[0] = flippedHex(item.proof[0])
  })
  const badProof = await verifyLogEntries(source, nobleEd25519, SEQS)
  t.same(badProof.failures.map((f) => [f.seq, f.check]), [[2, 'inclusion']], 'a proof altered: named by its seq')
  t.same(bundleReads(proxy.asked), [])
})

t.test('the next scan checks the API\'s consistency proof from the checkpoint it saw; a rewritten history fails', async (t) => {
  const { node, proxy, source } = await listeningNode(t)
  const first = memory()
  t.ok((await verifyLogEntries(source, nobleEd25519, [1], first)).ok)
  const seenBefore = first.seen as RememberedCheckpoint
  t.equal(seenBefore.size, node.ledger.size, 'the first scan remembers the checkpoint')
  await node.register('later-1', ['farm'])
  await node.register('later-2', ['farm'])

  proxy.asked.length = 0
  const grown = memory(seenBefore)
  const outcome = await verifyLogEntries(source, nobleEd25519, [1], grown)
  t.same(outcome.failures, [])
  t.ok(proxy.asked.includes(`/v1/proofs/consistency?from=${seenBefore.size}&to=${node.ledger.size}`), 'the proof from the API')
  t.same(proxy.asked.filter((path) => path.startsWith('/tlog/')), ['/tlog/checkpoint'], 'no tile read for it')
  t.equal(grown.seen?.size, node.ledger.size, 'the larger checkpoint remembered')

  const rewritten = memory({ ...seenBefore, root: toBase64(new Uint8Array(32).fill(7)) })
  const caught = await verifyLogEntries(source, nobleEd25519, [1], rewritten)
  t.same(caught.failures.map((f) => f.check), ['consistency'], 'a history that does not extend the one seen')
  t.equal(rewritten.seen?.root, toBase64(new Uint8Array(32).fill(7)), 'and it is not forgotten')

  proxy.rewriteBytes = (bytes, path) => {
    if (!path.startsWith('/v1/proofs/consistency')) return bytes
    const answer = JSON.parse(bytes.toString()) as { proof: string[] }
    answer.proof[0] = flippedHex(answer.proof[0])
    return Buffer.from(JSON.stringify(answer))
  }
  const altered = await verifyLogEntries(source, nobleEd25519, [1], memory(seenBefore))
  t.same(altered.failures.map((f) => f.check), ['consistency'], 'an altered proof fails it too')

  proxy.rewriteBytes = undefined
  proxy.refuse = (path) => path.startsWith('/v1/proofs/consistency')
  proxy.asked.length = 0
  t.ok((await verifyLogEntries(source, nobleEd25519, [1], memory(seenBefore))).ok, 'refused: the proof from the tiles')
  t.ok(proxy.asked.some((path) => path.startsWith('/tlog/tile/')))
})

t.test('an API that refuses entries, leaves one out or answers with something else leaves the page to the tiles', async (t) => {
  const { proxy, source } = await listeningNode(t)
  proxy.refuse = (path) => path.startsWith(PROVEN)
  const refused = await verifyLogEntries(source, nobleEd25519, SEQS)
  t.same(refused.failures, [])
  t.ok(refused.ok)
  t.equal(bundleReads(proxy.asked).length, 1, 'the one bundle that holds them, read once')
  t.equal(batches(proxy.asked).length, 2, 'asked beside the key, then in the tiles\' tree; once refused, not for the registry entries behind them')

  proxy.refuse = undefined
  proxy.asked.length = 0
  proxy.rewriteBytes = (bytes, path) => (path.startsWith(PROVEN) ? Buffer.from('<html>maintenance</html>') : bytes)
  const garbled = await verifyLogEntries(source, nobleEd25519, SEQS)
  t.ok(garbled.ok, 'not JSON: the tiles instead')
  t.equal(bundleReads(proxy.asked).length, 1)

  proxy.asked.length = 0
  proxy.rewriteBytes = (bytes, path) => {
    if (!path.startsWith(PROVEN)) return bytes
    const answer = JSON.parse(bytes.toString()) as { entries: ProvenItem[] }
    return Buffer.from(JSON.stringify({ ...answer, entries: answer.entries.filter((item) => item.seq !== 1) }))
  }
  const leftOut = await verifyLogEntries(source, nobleEd25519, SEQS)
  t.ok(leftOut.ok, 'an entry left out: read from the tiles')
  t.equal(bundleReads(proxy.asked).length, 1)

  proxy.rewriteBytes = (bytes, path) => (path.startsWith('/tlog/tile/entries/') ? Buffer.from(bytes).fill(0x20, 2, 40) : path.startsWith(PROVEN) ? Buffer.from('{}') : bytes)
  const bothBad = await verifyLogEntries(source, nobleEd25519, [1])
  t.notOk(bothBad.ok, 'and a bundle altered too is caught as ever')
  t.equal(bothBad.failures[0].check, 'tile')
})

t.test("a page that names another copy of the tiles (a CDN's) reads its entries from that copy's bundles", async (t) => {
  const { proxy } = await listeningNode(t)
  const source = httpLogSource(proxy.url, `${proxy.url}/tlog/`)
  t.equal(source.entry, undefined)
  t.ok((await verifyLogEntries(source, nobleEd25519, SEQS)).ok)
  t.same(batches(proxy.asked), [])
  t.equal(bundleReads(proxy.asked).length, 1)
})

/**
 * An HTTP gate in front of `target` that holds each request until none has come for QUIET_MS, then lets the
 * whole wave through: the waves it counts are the round trips a phone waits for, one after another.
 */
async function roundTripGate(t: Test, target: string) {
  const QUIET_MS = 300
  let held: (() => void)[] = []
  let timer: NodeJS.Timeout | undefined
  const gate = { url: '', waves: 0 }
  const server = createServer((request, response) => {
    held.push(() => {
      void fetch(target + (request.url ?? '/'), { headers: { accept: request.headers.accept ?? '*/*' } }).then(async (answer) => {
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' })
        response.end(Buffer.from(await answer.arrayBuffer()))
      })
    })
    clearTimeout(timer)
    timer = setTimeout(() => {
      const wave = held
      held = []
      gate.waves++
      for (const release of wave) release()
    }, QUIET_MS)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return gate
}

t.test('round trips a phone waits: the page names its signers, so they are looked up beside its checkpoint', async (t) => {
  const { node, proxy } = await listeningNode(t)
  const farm = await node.register('farm-2', ['farm'])
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-2', body: { publicKey: toBase64(newSigner().publicKey) } }, [farm]))
  const seqs = [node.ledger.size - 1, 1]
  const signers = ['farm-2', 'operator']

  const hinted = await roundTripGate(t, proxy.url)
  const outcome = await verifyLogEntries(httpLogSource(hinted.url), nobleEd25519, seqs, undefined, ['operator'], { likelySigners: signers })
  t.same(outcome.failures, [])
  t.ok(outcome.ok)
  // The key, the checkpoint, the witness policy, the signers, and the entries with the signers' registry entries.
  t.equal(hinted.waves, 1, `${hinted.waves} round trip`)

  const unhinted = await roundTripGate(t, proxy.url)
  t.ok((await verifyLogEntries(httpLogSource(unhinted.url), nobleEd25519, seqs)).ok)
  t.ok(unhinted.waves > hinted.waves, `without the page's word, ${unhinted.waves} round trips`)
})
