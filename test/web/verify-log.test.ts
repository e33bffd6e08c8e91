// The browser's checks, run in Node against a real node through its HTTP routes: everything a
// page may call "verified", and each tampering it must name (proofs, entries, keys, history).

import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { buildApp } from '../../src/http/app.js'
import { verifyLogEntries, type CheckpointMemory, type LogFetcher, type RememberedCheckpoint } from '../../src/web/verify-log.js'
import { makeNode, newSigner } from '../helpers/ledger.js'

type Tamper = (path: string, body: string) => string

async function logNode(t: Test) {
  const node = await makeNode(t.testdir())
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
  const fetcher = (tamper?: Tamper): LogFetcher => {
    const get = async (path: string) => {
      const response = await app.inject(path)
      if (response.statusCode !== 200) throw new Error(`${path}: HTTP ${response.statusCode}`)
      return tamper ? tamper(path, response.body) : response.body
    }
    return { text: get, json: async (path) => JSON.parse(await get(path)) as unknown }
  }
  return { node, app, fetcher }
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

const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1)

t.test('every seq verifies: genesis, registrations, rotations signed by the key they retire', async (t) => {
  const { fetcher, node } = await logNode(t)
  const seqs = [0, 1, 2, 3, 4, 5]
  const remembered = memory()
  const outcome = await verifyLogEntries(fetcher(), nobleEd25519, seqs, remembered)
  t.same(outcome.failures, [])
  t.ok(outcome.ok)
  t.same(outcome.entries.map((e) => [e.seq, e.ok]), seqs.map((s) => [s, true]))
  t.equal(outcome.entries[2].statement?.type, 'actor.rotate-key')
  t.equal(remembered.value?.size, node.ledger.size, 'the checkpoint is remembered')
  t.equal(remembered.value?.key, node.ledger.verifierKey)
})

t.test('the next scan checks consistency from the remembered checkpoint', async (t) => {
  const { fetcher, node } = await logNode(t)
  const remembered = memory()
  await verifyLogEntries(fetcher(), nobleEd25519, [1], remembered)
  const before = remembered.value as RememberedCheckpoint
  await node.register('later-1', ['farm'])
  const asked: string[] = []
  const outcome = await verifyLogEntries(fetcher((path, body) => (asked.push(path), body)), nobleEd25519, [6], remembered)
  t.ok(outcome.ok, 'a grown log that extends the old one verifies')
  t.ok(asked.includes(`/v1/proofs/consistency?from=${before.size}&to=${before.size + 1}`))
  t.equal(remembered.value?.size, before.size + 1)

  const rewritten = memory({ ...before, root: toBase64(new Uint8Array(32).fill(7)) })
  const caught = await verifyLogEntries(fetcher(), nobleEd25519, [1], rewritten)
  t.notOk(caught.ok)
  t.equal(caught.failures[0].check, 'consistency', 'a rewritten history is named')
  t.equal(caught.failures[0].seenSize, before.size)
  t.equal(rewritten.value?.root, toBase64(new Uint8Array(32).fill(7)), 'a failed check does not overwrite what was seen')

  const rolledBack = await verifyLogEntries(fetcher(), nobleEd25519, [1], memory({ ...before, size: before.size + 10 }))
  t.equal(rolledBack.failures[0].check, 'rollback')
  const sameSize = await verifyLogEntries(fetcher(), nobleEd25519, [1], memory({ ...before, size: node.ledger.size }))
  t.equal(sameSize.failures[0].check, 'consistency', 'two roots for one size')
  const otherKey = await verifyLogEntries(fetcher(), nobleEd25519, [1], memory({ ...before, key: 'other+00000000+AQ==' }))
  t.equal(otherKey.failures[0].check, 'key-changed')

  const badProof = await verifyLogEntries(
    fetcher((path, body) => (path.startsWith('/v1/proofs/consistency') ? body.replace(/"proof":\["([0-9a-f])/, (_m, c: string) => `"proof":["${c === '0' ? '1' : '0'}`) : body)),
    nobleEd25519,
    [1],
    memory(before),
  )
  t.equal(badProof.failures[0]?.check, 'consistency', 'a tampered consistency proof fails')
})

t.test('tampering is caught and named', async (t) => {
  const { fetcher } = await logNode(t)
  const cases: [string, Tamper, string, number?][] = [
    ['an inclusion proof hash', (path, body) => (path.startsWith('/v1/proofs/inclusion?seq=2&') ? body.replace(/"proof":\["([0-9a-f]{64})"/, (_m, h: string) => `"proof":["${flip(h)}"`) : body), 'inclusion', 2],
    [
      'an entry with a matching leaf hash',
      (path, body) => {
        if (path !== '/v1/entries/3') return body
        const served = JSON.parse(body) as { entry: { recordedAt: string }; leafHash: string }
        served.entry.recordedAt = '2020-01-01T00:00:00.000Z'
        return JSON.stringify(served)
      },
      'leaf-hash',
      3,
    ],
    ['the checkpoint signature', (path, body) => (path === '/v1/checkpoint' ? body.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`) : body), 'checkpoint-signature'],
    // The actor's keys come from its registry entries in the log; the node only says which seqs they are.
    ['another actor\'s entry among the actor\'s', (path, body) => (path === '/v1/actors/shop-1' ? body.replace('"seqs":[4,5]', '"seqs":[3,5]') : body), 'key-registration', 5],
    ['no registry entries listed for the actor', (path, body) => (path === '/v1/actors/shop-1' ? body.replace('"seqs":[4,5]', '"seqs":[]') : body), 'actor-key', 5],
    ['a listed seq outside the tree', (path, body) => (path === '/v1/actors/shop-1' ? body.replace('"seqs":[4,5]', '"seqs":[4,99]') : body), 'key-registration', 5],
  ]
  for (const [what, tamper, check, seq] of cases) {
    const outcome = await verifyLogEntries(fetcher(tamper), nobleEd25519, [0, 1, 2, 3, 4, 5], memory())
    t.notOk(outcome.ok, what)
    t.equal(outcome.failures[0]?.check, check, `${what}: ${outcome.failures[0]?.detail}`)
    if (seq !== undefined) t.equal(outcome.failures[0]?.seq, seq, `${what}: names the seq`)
  }
  const swapped = await verifyLogEntries(
    fetcher((path, body) => (path === '/v1/actors/shop-1' ? body.replace(/"publicKey":"[^"]+"/g, `"publicKey":"${toBase64(newSigner().publicKey)}"`) : body)),
    nobleEd25519,
    [0, 1, 2, 3, 4, 5],
    memory(),
  )
  t.same(swapped.failures, [], 'the keys the node serves in /v1/actors are not used: the log establishes them')
  const outside = await verifyLogEntries(fetcher(), nobleEd25519, [99], memory())
  t.equal(outside.failures[0].check, 'inclusion', 'a seq outside the tree')
  const down = await verifyLogEntries({ text: () => Promise.reject(new Error('offline')), json: () => Promise.reject(new Error('offline')) }, nobleEd25519, [1])
  t.equal(down.failures[0].check, 'network')
})
