// The label's key id against the log key a node serves (verify-log.ts, expectedKeyId): a match is
// pinned, a different key fails with label-key naming both ids before anything is checked or
// remembered, a malformed id fails too, and a remembered key that changed still says so.

import { join } from 'node:path'
import t, { type Test } from 'tap'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { buildApp } from '../../src/http/app.js'
import { verifyLogEntries, type CheckpointMemory, type RememberedCheckpoint } from '../../src/web/verify-log.js'
import { makeNode } from '../helpers/ledger.js'
import { injectedSource } from '../helpers/log-source.js'
import { testDir } from '../helpers/test-dir.js'

async function served(t: Test, dir = testDir(t)) {
  const node = await makeNode(dir)
  await node.register('farm-1', ['farm'])
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const asked: string[] = []
  return { node, fetcher: injectedSource(app, {}, asked), asked }
}

function memory(initial?: RememberedCheckpoint): CheckpointMemory & { value?: RememberedCheckpoint; origins: string[] } {
  const store = {
    value: initial,
    origins: [] as string[],
    read: (origin: string) => (store.origins.push(origin), store.value),
    write: (_origin: string, checkpoint: RememberedCheckpoint) => {
      store.value = checkpoint
    },
  }
  return store
}

t.test('the label names the served key: verified and pinned, by 8 hex or more', async (t) => {
  const { node, fetcher } = await served(t)
  const keyId = logKeyIdOf(node.ledger.verifierKey)
  for (const expectedKeyId of [keyId, logKeyIdOf(node.ledger.verifierKey, 16), logKeyIdOf(node.ledger.verifierKey, 64)]) {
    const remembered = memory()
    const outcome = await verifyLogEntries(fetcher, nobleEd25519, [0, 1], remembered, [], { expectedKeyId })
    t.same(outcome.failures, [], expectedKeyId)
    t.ok(outcome.ok)
    t.equal(outcome.keyId, keyId)
    t.equal(outcome.keyPinned, true)
    t.equal(remembered.value?.key, node.ledger.verifierKey, 'remembered as before')
  }
  const unpinned = await verifyLogEntries(fetcher, nobleEd25519, [1])
  t.ok(unpinned.ok, 'no label id: trust on first use, as before')
  t.equal(unpinned.keyPinned, undefined)
  t.equal(unpinned.keyId, keyId)
})

t.test('another key: label-key naming both ids, and nothing verified or remembered', async (t) => {
  const dir = testDir(t)
  const first = await served(t, join(dir, 'a'))
  const second = await served(t, join(dir, 'b'))
  const labelled = logKeyIdOf(first.node.ledger.verifierKey)
  const servedId = logKeyIdOf(second.node.ledger.verifierKey)
  t.not(labelled, servedId)
  const remembered = memory()
  const outcome = await verifyLogEntries(second.fetcher, nobleEd25519, [0, 1], remembered, [], { expectedKeyId: labelled })
  t.notOk(outcome.ok)
  t.equal(outcome.failures.length, 1)
  t.match(outcome.failures[0], { check: 'label-key', expectedKeyId: labelled, servedKeyId: servedId })
  t.match(outcome.failures[0].detail, second.node.ledger.verifierKey, 'the detail names the served key in full')
  t.equal(outcome.checkpoint, undefined, 'no checkpoint is accepted under a key the label does not name')
  t.same(outcome.entries, [])
  t.equal(remembered.value, undefined, 'nothing remembered')
  t.notOk(second.asked.some((path) => path.startsWith('/tlog/tile/')), 'no tile or bundle fetched')

  const longer = await verifyLogEntries(second.fetcher, nobleEd25519, [1], undefined, [], { expectedKeyId: logKeyIdOf(first.node.ledger.verifierKey, 16) })
  t.match(longer.failures[0], { check: 'label-key', servedKeyId: logKeyIdOf(second.node.ledger.verifierKey, 16) }, 'the served id as long as the label\'s')
})

t.test('a malformed label id fails; it is not ignored', async (t) => {
  const { fetcher } = await served(t)
  for (const expectedKeyId of ['', 'XYZ', '370B113F', '370b113', '<script>', '0'.repeat(65)]) {
    const outcome = await verifyLogEntries(fetcher, nobleEd25519, [1], undefined, [], { expectedKeyId })
    t.notOk(outcome.ok, JSON.stringify(expectedKeyId))
    t.equal(outcome.failures[0]?.check, 'label-key')
  }
})

t.test('the remembered key: a changed key still says so, with the label and without', async (t) => {
  const dir = testDir(t)
  const first = await served(t, join(dir, 'a'))
  const second = await served(t, join(dir, 'b'))
  const remembered = memory()
  t.ok((await verifyLogEntries(first.fetcher, nobleEd25519, [1], remembered)).ok)
  const seen = remembered.value as RememberedCheckpoint

  // Same origin name, other key: the memory catches it whether or not a label pins anything.
  const unpinned = await verifyLogEntries(second.fetcher, nobleEd25519, [1], memory(seen))
  t.same(unpinned.failures.map((f) => f.check), ['key-changed'])
  // The label names the new key, the browser remembers the old one: the change is still reported.
  const pinnedNew = await verifyLogEntries(second.fetcher, nobleEd25519, [1], memory(seen), [], { expectedKeyId: logKeyIdOf(second.node.ledger.verifierKey) })
  t.same(pinnedNew.failures.map((f) => f.check), ['key-changed'])
  // The label names the old key, the node serves a new one: both are said.
  const pinnedOld = memory(seen)
  const both = await verifyLogEntries(second.fetcher, nobleEd25519, [1], pinnedOld, [], { expectedKeyId: logKeyIdOf(first.node.ledger.verifierKey) })
  t.same(both.failures.map((f) => f.check), ['label-key', 'key-changed'])
  t.same(pinnedOld.origins, ['tracechain.test/node'], 'the memory is read under the log origin the key names')
  t.equal(pinnedOld.value, seen, 'and left as it was')
})
